"""Hostile CSV exports (issue #17 items 2, 3, 4, 9): nothing erased, stale or a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
import deskmetrics.config.loading
import deskmetrics.plugin.registry
import deskmetrics.sync.engine
from deskmetrics.sync.engine import ConnectionResult
from subprocess_env import clean_env


class Desk:
    """A folder of CSV files and a store, synced the way `deskmetrics sync` does."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.data.mkdir()
        self.store = deskmetrics.Store(root / "t.db")

    def write(self, name: str, text: str) -> Path:
        path = self.data / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def connector(self, **options: Any) -> deskmetrics.Connector:
        table = {"connector": "csv", "path": "data", **options}
        config = deskmetrics.config.loading.parse_config(
            {"connections": {"desk": table}}, self.root / "deskmetrics.toml"
        )
        return deskmetrics.config.loading.build_connector(
            config,
            config.connections["desk"],
            deskmetrics.plugin.registry.get_registry().connectors,
        )

    def sync(self, **options: Any) -> ConnectionResult:
        return deskmetrics.sync.engine.sync_connector(self.store, self.connector(**options))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.store.conn.execute(sql)]


def error_of(result: ConnectionResult, stream: str) -> str | None:
    return next(s.error for s in result.streams if s.stream == stream)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Desk]:
    helpdesk = Desk(tmp_path)
    yield helpdesk
    helpdesk.store.close()


# -- item 4: scales ---------------------------------------------------------------------------


def test_nps_answers_on_0_to_100_are_rejected_without_the_option(desk: Desk) -> None:
    desk.write(
        "surveys.csv",
        """\
        id,kind,score,scale_min,scale_max,created_at
        n1,nps,50,0,100,2026-01-05
        n2,nps,50,,,2026-01-05
        n3,nps,9,,,2026-01-05
        """,
    )
    result = desk.sync(on_error="skip")
    assert result.status == "succeeded"
    assert desk.rows("SELECT id, score FROM surveys") == [("n3", 9.0)]
    reasons = desk.rows("SELECT location, field, reason FROM rejected_rows ORDER BY location")
    assert reasons == [
        ("surveys.csv:2", "scale_min",
         "the NPS scale is 0–10, not 0–100 (scale_min–scale_max); map the answers onto 0–10 "
         "first (the CSV connector's nps_scale option does)"),
        ("surveys.csv:3", "score", "score 50 is outside the scale 0–10"),
    ]  # fmt: skip


def test_nps_scale_100_maps_answers_to_0_10_by_dividing_by_ten(desk: Desk) -> None:
    desk.write(
        "surveys.csv",
        """\
        id,kind,score,scale_max,created_at
        n1,nps,95,,2026-01-05
        n2,nps,90,100,2026-01-05
        n3,nps,89,,2026-01-05
        n4,nps,60,,2026-01-05
        n5,nps,101,,2026-01-05
        n6,nps,5,10,2026-01-05
        c1,csat,5,,2026-01-05
        """,
    )
    result = desk.sync(on_error="skip", nps_scale=100)
    assert result.status == "succeeded"
    assert desk.rows("SELECT id, score, scale_min, scale_max FROM surveys ORDER BY id") == [
        ("c1", 5.0, 1.0, 5.0),
        ("n1", 9.5, 0.0, 10.0),
        ("n2", 9.0, 0.0, 10.0),
        ("n3", 8.9, 0.0, 10.0),
        ("n4", 6.0, 0.0, 10.0),
    ]
    reasons = desk.rows("SELECT location, field, reason FROM rejected_rows ORDER BY location")
    assert reasons == [
        ("surveys.csv:6", "score", "NPS score 101 is outside 0–100 (nps_scale = 100)"),
        ("surveys.csv:7", "scale_max",
         "scale_max 10 disagrees with nps_scale = 100 (leave scale_min and scale_max empty, "
         "or set them to 0 and 100)"),
    ]  # fmt: skip


def test_csat_and_ces_scores_outside_their_declared_scale_are_rejected(desk: Desk) -> None:
    desk.write(
        "surveys.csv",
        """\
        id,kind,score,scale_min,scale_max,created_at
        c1,csat,6,,,2026-01-05
        c2,csat,6,1,10,2026-01-05
        e1,ces,0,,,2026-01-05
        e2,ces,8,1,7,2026-01-05
        """,
    )
    result = desk.sync()
    assert result.status == "failed"
    error = error_of(result, "surveys")
    assert error is not None and "3 bad rows; nothing from this file was stored" in error
    assert desk.rows("SELECT id FROM surveys") == []


# -- item 3: a row never silently erases stored data ------------------------------------------

TICKETS = """\
    id,created_at,status,assignee_id,tags
    t1,2026-01-05T09:00:00Z,closed,a1,vip
    t2,2026-01-05T10:00:00Z,open,a2,
    """


def test_a_short_row_is_a_bad_row_and_keeps_what_was_stored(desk: Desk) -> None:
    desk.write("tickets.csv", TICKETS)
    assert desk.sync().status == "succeeded"
    # t1 lost its last three cells (a cut line); t2 empties its assignee on purpose.
    desk.write(
        "tickets.csv",
        """\
        id,created_at,status,assignee_id,tags
        t1,2026-01-05T09:00:00Z
        t2,2026-01-05T10:00:00Z,open,,
        """,
    )
    result = desk.sync(on_error="skip")
    assert result.status == "succeeded"
    assert desk.rows("SELECT id, status, assignee_id FROM tickets ORDER BY id") == [
        ("t1", "closed", "a1"),
        ("t2", "open", None),
    ]
    assert desk.rows("SELECT location, field, reason FROM rejected_rows") == [
        ("tickets.csv:2", None,
         "row has 2 cells but the header has 5 (cut short, or a line break inside a cell that "
         "is not quoted?); an emptied cell still needs its delimiter"),
    ]  # fmt: skip


def test_short_and_long_rows_fail_the_file_under_reject(desk: Desk) -> None:
    desk.write("tickets.csv", TICKETS)
    assert desk.sync().status == "succeeded"
    desk.write(
        "tickets.csv",
        """\
        id,created_at,status,assignee_id,tags
        t1,2026-01-05T09:00:00Z,solved
        t2,2026-01-05T10:00:00Z,open,a2,vip,extra
        """,
    )
    result = desk.sync()
    assert result.status == "failed"
    assert error_of(result, "tickets") == (
        "tickets.csv: 2 bad rows; nothing from this file was stored\n"
        "  tickets.csv, line 2: row has 3 cells but the header has 5 (cut short, or a line break "
        "inside a cell that is not quoted?); an emptied cell still needs its delimiter\n"
        "  tickets.csv, line 3: row has 6 cells but the header has 5 (a delimiter inside a cell "
        "that is not quoted?)"
    )
    assert desk.rows("SELECT id, status, assignee_id FROM tickets ORDER BY id") == [
        ("t1", "closed", "a1"),
        ("t2", "open", "a2"),
    ]


def test_an_id_on_two_lines_is_a_bad_row_naming_the_other_line(desk: Desk) -> None:
    desk.write("tickets.csv", TICKETS)
    assert desk.sync().status == "succeeded"
    desk.write(
        "tickets.csv",
        """\
        id,created_at,status,assignee_id,tags
        t1,2026-01-05T09:00:00Z,open,,
        t2,2026-01-05T10:00:00Z,solved,a2,
        " t1 ",2026-01-05T09:00:00Z,pending,a3,
        t1,2026-01-05T09:00:00Z,new,a4,
        """,
    )
    result = desk.sync()
    assert result.status == "failed"
    error = error_of(result, "tickets")
    assert error == (
        "tickets.csv: 3 bad rows; nothing from this file was stored\n"
        '  tickets.csv, line 2, column "id", value "t1": id t1 is also on lines 4, 5; an id may '
        "appear once per file (which row is right?)\n"
        '  tickets.csv, line 4, column "id", value " t1 ": id t1 is also on lines 2, 5; an id '
        "may appear once per file (which row is right?)\n"
        '  tickets.csv, line 5, column "id", value "t1": id t1 is also on lines 2, 4; an id may '
        "appear once per file (which row is right?)"
    )
    assert desk.rows("SELECT id, status FROM tickets ORDER BY id") == [
        ("t1", "closed"),
        ("t2", "open"),
    ]
    # Under skip, the rows of the repeated id are kept out, the others stored.
    result = desk.sync(on_error="skip")
    assert result.status == "succeeded"
    assert desk.rows("SELECT id, status, assignee_id FROM tickets ORDER BY id") == [
        ("t1", "closed", "a1"),
        ("t2", "solved", "a2"),
    ]
    assert [row[0] for row in desk.rows("SELECT location FROM rejected_rows")] == [
        "tickets.csv:2",
        "tickets.csv:4",
        "tickets.csv:5",
    ]


# -- item 2: a file that changes while it is read is not "synced" -----------------------------


def tickets_csv(count: int, status: str) -> str:
    rows = [f"t{n},2026-01-05T09:00:00Z,{status},a1," for n in range(count)]
    return "id,created_at,status,assignee_id,tags\n" + "\n".join(rows) + "\n"


class Rewriter:
    """A sync observer that rewrites tickets.csv in place after some batches are stored."""

    def __init__(self, path: Path, texts: list[str]) -> None:
        self.path = path
        self.texts = texts

    def stream_started(self, connection: str, stream: str) -> None:
        pass

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        if stream == "tickets" and self.texts:
            # Same inode, truncated and rewritten: the reader's open handle sees the new bytes.
            with self.path.open("r+", encoding="utf-8") as handle:
                handle.truncate(0)
                handle.write(self.texts.pop(0))

    def stream_finished(self, result: deskmetrics.sync.engine.StreamResult) -> None:
        pass


def sync_with(desk: Desk, observer: Rewriter, **options: Any) -> ConnectionResult:
    return deskmetrics.sync.engine.sync_connector(
        desk.store, desk.connector(**options), observer=observer
    )


def saved_hash(desk: Desk) -> str | None:
    state = desk.store.get_state("desk", "tickets")
    return None if state is None else state["files"]["tickets.csv"]["sha256"]


@pytest.mark.parametrize("on_error", ["skip", "reject"])
def test_a_file_rewritten_once_during_the_sync_is_read_again(desk: Desk, on_error: str) -> None:
    import hashlib

    path = desk.write("tickets.csv", tickets_csv(10, "open"))
    new = tickets_csv(40, "solved")
    result = sync_with(desk, Rewriter(path, [new]), batch_size=3, on_error=on_error)
    assert result.status == "succeeded", result.error
    assert desk.rows("SELECT status, count(*) FROM tickets GROUP BY status") == [("solved", 40)]
    # The fingerprint saved is the content read in full: the new file.
    assert saved_hash(desk) == hashlib.sha256(new.encode()).hexdigest()
    # So the next sync has nothing to do.
    again = desk.sync(batch_size=3, on_error=on_error)
    assert [s.records for s in again.streams if s.stream == "tickets"] == [0]


def test_a_file_that_keeps_changing_fails_its_stream_and_saves_no_fingerprint(
    desk: Desk,
) -> None:
    path = desk.write("tickets.csv", tickets_csv(10, "open"))
    texts = [tickets_csv(30, "pending"), tickets_csv(30, "solved"), tickets_csv(30, "new")]
    result = sync_with(desk, Rewriter(path, texts * 5), batch_size=3, on_error="skip")
    assert result.status == "failed"
    assert error_of(result, "tickets") == (
        "tickets.csv changed while it was being read (another program is writing it?); nothing "
        "was recorded as read, so the next sync reads it again"
    )
    assert saved_hash(desk) is None
    # The other streams are unaffected, and a quiet file syncs fully next time.
    assert {s.stream for s in result.streams if s.status == "failed"} == {"tickets"}
    path.write_text(tickets_csv(25, "closed"), encoding="utf-8")
    assert desk.sync(on_error="skip").status == "succeeded"
    closed = desk.rows("SELECT id FROM tickets WHERE status = 'closed' ORDER BY id")
    assert sorted(id_ for (id_,) in closed) == sorted(f"t{n}" for n in range(25))


# -- item 9: odd files in the folder: one line naming the file, never a traceback -------------


def cli(root: Path, *args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from deskmetrics.cli import cli as app

    result = CliRunner().invoke(app, ["--config", str(root / "deskmetrics.toml"), *args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def project(root: Path) -> Path:
    (root / "deskmetrics.toml").write_text(
        '[database]\npath = "d.db"\n[connections.desk]\nconnector = "csv"\npath = "data"\n',
        encoding="utf-8",
    )
    data = root / "data"
    data.mkdir()
    (data / "tickets.csv").write_text("id,created_at\nt1,2026-01-05\n", encoding="utf-8")
    return data


def odd_interactions(data: Path, kind: str) -> str:
    """Make data/interactions.csv something that is not a readable file; the expected reason."""
    path = data / "interactions.csv"
    if kind == "loop":
        path.symlink_to("interactions.csv")
        return "a loop of symbolic links (a link that leads back to itself)"
    if kind == "dangling":
        path.symlink_to("gone.csv")
        return "a symbolic link to gone.csv, which does not exist"
    if kind == "directory":
        path.mkdir()
        return "a directory, not a file"
    os.mkfifo(path)
    return "a named pipe (FIFO), not a file"


@pytest.mark.parametrize("kind", ["loop", "dangling", "directory", "fifo"])
def test_a_file_that_is_not_a_readable_file_fails_check_and_its_own_stream(
    tmp_path: Path, kind: str
) -> None:
    data = project(tmp_path)
    reason = odd_interactions(data, kind)
    line = f"{data / 'interactions.csv'}: {reason}"
    code, output = cli(tmp_path, "check")
    assert (code, output.splitlines()[-1]) == (1, f"FAIL desk (csv): {line}")
    code, output = cli(tmp_path, "sync")
    assert code == 1
    assert f"desk: failed: interactions: {line}" in output
    # The tickets stream is not blamed: it syncs, only without derived values.
    assert "desk/tickets: succeeded, 1 records" in output
    assert (
        f"warning: desk: desk: tickets: first_response_at and agent_replies not derived, {line}"
        in output
    )


def test_a_data_folder_in_a_symlink_loop_fails_check_and_sync(tmp_path: Path) -> None:
    (tmp_path / "deskmetrics.toml").write_text(
        '[database]\npath = "d.db"\n[connections.desk]\nconnector = "csv"\npath = "d1"\n',
        encoding="utf-8",
    )
    (tmp_path / "d1").symlink_to("d2")
    (tmp_path / "d2").symlink_to("d1")
    line = (
        f"{tmp_path / 'd1'}: a loop of symbolic links (a link that leads back to itself) "
        f"(set by connections.desk.path)"
    )
    code, output = cli(tmp_path, "check")
    assert (code, output.splitlines()[-1]) == (1, f"FAIL desk (csv): {line}")
    code, output = cli(tmp_path, "sync")
    assert code == 1 and f"desk: failed: groups: {line}" in output


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "line 1: not UTF-8 text (byte 0x89"),
        ("id,created_at\n".encode("utf-16"), 'UTF-16 text (Excel\'s "Unicode text"); save'),
        (b"\xef\xbb\xbfid,created_at\nt1,2026-01-05\nt2,2026-01-0\xe9\n", "line 3: not UTF-8"),
    ],
)
def test_binary_and_foreign_encodings_name_file_and_line(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    data = project(tmp_path)
    (data / "tickets.csv").write_bytes(content)
    code, output = cli(tmp_path, "sync")
    assert code == 1
    assert f"desk: failed: tickets: tickets.csv{':' if 'UTF-16' in reason else ','} {reason}" in (
        output.replace("\n", " ")
    )


def test_a_huge_line_without_line_breaks_is_refused_without_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import deskmetrics_csv.files

    monkeypatch.setattr(deskmetrics_csv.files, "MAX_LINE_BYTES", 1 << 20)
    data = project(tmp_path)
    (data / "tickets.csv").write_bytes(b"id,created_at\n" + b"x" * (3 << 20))
    code, output = cli(tmp_path, "sync")
    assert code == 1
    assert (
        "desk: failed: tickets: tickets.csv, line 2: longer than 1 MiB without a line break; "
        "not a CSV export?" in output
    )


UNREADABLE = """
import os, sys
from deskmetrics.cli import cli
# Sync once as root first, so every module is imported before the switch (the interpreter's
# own files may not be readable by nobody).
try:
    cli(["--config", sys.argv[1], "sync"], standalone_mode=False)
except BaseException:
    pass
os.setgid(65534)
os.setuid(65534)
cli(["--config", sys.argv[2], *sys.argv[3:]])
"""


def run_as_nobody(warmup: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", UNREADABLE, str(warmup), str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="switching to user nobody needs root")
@pytest.mark.parametrize("unreadable", ["tickets.csv", "interactions.csv"])
def test_an_unreadable_file_blames_its_own_stream_as_a_non_root_user(
    tmp_path: Path, unreadable: str
) -> None:
    warmup = tmp_path / "warmup"
    warmup.mkdir()
    project(warmup)
    # tmp_path is private to root; this folder is open to nobody, the file in it is not.
    root = Path(tempfile.mkdtemp(prefix="deskmetrics-nobody-"))
    try:
        root.chmod(0o777)
        data = project(root)
        data.chmod(0o777)
        (data / "interactions.csv").write_text(
            "id,ticket_id,author_role,created_at\nm1,t1,agent,2026-01-05T10:00:00Z\n",
            encoding="utf-8",
        )
        for name in ("tickets.csv", "interactions.csv"):
            (data / name).chmod(0o600 if name == unreadable else 0o644)
        line = (
            f"{data / unreadable}: permission denied (the user running deskmetrics may not read it)"
        )
        check = run_as_nobody(warmup / "deskmetrics.toml", root / "deskmetrics.toml", "check")
        if "PermissionError" in check.stderr and "setuid" in check.stderr:
            pytest.skip("this machine does not let root switch to user nobody")
        assert "Traceback" not in check.stdout + check.stderr
        assert (check.returncode, check.stdout.splitlines()[-1]) == (1, f"FAIL desk (csv): {line}")
        result = run_as_nobody(warmup / "deskmetrics.toml", root / "deskmetrics.toml", "sync")
        output = result.stdout + result.stderr
        assert "Traceback" not in output and result.returncode == 1
        stream = unreadable.removesuffix(".csv")
        assert f"desk: failed: {stream}: {line}" in output
        failed = {ln.split(":")[0] for ln in output.splitlines() if ": failed," in ln}
        assert failed == {f"desk/{stream}"}
    finally:
        shutil.rmtree(root)


def test_check_fails_on_a_missing_required_column_as_sync_does(tmp_path: Path) -> None:
    data = project(tmp_path)
    (data / "surveys.csv").write_text("id,score\ns1,5\n", encoding="utf-8")
    reason = (
        'surveys.csv: missing required columns kind, created_at (headers found: "id", "score"); '
        "name the columns so, or map a header in [connections.desk.columns.surveys]"
    )
    code, output = cli(tmp_path, "check")
    assert (code, output.splitlines()[-1]) == (1, f"FAIL desk (csv): {data}: {reason}")
    code, output = cli(tmp_path, "sync")
    assert code == 1 and f"desk: failed: surveys: {reason}" in output


def test_an_interaction_id_on_two_lines_counts_no_reply(desk: Desk) -> None:
    desk.write(
        "interactions.csv",
        """\
        id,ticket_id,author_role,public,created_at
        m1,t1,customer,true,2026-01-05T09:00:00Z
        m2,t1,agent,true,2026-01-05T09:30:00Z
        m2,t1,agent,true,2026-01-05T09:30:00Z
        m3,t1,agent,true,2026-01-05T11:00:00Z
        """,
    )
    desk.write("tickets.csv", "id,created_at\nt1,2026-01-05T09:00:00Z\n")
    result = desk.sync(on_error="skip")
    assert result.status == "succeeded"
    assert desk.rows("SELECT id FROM interactions ORDER BY id") == [("m1",), ("m3",)]
    assert desk.rows("SELECT agent_replies, first_response_at FROM tickets") == [
        (1, "2026-01-05T11:00:00.000000Z")
    ]

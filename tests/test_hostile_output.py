"""``report --output`` never writes over what is not ours; failing reporters and extreme dates
are one line each (issue #17 items 1 and 9)."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import deskmetrics
from deskmetrics import Agent, Status, Store, Ticket
from deskmetrics.cli import cli

PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "tickets.csv").write_text("id,created_at\n", encoding="utf-8")
    (tmp_path / "one.csv").write_text("id\n", encoding="utf-8")
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[database]\npath = "help.db"\n'
        '[connections.files]\nconnector = "csv"\npath = "exports"\n'
        '[connections.single]\nconnector = "csv"\nfile = "one.csv"\n',
        encoding="utf-8",
    )
    with Store(tmp_path / "help.db") as store:
        store.write(
            [Agent(id="a1", name="Ann Lee"),
             Ticket(id="1", created_at=AT, assignee_id="a1", status=Status.SOLVED,
                    resolved_at=AT.replace(hour=12))],
            source="s",
        )  # fmt: skip
    return config


def report(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project), "report", *PERIOD, *args])


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


INSIDE_EXPORTS = "a file inside the source of connection 'files' (path = 'exports')"


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("help.db", "the configured database"),
        ("help.db-wal", "the database journal"),
        ("deskmetrics.toml", "the config file"),
        ("exports/tickets.csv", INSIDE_EXPORTS),
        ("exports/new-report.txt", INSIDE_EXPORTS),
        ("one.csv", "the source of connection 'single' (file = 'one.csv')"),
    ],
)  # fmt: skip
def test_output_refuses_our_own_files_even_with_force(
    project: Path, target: str, what: str
) -> None:
    before = {p: sha(p) for p in project.parent.rglob("*") if p.is_file()}
    result = report(project, "--output", target, "--force")
    assert result.exit_code == 2
    assert one_line(result) == (
        f"Error: --output {target}: refusing to write over {what}; choose another file"
    )
    after = {p: sha(p) for p in project.parent.rglob("*") if p.is_file()}
    assert after == before


def test_output_refuses_links_to_our_files(project: Path) -> None:
    root = project.parent
    (root / "soft.txt").symlink_to(root / "help.db")
    os.link(root / "deskmetrics.toml", root / "hard.txt")
    (root / "out").symlink_to(root / "exports", target_is_directory=True)
    before = sha(root / "help.db"), sha(root / "deskmetrics.toml")
    assert "the configured database" in one_line(report(project, "--output", "soft.txt", "--force"))
    assert "the config file" in one_line(report(project, "--output", "hard.txt", "--force"))
    assert "connection 'files'" in one_line(report(project, "--output", "out/r.txt", "--force"))
    assert (sha(root / "help.db"), sha(root / "deskmetrics.toml")) == before
    with Store(root / "help.db") as store:
        assert store.count("tickets") == 1


def test_existing_file_needs_force_and_a_new_one_is_written(project: Path) -> None:
    target = project.parent / "week.json"
    first = report(project, "--format", "json", "--output", "week.json")
    assert first.exit_code == 0, first.output
    written = target.read_text(encoding="utf-8")
    assert '"ticket_volume"' in written
    again = report(project, "--format", "markdown", "--output", "week.json")
    assert again.exit_code == 2
    assert one_line(again) == "Error: --output week.json: file exists; add --force to replace it"
    assert target.read_text(encoding="utf-8") == written
    forced = report(project, "--format", "markdown", "--output", "week.json", "--force")
    assert forced.exit_code == 0, forced.output
    assert target.read_text(encoding="utf-8").startswith("#")
    assert sorted(p.name for p in project.parent.iterdir() if p.name.startswith(".")) == []


def test_output_into_a_missing_folder_or_onto_a_folder_is_one_line(project: Path) -> None:
    missing = report(project, "--output", "nowhere/report.txt")
    assert missing.exit_code == 2
    assert one_line(missing) == "Error: --output nowhere/report.txt: folder nowhere does not exist"
    folder = report(project, "--output", "exports")
    assert one_line(folder) == "Error: --output exports: is a folder; name a file in it"


class BoomReporter(deskmetrics.Reporter):
    name = "boom"
    description = "Fails."
    extension = "txt"

    def render(self, report: deskmetrics.Report) -> str:
        raise ValueError("no such column 'x'\nsecond line")


class BoomPlugin:
    @deskmetrics.hookimpl
    def register_reporters(self, register: Any) -> None:
        register(BoomReporter)


def test_a_failing_reporter_is_one_line_and_leaves_the_old_file(
    project: Path, register_plugin: Any
) -> None:
    register_plugin(BoomPlugin(), name="test-boom")
    target = project.parent / "old.txt"
    target.write_text("last week's report\n", encoding="utf-8")
    result = report(project, "--format", "boom", "--output", "old.txt", "--force")
    assert result.exit_code == 1
    assert one_line(result) == (
        "Error: reporter 'boom' (plugin test-boom) failed to render: ValueError: no such column 'x'"
    )
    assert target.read_text(encoding="utf-8") == "last week's report\n"
    assert sorted(p.name for p in project.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    "dates",
    [
        ["--as-of", "9999-12-31T23:00:00-05:00"],
        ["--as-of", "0001-01-01T00:30:00+01:00"],
        ["--from", "9999-12-27", "--to", "9999-12-31", "--grain", "week",
         "--timezone", "Asia/Tokyo"],
    ],
)  # fmt: skip
def test_dates_at_the_end_of_the_calendar_are_one_line(project: Path, dates: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--config", str(project), "report", *dates])
    assert result.exit_code == 2, result.output
    assert one_line(result).startswith("Error: date value out of range: ")


def test_init_force_replaces_a_config_but_never_a_database_or_an_export(project: Path) -> None:
    folder = project.parent
    with Store(folder / "help.db") as store:
        store.write([Ticket(id="1", created_at=AT)], source="files")
    export = folder / "exports" / "tickets.csv"
    before = {path: sha(path) for path in (folder / "help.db", export)}
    for path in before:
        result = CliRunner().invoke(cli, ["init", "--path", str(path), "--force"])
        assert result.exit_code == 1
        assert "refusing to overwrite it, even with --force" in result.stderr
        assert result.stderr.count("\n") == 1
    assert {path: sha(path) for path in before} == before
    broken = folder / "broken.toml"
    broken.write_text("[report\n", encoding="utf-8")  # a broken config may be reset
    result = CliRunner().invoke(cli, ["init", "--path", str(broken), "--force"])
    assert result.exit_code == 0, result.output
    assert broken.read_text(encoding="utf-8").startswith("# deskmetrics configuration")

"""The example third-party plugin (docs/examples/deskmetrics-jsonl) installs, passes its own
tests, and syncs through the real command line like any user's plugin would."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from config_files import toml_config
from plugin_projects import installed, start_tests, summary_counts
from subprocess_env import DESKMETRICS_BIN, clean_env

EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "deskmetrics-jsonl"


@pytest.fixture(scope="module")
def example() -> Iterator[Path]:
    with installed([EXAMPLE]):
        yield EXAMPLE


def dm(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKMETRICS_BIN), *args],
        cwd=cwd,
        # Only the example: the project's own plugins are not what is tested here.
        env=clean_env(DESKMETRICS_LOAD_PLUGINS="jsonl"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_the_example_passes_its_own_tests(example: Path) -> None:
    run = start_tests(example)
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output
    counts = summary_counts(output)
    assert set(counts) == {"passed", "skipped"}, output  # skipped: the HTTP-only checks
    assert counts["passed"] >= 20, output


def test_the_example_is_listed_as_an_installed_plugin(example: Path, tmp_path: Path) -> None:
    listing = dm("plugins", "--json", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    plugin = next(item for item in json.loads(listing.stdout) if item["name"] == "jsonl")
    assert (plugin["package"], plugin["version"]) == ("deskmetrics-jsonl", "0.1.0")
    assert plugin["connectors"] == ["jsonl"]


def test_check_and_sync_with_the_example_connector(example: Path, tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    for name in ("tickets.jsonl", "surveys.jsonl"):
        (export / name).write_bytes((example / "tests" / "export" / name).read_bytes())
    toml_config(
        tmp_path / "deskmetrics.toml",
        {"helpdesk": {"connector": "jsonl", "path": "export", "timezone": "Europe/Berlin"}},
    )

    check = dm("check", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert "tickets.jsonl (12 lines), surveys.jsonl (5 lines)" in check.stdout

    first = dm("sync", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["connections"][0]["records"] == 17
    conn = sqlite3.connect(tmp_path / "dm.db")
    try:
        tickets = conn.execute(
            "SELECT id, source, status, created_at FROM tickets ORDER BY id"
        ).fetchall()
        assert len(tickets) == 12
        assert {row[1] for row in tickets} == {"helpdesk"}
        assert tickets[0] == ("2001", "helpdesk", "solved", "2026-01-05T08:00:00.000000Z")
        # Written without an offset in the export: read in the connection's Europe/Berlin.
        assert tickets[6][3] == "2026-01-07T01:00:00.000000Z"
        surveys = conn.execute("SELECT ticket_id, kind, score FROM surveys ORDER BY id").fetchall()
        assert surveys[0] == ("2001", "csat", 5.0)
        assert len(surveys) == 5
    finally:
        conn.close()

    # Appended lines are all the next sync reads.
    with (export / "tickets.jsonl").open("a", encoding="utf-8") as file:
        file.write('{"id": "2013", "created_at": "2026-01-09T10:00:00Z", "status": "new"}\n')
    second = dm("sync", "--json", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    streams = json.loads(second.stdout)["connections"][0]["streams"]
    assert {s["stream"]: (s["status"], s["records"]) for s in streams} == {
        "tickets": ("succeeded", 1),
        "surveys": ("succeeded", 0),
    }
    conn = sqlite3.connect(tmp_path / "dm.db")
    try:
        assert conn.execute("SELECT count(*) FROM tickets").fetchone() == (13,)
    finally:
        conn.close()

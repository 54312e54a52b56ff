"""`deskmetrics sync` as a user runs it.

All or named connections, --full-refresh, --json, exit codes, secrets, the live progress display.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from config_files import toml_config
from deskmetrics import Store, load_config
from deskmetrics.cli.progress import LiveProgress
from deskmetrics.sync.engine import sync
from fake_site import FakeSite

TOKEN = "zd-tok-55aa77bb99cc"


@pytest.fixture
def config(in_tmp: Path, paged_plugin: type) -> Path:
    return toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "desk": {"connector": "dmtest-paged", "tickets": 120, "batch": 50},
            "sheet": {"connector": "dmtest-paged", "tickets": 30, "agents": 2},
        },
    )


def test_sync_all_connections(dm: Any, config: Path, paged_plugin: type) -> None:
    result = dm("sync")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(" in ")[0] for line in lines[:4]] == [
        "desk/agents: succeeded, 6 records",
        "desk/tickets: succeeded, 120 records",
        "sheet/agents: succeeded, 3 records",
        "sheet/tickets: succeeded, 30 records",
    ]
    assert lines[4:] == ["desk: synced 126 records", "sheet: synced 33 records"]
    with Store(config.parent / "dm.db") as store:
        assert (store.count("tickets", "desk"), store.count("tickets", "sheet")) == (120, 30)
        assert store.count("agents") == 7


def test_sync_named_connections_only(dm: Any, config: Path, paged_plugin: type) -> None:
    result = dm("sync", "sheet")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "sheet: synced 33 records"
    assert {conn for conn, _, _ in paged_plugin.reads} == {"sheet"}
    with Store(config.parent / "dm.db") as store:
        assert store.count("tickets", "desk") == 0


def test_sync_json_summary(dm: Any, config: Path, paged_plugin: type) -> None:
    result = dm("sync", "--json", "desk")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    [desk] = summary["connections"]
    assert {k: desk[k] for k in ("connection", "connector", "status", "records", "error")} == {
        "connection": "desk",
        "connector": "dmtest-paged",
        "status": "succeeded",
        "records": 126,
        "error": None,
    }
    assert [
        (s["stream"], s["status"], s["records"], s["counts"], s["rejected"])
        for s in desk["streams"]
    ] == [
        ("agents", "succeeded", 6, {"agents": 5, "groups": 1}, 0),
        ("tickets", "succeeded", 120, {"tickets": 120}, 0),
    ]
    # Incremental: a second run reads nothing new.
    again = json.loads(dm("sync", "--json", "desk").stdout)
    assert [s["records"] for s in again["connections"][0]["streams"]] == [6, 0]


def test_full_refresh_ignores_saved_cursors(dm: Any, config: Path, paged_plugin: type) -> None:
    dm("sync", "desk")
    paged_plugin.reads.clear()
    result = dm("sync", "--json", "--full-refresh", "desk")
    assert result.exit_code == 0
    assert [state for _, _, state in paged_plugin.reads] == [None, None]
    assert json.loads(result.stdout)["connections"][0]["records"] == 126


def test_a_failed_connection_fails_the_command(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "broken": {"connector": "dmtest-paged", "fail_after": 1},
            "fine": {"connector": "dmtest-paged", "tickets": 10},
        },
    )
    result = dm("sync")
    assert result.exit_code == 1
    assert "broken/tickets: failed, 50 records" in result.stderr
    assert (
        "broken: failed: tickets: HTTP 500 from https://dmtest.example/api?page=50&token=none"
        in result.stderr.splitlines()
    )
    assert "fine: synced 16 records" in result.stderr.splitlines()
    summary = json.loads(dm("sync", "--json").stdout)
    assert summary["ok"] is False
    assert [c["status"] for c in summary["connections"]] == ["failed", "succeeded"]


def test_secrets_never_leave_the_process(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {"desk": {"connector": "dmtest-paged", "fail_after": 1, "token": "${DMTEST_TOKEN}"}},
    )
    env = {"DMTEST_TOKEN": TOKEN}
    scrubbed = "HTTP 500 from https://dmtest.example/api?page=50&token=***"
    plain = dm("sync", env=env)
    assert plain.exit_code == 1
    assert f"desk: failed: tickets: {scrubbed}" in plain.stderr
    as_json = dm("sync", "--json", env=env)  # resumes after the first run's batch, fails again
    resumed = scrubbed.replace("page=50", "page=100")
    assert json.loads(as_json.stdout)["connections"][0]["streams"][1]["error"] == resumed
    for output in (plain.stdout, plain.stderr, as_json.stdout, as_json.stderr):
        assert TOKEN not in output
    # Every text column of every table, and the file's bytes.
    db = in_tmp / "dm.db"
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    found = []
    for table in tables:
        for column in [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]:
            sql = f'SELECT count(*) FROM "{table}" WHERE instr(CAST("{column}" AS TEXT), ?) > 0'
            found += [(table, column)] * conn.execute(sql, (TOKEN,)).fetchone()[0]
    errors = [r[0] for r in conn.execute("SELECT error FROM sync_runs WHERE error IS NOT NULL")]
    conn.close()
    assert found == []
    assert errors == [scrubbed, resumed]
    files = [p for p in in_tmp.rglob("*") if p.is_file()]
    assert in_tmp / "dm.db" in files
    assert not any(TOKEN.encode() in p.read_bytes() for p in files)


def test_a_missing_secret_fails_that_connection(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {"desk": {"connector": "dmtest-paged", "token": "${DMTEST_NOT_SET}"}},
    )
    result = dm("sync")
    assert result.exit_code == 1
    # One line, however long, and the file as the user named it (here: found in the cwd).
    assert result.stderr == (
        "desk: failed: deskmetrics.toml: connections.desk.token: "
        "environment variable DMTEST_NOT_SET is not set\n"
    )


def test_error_text_is_not_read_as_markup(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {"desk": {"connector": "dmtest-pagd"}},
    )
    result = dm("sync")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "desk: failed: deskmetrics.toml: connections.desk.connector: no connector named "
        "'dmtest-pagd' (installed: "
    )
    assert "dmtest-paged" in result.stderr


def test_unknown_connection_name(dm: Any, config: Path) -> None:
    result = dm("sync", "desk", "helpdesk")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: deskmetrics.toml: no connection named 'helpdesk' (configured: desk, sheet)\n"
    )
    absolute = dm("--config", str(config), "sync", "nope")
    assert absolute.stderr == (
        f"Error: {config}: no connection named 'nope' (configured: desk, sheet)\n"
    )


def test_a_database_path_naming_another_file(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    notes = in_tmp / "notes.txt"
    notes.write_text("meeting notes, not a database\n" * 100)
    toml_config(
        in_tmp / "deskmetrics.toml", {"desk": {"connector": "dmtest-paged"}}, db="notes.txt"
    )
    for command in (["sync"], ["state", "show"]):
        result = dm(*command)
        assert result.exit_code == 1
        assert result.stderr == (
            "Error: notes.txt: not a deskmetrics database, or the file is corrupted "
            "(file is not a database)\n"
        )
    assert notes.read_text() == "meeting notes, not a database\n" * 100
    assert paged_plugin.reads == []


def test_deskmetrics_config_naming_a_missing_file(dm: Any, in_tmp: Path) -> None:
    result = dm("sync", env={"DESKMETRICS_CONFIG": "gone.toml"})
    assert result.exit_code == 2
    assert (
        result.stderr == "Error: gone.toml: config file not found (named by DESKMETRICS_CONFIG)\n"
    )


def test_no_connections_configured(dm: Any, in_tmp: Path) -> None:
    result = dm("sync")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: (default configuration): no [connections.*] configured; see `deskmetrics init`\n"
    )


def test_config_option_pointing_at_a_missing_file(dm: Any, in_tmp: Path) -> None:
    result = dm("--config", "elsewhere/dm.toml", "sync")
    assert result.exit_code == 2
    assert result.stderr == "Error: elsewhere/dm.toml: config file not found\n"


def test_config_option_and_environment(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    (in_tmp / "conf").mkdir()
    path = toml_config(
        in_tmp / "conf" / "other.toml", {"x": {"connector": "dmtest-paged", "tickets": 5}}
    )
    result = dm("--config", str(path), "sync", "--json")
    assert result.exit_code == 0, result.output
    assert (in_tmp / "conf" / "dm.db").is_file()  # relative to the config file
    assert not (in_tmp / "dm.db").exists()
    by_env = dm("sync", "--json", env={"DESKMETRICS_CONFIG": str(path)})
    assert json.loads(by_env.stdout)["connections"][0]["connection"] == "x"


def test_live_progress_smoke(in_tmp: Path, paged_plugin: type) -> None:
    path = toml_config(
        in_tmp / "deskmetrics.toml", {"desk": {"connector": "dmtest-paged", "tickets": 120}}
    )
    config = load_config(path)
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100, color_system=None)
    with Store(config.database) as store, LiveProgress(console) as progress:
        summary = sync(config, store, observer=progress)
    assert summary.ok
    # The last frame drawn: both streams done, with their record counts.
    rows = [line.split() for line in screen.getvalue().splitlines() if "desk" in line]
    assert rows[-2][:4] == ["✓", "desk", "agents", "6"]
    assert rows[-1][:4] == ["✓", "desk", "tickets", "120"]


@pytest.mark.slow
def test_sync_through_the_console_script(fake_site: FakeSite) -> None:
    """The installed-plugin path end to end: a subprocess, a plugin found by entry point."""
    fake_site.add("dmtest-paged", "0.9.0", {"paged": "dmtest_paged"}, ("dmtest_paged",))
    work = fake_site.root.parent
    toml_config(
        work / "deskmetrics.toml",
        {
            "desk": {
                "connector": "dmtest-paged",
                "tickets": 75,
                "token": "${DMTEST_TOKEN}",
                "fail_after": 1,
            }
        },
    )
    env = {"DMTEST_TOKEN": TOKEN}
    failed = fake_site.run("sync", "--json", env=env)
    assert failed.returncode == 1
    assert TOKEN not in failed.stdout + failed.stderr
    assert json.loads(failed.stdout)["connections"][0]["streams"][1]["records"] == 50
    toml_config(
        work / "deskmetrics.toml",
        {"desk": {"connector": "dmtest-paged", "tickets": 75, "token": "${DMTEST_TOKEN}"}},
    )
    done = fake_site.run("sync", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert [s["records"] for s in json.loads(done.stdout)["connections"][0]["streams"]] == [6, 25]
    shown = fake_site.run("state", "show", "--json")
    assert [(r["stream"], r["state"]) for r in json.loads(shown.stdout)] == [
        ("agents", {"offset": 5}),
        ("tickets", {"offset": 75}),
    ]


def test_the_summary_never_sends_escape_sequences(
    dm: Any, in_tmp: Path, paged_plugin: type
) -> None:
    # A connection name is the user's, an error may quote a helpdesk's body: both are text.
    (in_tmp / "deskmetrics.toml").write_text(
        '[database]\npath = "dm.db"\n'
        '[connections."red\\u001b[31m[/]"]\nconnector = "dmtest-paged"\nfail_after = 1\n'
        '[connections."fine\\u001b]0;title\\u0007"]\nconnector = "dmtest-paged"\ntickets = 10\n',
        encoding="utf-8",
    )
    result = dm("sync")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    lines = result.stderr.splitlines()
    assert "fine\\x1b]0;title\\x07: synced 16 records" in lines
    assert any(line.startswith("red\\x1b[31m[/]: failed: tickets: HTTP 500") for line in lines)

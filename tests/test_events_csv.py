"""The CSV connector's optional ticket_events.csv (issue #18 item 1): stored as the history, bad
rows named by file, line and column, and the history's KPIs in a report through the CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from config_files import toml_config
from deskmetrics.cli import cli
from deskmetrics.store import Store

TICKETS = """\
    id,created_at,status,resolved_at
    1,2026-01-05T09:00:00Z,solved,2026-01-05T15:00:00Z
    2,2026-01-06T09:00:00Z,open,
"""
EVENTS = """\
    id,ticket_id,created_at,field,value,previous_value
    e1,1,2026-01-05T10:00:00Z,status,Open,New
    e2,1,2026-01-05T10:00:00Z,Assignee,a1,
    e3,1,2026-01-05T12:00:00Z,status,Pending,Open
    e4,1,2026-01-05T14:00:00Z,status,On-hold,Pending
    e5,1,2026-01-05T15:00:00Z,status,Solved,On-hold
    e6,2,2026-01-06T10:00:00Z,group,g1,
"""


def project(tmp_path: Path, events: str, on_error: str = "reject") -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / "tickets.csv").write_text(textwrap.dedent(TICKETS), encoding="utf-8")
    (data / "ticket_events.csv").write_text(textwrap.dedent(events), encoding="utf-8")
    return toml_config(
        tmp_path / "deskmetrics.toml",
        {"desk": {"connector": "csv", "path": "data", "on_error": on_error}},
        db=str(tmp_path / "dm.db"),
    )


def sync(config: Path) -> str:
    result = CliRunner().invoke(cli, ["--config", str(config), "sync"])
    return result.output


def test_the_history_is_stored_and_gives_time_in_status(tmp_path: Path) -> None:
    config = project(tmp_path, EVENTS)
    assert "failed" not in sync(config)
    with Store(tmp_path / "dm.db") as store:
        rows = store.conn.execute(
            "SELECT id, ticket_id, field, value, previous_value FROM ticket_events ORDER BY id"
        ).fetchall()
    assert rows == [
        ("e1", "1", "status", "open", "new"),
        ("e2", "1", "assignee", "a1", None),
        ("e3", "1", "status", "pending", "open"),
        ("e4", "1", "status", "on_hold", "pending"),
        ("e5", "1", "status", "solved", "on_hold"),
        ("e6", "2", "group", "g1", None),
    ]
    report = CliRunner().invoke(cli, [
        "--config", str(config), "report", "--format", "json",
        "--from", "2026-01-05", "--to", "2026-01-12", "--timezone", "UTC",
    ])  # fmt: skip
    assert report.exit_code == 0, report.output
    m = json.loads(report.output)["metrics"]
    # Ticket 1: new 1 h, open 2 h, pending 2 h, on hold 1 h → requester wait 4 h.
    assert (m["requester_wait_time"]["value"], m["requester_wait_time"]["n"]) == (14400, 1)
    assert m["agent_wait_time"]["value"] == 7200
    assert m["on_hold_time"]["value"] == 3600
    assert m["agent_work_time"]["value"] == 10800
    assert m["time_to_first_assignment"]["value"] == 3600
    assert m["assignee_stations"]["value"] == 1


def test_bad_rows_are_named_by_file_line_and_column(tmp_path: Path) -> None:
    events = """\
        id,ticket_id,created_at,field,value,previous_value
        e1,1,2026-01-05T10:00:00Z,status,Waiting,Open
        e2,1,2026-01-05T10:00:00Z,priority,high,
        e3,1,,status,open,new
        e4,1,2026-01-05T12:00:00Z,status,Pending,Open
    """
    config = project(tmp_path, events)
    output = sync(config)
    assert "ticket_events.csv: 3 bad rows; nothing from this file was stored" in output
    assert (
        'ticket_events.csv, line 2, column "value", value "Waiting": value \'waiting\' is not a '
        "status (closed, deleted, new, on_hold, open, pending, solved, spam)"
    ) in output
    assert 'ticket_events.csv, line 3, column "field", value "priority"' in output
    assert 'ticket_events.csv, line 4, column "created_at", value "": a value is required' in output
    with Store(tmp_path / "dm.db") as store:
        assert store.count("ticket_events") == 0
        assert store.count("tickets") == 2  # the other files are stored


def test_with_skip_the_good_rows_are_stored_and_the_bad_kept(tmp_path: Path) -> None:
    events = """\
        id,ticket_id,created_at,field,value,previous_value
        e1,1,2026-01-05T10:00:00Z,status,,open
        e2,1,2026-01-05T12:00:00Z,status,pending,open
    """
    config = project(tmp_path, events, on_error="skip")
    sync(config)
    with Store(tmp_path / "dm.db") as store:
        assert store.conn.execute("SELECT id FROM ticket_events").fetchall() == [("e2",)]
        (rejected,) = store.conn.execute(
            "SELECT location, reason FROM rejected_rows WHERE stream = 'ticket_events'"
        ).fetchall()
    assert rejected == ("ticket_events.csv:2", "a status change needs the new status (value)")

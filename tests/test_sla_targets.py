"""SLA deadlines derived from configured targets when the source supplies none (spec §4)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics.config.durations import parse_duration
from deskmetrics.config.loading import parse_config
from deskmetrics.errors import ConfigError
from deskmetrics.models import Ticket
from deskmetrics.store import Store
from deskmetrics.sync.sla_targets import sla_targets

TOML = Path("deskmetrics.toml")


def targets_for(sla: dict[str, Any], **extra: Any) -> Any:
    config = parse_config(
        {"connections": {"desk": {"connector": "csv", "path": ".", "sla": sla}}, **extra}, TOML
    )
    return sla_targets(config, config.connections["desk"])


def ticket(priority: str | None, **fields: Any) -> Ticket:
    # Monday 5 January 2026, 16:00 UTC = 17:00 in Berlin.
    return Ticket(
        id="1", created_at=datetime(2026, 1, 5, 16, tzinfo=UTC), priority=priority, **fields
    )


def test_durations() -> None:
    assert parse_duration("4h") == 14400
    assert parse_duration("1d12h") == 129600
    assert parse_duration("30m") == 1800
    assert parse_duration(90) == 90
    for bad in ("4 hours", "", 0, -5, True, "h"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_calendar_targets_fill_only_missing_deadlines() -> None:
    targets = targets_for({"first_response": {"high": "4h"}, "resolution": {"high": "1d"}})
    filled = ticket("high")
    supplied = ticket("high", first_response_due_at=datetime(2026, 1, 5, 17, tzinfo=UTC))
    no_priority = ticket(None)
    low = ticket("low")
    targets.apply([filled, supplied, no_priority, low])
    assert filled.first_response_due_at == datetime(2026, 1, 5, 20, tzinfo=UTC)
    assert filled.resolution_due_at == datetime(2026, 1, 6, 16, tzinfo=UTC)
    assert supplied.first_response_due_at == datetime(2026, 1, 5, 17, tzinfo=UTC)  # source wins
    assert supplied.resolution_due_at == datetime(2026, 1, 6, 16, tzinfo=UTC)
    assert no_priority.first_response_due_at is None
    assert low.first_response_due_at is None  # no target for low


def test_business_time_targets_use_the_connections_schedule() -> None:
    config = parse_config(
        {
            "schedules": {
                "office": {
                    "timezone": "Europe/Berlin",
                    "hours": {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
                }
            },
            "connections": {
                "desk": {
                    "connector": "csv",
                    "path": ".",
                    "schedule": "office",
                    "sla": {"business_hours": True, "first_response": {"normal": "4h"}},
                }
            },
        },
        TOML,
    )
    targets = sla_targets(config, config.connections["desk"])
    created_after_hours = ticket("normal")  # 17:00 Berlin on Monday: the office has closed
    targets.apply([created_after_hours])
    # Four working hours from Tuesday 09:00 Berlin: 13:00 Berlin = 12:00 UTC.
    assert created_after_hours.first_response_due_at == datetime(2026, 1, 6, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sla", "message"),
    [
        (
            {"first_response": {"urgnt": "1h"}},
            "connections.desk.sla.first_response.urgnt: not a priority (low, normal, high, urgent)",
        ),
        (
            {"resolution": {"high": "soon"}},
            "connections.desk.sla.resolution.high: 'soon' is not a duration",
        ),
        (
            {"first_reply": {}},
            "connections.desk.sla.first_reply: unknown key "
            "(known: first_response, resolution, business_hours)",
        ),
        (
            {"business_hours": True},
            "connections.desk.sla.business_hours: needs a business-hours schedule: "
            'add schedule = "NAME"',
        ),
        ({"business_hours": "yes"}, "connections.desk.sla.business_hours: must be true or false"),
    ],
)
def test_config_errors_name_the_key(sla: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        targets_for(sla)
    assert str(caught.value).startswith("deskmetrics.toml: ")
    assert message in str(caught.value)


@pytest.mark.slow
def test_end_to_end_through_a_csv_sync_into_the_sla_metric(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tickets.csv").write_text(
        "id,created_at,priority,first_response_at\n"
        "1,2026-01-05T09:00:00Z,urgent,2026-01-05T09:30:00Z\n"  # due 10:00: met
        "2,2026-01-05T09:00:00Z,urgent,2026-01-05T11:00:00Z\n"  # due 10:00: breached
        "3,2026-01-05T09:00:00Z,low,2026-01-06T11:00:00Z\n",  # due 6 Jan 09:00: breached
        encoding="utf-8",
    )
    (tmp_path / "deskmetrics.toml").write_text(
        '[connections.desk]\nconnector = "csv"\npath = "data"\n\n'
        '[connections.desk.sla]\nfirst_response = { urgent = "1h", low = "1d" }\n',
        encoding="utf-8",
    )
    run = [sys.executable, "-m", "deskmetrics", "--config", str(tmp_path / "deskmetrics.toml")]
    synced = subprocess.run([*run, "sync"], capture_output=True, text=True)
    assert synced.returncode == 0, synced.stderr
    with Store(tmp_path / "deskmetrics.db") as store:
        dues = store.conn.execute(
            "SELECT id, first_response_due_at FROM tickets ORDER BY id"
        ).fetchall()
    assert dues == [
        ("1", "2026-01-05T10:00:00.000000Z"),
        ("2", "2026-01-05T10:00:00.000000Z"),
        ("3", "2026-01-06T09:00:00.000000Z"),
    ]
    report = subprocess.run(
        [*run, "report", "--from", "2026-01-05", "--to", "2026-01-12", "--as-of",
         "2026-02-01T00:00:00Z", "--format", "json"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert report.returncode == 0, report.stderr
    sla = json.loads(report.stdout)["metrics"]["sla_first_response"]
    assert (sla["n"], round(sla["value"], 2)) == (3, 33.33)

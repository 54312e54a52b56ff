"""The time-in-status migration (issue #18) upgrades a store of the previous version in place."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import deskmetrics
from deskmetrics.store import Store
from deskmetrics.store.schema import MIGRATIONS, SCHEMA_VERSION, TIME_IN_STATUS

BEFORE = MIGRATIONS.index(TIME_IN_STATUS)
NEW_COLUMNS = {
    "requester_wait_seconds", "requester_wait_business_seconds", "agent_wait_seconds",
    "agent_wait_business_seconds", "on_hold_seconds", "on_hold_business_seconds",
    "assignee_stations", "group_stations", "first_assigned_at",
}  # fmt: skip


def old_store(path: Path) -> None:
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:BEFORE]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {BEFORE}")
    conn.execute(
        "INSERT INTO tickets (source, id, created_at, status, resolved_at, synced_at)"
        " VALUES ('desk', '7', '2026-01-05T10:00:00.000000Z', 'solved',"
        " '2026-01-06T10:00:00.000000Z', '2026-01-07T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()


def test_an_older_store_gains_the_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_store(path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        columns = {row[1] for row in store.conn.execute("PRAGMA table_info(tickets)")}
        assert columns >= NEW_COLUMNS
        row = store.conn.execute(
            "SELECT id, resolved_at, requester_wait_seconds, assignee_stations FROM tickets"
        ).fetchall()
        assert row == [("7", "2026-01-06T10:00:00.000000Z", None, None)]
    with Store(path) as store:  # opening again applies nothing twice
        assert store.schema_version == SCHEMA_VERSION


def test_an_upgraded_store_stores_the_new_fields(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_store(path)
    created = datetime(2026, 1, 5, 10, tzinfo=UTC)
    ticket = deskmetrics.Ticket(
        id="7", created_at=created, status=deskmetrics.Status.SOLVED,
        requester_wait_seconds=5400.0, on_hold_seconds=600.0, assignee_stations=2,
        first_assigned_at=datetime(2026, 1, 5, 10, 20, tzinfo=UTC),
    )  # fmt: skip
    with Store(path) as store:
        store.write([ticket], source="desk")
        found = store.conn.execute(
            "SELECT requester_wait_seconds, on_hold_seconds, assignee_stations,"
            " first_assigned_at, resolved_at FROM tickets WHERE id = '7'"
        ).fetchone()
    # Fields the record does not set (resolved_at) keep their stored value.
    assert found == (5400.0, 600.0, 2, "2026-01-05T10:20:00.000000Z", "2026-01-06T10:00:00.000000Z")

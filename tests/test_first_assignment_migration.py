"""Schema 10: the stored time to first assignment (``first_assignment_us``) and the resolved
cohort's covering index with it and ``requester_id``. A schema-9 store with data upgrades in
place to the same figures a fresh store computes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deskmetrics import Store, Ticket
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics.store.database import _split_sql
from deskmetrics.store.schema import (
    MIGRATIONS,
    RESOLVED_INDEX_FIRST_ASSIGNMENT,
    SCHEMA_VERSION,
    micros,
)
from test_store_upgrade import END, _copy_rows, _plan, report_json

BEFORE = MIGRATIONS.index(RESOLVED_INDEX_FIRST_ASSIGNMENT)

EXPLORE_SCAN = (
    "SELECT t.source || char(31) || t.requester_id, t.first_assignment_us, t.assignee_id"
    " FROM tickets t WHERE t.resolved_at >= '2025-11-03' AND t.resolved_at < '2026-01-05'"
    " AND t.status IN ('solved', 'closed')"
)
"""The explore plugin's resolved-cohort columns schema 10 moves into the covering index."""


def _schema_9_store(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:BEFORE]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {BEFORE}")
    conn.close()


def test_a_schema_9_store_upgrades_in_place_to_the_stored_first_assignment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    _schema_9_store(path)
    spec = DemoSpec(tickets=600, weeks=9, end=END, seed=11, interactions=False, history=True)
    with Store(tmp_path / "fresh.db") as fresh:
        fresh.write(list(demo_records(spec)), source="demo")
        expected = report_json(fresh)
        fresh_values = fresh.conn.execute(
            "SELECT id, first_assignment_us FROM tickets ORDER BY id"
        ).fetchall()
    with sqlite3.connect(path) as old:
        assert "COVERING INDEX tickets_resolved_at" not in _plan(old, EXPLORE_SCAN.replace(
            "t.first_assignment_us", "t.first_assigned_at"))  # fmt: skip
    _copy_rows(tmp_path / "fresh.db", path)  # schema 9's columns: no first_assignment_us
    with sqlite3.connect(path) as old:  # and the history summaries schema 9 already keeps
        old.execute("ATTACH DATABASE ? AS fresh", (str(tmp_path / "fresh.db"),))
        # (the schema-9 table's columns: later migrations add more, such as the stretches)
        names = ", ".join(r[1] for r in old.execute("PRAGMA main.table_info(ticket_history)"))
        old.execute(
            f"INSERT INTO main.ticket_history ({names}) SELECT {names} FROM fresh.ticket_history"
        )

    with Store(path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION > BEFORE
        conn = upgraded.conn
        rows = conn.execute(
            f"SELECT id, first_assignment_us, {micros('created_at', 'first_assigned_at')}"
            " FROM tickets ORDER BY id"
        ).fetchall()
        assert [row[:2] for row in rows] == fresh_values
        assert all(row[1] == row[2] for row in rows)
        assert sum(row[1] is not None for row in rows) > 300
        assert "COVERING INDEX tickets_resolved_at" in _plan(conn, EXPLORE_SCAN)
        assert report_json(upgraded) == expected


def test_the_store_keeps_the_first_assignment_through_updates(tmp_path: Path) -> None:
    created = datetime(2026, 1, 5, 9, 0, 0, 250_000, tzinfo=UTC)
    with Store(tmp_path / "dm.db") as store:
        store.write(
            [Ticket(id="1", created_at=created, first_assigned_at=created + timedelta(minutes=7))],
            source="s",
        )
        # A record setting one end only: SQL recomputes it from the stored other end.
        store.write([Ticket(id="1", created_at=created - timedelta(hours=2))], source="s")
        (value,) = store.conn.execute("SELECT first_assignment_us FROM tickets").fetchone()
    assert value == 2 * 3_600_000_000 + 7 * 60_000_000

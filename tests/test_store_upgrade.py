"""Schemas 3 and 4 (real-data columns; stored durations and covering indexes): a schema-2
store with data upgrades in place."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from deskmetrics import Status, Store, Ticket, TicketUpdate, build_report
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics.store.database import _split_sql
from deskmetrics.store.schema import MIGRATIONS, RESOLVED_INDEX_STATUS_TIMES, SCHEMA_VERSION

END = datetime(2026, 1, 5, tzinfo=UTC)
TABLES = ("groups", "agents", "organizations", "customers", "tickets", "ticket_tags", "surveys")


def schema_2_copy(fresh: Path, old: Path) -> None:
    """A store as schema 2 left it, holding the rows of ``fresh`` (which has every column)."""
    conn = sqlite3.connect(old, isolation_level=None)
    for script in MIGRATIONS[:2]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    conn.execute("ATTACH DATABASE ? AS fresh", (str(fresh),))
    for table in TABLES:
        # table_info leaves out generated columns: these are the columns schema 2 has.
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")'))
        conn.execute(
            f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM fresh."{table}"'
        )
    conn.execute("DETACH DATABASE fresh")
    conn.close()


def report_json(store: Store) -> str:
    report = build_report(
        store, start=date(2025, 11, 3), end=date(2026, 1, 5), as_of=END, by=["agent"],
        grain="week",
    )  # fmt: skip
    return json.dumps(report.to_dict(), sort_keys=True)


def test_a_schema_2_store_with_data_upgrades_in_place(tmp_path: Path) -> None:
    fresh_path, old_path = tmp_path / "fresh.db", tmp_path / "old.db"
    # No history: a schema-2 store has no ticket_events table to carry it.
    spec = DemoSpec(tickets=800, weeks=9, end=END, seed=3, interactions=False, history=False)
    with Store(fresh_path) as fresh:
        fresh.write(list(demo_records(spec)), source="demo")
        # An open ticket, a tombstone and a ticket without times exercise the null paths.
        fresh.write(
            [
                Ticket(id="open", created_at=datetime(2025, 12, 1, tzinfo=UTC), status="open"),
                Ticket(
                    id="gone", created_at=datetime(2025, 12, 2, tzinfo=UTC), status=Status.DELETED
                ),
            ],
            source="demo",
        )
        # Schema 2 had no time-in-status columns (issue #18): the copy cannot carry them, so the
        # fresh store holds none either and both give the same report.
        names = ["requester_wait", "agent_wait", "on_hold"]
        cleared = [f"{n}{c}_seconds = NULL" for n in names for c in ("", "_business")]
        fresh.conn.execute(
            f"UPDATE tickets SET {', '.join(cleared)}, assignee_stations = NULL,"
            " group_stations = NULL, first_assigned_at = NULL"
        )
        fresh.conn.commit()
        expected = report_json(fresh)
        facts_before = fresh.conn.execute("SELECT * FROM ticket_facts ORDER BY id").fetchall()
        rows_before = fresh.conn.execute(
            "SELECT rowid, id, created_at, resolved_at FROM tickets ORDER BY rowid"
        ).fetchall()
    schema_2_copy(fresh_path, old_path)

    with Store(old_path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION == 11  # #18, #14 indexes, stretches
        conn = upgraded.conn
        assert (
            conn.execute(
                "SELECT rowid, id, created_at, resolved_at FROM tickets ORDER BY rowid"
            ).fetchall()
            == rows_before
        )
        # The stored microseconds are exactly what the engine computed from the text times.
        mismatched = conn.execute(
            "SELECT count(*) FROM tickets WHERE "
            "first_response_us IS NOT (CAST(round((julianday(substr(first_response_at, 1, 19))"
            " - julianday(substr(created_at, 1, 19))) * 86400) AS INTEGER) * 1000000"
            " + substr(first_response_at, 21, 6) - substr(created_at, 21, 6))"
        ).fetchone()[0]
        assert mismatched == 0
        open_ticket = conn.execute(
            "SELECT first_response_us, resolution_us, first_resolution_us FROM tickets "
            "WHERE id = 'open'"
        ).fetchone()
        assert open_ticket == (None, None, None)
        # The views were rebuilt over the new table.
        facts = conn.execute("SELECT * FROM ticket_facts ORDER BY id").fetchall()
        assert len(facts) > 790 and facts == facts_before
        assert report_json(upgraded) == expected


def test_stored_durations_follow_updates(tmp_path: Path) -> None:
    created = datetime(2026, 1, 5, 10, tzinfo=UTC)
    with Store(tmp_path / "s.db") as store:
        store.write([Ticket(id="1", created_at=created, status="open")], source="d")
        store.write(
            [
                Ticket(
                    id="1",
                    created_at=created,
                    status="solved",
                    first_response_at=datetime(2026, 1, 5, 10, 0, 1, 250, tzinfo=UTC),
                    resolved_at=datetime(2026, 1, 6, 10, tzinfo=UTC),
                )
            ],
            source="d",
        )
        row = store.conn.execute(
            "SELECT first_response_us, resolution_us, first_resolution_us FROM tickets"
        ).fetchone()
        assert row == (1_000_250, 86_400_000_000, None)
        # A partial update (and one waiting for its ticket) recomputes from the stored times.
        store.write(
            [TicketUpdate(id="1", first_resolved_at=datetime(2026, 1, 5, 12, tzinfo=UTC))],
            source="d",
        )
        store.write(
            [TicketUpdate(id="2", first_response_at=datetime(2026, 1, 5, 11, tzinfo=UTC))],
            source="d",
        )
        store.write([Ticket(id="2", created_at=created, status="open")], source="d")
        rows = store.conn.execute(
            "SELECT id, first_response_us, resolution_us, first_resolution_us FROM tickets "
            "ORDER BY id"
        ).fetchall()
    assert rows == [
        ("1", 1_000_250, 86_400_000_000, 7_200_000_000),
        ("2", 3_600_000_000, None, None),
    ]


RESOLVED_SCAN = (
    "SELECT t.requester_wait_seconds, t.agent_wait_business_seconds, t.on_hold_seconds,"
    " t.assignee_stations, t.group_stations, t.first_assigned_at,"
    " COALESCE(t.on_hold_business_seconds, (SELECT count(*) FROM ticket_events e"
    " WHERE e.source = t.source AND e.ticket_id = t.id))"
    " FROM tickets t WHERE t.resolved_at >= '2025-11-03' AND t.resolved_at < '2026-01-05'"
    " AND t.status IN ('solved', 'closed')"
)
"""A resolved-cohort read of the explore plugin's columns, with a history fallback naming the
ticket's key as its correlated subqueries do."""


def test_the_resolved_index_upgrade_keeps_the_data_and_covers_the_status_times(
    tmp_path: Path,
) -> None:
    before = MIGRATIONS.index(RESOLVED_INDEX_STATUS_TIMES)
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:before]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.close()
    spec = DemoSpec(tickets=600, weeks=9, end=END, seed=5, interactions=False, history=True)
    with Store(tmp_path / "fresh.db") as fresh:
        fresh.write(list(demo_records(spec)), source="demo")
        expected = report_json(fresh)
    # The older store's own index does not cover these columns; it gets the same rows.
    with sqlite3.connect(path) as old:
        assert "COVERING INDEX tickets_resolved_at" not in _plan(old, RESOLVED_SCAN)
    _copy_rows(tmp_path / "fresh.db", path)

    with Store(path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION > before  # later migrations too
        conn = upgraded.conn
        stored = conn.execute(
            "SELECT count(*), count(requester_wait_seconds), sum(assignee_stations),"
            " count(first_assigned_at) FROM tickets"
        ).fetchone()
        assert stored[0] >= 600 and stored[1] > 300 and stored[2] > 300 and stored[3] > 300
        assert conn.execute("SELECT count(*) FROM ticket_events").fetchone()[0] > 1000
        assert "COVERING INDEX tickets_resolved_at" in _plan(conn, RESOLVED_SCAN)
        from_table = RESOLVED_SCAN.replace("FROM tickets t", "FROM tickets t NOT INDEXED")
        assert sorted(conn.execute(RESOLVED_SCAN), key=repr) == sorted(
            conn.execute(from_table), key=repr
        )
        assert report_json(upgraded) == expected


def _plan(conn: sqlite3.Connection, sql: str) -> str:
    return " | ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


def _copy_rows(fresh: Path, old: Path) -> None:
    """Every row of ``fresh`` into the older store ``old`` (same columns, older indexes)."""
    conn = sqlite3.connect(old, isolation_level=None)
    conn.execute("ATTACH DATABASE ? AS fresh", (str(fresh),))
    for table in (*TABLES, "ticket_events"):
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")'))
        conn.execute(
            f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM fresh."{table}"'
        )
    conn.execute("DETACH DATABASE fresh")
    conn.close()

"""Schema 10 on PostgreSQL (its text in PG_MIGRATIONS): a schema-9 store gains the stored time to
first assignment, backfilled to the same integers SQLite computes, and the store keeps it on
every later write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deskmetrics import Ticket
from deskmetrics.store.opening import open_url
from deskmetrics.store.postgres import database as pg_database
from deskmetrics.store.postgres import schema as pg_schema
from deskmetrics.store.schema import MIGRATIONS, RESOLVED_INDEX_FIRST_ASSIGNMENT, SCHEMA_VERSION
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)

BEFORE = MIGRATIONS.index(RESOLVED_INDEX_FIRST_ASSIGNMENT)
T0 = datetime(2026, 1, 5, 9, 30, 0, 250_000, tzinfo=UTC)


def test_a_schema_9_postgres_store_upgrades_to_the_stored_first_assignment(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.url(pg_cluster.new_database())
    with monkeypatch.context() as older:
        older.setattr(pg_schema, "MIGRATIONS", MIGRATIONS[:BEFORE])
        older.setattr(pg_database, "SCHEMA_VERSION", BEFORE)
        with open_url(url) as store:
            assert store.schema_version == BEFORE
            # Schema 9's columns (its write path has no first_assignment_us to fill).
            for ticket_id, created, assigned in (
                ("1", "2026-01-05T09:30:00.250000Z", "2026-01-05T11:30:00.250005Z"),
                ("2", "2026-01-05T09:30:00.000000Z", None),
            ):
                store.conn.execute(
                    "INSERT INTO tickets (source, id, created_at, status, synced_at,"
                    " first_assigned_at) VALUES ('desk', ?, ?, 'open', ?, ?)",
                    (ticket_id, created, "2026-01-06T00:00:00.000000Z", assigned),
                )
    with open_url(url) as store:
        assert store.schema_version == SCHEMA_VERSION
        rows = store.conn.execute("SELECT id, first_assignment_us FROM tickets ORDER BY id")
        assert [tuple(row) for row in rows.fetchall()] == [("1", 7_200_000_005), ("2", None)]
        # Later writes keep it, as on SQLite: a record setting one end only recomputes it.
        store.write(
            [Ticket(id="2", created_at=T0, first_assigned_at=T0 + timedelta(minutes=3))],
            source="desk",
        )
        store.write([Ticket(id="1", created_at=T0 - timedelta(hours=1))], source="desk")
        rows = store.conn.execute("SELECT id, first_assignment_us FROM tickets ORDER BY id")
        assert [tuple(row) for row in rows.fetchall()] == [
            ("1", 3 * 3_600_000_000 + 5),
            ("2", 180_000_000),
        ]

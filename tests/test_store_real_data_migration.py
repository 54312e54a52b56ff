"""The real-data migration (issue #13) upgrades a store of the previous version in place."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from deskmetrics.store import Store
from deskmetrics.store.schema import MIGRATIONS, REAL_DATA, SCHEMA_VERSION

BEFORE = MIGRATIONS.index(REAL_DATA)
"""How many migrations a store had before this one."""


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
    conn.execute(
        "INSERT INTO surveys (source, id, ticket_id, kind, score, scale_min, scale_max,"
        " created_at, synced_at) VALUES ('desk', 's1', '7', 'csat', 5, 1, 5,"
        " '2026-01-06T11:00:00.000000Z', '2026-01-07T00:00:00.000000Z')"
    )
    conn.execute(
        "INSERT INTO customers (source, id, name, created_at, synced_at) VALUES"
        " ('desk', 'c1', 'Acme', '2025-01-01T00:00:00.000000Z', '2026-01-07T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()


def test_an_older_store_upgrades_in_place_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_store(path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        ticket = store.conn.execute(
            "SELECT id, status, resolved_at, resolved_at_estimated FROM tickets"
        ).fetchall()
        assert ticket == [("7", "solved", "2026-01-06T10:00:00.000000Z", 0)]
        assert store.count("surveys") == 1 and store.count("customers") == 1
    with Store(path) as store:  # opening again applies nothing twice
        assert store.schema_version == SCHEMA_VERSION

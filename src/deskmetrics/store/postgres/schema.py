"""The PostgreSQL store's schema, derived from the SQLite migrations (store/schema.py).

A new store gets the schema SQLite has at ``SCHEMA_VERSION`` (read from an in-memory SQLite
store, translated by dialect.py), so it is never written twice. An existing one is upgraded
by translating each later SQLite migration; a migration that does not translate (a table
rebuild, SQLite-only syntax) gets its PostgreSQL text in :data:`PG_MIGRATIONS` instead.
"""

from __future__ import annotations

import re
import sqlite3

from deskmetrics.store.database import _split_sql
from deskmetrics.store.postgres.dialect import translate_ddl
from deskmetrics.store.schema import (
    FIRST_ASSIGNMENT_COLUMN,
    MIGRATIONS,
    RESOLVED_INDEX_COLUMNS,
)

VERSION_TABLE = "deskmetrics_schema"
"""One row: the schema version (SQLite keeps it in ``PRAGMA user_version``)."""

PG_MIGRATIONS: dict[int, str] = {
    10: f"""{FIRST_ASSIGNMENT_COLUMN}
UPDATE tickets SET first_assignment_us = (extract(epoch FROM
    (first_assigned_at::timestamptz - created_at::timestamptz)) * 1000000)::bigint
    WHERE first_assigned_at IS NOT NULL;
DROP INDEX tickets_resolved_at;
CREATE INDEX tickets_resolved_at ON tickets({RESOLVED_INDEX_COLUMNS});
""",
}
"""PostgreSQL text of the SQLite migrations (1-based) that translate_ddl cannot carry over."""

FIRST_PG_SCHEMA = 6
"""The schema version PostgreSQL stores were introduced at: none is older."""


def _pg_view(sql: str) -> str:
    # A CASE branch of a comparison (boolean in PostgreSQL) and a literal 0 must agree.
    return re.sub(r"(< strftime\([^)]*\)) THEN 0\b", r"\1 THEN false", translate_ddl(sql))


def baseline() -> list[str]:
    """Statements creating the current schema on an empty PostgreSQL schema."""
    conn = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            for statement in _split_sql(script):
                conn.execute(statement)
        rows = conn.execute(
            "SELECT type, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY "
            "CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
        ).fetchall()
    finally:
        conn.close()
    return [_pg_view(sql) if kind == "view" else translate_ddl(sql) for kind, sql in rows]


def upgrade(number: int) -> list[str]:
    """Statements of migration ``number`` (1-based) on PostgreSQL."""
    if number <= FIRST_PG_SCHEMA:
        raise ValueError(f"no PostgreSQL store predates schema {FIRST_PG_SCHEMA}")
    script = PG_MIGRATIONS.get(number, MIGRATIONS[number - 1])
    return [translate_ddl(statement) for statement in _split_sql(script)]

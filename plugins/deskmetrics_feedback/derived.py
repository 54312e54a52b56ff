"""Writing the plugin's derived tables from inside a report.

A report runs in one read snapshot; the plugin's tables (scores, themes) are derived from the
store and can be rebuilt at any time, so they are written there as a savepoint. If the
database cannot be written (another process holds the write lock, a read-only file) the rows
go to temporary tables of the same names instead, which SQLite finds first: the report is
still right, and the next one tries to store them again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping


def exists(conn: sqlite3.Connection, table: str, schema: str = "main") -> bool:
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_schema WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    return found is not None


def visible(conn: sqlite3.Connection, table: str) -> bool:
    """Whether an unqualified ``table`` resolves (the stored one or a stand-in)."""
    return exists(conn, table, "main") or exists(conn, table, "temp")


def write_derived(
    conn: sqlite3.Connection, tables: Mapping[str, str], fill: Callable[[str], None]
) -> None:
    """Create ``tables`` (name → column SQL) and call ``fill(schema)`` to write their rows,
    in ``main``; when that fails for want of a write lock or permission, in ``temp``."""
    conn.execute("SAVEPOINT feedback_derived")
    try:
        for name, columns in tables.items():
            # A stand-in from an earlier locked report (same connection) would shadow it.
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
            conn.execute(f"CREATE TABLE IF NOT EXISTS main.{name} ({columns})")
        fill("main")
    except sqlite3.OperationalError:
        conn.execute("ROLLBACK TO feedback_derived")
        conn.execute("RELEASE feedback_derived")
        for name, columns in tables.items():
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns})")
            if exists(conn, name):
                # The stand-in hides the stored table: it starts as its copy.
                conn.execute(f"INSERT OR IGNORE INTO temp.{name} SELECT * FROM main.{name}")
        fill("temp")
        return
    conn.execute("RELEASE feedback_derived")

"""Results kept under a key: a derived table of (``key``, ``value`` as JSON, ``written_at``).

The key names everything the result was computed from (store_state.py: the tables' states,
and the report's settings), so a report with the same key reads the value back instead of
computing it. Only the ``keep`` most recent values stay; deleting the table loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, Final

from deskmetrics_feedback.derived import visible, write_derived

COLUMNS: Final = (
    "key TEXT NOT NULL, value TEXT NOT NULL, written_at TEXT NOT NULL, PRIMARY KEY (key)"
)


class Missing:
    """Nothing kept under the key (a kept value may itself be None)."""


MISSING: Final = Missing()


def kept_value(conn: sqlite3.Connection, table: str, key: str) -> Any:
    """The value kept under ``key``, or MISSING."""
    if not visible(conn, table):
        return MISSING
    row = conn.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()
    return MISSING if row is None else json.loads(row[0])


def keep_value(conn: sqlite3.Connection, table: str, key: str, value: Any, keep: int) -> None:
    written = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def fill(schema: str) -> None:
        conn.execute(f"DELETE FROM {schema}.{table} WHERE key = ?", (key,))
        conn.execute(
            f"INSERT INTO {schema}.{table} VALUES (?, ?, ?)", (key, json.dumps(value), written)
        )
        conn.execute(
            f"DELETE FROM {schema}.{table} WHERE key NOT IN (SELECT key FROM {schema}.{table} "
            "ORDER BY written_at DESC, key LIMIT ?)",
            (keep,),
        )

    write_derived(conn, {table: COLUMNS}, fill)

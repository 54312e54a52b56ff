"""What a test compares of a store: the record tables and their rows, read with plain sqlite3."""

from __future__ import annotations

from pathlib import Path

from deskmetrics.models import RECORD_TYPES

RECORD_TABLES: tuple[str, ...] = (*(model.table for model in RECORD_TYPES), "ticket_tags")
"""Every table a sync writes records into: what "the same store" compares."""


def store_rows(db: Path, table: str, *, drop: tuple[str, ...] = ("synced_at",)) -> list[tuple]:
    """Every row of ``table`` (sorted, without the ``drop`` columns), read with plain sqlite3."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        keep = [c for c in columns if c not in drop]
        quoted = ", ".join(f'"{c}"' for c in keep)
        return sorted(conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)
    finally:
        conn.close()

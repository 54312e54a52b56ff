"""Move a SQLite store to PostgreSQL without re-syncing: every table, row for row.

Records, cursors (``sync_state``), run history, rejected rows, pending updates and any table a
plugin keeps are streamed with COPY in one PostgreSQL transaction: the target holds all of it or
nothing. A table the target lacks (a plugin's) is created from its SQLite definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from deskmetrics.errors import StoreError
from deskmetrics.store.database import Store
from deskmetrics.store.postgres.database import PgStore
from deskmetrics.store.postgres.dialect import translate_ddl

_CHUNK = 20_000
_IDENTITY_TABLES = ("sync_runs", "rejected_rows")


@dataclass
class CopyResult:
    rows: dict[str, int] = field(default_factory=dict)
    """Rows copied per table, in copy order."""


def _source_tables(source: Store) -> list[tuple[str, str]]:
    rows = source.conn.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY rowid"
    ).fetchall()
    return [(name, sql) for name, sql in rows]


def _target_columns(target: PgStore, table: str) -> list[str]:
    rows = target.raw.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [row[0] for row in rows]


def stored_rows(target: PgStore, tables: list[str]) -> dict[str, int]:
    """Tables of ``tables`` in the target that hold rows, with their counts."""
    found = {}
    for table in tables:
        if _target_columns(target, table):
            count = target.count(table)
            if count:
                found[table] = count
    return found


def copy_store(
    source: Store,
    target: PgStore,
    *,
    replace: bool = False,
    progress: Callable[[str, int], None] | None = None,
) -> CopyResult:
    """Copy every table of ``source`` into ``target``; an occupied target needs ``replace``."""
    tables = _source_tables(source)
    occupied = stored_rows(target, [name for name, _sql in tables])
    if occupied and not replace:
        total = sum(occupied.values())
        shown = f"{total:,} rows in {len(occupied)} tables, e.g. " + ", ".join(
            f"{name} ({count:,})" for name, count in list(occupied.items())[:3]
        )
        raise StoreError(
            f"{target.url.shown()}: not empty ({shown}); copy into an empty database, or pass "
            "--replace to delete what it holds first"
        )
    result = CopyResult()
    with source.snapshot(), target.transaction():
        for name, sql in tables:
            columns = _target_columns(target, name)
            if not columns:
                target.raw.execute(translate_ddl(sql))
                columns = _target_columns(target, name)
            if replace:
                target.raw.execute(f'DELETE FROM "{name}"')
            ordered = "WITHOUT ROWID" not in sql.upper()
            result.rows[name] = _copy_table(source, target, name, columns, ordered)
            if progress is not None:
                progress(name, result.rows[name])
        for name in _IDENTITY_TABLES:
            # The next run or rejected row continues after the copied ids.
            target.raw.execute(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
            )
    return result


def _copy_table(
    source: Store, target: PgStore, name: str, columns: list[str], ordered: bool
) -> int:
    present = {row[1] for row in source.conn.execute(f'PRAGMA table_info("{name}")')}
    shared = [c for c in columns if c in present]
    quoted = ", ".join(f'"{c}"' for c in shared)
    # In rowid order: the target's rows are then laid out as the source's were written.
    order = " ORDER BY rowid" if ordered else ""
    cursor = source.conn.execute(f'SELECT {quoted} FROM "{name}"{order}')
    copied = 0
    with target.raw.cursor() as pg, pg.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
        while chunk := cursor.fetchmany(_CHUNK):
            for row in chunk:
                copy.write_row(row)
            copied += len(chunk)
    return copied

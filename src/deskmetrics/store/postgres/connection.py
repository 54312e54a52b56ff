"""``store.conn`` on PostgreSQL: sqlite3's ``execute`` API over a psycopg connection.

Statements are translated (dialect.py) and values come back as SQLite returns them: a
condition as 1/0, a ``sum`` of integers as an int, an ``avg`` as a float, so code written
for ``sqlite3`` reads the same rows from either store.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.adapt import Loader

from deskmetrics.store.postgres.dialect import translate

Params = Sequence[Any] | Mapping[str, Any]

_OR_REPLACE = re.compile(
    r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+([\w.\"]+)\s*(\([^)]*\))?\s*(VALUES\b.*|SELECT\b.*)$",
    re.I | re.S,
)


class _IntBool(Loader):
    """booleans as SQLite's 1/0."""

    def load(self, data: Any) -> int:
        return 1 if bytes(data) == b"t" else 0


class _SqliteNumeric(Loader):
    """numeric (sum of integers, avg) as SQLite returns it: an int when whole, else a float."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        if "." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity"):
            return float(Decimal(text))
        return int(text)


class _JsonText(Loader):
    """json as SQLite's JSON functions return it: text, for the caller to parse."""

    def load(self, data: Any) -> str:
        return bytes(data).decode()


def configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("bool", _IntBool)
    conn.adapters.register_loader("numeric", _SqliteNumeric)
    conn.adapters.register_loader("json", _JsonText)
    conn.adapters.register_loader("jsonb", _JsonText)


_BUSY = (
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.LockNotAvailable,
    psycopg.errors.ReadOnlySqlTransaction,
    psycopg.errors.InsufficientPrivilege,
)
"""What SQLite reports as a locked or read-only database (``sqlite3.OperationalError``), which
code written for SQLite catches to fall back (the feedback plugin's temporary cache)."""


@contextmanager
def _as_sqlite_errors() -> Iterator[None]:
    try:
        yield
    except _BUSY as exc:
        raise sqlite3.OperationalError(f"database is locked or read-only: {exc}") from exc


class PgConnection:
    """The part of ``sqlite3.Connection`` the store's users call: ``execute``,
    ``executemany`` and ``with conn:`` (one transaction)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn
        self._keys: dict[str, tuple[list[str], list[str]]] = {}
        self._blocks: list[AbstractContextManager[Any]] = []

    def execute(self, sql: str, params: Params = ()) -> psycopg.Cursor[Any]:
        with _as_sqlite_errors():
            return self.raw.execute(self._statement(sql), _params(params), prepare=False)

    def executemany(self, sql: str, rows: Iterable[Params]) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        listed = [_params(row) for row in rows]
        if listed:
            with _as_sqlite_errors():
                cursor.executemany(self._statement(sql), listed)
        return cursor

    def __enter__(self) -> PgConnection:
        block = self.raw.transaction()
        block.__enter__()
        self._blocks.append(block)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._blocks.pop().__exit__(*exc)

    def _statement(self, sql: str) -> str:
        match = _OR_REPLACE.match(sql)
        if match is None:
            return translate(sql)
        table, columns, rest = match.groups()
        names, key = self._table_columns(table)
        listed = [c.strip().strip('"') for c in columns[1:-1].split(",")] if columns else names
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in listed if c not in key)
        quoted = ", ".join(f'"{c}"' for c in listed)
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        on_key = ", ".join(f'"{c}"' for c in key)
        return translate(f"INSERT INTO {table} ({quoted}) {rest} ON CONFLICT ({on_key}) {action}")

    def _table_columns(self, table: str) -> tuple[list[str], list[str]]:
        """(columns in order, primary key columns) of ``table``, from the catalog."""
        name = translate(table).replace("pg_temp.", "")
        if name not in self._keys:
            relation = self.raw.execute(
                "SELECT c.oid FROM pg_class c WHERE c.relname = %s AND c.relnamespace IN "
                "(pg_my_temp_schema(), current_schema()::regnamespace) "
                "ORDER BY c.relnamespace = pg_my_temp_schema() DESC LIMIT 1",
                (name.strip('"'),),
            ).fetchone()
            if relation is None:
                raise psycopg.errors.UndefinedTable(f'relation "{name}" does not exist')
            columns = [
                row[0]
                for row in self.raw.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum",
                    relation,
                )
            ]
            key = [
                row[0]
                for row in self.raw.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                    "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s AND "
                    "i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                    relation,
                )
            ]
            self._keys[name] = (columns, key)
        return self._keys[name]


def _params(params: Params | None) -> Params:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return params
    return tuple(params)

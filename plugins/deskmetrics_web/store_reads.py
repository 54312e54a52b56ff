"""The pages' read queries on a store Datasette does not serve (PostgreSQL).

The same calls as Datasette's ``Database`` (``await db.execute(sql, params)`` with ``.rows``), so
``records`` and the pages run unchanged; each query runs in a worker thread on its own store
connection, in the store's portable SQLite SQL (docs/store.md).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    """A result row read by column name or position, like ``sqlite3.Row``."""

    names: tuple[str, ...]
    values: tuple[Any, ...]

    def keys(self) -> tuple[str, ...]:
        return self.names

    def __getitem__(self, key: int | str) -> Any:
        return self.values[key if isinstance(key, int) else self.names.index(key)]


@dataclass(frozen=True)
class Rows:
    rows: list[Row]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)


class StoreReads:
    def __init__(self, open_store: Callable[[], Any]) -> None:
        self._open_store = open_store

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Rows:
        return await asyncio.to_thread(self._query, sql, list(params))

    def _query(self, sql: str, params: list[Any]) -> Rows:
        with self._open_store() as store:
            cursor = store.conn.execute(sql, params)
            names = tuple(column[0] for column in cursor.description)
            return Rows([Row(names, tuple(row)) for row in cursor.fetchall()])

"""What every store offers, whichever database holds it: the one door the sync engine, the
metrics engine, ``state``, ``status``, ``verify`` and the ticket lists go through.

Two implementations: :class:`deskmetrics.store.database.Store` (SQLite, the default) and
:class:`deskmetrics.store.postgres.database.PgStore` (``[database] url = "postgresql://…"``).
``conn`` takes SQLite SQL on both (docs/store.md, "Portable SQL").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from deskmetrics.models import Record
from deskmetrics.store.sync_log import JSONState, RejectedRow, Run


class SqlCursor(Protocol):
    """The part of a DB-API cursor the store's readers use."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def fetchmany(self, size: int = ...) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class SqlConnection(Protocol):
    """``sqlite3.Connection.execute`` and ``executemany``: SQLite SQL, ``?``/``:name`` params."""

    def execute(self, sql: str, parameters: Any = ..., /) -> SqlCursor: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> SqlCursor: ...


class StoreBackend(Protocol):
    """A deskmetrics store: records, cursor state, run history, rejected rows, locks."""

    @property
    def conn(self) -> Any: ...

    @property
    def schema_version(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> StoreBackend: ...

    def __exit__(self, *exc: object) -> None: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    def snapshot(self) -> AbstractContextManager[Any]: ...

    def connection_lock(
        self, connection: str, *, wait: float = 0.0
    ) -> AbstractContextManager[None]: ...

    def lock_held(self, connection: str) -> bool: ...

    def write(self, records: Iterable[Record], *, source: str) -> Counter[str]: ...

    def count(self, table: str, source: str | None = None) -> int: ...

    def get_state(self, connection: str, stream: str) -> JSONState | None: ...

    def set_state(self, connection: str, stream: str, state: JSONState) -> None: ...

    def states(self, connection: str | None = None) -> list[dict[str, Any]]: ...

    def reset_state(self, connection: str, stream: str | None = None) -> int: ...

    def start_run(
        self,
        connection: str,
        stream: str,
        *,
        sync_id: str | None = None,
        full_refresh: bool = False,
    ) -> int: ...

    def add_to_run(self, run_id: int, counts: Counter[str], rejected: int) -> None: ...

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None: ...

    def runs(self, connection: str | None = None, limit: int = 100) -> list[Run]: ...

    def add_rejected(
        self, run_id: int, connection: str, stream: str, rows: Sequence[RejectedRow]
    ) -> None: ...

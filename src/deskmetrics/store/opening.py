"""Which store a configuration names: the SQLite file ``[database] path``, or the PostgreSQL
server of ``[database] url``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from deskmetrics.errors import StoreError
from deskmetrics.store.database import Store
from deskmetrics.store.postgres.url import DatabaseUrl, is_postgres_url

if TYPE_CHECKING:
    from deskmetrics.config.loading import Config
    from deskmetrics.store.interface import StoreBackend


def open_url(url: str, *, timeout: float = 30.0) -> StoreBackend:
    """A store from a PostgreSQL URL (``${ENV}`` references resolved) or a SQLite file path."""
    if is_postgres_url(url):
        try:
            from deskmetrics.store.postgres.database import PgStore
        except ImportError:
            raise StoreError(
                "a postgresql:// database needs psycopg: pip install 'deskmetrics[postgres]'"
            ) from None
        return PgStore(url, timeout=timeout)
    return Store(Path(url), timeout=timeout)


def open_store(config: Config, *, create: bool = True) -> StoreBackend:
    """The configured store; ``create=False`` (read commands) never makes a SQLite file."""
    if config.database_url is not None:
        return open_url(config.database_url, timeout=config.database_timeout)
    path = config.database
    if not create and not path.exists():
        return Store(":memory:")
    return Store(path, timeout=config.database_timeout)


def sync_lock(config: Config, name: str, *, wait: float = 0.0) -> AbstractContextManager[None]:
    """A lock named ``name`` for the configured store, without opening it: a file lock beside
    the SQLite file, or a PostgreSQL advisory lock every machine sharing the server sees."""
    if config.database_url is None:
        from deskmetrics.sync.locks import connection_lock

        return connection_lock(Path(config.database), name, wait=wait)
    from deskmetrics.store.postgres.locks import advisory_lock

    return advisory_lock(DatabaseUrl(config.database_url).resolved(), name, wait=wait)

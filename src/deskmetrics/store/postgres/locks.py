"""Per-connection sync locks as PostgreSQL advisory locks: one sync of a connection at a time
across every machine that shares the database; different connections sync in parallel.

A session-level advisory lock belongs to the database session, so the server releases it when
the holder's session ends (exit, ``kill -9``, a lost network): no stale lock, like flock.
Each lock is held on its own session, so the store's transactions never touch it.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from deskmetrics.store.encoding import now_db_time
from deskmetrics.sync.locks import LockedError

_NAMESPACE = b"deskmetrics sync lock:"


def lock_key(connection: str) -> int:
    """A stable signed 64-bit key for ``connection`` (the same on every machine and version)."""
    digest = hashlib.blake2b(_NAMESPACE + connection.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _holder(conn: psycopg.Connection[Any], key: int) -> str:
    row = conn.execute(
        "SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s LIMIT 1",
        (key,),
    ).fetchone()
    if row is None or not row[1].startswith("deskmetrics "):
        return "another process"
    # application_name is "deskmetrics pid N on HOST since TIME" (set by the holder).
    return str(row[1]).removeprefix("deskmetrics ")


@contextmanager
def advisory_lock(url: str, connection: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold ``connection``'s sync lock; raise LockedError if not free within ``wait`` seconds."""
    key = lock_key(connection)
    since = now_db_time()
    name = f"deskmetrics pid {os.getpid()} on {socket.gethostname()} since {since}"[:63]
    with psycopg.connect(url, autocommit=True, application_name=name) as conn:
        deadline = time.monotonic() + wait
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:  # type: ignore[index]
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"connection {connection!r} is being synced by {_holder(conn, key)}; "
                    "try again when it has finished"
                )
            time.sleep(0.1)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def lock_held(url: str, connection: str) -> bool:
    """Whether a live session holds ``connection``'s sync lock right now."""
    key = lock_key(connection)
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
            "((classid::bigint << 32) | objid::bigint) = %s",
            (key,),
        ).fetchone()
    return row is not None

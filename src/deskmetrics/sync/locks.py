"""One sync per connection at a time, across processes: schedulers and manual syncs alike.

Each connection has a lock file beside the database (``deskmetrics.db.locks/NAME.lock``) held
with ``flock``. The operating system releases it when the holder exits, even on ``kill -9``, so
a crashed sync never leaves a stale lock. (flock is local to one machine: run the syncs of one
database on one host, or on storage with working POSIX locks.)
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deskmetrics.errors import DeskmetricsError
from deskmetrics.store.encoding import now_db_time


class LockedError(DeskmetricsError):
    """Another process is syncing this connection."""


def lock_path(database: Path, connection: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in connection)
    return database.with_name(database.name + ".locks") / f"{safe}.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another process"
    return f"pid {info.get('pid')} on {info.get('host')} since {info.get('since')}"


def lock_held(database: Path, connection: str) -> bool:
    """Whether a live process holds ``connection``'s sync lock right now (creates nothing).

    A sync killed with ``kill -9`` leaves its run row saying ``running``; the kernel has
    released its flock, so this tells a live sync from a dead one.
    """
    try:
        fd = os.open(lock_path(database, connection), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def connection_lock(database: Path, connection: str, *, wait: float = 0.0) -> Iterator[None]:
    """Hold ``connection``'s sync lock; raise LockedError if not free within ``wait`` seconds."""
    path = lock_path(database, connection)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    with path.open("a+", encoding="utf-8") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"connection {connection!r} is being synced by {_holder(path)}; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            handle.seek(0)
            handle.truncate()
            info = {"pid": os.getpid(), "host": socket.gethostname(), "since": now_db_time()}
            handle.write(json.dumps(info))
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)

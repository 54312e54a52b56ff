"""Whether any id of a file is on two lines, in memory that does not grow with the file."""

from __future__ import annotations

import sqlite3
from types import TracebackType

_FLUSH = 5000
"""Ids handed to SQLite at once."""


class SeenIds:
    """The ids of one read of a file, kept in a private temporary SQLite database on disk.

    A dict of every id would take about 100 MB per million rows; this keeps a few MB of page
    cache whatever the size. It answers only *whether* an id came twice, not where: a file
    with a repeated id is bad, and the connector reads it again to name the lines.
    """

    def __init__(self) -> None:
        # "" opens a temporary database file that SQLite deletes on close.
        self._conn = sqlite3.connect("", isolation_level=None)
        self._conn.execute("PRAGMA cache_size = -4096")  # KiB
        self._conn.execute("CREATE TABLE ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
        self._conn.execute("BEGIN")
        self._pending: list[tuple[str]] = []
        self._repeated = False

    def add(self, id_: str) -> bool:
        """Adds an id; True once some id is known to have come twice (checked every
        ``_FLUSH`` ids, so a repeat may be found a little after its line)."""
        self._pending.append((id_,))
        if len(self._pending) >= _FLUSH:
            self._flush()
        return self._repeated

    @property
    def repeated(self) -> bool:
        """Whether an id added so far came twice (ids still pending are checked first)."""
        self._flush()
        return self._repeated

    def _flush(self) -> None:
        if self._pending and not self._repeated:
            try:
                self._conn.executemany("INSERT INTO ids VALUES (?)", self._pending)
            except sqlite3.IntegrityError:
                self._repeated = True
        self._pending = []

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SeenIds:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

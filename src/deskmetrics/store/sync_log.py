"""What the store records about syncing, the same on both backends: the cursors a sync resumes
from (``sync_state``), the run history (``sync_runs``) and the rows a connector rejected.

Plain SQLite SQL on ``conn``; the PostgreSQL store's connection translates it (postgres/dialect.py),
so one text serves both.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from deskmetrics.store.encoding import now_db_time

JSONState = dict[str, Any]

_RUN_COLUMNS = (
    "id, sync_id, connection, stream, started_at, ended_at, status, full_refresh, records, "
    "rejected, counts, error"
)


@dataclass(frozen=True)
class RejectedRow:
    """An input row a connector could not store, kept for the user to inspect and fix."""

    location: str
    reason: str
    field: str | None = None
    value: str | None = None
    data: dict[str, Any] | None = None


@dataclass
class Run:
    id: int
    sync_id: str
    connection: str
    stream: str
    started_at: str
    ended_at: str | None
    status: str
    full_refresh: bool
    records: int
    rejected: int
    counts: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class SyncLog:
    """Cursor state, run history and rejected rows; a store class provides ``conn`` and
    ``transaction``."""

    @property
    def conn(self) -> Any:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    # -- cursor state ----------------------------------------------------------------------

    def get_state(self, connection: str, stream: str) -> JSONState | None:
        row = self.conn.execute(
            "SELECT state FROM sync_state WHERE connection = ? AND stream = ?", (connection, stream)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def set_state(self, connection: str, stream: str, state: JSONState) -> None:
        self.conn.execute(
            "INSERT INTO sync_state (connection, stream, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (connection, stream) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (connection, stream, json.dumps(state, sort_keys=True), now_db_time()),
        )

    def states(self, connection: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT connection, stream, state, updated_at FROM sync_state"
        args: tuple[str, ...] = ()
        if connection is not None:
            sql += " WHERE connection = ?"
            args = (connection,)
        rows = self.conn.execute(sql + " ORDER BY connection, stream", args).fetchall()
        return [
            {"connection": c, "stream": s, "state": json.loads(st), "updated_at": u}
            for c, s, st, u in rows
        ]

    def reset_state(self, connection: str, stream: str | None = None) -> int:
        """Forget saved cursors so the next sync reads from the start; returns rows removed."""
        with self.transaction():
            sql = "DELETE FROM sync_state WHERE connection = ?"
            args: tuple[str, ...] = (connection,)
            if stream is not None:
                sql += " AND stream = ?"
                args += (stream,)
            removed: int = self.conn.execute(sql, args).rowcount
        return removed

    # -- run history -----------------------------------------------------------------------

    def start_run(
        self,
        connection: str,
        stream: str,
        *,
        sync_id: str | None = None,
        full_refresh: bool = False,
    ) -> int:
        """Record a stream's run as running; ``sync_id`` groups the streams of one sync."""
        sync_id = sync_id or uuid.uuid4().hex
        with self.transaction():
            # A run still marked running was cut off (killed process, power loss).
            self.conn.execute(
                "UPDATE sync_runs SET status = 'interrupted' "
                "WHERE connection = ? AND stream = ? AND status = 'running'",
                (connection, stream),
            )
            row = self.conn.execute(
                "INSERT INTO sync_runs (sync_id, connection, stream, started_at, status, "
                "full_refresh) VALUES (?, ?, ?, ?, 'running', ?) RETURNING id",
                (sync_id, connection, stream, now_db_time(), int(full_refresh)),
            ).fetchone()
        return int(row[0])

    def add_to_run(self, run_id: int, counts: Counter[str], rejected: int) -> None:
        """Add a committed batch's counts to its run (call inside the batch's transaction)."""
        row = self.conn.execute("SELECT counts FROM sync_runs WHERE id = ?", (run_id,)).fetchone()
        merged = Counter(json.loads(row[0])) + counts
        self.conn.execute(
            "UPDATE sync_runs SET records = records + ?, rejected = rejected + ?, counts = ? "
            "WHERE id = ?",
            (sum(counts.values()), rejected, json.dumps(dict(merged), sort_keys=True), run_id),
        )

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE sync_runs SET status = ?, ended_at = ?, error = ? WHERE id = ?",
                (status, now_db_time(), error, run_id),
            )

    def runs(self, connection: str | None = None, limit: int = 100) -> list[Run]:
        sql = f"SELECT {_RUN_COLUMNS} FROM sync_runs"
        args: list[Any] = []
        if connection is not None:
            sql += " WHERE connection = ?"
            args.append(connection)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        cursor = self.conn.execute(sql, args)
        names = [column[0] for column in cursor.description or ()]
        result = []
        for values in cursor.fetchall():
            row = dict(zip(names, values, strict=True))
            row["counts"] = json.loads(row["counts"])
            row["full_refresh"] = bool(row["full_refresh"])
            result.append(Run(**row))
        return result

    # -- rejected rows ---------------------------------------------------------------------

    def add_rejected(
        self, run_id: int, connection: str, stream: str, rows: Sequence[RejectedRow]
    ) -> None:
        if not rows:
            return
        now = now_db_time()
        self.conn.executemany(
            "INSERT INTO rejected_rows (run_id, connection, stream, location, field, value, "
            "reason, data, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    connection,
                    stream,
                    r.location,
                    r.field,
                    r.value,
                    r.reason,
                    json.dumps(r.data, ensure_ascii=False) if r.data is not None else None,
                    now,
                )
                for r in rows
            ],
        )

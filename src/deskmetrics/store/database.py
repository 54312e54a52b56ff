"""The SQLite store: one file, WAL mode, idempotent upserts, cursor state and run history."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from deskmetrics.errors import StoreError
from deskmetrics.models import RECORD_TYPES, Record, Ticket
from deskmetrics.store.encoding import RowEncoder, now_db_time
from deskmetrics.store.schema import MIGRATIONS, SCHEMA_VERSION

JSONState = dict[str, Any]


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


class _Upsert:
    """A prepared upsert for one record type: columns from the model, conflict on the key."""

    def __init__(self, model: type[Record]) -> None:
        self.table = model.table
        self.encode = RowEncoder(model)
        names = self.encode.columns
        quoted = ", ".join(f'"{n}"' for n in names)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n not in ("source", "id"))
        self.sql = (
            f'INSERT INTO "{self.table}" ({quoted}) VALUES ({", ".join("?" * len(names))}) '
            f"ON CONFLICT (source, id) DO UPDATE SET {updates}"
        )


_UPSERTS = {model: _Upsert(model) for model in RECORD_TYPES}


class Store:
    """The deskmetrics database.

    Opening it applies pending migrations. Writes happen inside :meth:`transaction`; the sync
    engine wraps each batch and its cursor state in one, so a crash loses at most the batch
    being written and never leaves half of one.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.db = sqlite_utils.Database(conn)
            self.conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL survives a killed process; only an OS crash can drop the last commits.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _explain(self, exc: sqlite3.DatabaseError) -> str:
        text = str(exc)
        if "not a database" in text or "malformed" in text:
            return f"{self.path}: not a deskmetrics database, or the file is corrupted ({text})"
        if "locked" in text or "busy" in text:
            return f"{self.path}: the database is locked by another process ({text}); try again"
        return f"{self.path}: {text}"

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer deskmetrics (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade deskmetrics to use it"
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            # executescript would commit on its own; run statements inside one transaction.
            with self.db.atomic():
                for statement in _split_sql(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside commit together or not at all (nested blocks are savepoints)."""
        try:
            with self.db.atomic():
                yield self
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    # -- records ---------------------------------------------------------------------------

    def write(self, records: Iterable[Record], *, source: str) -> Counter[str]:
        """Upsert records under connection ``source``; returns how many went to each table."""
        synced_at = now_db_time()
        groups: dict[type[Record], list[Record]] = {}
        for record in records:
            groups.setdefault(type(record), []).append(record)
        counts: Counter[str] = Counter()
        with self.transaction():
            for model in RECORD_TYPES:
                batch = groups.get(model)
                if not batch:
                    continue
                encode = _UPSERTS[model].encode
                rows = [encode(record, source, synced_at) for record in batch]
                self.conn.executemany(_UPSERTS[model].sql, rows)
                if model is Ticket:
                    self._write_tags(source, batch)  # type: ignore[arg-type]
                counts[model.table] += len(rows)
        return counts

    def _write_tags(self, source: str, tickets: list[Ticket]) -> None:
        # Kept here rather than in a trigger: json_each in a trigger tripled the cost of a sync.
        self.conn.executemany(
            "DELETE FROM ticket_tags WHERE source = ? AND ticket_id = ?",
            [(source, t.id) for t in tickets],
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO ticket_tags (source, ticket_id, tag) VALUES (?, ?, ?)",
            [(source, t.id, tag) for t in tickets for tag in t.tags],
        )

    def count(self, table: str, source: str | None = None) -> int:
        if source is None:
            return self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        sql = f'SELECT count(*) FROM "{table}" WHERE source = ?'
        return self.conn.execute(sql, (source,)).fetchone()[0]

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
            cur = self.conn.execute(sql, args)
        return cur.rowcount

    # -- run history -----------------------------------------------------------------------

    def start_run(self, connection: str, stream: str, *, full_refresh: bool = False) -> int:
        with self.transaction():
            # A run still marked running was cut off (killed process, power loss).
            self.conn.execute(
                "UPDATE sync_runs SET status = 'interrupted' "
                "WHERE connection = ? AND stream = ? AND status = 'running'",
                (connection, stream),
            )
            cur = self.conn.execute(
                "INSERT INTO sync_runs (connection, stream, started_at, status, full_refresh) "
                "VALUES (?, ?, ?, 'running', ?)",
                (connection, stream, now_db_time(), int(full_refresh)),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

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
        sql = "SELECT * FROM sync_runs"
        args: list[Any] = []
        if connection is not None:
            sql += " WHERE connection = ?"
            args.append(connection)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        result = []
        for row in self.db.query(sql, args):
            row["counts"] = json.loads(row["counts"])
            row["full_refresh"] = bool(row["full_refresh"])
            result.append(Run(**row))
        return result

    # -- rejected rows ---------------------------------------------------------------------

    def add_rejected(
        self, run_id: int, connection: str, stream: str, rows: Sequence[RejectedRow]
    ) -> None:
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


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (which contain ';') whole."""
    statements = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements

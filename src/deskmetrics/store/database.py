"""The SQLite store: one file, WAL mode, idempotent upserts, cursor state and run history."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Container, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from deskmetrics.errors import StoreError
from deskmetrics.models import RECORD_TYPES, Record, Ticket, TicketUpdate
from deskmetrics.store import history_summary
from deskmetrics.store.encoding import RowEncoder, field_encoders, now_db_time
from deskmetrics.store.lean_sqlite_utils import sqlite_utils
from deskmetrics.store.schema import DURATION_COLUMNS, MIGRATIONS, SCHEMA_VERSION, micros
from deskmetrics.store.sync_log import SyncLog

_OWN_TABLES = frozenset({"tickets", "sync_state", "sync_runs"})
"""Tables every deskmetrics store has had since schema 1: a file without them is not ours."""

WRITE_CACHE_KIB = 64 * 1024
"""SQLite's page cache once a connection writes records (the default is 2 MiB). A sync's upserts
touch the primary key and the wide covering indexes all over; at 1 M tickets the default cache
kept re-reading their pages (5 % of the sync's CPU). Bounded, so memory stays flat with size;
readers (reports) keep the default."""


class _Upsert:
    """Prepared upserts for one record type: columns from the model, conflict on the key.

    On conflict only the fields the record set are updated, so a stream that does not know a
    field never wipes what another stream stored; one statement per distinct set of fields.
    """

    def __init__(self, model: type[Record]) -> None:
        self.table = model.table
        # Tickets also get their stored durations, computed by the encoder from the record's
        # own times (bit-identical to schema.micros on their stored text).
        self._derived = DURATION_COLUMNS if model is Ticket else {}
        self.encode = RowEncoder(model, self._derived)
        names = self.encode.columns
        quoted = ", ".join(f'"{n}"' for n in names)
        self._insert = (
            f'INSERT INTO "{self.table}" ({quoted}) VALUES ({", ".join("?" * len(names))}) '
            f"ON CONFLICT (source, id) DO UPDATE SET "
        )
        self._order = [
            n for n in names if n not in ("source", "id", "synced_at") and n not in self._derived
        ]
        self._sql: dict[frozenset[str], str] = {}

    def sql(self, fields_set: frozenset[str]) -> str:
        sql = self._sql.get(fields_set)
        if sql is None:
            updated = [n for n in self._order if n in fields_set] + ["synced_at"]
            assignments = [f'"{n}" = excluded."{n}"' for n in updated]
            for column, (start, end) in self._derived.items():
                if start in fields_set and end in fields_set:
                    assignments.append(f'"{column}" = excluded."{column}"')
                elif start in fields_set or end in fields_set:
                    # The row after this update: the new value if the record set it, else the
                    # stored one, which only SQL knows.
                    new_start, new_end = (
                        f'excluded."{c}"' if c in fields_set else f'"{self.table}"."{c}"'
                        for c in (start, end)
                    )
                    assignments.append(f'"{column}" = {micros(new_start, new_end)}')
            sql = self._insert + ", ".join(assignments)
            self._sql[fields_set] = sql
        return sql


_UPSERTS = {model: _Upsert(model) for model in RECORD_TYPES}
_UPDATE_ENCODERS = field_encoders(TicketUpdate)


class Store(SyncLog):
    """The deskmetrics database.

    Opening it applies pending migrations. Writes happen inside :meth:`transaction`; the sync
    engine wraps each batch and its cursor state in one, so a crash loses at most the batch
    being written and never leaves half of one.
    """

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the database ({exc.strerror})") from exc
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc
        self.db = sqlite_utils.Database(conn)
        self._write_cache = False
        try:
            # Read the version before anything writes: a foreign or newer file stays untouched.
            self._check_version()
            self.conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL survives a killed process; only an OS crash can drop the last commits.
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(self._explain(exc)) from exc
        except BaseException:
            conn.close()
            raise

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

    def _check_version(self) -> int:
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer deskmetrics (schema {version}, this version "
                f"knows {SCHEMA_VERSION}); upgrade deskmetrics to use it"
            )
        self._refuse_foreign(version)
        return version

    def _refuse_foreign(self, version: int) -> None:
        """Another application's SQLite file is never adopted: no tables, no WAL switch."""
        tables = {
            row[0]
            for row in self.conn.execute(
                "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'"
            )
        }
        if not tables or tables >= _OWN_TABLES:
            return
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(
            f"{self.path}: not a deskmetrics database (it holds other tables: {shown}; "
            f"user_version {version}); point [database] path at a new file"
        )

    def _migrate(self) -> None:
        version = self._check_version()
        for number in range(version + 1, SCHEMA_VERSION + 1):
            # executescript would commit on its own; run statements inside one transaction.
            with self.db.atomic():
                for statement in _split_sql(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        version: int = self.conn.execute("PRAGMA user_version").fetchone()[0]
        return version

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All writes inside commit together or not at all (nested blocks are savepoints)."""
        try:
            with self.db.atomic():
                yield self
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Read inside one transaction: every query sees the same committed state.

        In WAL mode a sync can keep committing batches meanwhile; a report built inside a
        snapshot never mixes data from before and after one of them.
        """
        try:
            with self.db.atomic():
                # A deferred transaction takes its snapshot at the first read: take it now.
                self.conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
                yield self
        except sqlite3.DatabaseError as exc:
            raise StoreError(self._explain(exc)) from exc

    def connection_lock(
        self, connection: str, *, wait: float = 0.0
    ) -> AbstractContextManager[None]:
        """``connection``'s sync lock: a file lock beside the database (sync/locks.py)."""
        from deskmetrics.sync.locks import connection_lock  # sync imports the store

        return connection_lock(self.path, connection, wait=wait)

    def lock_held(self, connection: str) -> bool:
        from deskmetrics.sync.locks import lock_held

        return lock_held(self.path, connection)

    # -- records ---------------------------------------------------------------------------

    def write(self, records: Iterable[Record], *, source: str) -> Counter[str]:
        """Upsert records under connection ``source``; returns how many went to each table."""
        if not self._write_cache:
            self.conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
            self._write_cache = True
        synced_at = now_db_time()
        groups: dict[type[Record], list[Record]] = {}
        for record in records:
            if type(record) not in _UPSERTS and type(record) is not TicketUpdate:
                # Silently skipping it would lose data: the batch fails (and rolls back) instead.
                raise StoreError(
                    f"cannot store {type(record).__name__} records from {source!r}: not one of "
                    f"the store's record types ({', '.join(m.__name__ for m in RECORD_TYPES)})"
                )
            groups.setdefault(type(record), []).append(record)
        counts: Counter[str] = Counter()
        with self.transaction():
            for model in RECORD_TYPES:
                batch = groups.get(model)
                if not batch:
                    continue
                upsert = _UPSERTS[model]
                last_rowid = self._last_ticket_rowid() if model is Ticket else 0
                for fields_set, rows in self._statements(upsert, batch, source, synced_at):
                    self.conn.executemany(upsert.sql(fields_set), rows)
                if model is Ticket:
                    self._write_tags(source, batch, last_rowid)  # type: ignore[arg-type]
                    self._apply_pending(source, batch, synced_at)  # type: ignore[arg-type]
                counts[model.table] += len(batch)
            updates = groups.get(TicketUpdate)
            if updates:
                self._write_updates(source, updates, synced_at)  # type: ignore[arg-type]
                counts["ticket_updates"] += len(updates)
            # History summaries of the touched tickets, in this transaction (issue #18).
            history_summary.refresh(self.conn, source, history_summary.touched(groups))
        return counts

    @staticmethod
    def _statements(
        upsert: _Upsert, batch: list[Record], source: str, synced_at: str
    ) -> Iterator[tuple[frozenset[str], list[tuple[Any, ...]]]]:
        """Rows grouped by the fields their records set: one executemany per group.

        Grouping reorders writes, which only matters when a record is listed twice in a batch
        (it must end up as its later version): then only consecutive records are grouped.
        """
        if len({record.id for record in batch}) == len(batch):
            groups: dict[frozenset[str], list[tuple[Any, ...]]] = {}
            encode = upsert.encode.encode
            for record in batch:
                groups.setdefault(frozenset(record.model_fields_set), []).append(
                    encode(record, source, synced_at)
                )
            yield from groups.items()
            return
        for fields_set, run in itertools.groupby(
            batch, key=lambda record: frozenset(record.model_fields_set)
        ):
            yield fields_set, [upsert.encode(record, source, synced_at) for record in run]

    def _update_ticket(
        self, source: str, ticket_id: str, values: dict[str, Any], synced_at: str
    ) -> None:
        assignments = "".join(f'"{name}" = ?, ' for name in values)
        self.conn.execute(
            f"UPDATE tickets SET {assignments}synced_at = ? WHERE source = ? AND id = ?",
            (*values.values(), synced_at, source, ticket_id),
        )
        durations = [
            f"{column} = {micros(start, end)}"
            for column, (start, end) in DURATION_COLUMNS.items()
            if start in values or end in values
        ]
        if durations:
            # A second statement: in one UPDATE the expressions would see the old times.
            self.conn.execute(
                f"UPDATE tickets SET {', '.join(durations)} WHERE source = ? AND id = ?",
                (source, ticket_id),
            )

    def _write_updates(self, source: str, updates: list[TicketUpdate], synced_at: str) -> None:
        ids = list(dict.fromkeys(u.id for u in updates))
        stored: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            stored.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM tickets WHERE source = ? AND id IN ({marks})", (source, *chunk)
                )
            )
        for update in updates:
            values = {
                name: _UPDATE_ENCODERS[name](getattr(update, name))
                for name in update.model_fields_set
                if name not in ("id", "source")
            }
            if update.id in stored:
                self._update_ticket(source, update.id, values, synced_at)
            else:
                self.conn.execute(
                    "INSERT INTO pending_updates (source, ticket_id, seq, fields, created_at) "
                    "SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ? FROM pending_updates "
                    "WHERE source = ? AND ticket_id = ?",
                    (source, update.id, json.dumps(values), synced_at, source, update.id),
                )

    def _apply_pending(self, source: str, tickets: list[Ticket], synced_at: str) -> None:
        has_pending = self.conn.execute(
            "SELECT 1 FROM pending_updates WHERE source = ? LIMIT 1", (source,)
        ).fetchone()
        if not has_pending:
            return
        ids = list(dict.fromkeys(t.id for t in tickets))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            pending = self.conn.execute(
                f"SELECT ticket_id, fields FROM pending_updates WHERE source = ? "
                f"AND ticket_id IN ({marks}) ORDER BY ticket_id, seq",
                (source, *chunk),
            ).fetchall()
            for ticket_id, fields in pending:
                self._update_ticket(source, ticket_id, json.loads(fields), synced_at)
            self.conn.execute(
                f"DELETE FROM pending_updates WHERE source = ? AND ticket_id IN ({marks})",
                (source, *chunk),
            )

    def _last_ticket_rowid(self) -> int:
        """The highest ticket rowid: every ticket inserted after this has a higher one.

        (Upserts keep an updated row's rowid and the store never deletes tickets, so the new
        tickets of a write are exactly those above the rowid read before it.)
        """
        last: int | None = self.conn.execute("SELECT max(rowid) FROM tickets").fetchone()[0]
        return last or 0

    def _write_tags(self, source: str, tickets: list[Ticket], last_rowid: int) -> None:
        """``ticket_tags`` to match the tags of ``tickets``, written just after ``last_rowid``.

        Only changes are written: a ticket this write inserted cannot have tag rows, so its
        tags are inserted without a delete; a stored ticket's tag rows are read in one query per
        500 and only the tags it lost or gained are deleted or inserted (a re-sync of unchanged
        tickets writes none). Kept here rather than in a trigger: json_each in a trigger
        tripled the cost of a sync.
        """
        # A ticket listed twice in one batch is stored as its last version; so are its tags.
        # Tickets that did not set tags keep the ones stored.
        latest = {t.id: t for t in tickets if "tags" in t.model_fields_set}
        if not latest:
            return
        new = self._tickets_after(last_rowid, tickets)
        stored = self._stored_tags(source, [i for i in latest if i not in new])
        # New tickets' tags in one pass (a tag listed twice is ignored: the key forbids two).
        gained = [
            (source, ticket_id, tag)
            for ticket_id, ticket in latest.items()
            if ticket_id not in stored
            for tag in ticket.tags
        ]
        lost: list[tuple[str, str, str]] = []
        for ticket_id, before in stored.items():
            after = set(latest[ticket_id].tags)
            gained += [(source, ticket_id, tag) for tag in after - before]
            lost += [(source, ticket_id, tag) for tag in before - after]
        if lost:
            self.conn.executemany(
                "DELETE FROM ticket_tags WHERE source = ? AND ticket_id = ? AND tag = ?", lost
            )
        if gained:
            self.conn.executemany(
                "INSERT OR IGNORE INTO ticket_tags (source, ticket_id, tag) VALUES (?, ?, ?)",
                gained,
            )

    def _tickets_after(self, last_rowid: int, tickets: list[Ticket]) -> Container[str]:
        """Ids of the tickets stored with a rowid above ``last_rowid``: inserted since.

        Each insert takes the next rowid, so when the rowids above ``last_rowid`` are as many as
        the distinct ids of ``tickets`` (a first load), every one of them is new: the ids are
        then not read back.
        """
        last: int = self.conn.execute("SELECT max(rowid) FROM tickets").fetchone()[0] or 0
        ids = {ticket.id for ticket in tickets}
        if last - last_rowid == len(ids):
            return ids
        rows = self.conn.execute("SELECT id FROM tickets WHERE rowid > ?", (last_rowid,))
        return {row[0] for row in rows}

    def _stored_tags(self, source: str, ticket_ids: list[str]) -> dict[str, set[str]]:
        """The stored tag rows of ``ticket_ids`` (stored tickets), an empty set if none."""
        stored: dict[str, set[str]] = {ticket_id: set() for ticket_id in ticket_ids}
        for start in range(0, len(ticket_ids), 500):
            chunk = ticket_ids[start : start + 500]
            for ticket_id, tag in self.conn.execute(
                "SELECT ticket_id, tag FROM ticket_tags WHERE source = ? AND ticket_id IN "
                f"({', '.join('?' * len(chunk))})",
                (source, *chunk),
            ):
                stored[ticket_id].add(tag)
        return stored

    def count(self, table: str, source: str | None = None) -> int:
        if source is None:
            total: int = self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            return total
        sql = f'SELECT count(*) FROM "{table}" WHERE source = ?'
        of_source: int = self.conn.execute(sql, (source,)).fetchone()[0]
        return of_source


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

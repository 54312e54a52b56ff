"""The PostgreSQL store: the same tables, guarantees and API as the SQLite one (store/database.py).

Writes: each record type's rows of a batch are COPYed into a temporary staging table and moved
with one ``INSERT … ON CONFLICT`` per distinct set of fields, inside the caller's transaction,
so a batch and its cursor commit together exactly as on SQLite. Reads: ``conn`` takes the
engine's SQLite SQL (connection.py); a report reads in one REPEATABLE READ snapshot.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from deskmetrics.errors import StoreError
from deskmetrics.models import RECORD_TYPES, Record, SurveyResponse, Ticket, TicketUpdate
from deskmetrics.store import history_summary, survey_flags
from deskmetrics.store.database import Store
from deskmetrics.store.encoding import RowEncoder, field_encoders, now_db_time
from deskmetrics.store.postgres import locks
from deskmetrics.store.postgres.connection import PgConnection, configure
from deskmetrics.store.postgres.functions import COMPAT_FUNCTIONS
from deskmetrics.store.postgres.schema import VERSION_TABLE, baseline, upgrade
from deskmetrics.store.postgres.url import DatabaseUrl
from deskmetrics.store.schema import DURATION_COLUMNS, SCHEMA_VERSION
from deskmetrics.store.sync_log import SyncLog

_OWN_TABLES = frozenset({"tickets", "sync_state", "sync_runs"})
_UPDATE_ENCODERS = field_encoders(TicketUpdate)


def micros(start: str, end: str) -> str:
    """PostgreSQL for the stored durations (``schema.micros``): exact integer microseconds."""
    return (
        f"(extract(epoch FROM (({end})::timestamptz - ({start})::timestamptz)) * 1000000)::bigint"
    )


class _PgUpsert:
    """A record type's staging table and its upserts, one per distinct set of fields."""

    def __init__(self, model: type[Record]) -> None:
        self.table = model.table
        self.encode = RowEncoder(model)
        self.columns = self.encode.columns
        self.stage = f"dm_stage_{self.table}"
        self._derived = DURATION_COLUMNS if model is Ticket else {}
        self._order = [n for n in self.columns if n not in ("source", "id", "synced_at")]
        self._sql: dict[frozenset[str], str] = {}

    def create_stage(self) -> str:
        return (
            f'CREATE TEMP TABLE IF NOT EXISTS {self.stage} (LIKE "{self.table}", '
            "dm_seq bigint) ON COMMIT DELETE ROWS"
        )

    def copy_sql(self) -> str:
        names = ", ".join(f'"{n}"' for n in [*self.columns, "dm_seq"])
        return f"COPY {self.stage} ({names}) FROM STDIN"

    def sql(self, fields_set: frozenset[str]) -> str:
        sql = self._sql.get(fields_set)
        if sql is None:
            quoted = ", ".join(f'"{n}"' for n in [*self.columns, *self._derived])
            values = [f'"{n}"' for n in self.columns]
            values += [micros(f'"{a}"', f'"{b}"') for a, b in self._derived.values()]
            updated = [n for n in self._order if n in fields_set] + ["synced_at"]
            assignments = [f'"{n}" = excluded."{n}"' for n in updated]
            for column, (start, end) in self._derived.items():
                if start in fields_set or end in fields_set:
                    new_start, new_end = (
                        f'excluded."{c}"' if c in fields_set else f'"{self.table}"."{c}"'
                        for c in (start, end)
                    )
                    assignments.append(f'"{column}" = {micros(new_start, new_end)}')
            # A record listed twice in a batch ends up as its later version, as on SQLite.
            sql = (
                f'INSERT INTO "{self.table}" ({quoted}) SELECT DISTINCT ON (source, id) '
                f"{', '.join(values)} FROM {self.stage} ORDER BY source, id, dm_seq DESC "
                f"ON CONFLICT (source, id) DO UPDATE SET {', '.join(assignments)}"
            )
            self._sql[fields_set] = sql
        return sql


_UPSERTS = {model: _PgUpsert(model) for model in RECORD_TYPES}


class PgStore(SyncLog):
    """The deskmetrics database on a PostgreSQL server (``[database] url``).

    The tables live in the session's current schema (``public`` unless the URL's
    ``options=-csearch_path=…`` says otherwise). Opening it applies pending migrations.
    """

    backend = "postgresql"

    def __init__(self, url: str | DatabaseUrl, *, timeout: float = 30.0) -> None:
        self.url = url if isinstance(url, DatabaseUrl) else DatabaseUrl(url)
        self.timeout = timeout
        try:
            raw = psycopg.connect(
                self.url.resolved(), autocommit=True, connect_timeout=max(int(timeout), 1)
            )
        except psycopg.Error as exc:
            raise StoreError(f"{self.url.shown()}: cannot connect ({self._why(exc)})") from None
        configure(raw)
        self.raw = raw
        self._conn = PgConnection(raw)
        try:
            self._migrate()
        except psycopg.Error as exc:
            raw.close()
            raise StoreError(f"{self.url.shown()}: {self._why(exc)}") from None
        except BaseException:
            raw.close()
            raise

    def _why(self, exc: BaseException) -> str:
        text = str(exc).strip().splitlines()
        return self.url.scrub(text[0] if text else type(exc).__name__)

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------

    def _tables(self) -> set[str]:
        rows = self.raw.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        return {row[0] for row in rows}

    @property
    def conn(self) -> PgConnection:
        """Takes the engine's SQLite SQL, translated (connection.py)."""
        return self._conn

    @property
    def schema_version(self) -> int:
        if VERSION_TABLE not in self._tables():
            return 0
        row = self.raw.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        tables = self._tables()
        version = self.schema_version
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.url.shown()}: written by a newer deskmetrics (schema {version}, this "
                f"version knows {SCHEMA_VERSION}); upgrade deskmetrics to use it"
            )
        if version == 0 and tables and not tables >= _OWN_TABLES:
            shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreError(
                f"{self.url.shown()}: not a deskmetrics database (its schema holds other "
                f"tables: {shown}); point [database] url at an empty database or schema"
            )
        if version == SCHEMA_VERSION:
            return
        with self.raw.transaction():
            # Two processes opening a new store at once: the second waits, then sees it done.
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (locks.lock_key("#schema"),))
            version = self.schema_version
            statements = (
                baseline()
                if version == 0
                else [s for n in range(version + 1, SCHEMA_VERSION + 1) for s in upgrade(n)]
            )
            if version < SCHEMA_VERSION:
                for statement in COMPAT_FUNCTIONS:
                    self.raw.execute(statement)
                for statement in statements:
                    self.raw.execute(statement)
                self.raw.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version int)")
                self.raw.execute(f"DELETE FROM {VERSION_TABLE}")
                self.raw.execute(f"INSERT INTO {VERSION_TABLE} VALUES (%s)", (SCHEMA_VERSION,))

    # -- transactions and locks ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[PgStore]:
        """All writes inside commit together or not at all (nested blocks are savepoints)."""
        try:
            with self.raw.transaction():
                yield self
        except psycopg.Error as exc:
            raise StoreError(f"{self.url.shown()}: {self._why(exc)}") from None

    @contextmanager
    def snapshot(self) -> Iterator[PgStore]:
        """Read inside one REPEATABLE READ transaction: every query sees one committed state."""
        if self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            yield self
            return
        try:
            with self.raw.transaction():
                self.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                yield self
        except psycopg.Error as exc:
            raise StoreError(f"{self.url.shown()}: {self._why(exc)}") from None

    def connection_lock(
        self, connection: str, *, wait: float = 0.0
    ) -> AbstractContextManager[None]:
        return locks.advisory_lock(self.url.resolved(), connection, wait=wait)

    def lock_held(self, connection: str) -> bool:
        return locks.lock_held(self.url.resolved(), connection)

    # -- records ---------------------------------------------------------------------------

    def write(self, records: Iterable[Record], *, source: str) -> Counter[str]:
        """Upsert records under connection ``source``; returns how many went to each table."""
        synced_at = now_db_time()
        groups: dict[type[Record], list[Record]] = {}
        for record in records:
            if type(record) not in _UPSERTS and type(record) is not TicketUpdate:
                raise StoreError(
                    f"cannot store {type(record).__name__} records from {source!r}: not one of "
                    f"the store's record types ({', '.join(m.__name__ for m in RECORD_TYPES)})"
                )
            groups.setdefault(type(record), []).append(record)
        counts: Counter[str] = Counter()
        responses = [record.id for record in groups.get(SurveyResponse, ())]
        with self.transaction():
            # The (kind, ticket) groups the responses leave, if they move (survey_flags).
            before = survey_flags.groups_of(self.conn, source, responses)
            for model in RECORD_TYPES:
                batch = groups.get(model)
                if not batch:
                    continue
                upsert = _UPSERTS[model]
                self._upsert(upsert, batch, source, synced_at)
                if model is Ticket:
                    self._write_tags(source, batch)  # type: ignore[arg-type]
                    self._apply_pending(source, [t.id for t in batch], synced_at)
                counts[model.table] += len(batch)
            updates = groups.get(TicketUpdate)
            if updates:
                self._write_updates(source, updates, synced_at)  # type: ignore[arg-type]
                counts["ticket_updates"] += len(updates)
            # History summaries of the touched tickets, in this transaction (issue #18).
            history_summary.refresh(self.conn, source, history_summary.touched(groups))
            # Which responses are their ticket's latest, in this transaction (#14 goal 2).
            survey_flags.refresh(self.conn, source, responses, before)
        return counts

    def _upsert(self, upsert: _PgUpsert, batch: list[Record], source: str, synced_at: str) -> None:
        self.raw.execute(upsert.create_stage())
        for fields_set, rows in Store._statements(upsert, batch, source, synced_at):  # type: ignore[arg-type]
            with self.raw.cursor() as cursor:
                with cursor.copy(upsert.copy_sql()) as copy:
                    for seq, row in enumerate(rows):
                        copy.write_row((*row, seq))
                cursor.execute(upsert.sql(fields_set))
                cursor.execute(f"DELETE FROM {upsert.stage}")

    def _update_ticket(
        self, source: str, ticket_id: str, values: dict[str, Any], synced_at: str
    ) -> None:
        assignments = "".join(f'"{name}" = %s, ' for name in values)
        self.raw.execute(
            f"UPDATE tickets SET {assignments}synced_at = %s WHERE source = %s AND id = %s",
            (*values.values(), synced_at, source, ticket_id),
        )
        durations = [
            f"{column} = {micros(start, end)}"
            for column, (start, end) in DURATION_COLUMNS.items()
            if start in values or end in values
        ]
        if durations:
            self.raw.execute(
                f"UPDATE tickets SET {', '.join(durations)} WHERE source = %s AND id = %s",
                (source, ticket_id),
            )

    def _write_updates(self, source: str, updates: list[TicketUpdate], synced_at: str) -> None:
        ids = list(dict.fromkeys(u.id for u in updates))
        stored = {
            row[0]
            for row in self.raw.execute(
                "SELECT id FROM tickets WHERE source = %s AND id = ANY(%s)", (source, ids)
            )
        }
        for update in updates:
            values = {
                name: _UPDATE_ENCODERS[name](getattr(update, name))
                for name in update.model_fields_set
                if name not in ("id", "source")
            }
            if update.id in stored:
                self._update_ticket(source, update.id, values, synced_at)
            else:
                self.raw.execute(
                    "INSERT INTO pending_updates (source, ticket_id, seq, fields, created_at) "
                    "SELECT %s, %s, coalesce(max(seq), 0) + 1, %s, %s FROM pending_updates "
                    "WHERE source = %s AND ticket_id = %s",
                    (source, update.id, json.dumps(values), synced_at, source, update.id),
                )

    def _apply_pending(self, source: str, ticket_ids: list[str], synced_at: str) -> None:
        has_pending = self.raw.execute(
            "SELECT 1 FROM pending_updates WHERE source = %s LIMIT 1", (source,)
        ).fetchone()
        if not has_pending:
            return
        ids = list(dict.fromkeys(ticket_ids))
        pending = self.raw.execute(
            "SELECT ticket_id, fields FROM pending_updates WHERE source = %s "
            "AND ticket_id = ANY(%s) ORDER BY ticket_id, seq",
            (source, ids),
        ).fetchall()
        for ticket_id, fields in pending:
            self._update_ticket(source, ticket_id, json.loads(fields), synced_at)
        self.raw.execute(
            "DELETE FROM pending_updates WHERE source = %s AND ticket_id = ANY(%s)", (source, ids)
        )

    def _write_tags(self, source: str, tickets: list[Ticket]) -> None:
        latest = {t.id: t for t in tickets if "tags" in t.model_fields_set}
        if not latest:
            return
        self.raw.execute(
            "DELETE FROM ticket_tags WHERE source = %s AND ticket_id = ANY(%s)",
            (source, list(latest)),
        )
        rows = [(source, t.id, tag) for t in latest.values() for tag in dict.fromkeys(t.tags)]
        if rows:
            with self.raw.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS dm_stage_tags (LIKE ticket_tags) "
                    "ON COMMIT DELETE ROWS"
                )
                with cursor.copy("COPY dm_stage_tags (source, ticket_id, tag) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    "INSERT INTO ticket_tags SELECT * FROM dm_stage_tags ON CONFLICT DO NOTHING"
                )
                cursor.execute("DELETE FROM dm_stage_tags")

    def count(self, table: str, source: str | None = None) -> int:
        if source is None:
            row = self.raw.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        else:
            row = self.raw.execute(
                f'SELECT count(*) FROM "{table}" WHERE source = %s', (source,)
            ).fetchone()
        assert row is not None
        return int(row[0])

"""The sync engine: connector batches into the store, one transaction per batch.

Each batch's records, rejected rows, new cursor state and run counters commit together, so a
sync killed at any instant resumes from the last committed batch: nothing lost (the cursor never
runs ahead of the data) and nothing duplicated (records are upserted by source and id).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from deskmetrics.config.loading import Config, build_connector, secret_values
from deskmetrics.connect.connector import Connector
from deskmetrics.connect.secrets import scrub
from deskmetrics.errors import ConfigError, DeskmetricsError
from deskmetrics.gc_tuning import bulk_allocations
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store.interface import StoreBackend as Store
from deskmetrics.sync.churn_file import ChurnMatch, apply_churn_file
from deskmetrics.sync.locks import LockedError
from deskmetrics.sync.sla_targets import SlaTargets, sla_targets

CONFIG_STREAM = "(configuration)"
"""The stream name of the run recorded when a connection cannot even be configured."""


@dataclass
class StreamResult:
    connection: str
    stream: str
    status: str  # succeeded | failed | interrupted
    records: int = 0
    rejected: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class ConnectionResult:
    connection: str
    connector: str
    status: str  # succeeded | failed | locked (another process is syncing it)
    streams: list[StreamResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def records(self) -> int:
        return sum(s.records for s in self.streams)


@dataclass
class SyncSummary:
    connections: list[ConnectionResult] = field(default_factory=list)
    churn: ChurnMatch | None = None
    """What the ``[churn]`` file matched, when one is configured and was read."""
    churn_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.churn_error is None and all(c.status == "succeeded" for c in self.connections)

    def to_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ok": self.ok,
            "connections": [{**asdict(c), "records": c.records} for c in self.connections],
        }
        if self.churn is not None or self.churn_error is not None:
            found["churn"] = asdict(self.churn) if self.churn else {"error": self.churn_error}
        return found


class SyncObserver(Protocol):
    """Receives progress; the CLI's live display implements it."""

    def stream_started(self, connection: str, stream: str) -> None: ...

    def batch_written(self, connection: str, stream: str, records: int) -> None: ...

    def stream_finished(self, result: StreamResult) -> None: ...


class _Silent:
    def stream_started(self, connection: str, stream: str) -> None:
        pass

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        pass

    def stream_finished(self, result: StreamResult) -> None:
        pass


@dataclass
class _Pending:
    """What the batches written since the last commit hold, counted once it is committed."""

    open: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    records: int = 0
    rejected: int = 0

    def add(self, written: Counter[str], rejected: int) -> None:
        self.counts += written
        self.records += sum(written.values())
        self.rejected += rejected

    def settle(self, result: StreamResult, counts: Counter[str]) -> None:
        counts += self.counts
        result.records += self.records
        result.rejected += self.rejected
        self.open, self.counts, self.records, self.rejected = False, Counter(), 0, 0


def _describe(exc: BaseException) -> str:
    if isinstance(exc, DeskmetricsError):
        return str(exc)
    # Anything else is a bug in a connector: keep the type, it is what a bug report needs.
    return f"{type(exc).__name__}: {exc}"


def sync_stream(
    store: Store,
    connector: Connector,
    stream: str,
    *,
    full_refresh: bool = False,
    observer: SyncObserver | None = None,
    sync_id: str | None = None,
    sla: SlaTargets | None = None,
) -> StreamResult:
    observer = observer or _Silent()
    name = connector.connection
    state = None if full_refresh else store.get_state(name, stream)
    sync_id = sync_id or uuid.uuid4().hex
    run_id = store.start_run(name, stream, sync_id=sync_id, full_refresh=full_refresh)
    result = StreamResult(name, stream, "running")
    counts: Counter[str] = Counter()
    started = time.monotonic()
    observer.stream_started(name, stream)
    try:
        with bulk_allocations(), ExitStack() as held:
            # Batches that hold are written inside one open transaction (each its own
            # savepoint); the next batch that does not hold commits them with its own writes.
            pending = _Pending()
            for batch in connector.read(stream, state):
                if batch.hold and not pending.open:
                    held.enter_context(store.transaction())
                    pending.open = True
                if sla is not None:
                    sla.apply(batch.records)
                with store.transaction():
                    written = store.write(batch.records, source=name)
                    if batch.rejected:
                        store.add_rejected(run_id, name, stream, batch.rejected)
                    if batch.state is not None:
                        store.set_state(name, stream, batch.state)
                    store.add_to_run(run_id, written, len(batch.rejected))
                pending.add(written, len(batch.rejected))
                if not batch.hold:
                    held.close()  # commits the held batches, if any
                    pending.settle(result, counts)
                observer.batch_written(name, stream, result.records + pending.records)
    except BaseException as exc:
        # An Exception fails the stream; anything else (Ctrl-C, SystemExit) stops the process.
        interrupted = not isinstance(exc, Exception)
        result.status = "interrupted" if interrupted else "failed"
        result.error = scrub(_describe(exc), secret_values(connector))
        store.finish_run(run_id, result.status, result.error)
        if interrupted:
            raise
    else:
        result.status = "succeeded"
        store.finish_run(run_id, "succeeded")
    finally:
        result.counts = dict(counts)
        result.seconds = round(time.monotonic() - started, 3)
        observer.stream_finished(result)
    return result


def _not_tried(
    store: Store, connector: Connector, stream: str, reason: str, *, sync_id: str
) -> StreamResult:
    """A stream skipped because its connection is down, recorded as a failed run saying so."""
    run_id = store.start_run(connector.connection, stream, sync_id=sync_id)
    store.finish_run(run_id, "failed", reason)
    return StreamResult(connector.connection, stream, "failed", error=reason)


def sync_connector(
    store: Store,
    connector: Connector,
    *,
    full_refresh: bool = False,
    observer: SyncObserver | None = None,
    sla: SlaTargets | None = None,
) -> ConnectionResult:
    """Sync every stream of one connector; a failed stream fails the connection, not the rest.

    ``sla`` fills the deadlines of tickets whose source supplies none (see sla_targets.py).
    """
    result = ConnectionResult(connector.connection, connector.name, "succeeded")
    sync_id = uuid.uuid4().hex
    down: str | None = None
    try:
        for stream in connector.streams:
            if down is not None:
                stream_result = _not_tried(store, connector, stream, down, sync_id=sync_id)
                if observer is not None:
                    observer.stream_started(connector.connection, stream)
                    observer.stream_finished(stream_result)
            else:
                stream_result = sync_stream(
                    store,
                    connector,
                    stream,
                    full_refresh=full_refresh,
                    observer=observer,
                    sync_id=sync_id,
                    sla=sla,
                )
                if stream_result.status == "failed" and (why := connector.connection_down()):
                    # An unreachable host or refused credentials fail every other stream the
                    # same way, each after its own retries: stop here instead.
                    down = f"not tried: {stream} found that {scrub(why, secret_values(connector))}"
            result.streams.append(stream_result)
            if stream_result.status != "succeeded":
                result.status = "failed"
                result.error = result.error or f"{stream}: {stream_result.error}"
    finally:
        result.warnings = [scrub(w, secret_values(connector)) for w in connector.warnings]
        connector.close()
    return result


def sync(
    config: Config,
    store: Store,
    names: list[str] | None = None,
    *,
    full_refresh: bool = False,
    observer: SyncObserver | None = None,
    lock_wait: float = 0.0,
) -> SyncSummary:
    """Sync the named connections of ``config`` (all when ``names`` is empty).

    Each connection is synced under its lock (see :mod:`deskmetrics.sync.locks`); one that another
    process is syncing is reported ``locked`` after waiting up to ``lock_wait`` seconds.
    """
    if not config.connections:
        raise ConfigError(f"{config.where}: no [connections.*] configured; see `deskmetrics init`")
    for name in names or []:
        if name not in config.connections:
            known = ", ".join(config.connections)
            raise ConfigError(f"{config.where}: no connection named {name!r} (configured: {known})")
    connectors = get_registry().connectors
    summary = SyncSummary()
    for name in names or list(config.connections):
        connection = config.connections[name]
        try:
            connector = build_connector(config, connection, connectors)
            sla = sla_targets(config, connection)
        except ConfigError as exc:
            # Recorded like any failed run, so `deskmetrics status` shows it too.
            run_id = store.start_run(name, CONFIG_STREAM)
            store.finish_run(run_id, "failed", str(exc))
            summary.connections.append(
                ConnectionResult(name, connection.connector, "failed", error=str(exc))
            )
            continue
        try:
            with store.connection_lock(name, wait=lock_wait):
                result = sync_connector(
                    store, connector, full_refresh=full_refresh, observer=observer, sla=sla
                )
        except LockedError as exc:
            connector.close()
            result = ConnectionResult(name, connection.connector, "locked", error=str(exc))
        summary.connections.append(result)
    _apply_churn(config, store, summary)
    return summary


def _apply_churn(config: Config, store: Store, summary: SyncSummary) -> None:
    """Re-apply the ``[churn]`` file after every sync: a connector's customer update may have
    rewritten ``churned_at``, and the file may have changed."""
    source = config.churn_file
    if source is None:
        return
    try:
        summary.churn = apply_churn_file(store.conn, source)
    except ConfigError as exc:
        summary.churn_error = str(exc)

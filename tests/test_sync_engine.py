"""The sync engine: one transaction per batch, resumable cursors, run history, scrubbed errors."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, quote_plus

import pytest
from dmtest_paged import PagedConnector, make_ticket

import deskmetrics
from deskmetrics import Batch, Config, ConfigError, RejectedRow, Store
from deskmetrics.config.loading import ConnectionConfig
from deskmetrics.gc_tuning import YOUNG_THRESHOLD
from deskmetrics.sync.engine import StreamResult, sync, sync_connector
from store_tables import store_rows

RECORD_TABLES = ("tickets", "ticket_tags", "agents", "groups")


def paged(connection: str = "desk", **options: Any) -> PagedConnector:
    return PagedConnector(PagedConnector.Options(**options), connection=connection)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "dm.db") as opened:
        yield opened


def reference_rows(tmp_path: Path, **options: Any) -> dict[str, list[tuple]]:
    """The store one uninterrupted sync produces."""
    with Store(tmp_path / "reference.db") as reference:
        assert sync_connector(reference, paged(**options)).status == "succeeded"
    return {t: store_rows(tmp_path / "reference.db", t) for t in RECORD_TABLES}


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def stream_started(self, connection: str, stream: str) -> None:
        self.events.append(("started", connection, stream))

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        self.events.append(("batch", connection, stream, records))

    def stream_finished(self, result: StreamResult) -> None:
        self.events.append(("finished", result.stream, result.status, result.records))


def test_a_full_sync(store: Store, tmp_path: Path) -> None:
    observer = Recorder()
    result = sync_connector(store, paged(tickets=180, batch=50), observer=observer)
    assert (result.connection, result.connector, result.status, result.error) == (
        "desk",
        "dmtest-paged",
        "succeeded",
        None,
    )
    assert result.records == 186
    agents, tickets = result.streams
    assert (agents.stream, agents.records, agents.counts) == (
        "agents",
        6,
        {"groups": 1, "agents": 5},
    )
    assert (tickets.stream, tickets.records, tickets.counts) == ("tickets", 180, {"tickets": 180})
    assert observer.events == [
        ("started", "desk", "agents"),
        ("batch", "desk", "agents", 6),
        ("finished", "agents", "succeeded", 6),
        ("started", "desk", "tickets"),
        ("batch", "desk", "tickets", 50),
        ("batch", "desk", "tickets", 100),
        ("batch", "desk", "tickets", 150),
        ("batch", "desk", "tickets", 180),
        ("finished", "tickets", "succeeded", 180),
    ]
    assert (store.count("tickets", "desk"), store.count("agents"), store.count("groups")) == (
        180,
        5,
        1,
    )
    assert store.get_state("desk", "tickets") == {"offset": 180}
    assert store.get_state("desk", "agents") == {"offset": 5}
    runs = store.runs("desk")
    assert [(r.stream, r.status, r.records, r.counts, r.error) for r in runs] == [
        ("tickets", "succeeded", 180, {"tickets": 180}, None),
        ("agents", "succeeded", 6, {"agents": 5, "groups": 1}, None),
    ]
    assert all(r.ended_at and r.ended_at >= r.started_at for r in runs)
    # What was stored is exactly what the connector produced.
    stored = store.db.execute("SELECT id, status, tags FROM tickets WHERE id = '15'").fetchone()
    expected = make_ticket(15)
    assert stored == ("15", expected.status.value, '["t0", "vip"]')


def test_the_next_sync_resumes_from_the_saved_cursor(store: Store) -> None:
    sync_connector(store, paged(tickets=100))
    PagedConnector.reads.clear()
    again = sync_connector(store, paged(tickets=100))
    assert [(s.stream, s.records) for s in again.streams] == [("agents", 6), ("tickets", 0)]
    assert PagedConnector.reads == [
        ("desk", "agents", {"offset": 5}),
        ("desk", "tickets", {"offset": 100}),
    ]
    more = sync_connector(store, paged(tickets=130))
    assert more.streams[1].records == 30
    assert store.count("tickets") == 130
    assert store.get_state("desk", "tickets") == {"offset": 130}


def test_full_refresh_ignores_the_cursor(store: Store, tmp_path: Path) -> None:
    sync_connector(store, paged(tickets=100))
    before = {t: store_rows(store.path, t) for t in RECORD_TABLES}
    PagedConnector.reads.clear()
    result = sync_connector(store, paged(tickets=100), full_refresh=True)
    assert [s.records for s in result.streams] == [6, 100]
    assert [state for _, _, state in PagedConnector.reads] == [None, None]
    assert {t: store_rows(store.path, t) for t in RECORD_TABLES} == before
    assert [r.full_refresh for r in store.runs()] == [True, True, False, False]


def test_a_failure_keeps_the_committed_batches_and_resumes_after_them(
    store: Store, tmp_path: Path
) -> None:
    failed = sync_connector(store, paged(tickets=200, batch=50, fail_after=2))
    assert failed.status == "failed"
    message = "HTTP 500 from https://dmtest.example/api?page=100&token=none"
    assert failed.error == f"tickets: {message}"
    assert [(s.stream, s.status, s.records) for s in failed.streams] == [
        ("agents", "succeeded", 6),
        ("tickets", "failed", 100),
    ]
    # Exactly two batches stored, and the cursor of the second.
    assert store.count("tickets") == 100
    assert [r[0] for r in store.db.execute("SELECT id FROM tickets")] == [
        str(n) for n in sorted(range(100), key=str)
    ]
    assert store.get_state("desk", "tickets") == {"offset": 100}
    run = store.runs("desk")[0]
    assert (run.stream, run.status, run.records, run.error) == ("tickets", "failed", 100, message)
    assert run.ended_at is not None

    PagedConnector.reads.clear()
    resumed = sync_connector(store, paged(tickets=200, batch=50))
    assert resumed.status == "succeeded"
    assert ("desk", "tickets", {"offset": 100}) in PagedConnector.reads
    assert resumed.streams[1].records == 100
    assert {t: store_rows(store.path, t) for t in RECORD_TABLES} == reference_rows(
        tmp_path, tickets=200, batch=50
    )


def test_an_error_inside_the_transaction_rolls_back_the_batch(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    original = Store.set_state

    def set_state(self: Store, connection: str, stream: str, state: dict[str, Any]) -> None:
        if stream == "tickets":
            calls.append(state)
            if len(calls) == 2:
                raise sqlite3.OperationalError("disk I/O error")
        original(self, connection, stream, state)

    monkeypatch.setattr(Store, "set_state", set_state)
    result = sync_connector(store, paged(tickets=200, batch=50))
    assert result.status == "failed"
    assert result.streams[1].error == f"{store.path}: disk I/O error"
    # Batch 2's records were written before its state failed: they are gone with it.
    assert store.count("tickets") == 50
    assert store.count("ticket_tags") == store_rows_count_tags(50)
    assert store.get_state("desk", "tickets") == {"offset": 50}
    run = store.runs()[0]
    assert (run.status, run.records, run.counts) == ("failed", 50, {"tickets": 50})


def store_rows_count_tags(tickets: int) -> int:
    return sum(len(make_ticket(n).tags) for n in range(tickets))


class TwoBatches(deskmetrics.Connector):
    """Yields a good batch, then ``second``; streams given per test."""

    name = "dmtest-two-batches"
    streams: ClassVar[tuple[str, ...]] = ("tickets",)
    second: ClassVar[list[Any]] = []
    closed = 0

    def read(self, stream: str, state: dict | None) -> Iterator[Batch]:
        yield Batch([make_ticket(0), make_ticket(1)], state={"n": 2})
        yield Batch(list(self.second), state={"n": 4})

    def close(self) -> None:
        type(self).closed += 1


def two_batches(second: list[Any], **attrs: Any) -> TwoBatches:
    cls = type("T", (TwoBatches,), {"second": second, "closed": 0, **attrs})
    return cls(cls.Options(), connection="desk")


def test_a_record_the_store_cannot_take_rolls_back_its_batch(store: Store) -> None:
    class Note(deskmetrics.Record):
        table = "notes"

    connector = two_batches([make_ticket(2), make_ticket(3), Note(id="n1")])
    result = sync_connector(store, connector)
    assert result.status == "failed"
    assert result.streams[0].error == (
        "cannot store Note records from 'desk': not one of the store's record types "
        "(Group, Agent, Organization, Customer, Ticket, Interaction, SurveyResponse, TicketEvent)"
    )
    assert [r[0] for r in store.db.execute("SELECT id FROM tickets ORDER BY id")] == ["0", "1"]
    assert store.get_state("desk", "tickets") == {"n": 2}
    assert type(connector).closed == 1


def test_a_connector_bug_keeps_its_exception_type(store: Store) -> None:
    def broken_read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        yield Batch([make_ticket(0)], state={"n": 1})
        raise KeyError("missing 'via' in payload")

    connector = two_batches([], read=broken_read)
    result = sync_connector(store, connector)
    assert result.error == "tickets: KeyError: \"missing 'via' in payload\""
    assert store.runs()[0].error == "KeyError: \"missing 'via' in payload\""
    assert store.count("tickets") == 1


def test_an_interrupted_sync_is_recorded_and_reraised(store: Store) -> None:
    def interrupted(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        yield Batch([make_ticket(0)], state={"n": 1})
        raise KeyboardInterrupt

    connector = two_batches([], read=interrupted)
    with pytest.raises(KeyboardInterrupt):
        sync_connector(store, connector)
    run = store.runs()[0]
    assert (run.status, run.records) == ("interrupted", 1)
    assert store.get_state("desk", "tickets") == {"n": 1}
    assert type(connector).closed == 1


@pytest.mark.parametrize("fails", [False, True])
def test_a_stream_collects_garbage_less_often_and_restores_the_settings(
    store: Store, fails: bool
) -> None:
    seen: list[tuple[int, ...]] = []

    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        seen.append(gc.get_threshold())
        yield Batch([make_ticket(0)], state={"n": 1})
        if fails:
            raise RuntimeError("the helpdesk went away")

    before = gc.get_threshold()
    result = sync_connector(store, two_batches([], read=read))
    assert result.status == ("failed" if fails else "succeeded")
    assert seen == [(YOUNG_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_batch_without_state_keeps_the_previous_cursor(store: Store) -> None:
    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        yield Batch([make_ticket(0)], state={"file": "a.csv"})
        yield Batch([make_ticket(1)])  # mid-file: not resumable here
        raise deskmetrics.ConnectorError("b.csv vanished")

    result = sync_connector(store, two_batches([], read=read))
    assert result.status == "failed"
    assert store.count("tickets") == 2
    assert store.get_state("desk", "tickets") == {"file": "a.csv"}


def test_rejected_rows_are_stored_with_their_run(store: Store) -> None:
    rejected = [RejectedRow("tickets.csv:4", "not a date", "created_at", "soon")]

    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        yield Batch([make_ticket(0)], state={"n": 1}, rejected=rejected)
        yield Batch([], state={"n": 2}, rejected=rejected * 2)

    result = sync_connector(store, two_batches([], read=read))
    stream = result.streams[0]
    assert (stream.records, stream.rejected) == (1, 3)
    run = store.runs()[0]
    assert (run.records, run.rejected) == (1, 3)
    rows = store.db.execute("SELECT run_id, location, reason FROM rejected_rows").fetchall()
    assert rows == [(run.id, "tickets.csv:4", "not a date")] * 3


def test_records_are_stored_under_the_connection_name(store: Store) -> None:
    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        yield Batch([make_ticket(0).model_copy(update={"source": "someone-else"})])

    sync_connector(store, two_batches([], read=read))
    assert store.db.execute("SELECT source, id FROM tickets").fetchall() == [("desk", "0")]


def test_a_failed_stream_does_not_stop_the_next_one(store: Store) -> None:
    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        if stream == "agents":
            raise deskmetrics.ConnectorError("403 on /agents")
        self.warn("ticket 7 has an unknown status 'frozen', read as open")
        yield Batch([make_ticket(0)], state={"n": 1})

    connector = two_batches([], read=read, streams=("agents", "tickets"))
    result = sync_connector(store, connector)
    assert [(s.stream, s.status) for s in result.streams] == [
        ("agents", "failed"),
        ("tickets", "succeeded"),
    ]
    assert (result.status, result.error) == ("failed", "agents: 403 on /agents")
    assert result.warnings == ["ticket 7 has an unknown status 'frozen', read as open"]
    assert store.count("tickets") == 1


def test_secrets_are_scrubbed_from_errors_and_never_stored(store: Store, tmp_path: Path) -> None:
    token = "tok-9f8e7d6c5b4a"

    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        self.warn(f"retrying with token {token}")
        yield from PagedConnector.read(self, stream, state)

    cls = type("Secretive", (PagedConnector,), {"read": read})
    options = cls.Options(tickets=200, fail_after=1, token=token)
    result = sync_connector(store, cls(options, connection="desk"))
    assert result.error == "tickets: HTTP 500 from https://dmtest.example/api?page=50&token=***"
    assert result.warnings == ["retrying with token ***"] * 2  # once per stream
    assert store.runs()[0].error == "HTTP 500 from https://dmtest.example/api?page=50&token=***"
    store.close()
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert store.path in files
    assert not any(token.encode() in p.read_bytes() for p in files)


def test_sync_of_a_configuration(
    paged_plugin: type, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def connection(name: str, **options: Any) -> ConnectionConfig:
        return ConnectionConfig(name, "dmtest-paged", options)

    config = Config(
        path=None,
        database=tmp_path / "dm.db",
        connections={
            "one": connection("one", tickets=60),
            "two": connection("two", tickets=30),
            "locked": connection("locked", token="${DMTEST_UNSET_TOKEN}"),
        },
    )
    monkeypatch.delenv("DMTEST_UNSET_TOKEN", raising=False)
    with Store(config.database) as store:
        summary = sync(config, store, ["two", "one"])
        assert summary.ok
        assert [(c.connection, c.records) for c in summary.connections] == [
            ("two", 36),
            ("one", 66),
        ]
        everything = sync(config, store)
        assert not everything.ok
        assert [(c.connection, c.status) for c in everything.connections] == [
            ("one", "succeeded"),
            ("two", "succeeded"),
            ("locked", "failed"),
        ]
        assert everything.connections[2].error == (
            "(default configuration): connections.locked.token: "
            "environment variable DMTEST_UNSET_TOKEN is not set"
        )
        assert everything.to_dict()["ok"] is False
        assert (store.count("tickets", "one"), store.count("tickets", "two")) == (60, 30)
        with pytest.raises(ConfigError) as caught:
            sync(config, store, ["one", "three"])
        assert str(caught.value) == (
            "(default configuration): no connection named 'three' (configured: one, two, locked)"
        )
        with pytest.raises(ConfigError, match=r"no \[connections\.\*\] configured"):
            sync(Config(path=None, database=config.database), store)


def test_url_encoded_secrets_are_scrubbed_too(store: Store) -> None:
    token = "QmFzZTY0+dG9r/ZW4=="  # base64: "+", "/" and "=" are percent-encoded in URLs

    def read(self: Any, stream: str, state: Any) -> Iterator[Batch]:
        raise deskmetrics.ConnectorError(
            f"GET /api?token={quote(token, safe='')} failed; "
            f"form body token={quote_plus(token)}; header {token}"
        )
        yield  # a generator, like every read

    cls = type("Encoded", (PagedConnector,), {"read": read})
    result = sync_connector(store, cls(cls.Options(token=token), connection="desk"))
    assert result.streams[0].error == "GET /api?token=*** failed; form body token=***; header ***"
    assert quote(token, safe="") != token  # the case is real

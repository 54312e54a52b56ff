"""Batches that hold: stored together with the next batch that does not, or not at all."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import deskmetrics
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_stream

CREATED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def tickets(*ids: int) -> list[deskmetrics.Record]:
    return [deskmetrics.Ticket(id=str(n), created_at=CREATED) for n in ids]


class Units(deskmetrics.Connector):
    """Two held batches, then either a closing batch with the cursor or an error."""

    name: ClassVar[str] = "units"
    fail: ClassVar[bool] = False

    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        yield deskmetrics.Batch(tickets(1), state={"seen": 1})  # commits on its own
        yield deskmetrics.Batch(tickets(2, 3), hold=True)
        yield deskmetrics.Batch(tickets(4), hold=True)
        if self.fail:
            raise deskmetrics.RecordError(
                "tickets.csv: 1 bad row; nothing from this file was stored"
            )
        yield deskmetrics.Batch(tickets(5), state={"seen": 5})


class Failing(Units):
    fail = True


class Seen:
    def __init__(self) -> None:
        self.progress: list[int] = []

    def stream_started(self, connection: str, stream: str) -> None:
        pass

    def batch_written(self, connection: str, stream: str, records: int) -> None:
        self.progress.append(records)

    def stream_finished(self, result: object) -> None:
        pass


def stored(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM tickets ORDER BY id")]


def test_held_batches_commit_with_the_next_batch(tmp_path: Path) -> None:
    seen = Seen()
    with Store(tmp_path / "d.db") as store:
        result = sync_stream(store, Units(deskmetrics.ConnectorOptions(), connection="u"),
                             "tickets", observer=seen)  # fmt: skip
        assert store.get_state("u", "tickets") == {"seen": 5}
        [run] = store.runs("u")
    assert result.status == "succeeded"
    assert (result.records, result.counts) == (5, {"tickets": 5})
    assert (run.records, run.counts) == (5, {"tickets": 5})
    assert seen.progress == [1, 3, 4, 5]
    assert stored(tmp_path / "d.db") == ["1", "2", "3", "4", "5"]


def test_a_stream_failing_while_batches_hold_stores_none_of_them(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        result = sync_stream(store, Failing(deskmetrics.ConnectorOptions(), connection="u"),
                             "tickets")  # fmt: skip
        assert store.get_state("u", "tickets") == {"seen": 1}
        [run] = store.runs("u")
    assert result.status == "failed"
    assert result.error == "tickets.csv: 1 bad row; nothing from this file was stored"
    # Only the batch committed before the held ones is stored and counted.
    assert (result.records, result.counts) == (1, {"tickets": 1})
    assert (run.records, run.status) == (1, "failed")
    assert stored(tmp_path / "d.db") == ["1"]

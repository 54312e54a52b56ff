"""@deskmetrics.stream declarations: the streams tuple and read dispatch derive from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import ClassVar

import pytest

import deskmetrics

CREATED = datetime(2026, 1, 5, 9, tzinfo=UTC)


class Desk(deskmetrics.Connector):
    name: ClassVar[str] = "desk"

    @deskmetrics.stream("groups", records=(deskmetrics.Group,))
    def read_groups(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        yield deskmetrics.Batch([deskmetrics.Group(id="g1", name="Support")])

    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        after = (state or {}).get("n", 0)
        ticket = deskmetrics.Ticket(id=str(after + 1), created_at=CREATED)
        yield deskmetrics.Batch([ticket], state={"n": after + 1})


def desk() -> Desk:
    return Desk(deskmetrics.ConnectorOptions(), connection="t")


def test_streams_and_specs_come_from_the_declarations_in_order() -> None:
    assert Desk.streams == ("groups", "tickets")
    assert Desk.stream_specs["tickets"].records == (deskmetrics.Ticket,)
    assert Desk.stream_specs["groups"].method == "read_groups"


def test_read_dispatches_to_the_declared_method_with_the_state() -> None:
    [batch] = list(desk().read("tickets", {"n": 41}))
    assert [t.id for t in batch.records] == ["42"]
    assert batch.state == {"n": 42}
    assert [g.name for b in desk().read("groups", None) for g in b.records] == ["Support"]


def test_an_unknown_stream_is_a_connector_error_naming_it() -> None:
    with pytest.raises(deskmetrics.ConnectorError, match="desk has no stream 'agents'"):
        desk().read("agents", None)


def test_a_subclass_adds_streams_after_its_parents_and_can_replace_a_reader() -> None:
    class MoreDesk(Desk):
        @deskmetrics.stream("agents", records=(deskmetrics.Agent,))
        def read_agents(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
            yield deskmetrics.Batch([deskmetrics.Agent(id="a1")])

        @deskmetrics.stream("groups", records=(deskmetrics.Group,))
        def read_groups(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
            yield deskmetrics.Batch([deskmetrics.Group(id="g2", name="Billing")])

    assert MoreDesk.streams == ("groups", "tickets", "agents")
    connector = MoreDesk(deskmetrics.ConnectorOptions(), connection="t")
    assert [g.id for b in connector.read("groups", None) for g in b.records] == ["g2"]


def test_declaring_streams_and_writing_the_tuple_too_is_refused() -> None:
    with pytest.raises(TypeError, match="remove the hand-written streams tuple"):

        class Drifting(deskmetrics.Connector):
            name: ClassVar[str] = "drift"
            streams: ClassVar[tuple[str, ...]] = ("tickets", "groups")

            @deskmetrics.stream("tickets")
            def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
                yield deskmetrics.Batch([])


def test_a_hand_written_connector_still_works() -> None:
    class Legacy(deskmetrics.Connector):
        name: ClassVar[str] = "legacy"
        streams: ClassVar[tuple[str, ...]] = ("tickets",)

        def read(self, stream: str, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
            yield deskmetrics.Batch([], state={"stream": stream})

    assert Legacy.streams == ("tickets",)
    connector = Legacy(deskmetrics.ConnectorOptions(), connection="t")
    assert [b.state for b in connector.read("tickets", None)] == [{"stream": "tickets"}]


def test_a_stream_name_must_be_an_identifier() -> None:
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        deskmetrics.stream("ticket events")

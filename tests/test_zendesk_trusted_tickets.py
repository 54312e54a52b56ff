"""The ticket mapper skips pydantic only for data it proved typed: the record stays the same."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import deskmetrics
from deskmetrics_zendesk.tickets import proven
from test_zendesk_export_page import ACCOUNT, JSON, mapper, tickets

TIMES = st.sampled_from(
    [
        "2024-03-04T09:12:00Z",
        "2024-03-04T11:12:00+02:00",
        "2024-03-04T09:12:00",
        "2023-01-01T00:00:00Z",
    ]
)
ODD_VALUES = JSON | TIMES | st.sampled_from([True, False, -1, 0, 3, "", "x", ["a", 1], [], {}])


def fields(record: deskmetrics.Ticket) -> tuple[Any, ...]:
    """Everything a store or a report can see of a record, the values' exact types included."""
    return (
        list(record.__dict__),
        [(value, type(value)) for value in record.__dict__.values()],
        [getattr(value, "tzinfo", None) for value in record.__dict__.values()],
        record.model_fields_set,
    )


def through_pydantic(ticket: dict[str, Any]) -> Any:
    try:
        return fields(deskmetrics.Ticket.build(mapper().data(ticket)))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def as_mapped(ticket: dict[str, Any]) -> Any:
    try:
        return fields(mapper().ticket(ticket))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@st.composite
def odd_tickets(draw: st.DrawFn) -> dict[str, Any]:
    """A fake-account ticket with keys the mapper passes on or parses set to odd values."""
    ticket = draw(tickets())
    for key in draw(st.lists(st.sampled_from(["id", "type", "subject", "tags", "created_at",
                                               "updated_at"]), max_size=3)):  # fmt: skip
        ticket[key] = draw(ODD_VALUES)
    metrics = ticket.get("metric_set")
    if isinstance(metrics, dict):
        for key in draw(st.lists(st.sampled_from(["replies", "reopens", "solved_at",
                                                   "initially_assigned_at", "assigned_at",
                                                   "status_updated_at"]), max_size=3)):  # fmt: skip
            metrics[key] = draw(ODD_VALUES)
    return ticket


def test_the_fake_accounts_tickets_take_the_trusted_path_and_build_the_same_records() -> None:
    every = [ACCOUNT.ticket(number) for number in range(1, 401)]
    assert all(proven(mapper().data(ticket)) for ticket in every)
    assert [as_mapped(t) for t in every] == [through_pydantic(t) for t in every]


def test_what_the_mapper_does_not_prove_goes_through_pydantic() -> None:
    ticket = ACCOUNT.ticket(7)
    ticket["created_at"] = "2024-03-04T11:12:00+02:00"  # an offset: pydantic converts it to UTC
    record = mapper().ticket(ticket)
    assert not proven(mapper().data(ticket))
    assert record.created_at.isoformat() == "2024-03-04T09:12:00+00:00"
    ticket["metric_set"]["replies"] = -2  # rejected with pydantic's message, as before
    assert as_mapped(ticket) == through_pydantic(ticket)
    assert "agent_replies" in as_mapped(ticket)
    ticket = ACCOUNT.ticket(7)
    ticket["subject"] = 5
    assert as_mapped(ticket).startswith("RecordError: ticket 7: 1 invalid field")
    assert as_mapped(ticket) == through_pydantic(ticket)


@settings(max_examples=400, deadline=None)
@given(odd_tickets())
def test_any_ticket_maps_to_the_record_or_error_pydantic_gives(ticket: dict[str, Any]) -> None:
    assert as_mapped(ticket) == through_pydantic(ticket)

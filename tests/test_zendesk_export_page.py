"""The lean export page (only the mapped keys, msgspec) maps exactly as the whole payload does."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.export_page import CONTENT, full_tickets, lean_page
from deskmetrics_zendesk.labels import TicketLabels
from deskmetrics_zendesk.options import ZendeskOptions
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper
from zendesk_fake import FakeAccount

ACCOUNT = FakeAccount(400)


def mapper() -> TicketMapper:
    options = ZendeskOptions(subdomain="acme", access_token="t")
    labels = TicketLabels.from_api(
        ACCOUNT.custom_statuses(), ACCOUNT.brands(), ACCOUNT.ticket_forms()
    )
    return TicketMapper(
        FieldRegistry(ACCOUNT.ticket_fields()),
        Escalation(options.escalation, options.escalation_tags),
        handle_time_field="Total time spent (sec)",
        labels=labels,
    )


def outcome(ticket: Any) -> Any:
    """What the mapper makes of ``ticket``: the record's fields, or the error it raises."""
    try:
        return mapper().ticket(ticket).model_dump()
    except Exception as exc:  # compared as text: the rejected row's reason
        return f"{type(exc).__name__}: {exc}"


def both(tickets: list[Any]) -> tuple[list[Any], list[Any]]:
    content = orjson.dumps({"tickets": tickets, "after_cursor": "c", "end_of_stream": True})
    lean = lean_page(content)
    assert lean[CONTENT] == content
    return lean["tickets"], orjson.loads(content)["tickets"]


def test_every_ticket_of_the_fake_account_maps_the_same_lean_and_whole() -> None:
    tickets = [ACCOUNT.ticket(number) for number in range(1, 401)]
    lean, whole = both(tickets)
    assert [outcome(t) for t in lean] == [outcome(t) for t in whole]
    # Lean means lean: the description and the repeated ``fields`` are not decoded.
    assert "description" not in lean[1] and "fields" not in lean[1]
    assert len(lean[1]["metric_set"]) < len(whole[1]["metric_set"])


def test_full_tickets_gives_back_every_key() -> None:
    tickets = [ACCOUNT.ticket(number) for number in (1, 2)]
    content = orjson.dumps({"tickets": tickets})
    assert full_tickets(lean_page(content)) == orjson.loads(content)["tickets"]
    assert full_tickets({"tickets": tickets}) == tickets  # a page decoded whole already


def test_a_metric_set_that_is_no_object_is_refused_so_the_page_is_decoded_whole() -> None:
    with pytest.raises(ValueError):
        lean_page(orjson.dumps({"tickets": [{"id": 1, "metric_set": [1]}]}))


SCALARS = (
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False)
    | st.text(max_size=8) | st.sampled_from(["2024-03-04T09:12:00Z", "solved", "closed", "email"])
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
TICKET_KEYS = sorted(ACCOUNT.ticket(1))
METRIC_KEYS = [*sorted(ACCOUNT.ticket(1)["metric_set"]), "reply_time_in_seconds"]


@st.composite
def tickets(draw: st.DrawFn) -> dict[str, Any]:
    """A fake-account ticket with some keys replaced by any JSON value, some dropped."""
    ticket = ACCOUNT.ticket(draw(st.integers(1, 400)))
    for key in draw(st.lists(st.sampled_from(TICKET_KEYS), max_size=4)):
        ticket[key] = draw(JSON)
    for key in draw(st.lists(st.sampled_from(TICKET_KEYS), max_size=2)):
        ticket.pop(key, None)
    metrics = ticket.get("metric_set")
    if isinstance(metrics, dict):
        for key in draw(st.lists(st.sampled_from(METRIC_KEYS), max_size=4)):
            metrics[key] = draw(JSON)
    return ticket


@settings(max_examples=300, deadline=None)
@given(st.lists(tickets(), min_size=1, max_size=3))
def test_any_page_maps_the_same_lean_or_whole(page: list[dict[str, Any]]) -> None:
    content = orjson.dumps({"tickets": page})
    try:
        lean = lean_page(content)["tickets"]
    except ValueError:
        return  # refused: the connector decodes such a page whole, as before
    whole = orjson.loads(content)["tickets"]
    assert [outcome(t) for t in lean] == [outcome(t) for t in whole]

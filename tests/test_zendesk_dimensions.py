"""Zendesk dimensions as columns (#13.3): type, custom status, brand, form, via detail."""

from __future__ import annotations

from typing import Any

from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.labels import TicketLabels, via_detail
from deskmetrics_zendesk.satisfaction import response_from_rating
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper
from vendor_payloads import load

LABELS = TicketLabels.from_api(
    load("zendesk", "custom_statuses")["custom_statuses"],
    load("zendesk", "brands")["brands"],
    load("zendesk", "ticket_forms")["ticket_forms"],
)


def mapper(fields: list[dict[str, Any]] | None = None) -> TicketMapper:
    return TicketMapper(FieldRegistry(fields or []), Escalation((), []), labels=LABELS)


def test_the_documented_ticket_gets_every_dimension_labelled() -> None:
    ticket = load("zendesk", "tickets_cursor_metric_sets")["tickets"][0]
    record = mapper().ticket(ticket)
    assert (record.type, record.custom_status, record.brand, record.ticket_form) == (
        "incident",
        "Responding quickly",  # the custom status's agent_label
        "Brand 1",
        "Snowboard Problem",
    )
    assert record.via_detail == "support@company.com"  # via names no address: the recipient
    # Fields 27642 and 27648 are defined nowhere; their values are kept under their ids.
    assert record.custom_fields == {"field 27642": "745", "field 27648": "yes"}


def test_unknown_fields_without_a_value_are_not_stored() -> None:
    ticket = load("zendesk", "tickets_cursor_metric_sets")["tickets"][0]
    ticket["custom_fields"] = [{"id": 1, "value": None}, {"id": 2, "value": "x"}]
    assert mapper().ticket(ticket).custom_fields == {"field 2": "x"}


def test_an_unknown_id_is_stored_named_as_an_id() -> None:
    assert LABELS.brand(42) == "brand 42"
    assert LABELS.custom_status(None) is None


def test_via_detail_names_the_support_address_or_number() -> None:
    email = {"channel": "email", "source": {
        "from": {"address": "cust@example.com"}, "to": {"address": "help@acme.com"}}}  # fmt: skip
    phone = {"channel": "voice", "source": {"to": {"formatted_phone": "+1 (555) 010-0000"}}}
    rule = {
        "channel": "rule",
        "source": {"from": {"id": 7, "title": "Auto-close"}, "rel": "trigger"},
    }
    api = {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}}
    assert via_detail(email, "other@acme.com") == "help@acme.com"
    assert via_detail(phone, None) == "+1 (555) 010-0000"
    assert via_detail(rule, None) == "Auto-close"
    assert via_detail(api, None) is None
    assert via_detail({"channel": "web"}, "support@acme.com") == "support@acme.com"


def test_a_survey_keeps_its_group() -> None:
    rating = load("zendesk", "satisfaction_ratings")["satisfaction_ratings"][0]
    response = response_from_rating(rating)
    assert response is not None and response.group_id == "98738"

"""Freshdesk dimensions as columns (#13.3), from the API reference's own example payloads."""

from __future__ import annotations

from deskmetrics_freshdesk import FreshdeskOptions
from deskmetrics_freshdesk.ratings import survey_response
from deskmetrics_freshdesk.ticket_fields import TicketFields
from deskmetrics_freshdesk.tickets import TicketMapper
from vendor_payloads import load

FIELDS = TicketFields.from_api(load("freshdesk", "ticket_fields"))
MAILBOXES = {row["id"]: row["name"] for row in load("freshdesk", "mailboxes")}


def mapper(loads: list[int]) -> TicketMapper:
    options = FreshdeskOptions.model_validate({"domain": "acme", "api_key": "k"})

    def mailboxes() -> dict[int, str]:
        loads.append(1)
        return MAILBOXES

    return TicketMapper(options, FIELDS, keep_raw=False, warn=print, mailboxes=mailboxes)


def test_the_documented_ticket_gets_every_dimension() -> None:
    loads: list[int] = []
    ticket18, ticket17 = load("freshdesk", "tickets_include_stats")
    m = mapper(loads)
    record = m.ticket(ticket18)
    assert (record.type, record.custom_status, record.via_detail) == ("Lead", "Open", "Portal")
    assert (record.product, record.mailbox) == ("ddd", "Test Account")
    other = m.ticket(ticket17)
    assert (other.product, other.mailbox) == (None, None)
    assert loads == [1]  # the mailbox list is read once, when a ticket first names one


def test_custom_statuses_keep_their_label() -> None:
    ticket = {**load("freshdesk", "tickets_include_stats")[0], "status": 6, "product_id": 99}
    record = mapper([]).ticket(ticket)
    assert record.custom_status == "Waiting on Customer"
    assert record.product == "product 99"  # an id the account's choices do not name


def test_no_mailbox_lookup_for_tickets_without_one() -> None:
    loads: list[int] = []
    ticket = {**load("freshdesk", "tickets_include_stats")[0], "email_config_id": None}
    assert mapper(loads).ticket(ticket).mailbox is None
    assert loads == []


def test_a_survey_keeps_its_group() -> None:
    rating = {**load("freshdesk", "satisfaction_ratings")[0], "group_id": 5}
    assert survey_response(rating, keep_raw=False).group_id == "5"

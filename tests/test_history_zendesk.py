"""Zendesk's metric set → time in status and routing on the ticket (issue #18 items 2, 5)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper
from vendor_payloads import load


def mapped(ticket: dict[str, Any]) -> dict[str, Any]:
    mapper = TicketMapper(FieldRegistry([]), Escalation((), ()))
    return mapper.ticket(ticket).model_dump(exclude_unset=True)


def documented_ticket() -> dict[str, Any]:
    return copy.deepcopy(load("zendesk", "tickets_cursor_metric_sets")["tickets"][0])


def test_the_documented_metric_set_gives_waits_stations_and_first_assignment() -> None:
    found = mapped(documented_ticket())
    # ticket_metric_set.json: requester wait 2391/737 min, agent wait 2391/737, on hold 2290/637.
    assert found["requester_wait_seconds"] == 2391 * 60
    assert found["requester_wait_business_seconds"] == 737 * 60
    assert found["agent_wait_seconds"] == 2391 * 60
    assert found["agent_wait_business_seconds"] == 737 * 60
    assert found["on_hold_seconds"] == 2290 * 60
    assert found["on_hold_business_seconds"] == 637 * 60
    assert (found["assignee_stations"], found["group_stations"]) == (1, 7)
    # initially_assigned_at, not the latest assignment (assigned_at 2011-05-05).
    assert found["first_assigned_at"] == datetime(2011, 5, 3, 10, 38, 52, tzinfo=UTC)


def test_without_initial_assignment_one_station_uses_the_latest_assignment() -> None:
    ticket = documented_ticket()
    del ticket["metric_set"]["initially_assigned_at"]
    assert mapped(ticket)["first_assigned_at"] == datetime(2011, 5, 5, 10, 38, 52, tzinfo=UTC)
    ticket["metric_set"]["assignee_stations"] = 3  # the latest of three is not the first
    assert "first_assigned_at" not in mapped(ticket)


def test_missing_or_malformed_figures_are_left_unset_not_zero() -> None:
    ticket = documented_ticket()
    metrics = ticket["metric_set"]
    metrics["on_hold_time_in_minutes"] = None
    metrics["agent_wait_time_in_minutes"] = {"calendar": "lots"}
    metrics["requester_wait_time_in_minutes"] = {"calendar": -5, "business": 12}
    metrics["group_stations"] = "7"
    del metrics["assignee_stations"]
    found = mapped(ticket)
    for name in ("on_hold_seconds", "agent_wait_seconds", "agent_wait_business_seconds",
                 "requester_wait_seconds", "group_stations", "assignee_stations"):  # fmt: skip
        assert name not in found, name
    assert found["requester_wait_business_seconds"] == 720.0


def test_a_first_assignment_before_creation_is_dropped_and_counted() -> None:
    ticket = documented_ticket()
    ticket["created_at"] = "2011-05-04T00:00:00Z"
    mapper = TicketMapper(FieldRegistry([]), Escalation((), ()))
    data = mapper.data(ticket)
    assert data["first_assigned_at"] is None
    assert mapper.dropped_times >= 1


def test_a_ticket_without_metric_set_keeps_stored_figures() -> None:
    ticket = documented_ticket()
    del ticket["metric_set"]
    found = mapped(ticket)
    assert not {"requester_wait_seconds", "assignee_stations", "first_assigned_at"} & set(found)

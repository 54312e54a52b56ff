"""Freshdesk payloads -> deskmetrics records: statuses, channels, stats, CSAT scale, handle time.

Payloads are the api-notes fixtures (§12) or small variations of them; expected values are
written out by hand.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

import deskmetrics
from deskmetrics_freshdesk.business_hours import clock_minutes, weekly_hours
from deskmetrics_freshdesk.client import freshdesk_rate_headers
from deskmetrics_freshdesk.companies import CompanyFields, organization
from deskmetrics_freshdesk.conversations import interaction, ticket_update
from deskmetrics_freshdesk.options import FreshdeskOptions
from deskmetrics_freshdesk.ratings import SCALE_MAX, SCALE_MIN, csat_score, survey_response
from deskmetrics_freshdesk.ticket_fields import TicketFields
from deskmetrics_freshdesk.tickets import TicketMapper
from deskmetrics_freshdesk.time_entries import HandleTimes, spent_seconds


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


TICKET_1001: dict[str, Any] = {
    "id": 1001, "subject": "Cannot log in", "type": "Incident",
    "status": 4, "priority": 3, "source": 1,
    "requester_id": 7001, "responder_id": 5001, "group_id": 201, "company_id": 301,
    "product_id": None, "email_config_id": 401,
    "tags": ["login", "vip"], "custom_fields": {"cf_region": "EMEA"},
    "spam": False, "fr_escalated": False, "is_escalated": False,
    "nr_due_by": None, "nr_escalated": False, "association_type": None,
    "created_at": "2024-03-04T09:15:00Z", "updated_at": "2024-03-05T14:30:05Z",
    "fr_due_by": "2024-03-04T13:15:00Z", "due_by": "2024-03-06T09:15:00Z",
    "stats": {
        "agent_responded_at": "2024-03-05T14:29:40Z",
        "requester_responded_at": "2024-03-04T12:40:00Z",
        "first_responded_at": "2024-03-04T10:02:11Z",
        "status_updated_at": "2024-03-05T14:30:00Z",
        "reopened_at": None,
        "resolved_at": "2024-03-05T14:30:00Z",
        "closed_at": None,
        "pending_since": None,
    },
}  # fmt: skip

TICKET_1002: dict[str, Any] = {
    "id": 1002, "subject": "Refund request", "type": None,
    "status": 2, "priority": 4, "source": 7,
    "requester_id": 7002, "responder_id": None, "group_id": 202, "company_id": None,
    "tags": [], "custom_fields": {"cf_region": None},
    "spam": False, "fr_escalated": True, "is_escalated": True,
    "created_at": "2024-03-05T08:00:00Z", "updated_at": "2024-03-05T16:01:00Z",
    "fr_due_by": "2024-03-05T09:00:00Z", "due_by": "2024-03-05T16:00:00Z",
    "stats": {
        "agent_responded_at": None, "requester_responded_at": None,
        "first_responded_at": None, "status_updated_at": "2024-03-05T08:00:00Z",
        "reopened_at": None, "resolved_at": None, "closed_at": None, "pending_since": None,
    },
}  # fmt: skip

FIELDS = TicketFields.from_api(
    [
        {"name": "status", "default": True, "choices": {
            "2": ["Open", "Being Processed"], "6": ["Waiting on Customer", "Awaiting reply"],
            "7": ["Waiting on Third Party", "Being Processed"]}},
        {"name": "source", "default": True, "choices": {"Email": 1, "Chat": 7, "Web Chat": 15}},
        {"name": "ticket_type", "label": "Type", "default": True},
        {"name": "cf_region", "label": "Region", "default": False},
    ]
)  # fmt: skip


def options(**extra: Any) -> FreshdeskOptions:
    return FreshdeskOptions(domain="acme", api_key="k", **extra)


def mapper(warnings: list[str] | None = None, **extra: Any) -> TicketMapper:
    sink = warnings if warnings is not None else []
    return TicketMapper(options(**extra), FIELDS, keep_raw=False, warn=sink.append)


def with_stats(ticket: dict[str, Any], status: int, **stats: str | None) -> dict[str, Any]:
    changed = copy.deepcopy(ticket)
    changed["status"] = status
    changed["stats"].update(stats)
    return changed


# -- tickets -----------------------------------------------------------------------------------


def test_fixture_ticket_1001_maps_every_known_field() -> None:
    ticket = mapper().ticket(TICKET_1001)
    assert ticket.id == "1001"
    assert ticket.status == "solved"
    assert ticket.priority == "high"
    assert ticket.channel == "email"
    assert ticket.subject == "Cannot log in"
    assert (ticket.requester_id, ticket.assignee_id) == ("7001", "5001")
    assert (ticket.group_id, ticket.organization_id) == ("201", "301")
    assert ticket.created_at == at("2024-03-04T09:15:00Z")
    assert ticket.updated_at == at("2024-03-05T14:30:05Z")
    assert ticket.first_response_at == at("2024-03-04T10:02:11Z")
    assert ticket.resolved_at == at("2024-03-05T14:30:00Z")
    assert ticket.first_resolved_at == at("2024-03-05T14:30:00Z")
    assert ticket.reopens == 0
    assert ticket.escalated is False
    assert ticket.first_response_due_at == at("2024-03-04T13:15:00Z")
    assert ticket.resolution_due_at == at("2024-03-06T09:15:00Z")
    assert ticket.tags == ["login", "vip"]
    assert ticket.custom_fields == {"Region": "EMEA", "Type": "Incident"}
    assert ticket.raw is None
    # Conversations and time entries own these: the ticket must not wipe them on upsert.
    assert "agent_replies" not in ticket.model_fields_set
    assert "handle_seconds" not in ticket.model_fields_set


def test_open_ticket_without_first_response_leaves_it_to_other_streams() -> None:
    ticket = mapper().ticket(TICKET_1002)
    assert (ticket.status, ticket.priority, ticket.channel) == ("open", "urgent", "chat")
    assert "first_response_at" not in ticket.model_fields_set
    assert ticket.resolved_at is None and "resolved_at" in ticket.model_fields_set
    assert ticket.first_resolved_at is None and "first_resolved_at" in ticket.model_fields_set
    assert ticket.escalated is True
    assert ticket.assignee_id is None and ticket.organization_id is None
    assert ticket.custom_fields == {"Region": None, "Type": None}


def test_closed_without_resolution_uses_the_close_time() -> None:
    payload = with_stats(TICKET_1001, 5, resolved_at=None, closed_at="2024-03-07T10:00:00Z")
    ticket = mapper().ticket(payload)
    assert ticket.status == "closed"
    assert ticket.resolved_at == ticket.first_resolved_at == at("2024-03-07T10:00:00Z")


def test_resolved_then_closed_keeps_the_resolution_time() -> None:
    payload = with_stats(TICKET_1001, 5, closed_at="2024-03-08T10:00:00Z")
    assert mapper().ticket(payload).resolved_at == at("2024-03-05T14:30:00Z")


def test_reopened_then_closed_directly_uses_the_close_time() -> None:
    payload = with_stats(
        TICKET_1001, 5, reopened_at="2024-03-06T08:00:00Z", closed_at="2024-03-06T12:00:00Z"
    )
    ticket = mapper().ticket(payload)
    assert ticket.reopens == 1
    assert ticket.resolved_at == at("2024-03-06T12:00:00Z")
    # Freshdesk keeps only the latest resolution: the first is known only from earlier syncs.
    assert "first_resolved_at" not in ticket.model_fields_set


def test_reopened_and_open_again_is_unresolved() -> None:
    payload = with_stats(TICKET_1001, 2, reopened_at="2024-03-06T08:00:00Z")
    ticket = mapper().ticket(payload)
    assert (ticket.status, ticket.reopens, ticket.resolved_at) == ("open", 1, None)
    assert "first_resolved_at" not in ticket.model_fields_set


def test_resolved_before_stats_fill_in_keeps_the_stored_resolution() -> None:
    payload = with_stats(TICKET_1001, 4, resolved_at=None)
    ticket = mapper().ticket(payload)
    assert "resolved_at" not in ticket.model_fields_set
    assert "first_resolved_at" not in ticket.model_fields_set


def test_custom_statuses_follow_status_map_and_default_to_open_with_one_warning() -> None:
    warnings: list[str] = []
    m = mapper(warnings, status_map={"6": "pending", "5": "solved"})
    assert m.ticket({**TICKET_1002, "status": 6}).status == "pending"
    assert m.ticket({**TICKET_1002, "status": 5}).status == "solved"
    assert m.ticket({**TICKET_1002, "status": 7}).status == "open"
    assert m.ticket({**TICKET_1002, "id": 3, "status": 7}).status == "open"
    assert warnings == [
        "custom status 7 (Waiting on Third Party) is not in status_map; counted as open"
    ]


@pytest.mark.parametrize(
    ("source", "channel"),
    [(1, "email"), (2, "web"), (3, "phone"), (5, "social"), (6, "social"), (7, "chat"),
     (9, "web"), (10, "email"), (12, "chat"), (13, "social"), (15, "chat")],
)  # fmt: skip
def test_sources_map_to_the_channel_vocabulary(source: int, channel: str) -> None:
    assert mapper().ticket({**TICKET_1002, "source": source}).channel == channel


def test_unknown_source_is_other_unless_configured() -> None:
    warnings: list[str] = []
    assert mapper(warnings).ticket({**TICKET_1002, "source": 42}).channel == "other"
    assert warnings == [
        "ticket source 42 (no label) is not known; stored as channel other (set channel_map "
        "to choose)"
    ]
    configured = mapper(channel_map={"42": "api"})
    assert configured.ticket({**TICKET_1002, "source": 42}).channel == "api"


@pytest.mark.parametrize(
    ("code", "priority"), [(1, "low"), (2, "normal"), (3, "high"), (4, "urgent")]
)
def test_priorities(code: int, priority: str) -> None:
    assert mapper().ticket({**TICKET_1002, "priority": code}).priority == priority


def test_escalation_rule() -> None:
    calm = {**TICKET_1001, "is_escalated": False, "fr_escalated": False}
    assert mapper().escalated({**calm, "fr_escalated": True}) is True
    assert mapper().escalated({**calm, "nr_escalated": True}) is False  # not in the default
    assert mapper().escalated(calm) is False
    by_tag = mapper(escalation={"flags": [], "tags": ["vip"]})
    assert by_tag.escalated(calm) is True
    assert by_tag.escalated({**calm, "tags": [], "is_escalated": True}) is False
    by_group = mapper(escalation={"flags": ["nr_escalated"], "group_ids": ["201"]})
    assert by_group.escalated(calm) is True
    assert by_group.escalated({**calm, "group_id": 202}) is False


def test_tombstones_carry_the_listing_status_and_no_stats() -> None:
    listed = {k: v for k, v in TICKET_1001.items() if k != "stats"}
    ticket = mapper().ticket({**listed, "deleted": True}, tombstone=deskmetrics.Status.DELETED)
    assert ticket.status == "deleted"
    assert {"first_response_at", "resolved_at", "reopens"}.isdisjoint(ticket.model_fields_set)
    assert mapper().ticket({**listed, "spam": True}).status == "spam"


def test_keep_raw_keeps_the_payload() -> None:
    m = TicketMapper(options(), FIELDS, keep_raw=True, warn=lambda _: None)
    assert m.ticket(TICKET_1001).raw == TICKET_1001


def test_timestamps_with_offsets_are_read_as_utc() -> None:
    ticket = mapper().ticket({**TICKET_1002, "created_at": "2024-03-05T13:30:00+05:30"})
    assert ticket.created_at == at("2024-03-05T08:00:00Z")


def test_custom_fields_sharing_a_label_keep_both() -> None:
    fields = TicketFields.from_api(
        [
            {"name": "cf_a", "label": "Region", "default": False},
            {"name": "cf_b", "label": "Region", "default": False},
            {"name": "cf_c", "label": "Plan", "default": False},
        ]
    )
    assert fields.readable({"cf_a": 1, "cf_b": 2, "cf_c": 3, "cf_new": 4}) == {
        "Region (cf_a)": 1,
        "Region (cf_b)": 2,
        "Plan": 3,
        "cf_new": 4,
    }
    assert FIELDS.status_labels[6] == "Waiting on Customer"
    assert FIELDS.source_labels[15] == "Web Chat"


# -- conversations -----------------------------------------------------------------------------

CONVERSATIONS_1001 = [
    {"id": 9001, "ticket_id": 1001, "user_id": 5001, "source": 0, "incoming": False,
     "private": False, "created_at": "2024-03-04T10:02:11Z"},
    {"id": 9002, "ticket_id": 1001, "user_id": 5001, "source": 2, "incoming": False,
     "private": True, "created_at": "2024-03-04T11:00:00Z"},
    {"id": 9003, "ticket_id": 1001, "user_id": 7001, "source": 0, "incoming": True,
     "private": False, "created_at": "2024-03-04T12:40:00Z"},
    {"id": 9004, "ticket_id": 1001, "user_id": 5001, "source": 0, "incoming": False,
     "private": False, "created_at": "2024-03-05T14:29:40Z"},
]  # fmt: skip


def test_fixture_conversations_give_two_agent_replies() -> None:
    update = ticket_update("1001", CONVERSATIONS_1001, stats_first_response=True)
    assert update.agent_replies == 2
    assert update.model_fields_set == {"id", "agent_replies"}
    derived = ticket_update("1001", CONVERSATIONS_1001, stats_first_response=False)
    assert derived.first_response_at == at("2024-03-04T10:02:11Z")
    public_note = {**CONVERSATIONS_1001[1], "private": False}
    assert ticket_update("1", [public_note], stats_first_response=False).agent_replies == 0
    assert ticket_update("1", [], stats_first_response=False).model_fields_set == {
        "id",
        "agent_replies",
    }


def test_conversations_become_interactions() -> None:
    rows = [interaction(c, keep_raw=False) for c in CONVERSATIONS_1001]
    assert [(i.id, i.author_role, i.public, i.author_id) for i in rows] == [
        ("9001", "agent", True, "5001"),
        ("9002", "agent", False, "5001"),
        ("9003", "customer", True, "7001"),
        ("9004", "agent", True, "5001"),
    ]
    assert rows[2].ticket_id == "1001" and rows[2].created_at == at("2024-03-04T12:40:00Z")


# -- CSAT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [103, 102, 101, 100, -101, -102, -103])
def test_exactly_ratings_above_100_are_satisfied_under_the_midpoint_rule(value: int) -> None:
    score = csat_score(value)
    assert score is not None and SCALE_MIN <= score <= SCALE_MAX
    assert (score > (SCALE_MIN + SCALE_MAX) / 2) is (value > 100)


def test_scale_order_and_classic_surveys() -> None:
    assert [csat_score(v) for v in (103, 102, 101, 100, -101, -102, -103)] == [7, 6, 5, 4, 3, 2, 1]
    assert [csat_score(v) for v in (1, 2, 3)] == [7, 4, 1]  # Happy, Neutral, Unhappy
    assert [csat_score(v) for v in (0, 104, -100, "x", None, True)] == [None] * 6


def test_fixture_rating_becomes_a_csat_response() -> None:
    rating = {
        "id": 3001, "survey_id": 11, "user_id": 7001, "agent_id": 5001, "group_id": 201,
        "ticket_id": 1001, "feedback": "Quick fix, thanks",
        "ratings": {"default_question": 103, "question_2": 101},
        "created_at": "2024-03-05T16:00:00Z", "updated_at": "2024-03-05T16:00:00Z",
    }  # fmt: skip
    response = survey_response(rating, keep_raw=False)
    assert (response.id, response.ticket_id, response.customer_id, response.agent_id) == (
        "3001",
        "1001",
        "7001",
        "5001",
    )
    assert (response.kind, response.score, response.scale_min, response.scale_max) == (
        "csat",
        7,
        1,
        7,
    )
    assert response.comment == "Quick fix, thanks"
    assert response.created_at == at("2024-03-05T16:00:00Z")
    assert response.custom_fields["ratings"] == {"default_question": 103, "question_2": 101}
    with pytest.raises(deskmetrics.RecordError, match=r"3002: ratings\.default_question is 0"):
        survey_response({**rating, "id": 3002, "ratings": {"default_question": 0}}, keep_raw=False)


# -- handle time -------------------------------------------------------------------------------


def test_time_spent_and_running_timers() -> None:
    assert [spent_seconds(v) for v in ("10:40", "00:05", "1:02:03", "", None)] == [
        38_400,
        300,
        3_723,
        0,
        0,
    ]
    times = HandleTimes()
    times.add(
        [
            {"ticket_id": 1, "time_spent": "01:00", "timer_running": False},
            {"ticket_id": 1, "time_spent": "00:30", "timer_running": False},
            {"ticket_id": 1, "time_spent": "05:00", "timer_running": True},
            {"ticket_id": 2, "time_spent": "00:10", "timer_running": True},
        ]
    )
    assert times.handle_seconds("1") == 5_400.0
    assert times.handle_seconds("2") is None  # nothing finished: null, not zero
    assert times.running == {"1", "2"}


# -- companies ---------------------------------------------------------------------------------

SUPER_NOVA: dict[str, Any] = {
    "id": 8, "name": "Super Nova", "description": "Space Shuttle Manufacturing",
    "domains": ["supernova", "nova", "super"], "note": None,
    "created_at": "2014-01-08T09:08:53+05:30", "updated_at": "2014-01-08T09:08:53+05:30",
    "custom_fields": {"website": "https://www.supernova.org", "address": None},
    "health_score": "Happy", "account_tier": "Premium", "renewal_date": "2020-12-31T00:00:00Z",
    "industry": None,
}  # fmt: skip
"""The API reference's List All Companies sample."""

COMPANY_FIELDS = CompanyFields.from_api(
    [
        {"name": "name", "label": "Company Name", "default": True},
        {"name": "health_score", "label": "Health score", "default": True},
        {"name": "website", "label": "Website", "default": False},
    ]
)


def test_docs_company_becomes_an_organization() -> None:
    org = organization(SUPER_NOVA, COMPANY_FIELDS, keep_raw=False)
    assert (org.id, org.name, org.domain) == ("8", "Super Nova", "supernova")
    assert org.created_at == datetime(2014, 1, 8, 3, 38, 53, tzinfo=UTC)
    assert org.custom_fields == {
        "domains": ["supernova", "nova", "super"],
        "account_tier": "Premium",
        "health_score": "Happy",
        "industry": None,
        "renewal_date": "2020-12-31T00:00:00Z",
        "Website": "https://www.supernova.org",
        "address": None,  # not in company_fields: keeps its API name
    }
    assert org.raw is None
    assert organization(SUPER_NOVA, COMPANY_FIELDS, keep_raw=True).raw == SUPER_NOVA


def test_company_without_domains_or_dates() -> None:
    bare = {"id": 9, "name": None, "domains": [], "created_at": None, "custom_fields": None}
    org = organization(bare, CompanyFields(), keep_raw=False)
    assert (org.id, org.name, org.domain, org.created_at) == ("9", None, None, None)
    assert org.custom_fields["domains"] == []


def test_company_fields_sharing_a_label_keep_both() -> None:
    fields = CompanyFields.from_api(
        [
            {"name": "tier", "label": "Tier", "default": False},
            {"name": "tier_2", "label": "Tier", "default": False},
        ]
    )
    assert fields.readable({"tier": "A", "tier_2": "B"}) == {
        "Tier (tier)": "A",
        "Tier (tier_2)": "B",
    }


# -- business hours, HTTP details, options -----------------------------------------------------


def test_business_hours_clock_times() -> None:
    assert clock_minutes("08:00:00 am") == 480
    assert clock_minutes("05:00:00 pm", end=True) == 1020
    assert clock_minutes("12:00:00 am") == 0
    assert clock_minutes("12:30:00 pm") == 750
    assert clock_minutes("11:59:59 pm", end=True) == 1440
    week = weekly_hours({"monday": {"start_time": "09:00:00 am", "end_time": "05:30:00 pm"}})
    assert week == ((( 540, 1050),), (), (), (), (), (), ())  # fmt: skip
    assert weekly_hours(None) == tuple(((0, 1440),) for _ in range(7))


def test_rate_headers_count_the_extra_credits_of_the_last_call() -> None:
    def response(**headers: str) -> httpx.Response:
        return httpx.Response(200, headers=headers)

    stats_call = response(
        **{"X-RateLimit-Remaining": "197", "X-RateLimit-Used-CurrentRequest": "3"}
    )
    assert freshdesk_rate_headers(stats_call) == (195, None)
    assert freshdesk_rate_headers(response(**{"X-Ratelimit-Remaining": "40"})) == (40, None)
    assert freshdesk_rate_headers(response()) == (None, None)


def test_link_header_is_parsed_leniently_and_stays_on_the_account_host() -> None:
    listed = httpx.Request("GET", "https://domain.freshdesk.com/api/v2/tickets")

    def answer(link: str | None) -> httpx.Response:
        return httpx.Response(200, headers={"Link": link} if link else {}, request=listed)

    doc_sample = (
        '< https://domain.freshdesk.com/api/v2/tickets?filter=all_tickets&page=2>;rel="next"'
    )
    assert deskmetrics.next_link(answer(doc_sample)) == (
        "https://domain.freshdesk.com/api/v2/tickets?filter=all_tickets&page=2"
    )
    assert deskmetrics.next_link(answer(None)) is None
    prev = '<https://domain.freshdesk.com/api/v2/tickets?page=1>; rel="prev"'
    assert deskmetrics.next_link(answer(prev)) is None
    elsewhere = '<https://evil.example.com/api/v2/tickets?page=2>; rel="next"'
    with pytest.raises(deskmetrics.ConnectorError, match=r"another host \(evil.example.com\)"):
        deskmetrics.next_link(answer(elsewhere))


def test_options() -> None:
    opts = FreshdeskOptions(
        domain="https://ACME.freshdesk.com/", api_key="k", start_date="2024-03-01"
    )
    assert (opts.domain, opts.url, opts.account) == (
        "acme",
        "https://acme.freshdesk.com",
        "freshdesk:acme",
    )
    assert opts.start_date == datetime(2024, 3, 1, tzinfo=UTC)
    assert opts.per_page == 100 and opts.lookback_minutes == 60
    assert opts.conversations == "resolved_changed" and opts.conversation_concurrency == 4
    assert opts.escalation.flags == ["is_escalated", "fr_escalated"]
    local = FreshdeskOptions(base_url="http://127.0.0.1:9/", api_key="k")
    assert (local.url, local.account) == ("http://127.0.0.1:9", "freshdesk:http://127.0.0.1:9")
    for bad in (
        {},
        {"domain": "acme", "per_page": 101},
        {"domain": "acme", "status_map": {"6": "deleted"}},
        {"domain": "acme", "status_map": {"waiting": "open"}},
        {"domain": "acme", "conversations": "sometimes"},
        {"domain": "ac me"},
        {"domain": "acme", "unknown": 1},
    ):
        with pytest.raises(ValidationError):
            FreshdeskOptions(api_key="k", **bad)

"""Zendesk payloads → deskmetrics records: tickets, custom fields, CSAT, SLA, schedules."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from typing import Any

import pytest

import deskmetrics
from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.satisfaction import latest_per_ticket, response_from_rating
from deskmetrics_zendesk.schedules import holiday_dates, schedule_from, weekly_from_week_minutes
from deskmetrics_zendesk.sla import SlaDeadlines
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper
from deskmetrics_zendesk.vocabulary import channel_of, status_of

# The fixture of the API notes, §13.1.
SOLVED: dict[str, Any] = {
    "id": 35436,
    "url": "https://acme.zendesk.com/api/v2/tickets/35436.json",
    "created_at": "2024-03-04T09:12:00Z",
    "updated_at": "2024-03-05T14:40:11Z",
    "generated_timestamp": 1709649611,
    "status": "solved",
    "priority": "high",
    "type": "incident",
    "subject": "Printer on fire",
    "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
    "requester_id": 20978392,
    "submitter_id": 20978392,
    "assignee_id": 235323,
    "group_id": 98738,
    "organization_id": 509974,
    "brand_id": 360000001,
    "tags": ["enterprise", "hardware"],
    "custom_fields": [{"id": 27642, "value": "745"}, {"id": 27648, "value": True}],
    "fields": [{"id": 27642, "value": "745"}, {"id": 27648, "value": True}],
    "satisfaction_rating": {"id": 1234, "score": "good", "comment": "Great support!"},
    "metric_set": {
        "id": 33,
        "ticket_id": 35436,
        "created_at": "2024-03-04T09:12:01Z",
        "updated_at": "2024-03-05T14:40:11Z",
        "reply_time_in_minutes": {"calendar": 16, "business": 16},
        "first_resolution_time_in_minutes": {"calendar": 1768, "business": 412},
        "full_resolution_time_in_minutes": {"calendar": 1768, "business": 412},
        "agent_wait_time_in_minutes": {"calendar": 30, "business": 30},
        "requester_wait_time_in_minutes": {"calendar": 1740, "business": 390},
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
        "reopens": 0,
        "replies": 1,
        "assignee_stations": 1,
        "group_stations": 1,
        "initially_assigned_at": "2024-03-04T09:20:00Z",
        "assigned_at": "2024-03-04T09:20:00Z",
        "solved_at": "2024-03-05T14:40:11Z",
        "status_updated_at": "2024-03-05T14:40:11Z",
        "latest_comment_added_at": "2024-03-05T14:40:11Z",
    },
}
DELETED: dict[str, Any] = {
    "id": 35437,
    "created_at": "2024-03-05T10:00:00Z",
    "updated_at": "2024-03-05T10:05:00Z",
    "generated_timestamp": 1709633100,
    "status": "deleted",
    "priority": None,
    "type": None,
    "via": {"channel": "web"},
    "requester_id": 20978400,
    "assignee_id": None,
    "group_id": None,
    "organization_id": None,
    "tags": [],
    "custom_fields": [],
    "satisfaction_rating": {"score": "unoffered"},
}
FIELDS = [
    {
        "id": 27642,
        "type": "tagger",
        "title": "Product",
        "custom_field_options": [
            {"id": 1, "name": "Printer", "value": "745"},
            {"id": 2, "name": "Scanner", "value": "746"},
        ],
    },
    {"id": 27648, "type": "checkbox", "title": "VIP"},
]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def mapper(**kwargs: Any) -> TicketMapper:
    rules = kwargs.pop("rules", ("group_stations", "tag"))
    return TicketMapper(FieldRegistry(FIELDS), Escalation(rules, ["escalated"]), **kwargs)


def with_metrics(status: str, **metrics: Any) -> dict[str, Any]:
    ticket = copy.deepcopy(SOLVED)
    ticket["status"] = status
    ticket["metric_set"].update(metrics)
    return ticket


def test_solved_ticket_maps_every_known_field() -> None:
    record = mapper().ticket(SOLVED)
    assert record.model_dump(exclude={"source", "raw"}) == {
        "id": "35436",
        "created_at": utc("2024-03-04T09:12:00Z"),
        "updated_at": utc("2024-03-05T14:40:11Z"),
        "status": deskmetrics.Status.SOLVED,
        "priority": deskmetrics.Priority.HIGH,
        "channel": deskmetrics.Channel.EMAIL,
        "subject": "Printer on fire",
        "requester_id": "20978392",
        "assignee_id": "235323",
        "group_id": "98738",
        "organization_id": "509974",
        "first_response_at": utc("2024-03-04T09:28:00Z"),  # created + 16 minutes
        "first_resolved_at": utc("2024-03-05T14:40:11Z"),  # solved once: the exact solve
        "resolved_at": utc("2024-03-05T14:40:11Z"),
        "resolved_at_estimated": False,
        "type": "incident",
        "custom_status": None,  # the payload names no custom status
        "brand": "brand 360000001",  # no brand list read: the bare id, named as such
        "ticket_form": None,
        "via_detail": None,  # via.source names no address, and no recipient
        "product": None,
        "mailbox": None,
        "language": None,
        "reopens": 0,
        "agent_replies": 1,
        "escalated": False,
        "handle_seconds": None,
        "first_response_due_at": None,
        "resolution_due_at": None,
        "tags": ["enterprise", "hardware"],
        "custom_fields": {"Product": "Printer", "VIP": True},
        # Time in status and routing (issue #18), from the metric set's minutes.
        "requester_wait_seconds": 1740 * 60.0,
        "requester_wait_business_seconds": 390 * 60.0,
        "agent_wait_seconds": 30 * 60.0,
        "agent_wait_business_seconds": 30 * 60.0,
        "on_hold_seconds": 0.0,
        "on_hold_business_seconds": 0.0,
        "assignee_stations": 1,
        "group_stations": 1,
        "first_assigned_at": utc("2024-03-04T09:20:00Z"),
    }
    # The SLA stream owns the deadlines and handle time is not configured: left unset, so
    # an upsert keeps what is stored.
    assert not {"first_response_due_at", "resolution_due_at", "handle_seconds", "raw"} & (
        record.model_fields_set
    )


@pytest.mark.parametrize("status", ["solved", "closed"])
def test_resolved_without_metric_set_is_never_open(status: str) -> None:
    # #13.2: without a metric set there is no solve time; the last update is the estimate.
    ticket = {key: value for key, value in SOLVED.items() if key != "metric_set"}
    record = mapper().ticket({**ticket, "status": status, "updated_at": "2024-03-06T07:00:00Z"})
    assert record.status == status
    assert record.resolved_at == utc("2024-03-06T07:00:00Z")
    assert record.resolved_at_estimated is True
    assert not {"first_resolved_at", "reopens", "agent_replies"} & record.model_fields_set


def test_open_without_metric_set_stays_unresolved() -> None:
    ticket = {key: value for key, value in SOLVED.items() if key != "metric_set"}
    record = mapper().ticket({**ticket, "status": "open"})
    assert record.resolved_at is None
    assert not {"resolved_at", "resolved_at_estimated"} & record.model_fields_set


def test_only_the_last_update_fallback_is_an_estimate() -> None:
    exact = mapper().ticket(SOLVED)
    assert (exact.resolved_at, exact.resolved_at_estimated) == (
        utc("2024-03-05T14:40:11Z"),
        False,
    )
    closed = mapper().ticket(
        with_metrics("closed", solved_at=None, status_updated_at="2024-03-06T08:00:00Z")
    )
    assert (closed.resolved_at, closed.resolved_at_estimated) == (
        utc("2024-03-06T08:00:00Z"),
        False,  # closed without a solve: the last status change is the close
    )
    guessed = mapper().ticket(with_metrics("closed", solved_at=None, status_updated_at=None))
    assert (guessed.resolved_at, guessed.resolved_at_estimated) == (
        utc("2024-03-05T14:40:11Z"),
        True,
    )
    unresolved = mapper().ticket(with_metrics("open"))
    assert (unresolved.resolved_at, unresolved.resolved_at_estimated) == (None, False)


def test_an_estimate_before_creation_is_dropped() -> None:
    ticket = {key: value for key, value in SOLVED.items() if key != "metric_set"}
    m = mapper()
    record = m.ticket({**ticket, "updated_at": "2024-03-01T00:00:00Z"})
    assert record.resolved_at is None and m.dropped_times == 1


def test_deleted_ticket_is_a_tombstone_that_keeps_stored_metrics() -> None:
    record = mapper().ticket(DELETED)
    assert record.status == deskmetrics.Status.DELETED
    assert record.channel == deskmetrics.Channel.WEB
    assert record.requester_id == "20978400"
    unset = {"first_response_at", "resolved_at", "reopens", "agent_replies", "subject"}
    assert not unset & record.model_fields_set
    assert record.model_fields_set >= {"status", "updated_at", "assignee_id", "tags"}


def test_keep_raw_stores_the_payload_without_the_duplicate_fields_array() -> None:
    record = mapper(keep_raw=True).ticket(SOLVED)
    assert record.raw is not None
    assert "fields" not in record.raw
    assert record.raw["custom_fields"] == SOLVED["custom_fields"]
    assert record.raw["metric_set"]["id"] == 33


def test_reopened_ticket_keeps_first_resolution_and_clears_latest_while_open() -> None:
    ticket = with_metrics(
        "open",
        reopens=1,
        replies=3,
        first_resolution_time_in_minutes={"calendar": 90, "business": 90},
        solved_at="2024-03-04T10:42:00Z",
    )
    record = mapper().ticket(ticket)
    assert record.first_resolved_at == utc("2024-03-04T10:42:00Z")  # created + 90 minutes
    assert record.resolved_at is None  # not resolved now: not in the resolved cohort
    assert (record.reopens, record.agent_replies) == (1, 3)


def test_resolved_after_a_reopen_has_both_resolutions() -> None:
    ticket = with_metrics(
        "closed", reopens=2, first_resolution_time_in_minutes={"calendar": 90, "business": 9}
    )
    record = mapper().ticket(ticket)
    assert record.first_resolved_at == utc("2024-03-04T10:42:00Z")
    assert record.resolved_at == utc("2024-03-05T14:40:11Z")


def test_closed_without_ever_being_solved_uses_its_close_time() -> None:
    ticket = with_metrics(
        "closed",
        solved_at=None,
        first_resolution_time_in_minutes={"calendar": None, "business": None},
        status_updated_at="2024-03-06T08:00:00Z",
    )
    record = mapper().ticket(ticket)
    assert record.resolved_at == record.first_resolved_at == utc("2024-03-06T08:00:00Z")


def test_closed_without_a_status_time_falls_back_to_updated_at() -> None:
    ticket = with_metrics("closed", solved_at=None, status_updated_at=None)
    assert mapper().ticket(ticket).resolved_at == utc("2024-03-05T14:40:11Z")


def test_no_reply_yet_means_no_first_response_even_when_zendesk_says_zero() -> None:
    for value in (0, None):
        ticket = with_metrics("open", replies=0, reply_time_in_minutes={"calendar": value})
        assert mapper().ticket(ticket).first_response_at is None


def test_messaging_reply_time_in_seconds_wins_over_whole_minutes() -> None:
    ticket = with_metrics("open", reply_time_in_seconds={"calendar": 75})
    assert mapper().ticket(ticket).first_response_at == utc("2024-03-04T09:13:15Z")


def test_times_before_creation_are_dropped_and_counted() -> None:
    ticket = with_metrics("solved", solved_at="2024-03-01T00:00:00Z")
    mapping = mapper()
    record = mapping.ticket(ticket)
    assert (record.resolved_at, record.first_resolved_at) == (None, None)
    assert mapping.dropped_times == 2


@pytest.mark.parametrize(
    ("rules", "tags", "metrics", "expected"),
    [
        (("group_stations", "tag"), ["vip"], {"group_stations": 2}, True),
        (("group_stations", "tag"), ["Escalated"], {"group_stations": 1}, True),
        (("group_stations", "tag"), [], {"group_stations": 1, "assignee_stations": 3}, False),
        (("assignee_stations",), [], {"group_stations": 1, "assignee_stations": 3}, True),
        (("tag",), [], {"group_stations": 5}, False),
        (("group_stations",), [], None, None),  # a deleted ticket: the rule cannot tell
        (("group_stations", "tag"), ["escalated"], None, True),
    ],
)
def test_escalation_rules(
    rules: tuple[str, ...], tags: list[str], metrics: dict[str, int] | None, expected: bool | None
) -> None:
    assert Escalation(rules, ["escalated"]).decide(tags, metrics) is expected


def test_statuses_and_channels() -> None:
    assert status_of("hold") == deskmetrics.Status.ON_HOLD
    assert status_of("deleted") == deskmetrics.Status.DELETED
    assert status_of("something_custom") == deskmetrics.Status.OPEN
    assert [channel_of({"channel": c}) for c in ("voice", "twitter", "web_widget", "rule")] == [
        "phone",
        "social",
        "web",
        "other",
    ]
    assert (channel_of(4), channel_of(5), channel_of(None)) == ("email", "api", None)


def test_custom_fields_get_readable_names_labels_and_types() -> None:
    registry = FieldRegistry(
        [
            *FIELDS,
            {"id": 1, "type": "integer", "title": "Seconds"},
            {"id": 2, "type": "decimal", "title": "Cost"},
            {
                "id": 3,
                "type": "multiselect",
                "title": "Regions",
                "custom_field_options": [
                    {"name": "Europe", "value": "eu"},
                    {"name": "Asia", "value": "apac"},
                ],
            },
            {"id": 4, "type": "text", "title": "Notes"},
            {"id": 5, "type": "text", "title": "Notes"},
        ]
    )
    values = [
        {"id": 27642, "value": "746"},
        {"id": 27648, "value": "false"},
        {"id": 1, "value": "180"},
        {"id": 2, "value": "2.5"},
        {"id": 3, "value": ["apac", "eu", "gone"]},
        {"id": 4, "value": "a"},
        {"id": 5, "value": None},
        {"id": 999, "value": "x"},
    ]
    assert registry.readable(values) == {
        "Product": "Scanner",
        "VIP": False,
        "Seconds": 180,
        "Cost": 2.5,
        "Regions": ["Asia", "Europe", "gone"],
        "Notes (4)": "a",
        "Notes (5)": None,
        "field 999": "x",
    }
    assert registry.name_of("Notes") == "Notes (4)"
    assert registry.name_of("1") == "Seconds"
    assert registry.name_of("Nope") is None


def test_handle_time_field_gives_handle_seconds() -> None:
    registry = FieldRegistry([{"id": 9, "type": "integer", "title": "Total time spent (sec)"}])
    mapping = TicketMapper(registry, Escalation((), ()), handle_time_field="Total time spent (sec)")
    ticket = {**SOLVED, "custom_fields": [{"id": 9, "value": "422"}]}
    assert mapping.ticket(ticket).handle_seconds == 422.0
    ticket = {**SOLVED, "custom_fields": [{"id": 9, "value": None}]}
    record = mapping.ticket(ticket)
    assert record.handle_seconds is None and "handle_seconds" in record.model_fields_set


# -- CSAT --------------------------------------------------------------------------------------

RATINGS = [
    {
        "id": 35436,
        "assignee_id": 235323,
        "group_id": 98738,
        "requester_id": 20978392,
        "ticket_id": 35436,
        "score": "good",
        "comment": "Great support!",
        "created_at": "2024-03-05T15:01:00Z",
        "updated_at": "2024-03-05T15:02:10Z",
    },
    {
        "id": 35440,
        "assignee_id": 235323,
        "requester_id": 20978555,
        "ticket_id": 35390,
        "score": "bad",
        "comment": "Took too long",
        "reason": "Issue took too long to resolve",
        "reason_id": 1001,
        "created_at": "2024-03-05T16:20:00Z",
        "updated_at": "2024-03-05T16:21:30Z",
    },
    {
        "id": 35441,
        "assignee_id": 18,
        "requester_id": 7881,
        "ticket_id": 35401,
        "score": "offered",
        "comment": None,
        "created_at": "2024-03-05T17:00:00Z",
        "updated_at": "2024-03-05T17:00:00Z",
    },
    {"id": 35442, "ticket_id": 35402, "score": "unoffered", "created_at": "2024-03-05T17:00:00Z"},
]


def test_ratings_become_csat_on_a_zero_to_one_scale() -> None:
    responses = [response_from_rating(rating) for rating in RATINGS]
    assert responses[3] is None  # unoffered: no survey went out
    good, bad, offered = responses[:3]
    assert good is not None and bad is not None and offered is not None
    assert (good.id, good.ticket_id, good.score, good.scale_min, good.scale_max) == (
        "35436",
        "35436",
        1.0,
        0.0,
        1.0,
    )
    assert (good.customer_id, good.agent_id, good.kind) == ("20978392", "235323", "csat")
    assert good.created_at == utc("2024-03-05T15:01:00Z")
    assert (bad.score, bad.comment) == (0.0, "Took too long")
    assert bad.custom_fields == {
        "rating_id": 35440,
        "reason": "Issue took too long to resolve",
        "reason_id": 1001,
    }
    assert (offered.score, offered.comment) == (None, None)  # offered, not answered


def test_only_the_latest_rating_of_a_ticket_counts() -> None:
    older = {**RATINGS[1], "score": "bad", "updated_at": "2024-03-05T16:21:30Z"}
    newer = {**RATINGS[1], "id": 35999, "score": "good", "updated_at": "2024-03-06T09:00:00Z"}
    latest = latest_per_ticket([newer, RATINGS[0], older])
    assert [(r["ticket_id"], r["score"]) for r in latest] == [(35436, "good"), (35390, "good")]


# -- SLA ---------------------------------------------------------------------------------------

EVENTS = [
    {"id": 1, "ticket_id": 35436, "metric": "reply_time", "instance_id": 1, "type": "activate",
     "time": "2024-03-04T09:12:00Z"},
    {"id": 2, "ticket_id": 35436, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
     "time": "2024-03-04T09:12:00Z",
     "sla": {"target": 60, "business_hours": False, "policy": {"id": 25}}},
    {"id": 3, "ticket_id": 35436, "metric": "reply_time", "instance_id": 1, "type": "fulfill",
     "time": "2024-03-04T09:28:00Z"},
    {"id": 4, "ticket_id": 35390, "metric": "requester_wait_time", "instance_id": 1,
     "type": "breach", "time": "2024-03-05T09:00:00Z", "deleted": False},
    {"id": 5, "ticket_id": 35390, "metric": "reply_time", "instance_id": 1, "type": "breach",
     "time": "2024-03-09T09:00:00Z", "deleted": True},
    {"id": 6, "ticket_id": 35390, "metric": "reply_time", "instance_id": 2, "type": "apply_sla",
     "time": "2024-03-05T09:00:00Z", "sla": {"target": 5, "business_hours": False}},
]  # fmt: skip


def test_metric_events_give_first_response_and_resolution_deadlines() -> None:
    updates = SlaDeadlines(["resolution_time", "requester_wait_time"]).updates(EVENTS)
    assert [u.model_dump(exclude_unset=True) for u in updates] == [
        {"id": "35436", "first_response_due_at": utc("2024-03-04T10:12:00Z")},
        {"id": "35390", "resolution_due_at": utc("2024-03-05T09:00:00Z")},
    ]


def test_a_reapplied_policy_moves_the_deadline_and_preferred_metrics_win() -> None:
    events = [
        {"id": 1, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
         "time": "2024-03-04T09:00:00Z", "sla": {"target": 60, "business_hours": False}},
        {"id": 2, "ticket_id": 7, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
         "time": "2024-03-04T09:10:00Z", "sla": {"target": 30, "business_hours": False}},
        {"id": 3, "ticket_id": 7, "metric": "requester_wait_time", "instance_id": 1,
         "type": "apply_sla", "time": "2024-03-04T09:00:00Z",
         "sla": {"target": 480, "business_hours": False}},
        {"id": 4, "ticket_id": 7, "metric": "agent_work_time", "instance_id": 1,
         "type": "apply_sla", "time": "2024-03-04T09:20:00Z",
         "sla": {"target": 60, "business_hours": False}},
    ]  # fmt: skip
    deadlines = SlaDeadlines(["requester_wait_time", "agent_work_time"])
    (update,) = deadlines.updates(list(reversed(events)))
    assert update.first_response_due_at == utc("2024-03-04T09:40:00Z")
    assert update.resolution_due_at == utc("2024-03-04T17:00:00Z")


# -- business hours ----------------------------------------------------------------------------

SCHEDULE = {
    "id": 7,
    "name": "Support hours",
    "time_zone": "Eastern Time (US & Canada)",
    "intervals": [
        {"start_time": 1980, "end_time": 2460},  # Monday 09:00–17:00
        {"start_time": 3420, "end_time": 3900},  # Tuesday 09:00–17:00
        {"start_time": 9180, "end_time": 10080},  # Saturday 09:00–24:00
    ],
}
HOLIDAYS = [
    {"id": 1, "name": "New Year", "start_date": "2024-01-01", "end_date": "2024-01-01"},
    {"id": 2, "name": "Break", "start_date": "2024-12-30", "end_date": "2025-01-02"},
]


def test_zendesk_week_minutes_become_monday_first_days() -> None:
    assert weekly_from_week_minutes(SCHEDULE["intervals"]) == (
        ((540, 1020),),
        ((540, 1020),),
        (),
        (),
        (),
        ((540, 1440),),
        (),
    )
    with pytest.raises(ValueError, match="spans two days"):
        weekly_from_week_minutes([{"start_time": 1380, "end_time": 1500}])


def test_holidays_cover_every_day_of_their_range() -> None:
    assert holiday_dates(HOLIDAYS) == {
        date(2024, 1, 1),
        date(2024, 12, 30),
        date(2024, 12, 31),
        date(2025, 1, 1),
        date(2025, 1, 2),
    }


def test_schedule_import_builds_a_deskmetrics_schedule() -> None:
    schedule = schedule_from(SCHEDULE, HOLIDAYS)
    assert isinstance(schedule, deskmetrics.Schedule)
    assert (schedule.name, schedule.timezone) == ("Support hours", "America/New_York")
    assert date(2024, 12, 31) in schedule.holidays
    # Monday 2024-03-04 08:00 New York (13:00 UTC) → 60 business minutes → 10:00 local.
    start = utc("2024-03-04T13:00:00Z")
    assert schedule.add_business_seconds(start, 3600) == utc("2024-03-04T15:00:00Z")


def test_business_hours_sla_uses_the_account_schedule() -> None:
    schedule = schedule_from(SCHEDULE, [])
    deadlines = SlaDeadlines(
        [], lambda start, minutes: schedule.add_business_seconds(start, minutes * 60)
    )
    event = {
        "id": 1,
        "ticket_id": 9,
        "metric": "reply_time",
        "instance_id": 1,
        "type": "apply_sla",
        "time": "2024-03-04T21:00:00Z",  # Monday 16:00 New York
        "sla": {"target": 120, "business_hours": True},
    }
    (update,) = deadlines.updates([event])
    # One hour on Monday, the second on Tuesday from 09:00: 10:00 New York = 15:00 UTC.
    assert update.first_response_due_at == utc("2024-03-05T15:00:00Z")

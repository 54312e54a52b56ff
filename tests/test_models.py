"""The normalized schema: fields and vocabularies of the spec, validation and its messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

import deskmetrics
from deskmetrics import (
    Agent,
    Customer,
    Group,
    Interaction,
    RecordError,
    Status,
    SurveyResponse,
    Ticket,
)
from deskmetrics.errors import describe_validation_error

CREATED = "2026-01-05T10:00:00Z"

# The spec's §10 canonical field names, record by record.
CANONICAL = {
    Ticket: "id created_at updated_at status priority channel requester_id assignee_id group_id "
    "organization_id first_response_at first_resolved_at resolved_at reopens agent_replies "
    "escalated handle_seconds first_response_due_at resolution_due_at tags",
    Interaction: "id ticket_id author_id author_role public created_at",
    SurveyResponse: "id ticket_id customer_id agent_id kind score scale_min scale_max "
    "higher_is_better created_at comment",
    Customer: "id name created_at churned_at",
    Agent: "id name email group_id",
    Group: "id name",
}


def problems(model: type[deskmetrics.Record], **data: Any) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return describe_validation_error(caught.value)


@pytest.mark.parametrize("model", list(CANONICAL), ids=lambda m: m.__name__)
def test_fields_are_the_spec_names_plus_the_common_ones(model: type[deskmetrics.Record]) -> None:
    fields = set(model.model_fields)
    assert set(CANONICAL[model].split()) <= fields
    assert {"source", "id", "custom_fields", "raw"} <= fields
    extra = fields - set(CANONICAL[model].split()) - {"source", "custom_fields", "raw"}
    assert extra <= set(BEYOND_SPEC.get(model, "").split())


# Additions beyond §10: a ticket's subject, the real-data fields of issue #13, and the time in
# status and routing figures of issue #18.
BEYOND_SPEC = {
    Ticket: "subject resolved_at_estimated type custom_status brand ticket_form via_detail "
    "product mailbox language requester_wait_seconds requester_wait_business_seconds "
    "agent_wait_seconds agent_wait_business_seconds on_hold_seconds on_hold_business_seconds "
    "assignee_stations group_stations first_assigned_at",
    SurveyResponse: "group_id offered_at answered_at",
    Customer: "email external_id organization_id language",
}


def test_tables() -> None:
    assert [m.table for m in CANONICAL] == [
        "tickets",
        "interactions",
        "surveys",
        "customers",
        "agents",
        "groups",
    ]


def test_vocabularies_are_exactly_the_spec() -> None:
    assert [s.value for s in deskmetrics.Status] == [
        "new",
        "open",
        "pending",
        "on_hold",
        "solved",
        "closed",
        "deleted",
        "spam",
    ]
    assert [c.value for c in deskmetrics.Channel] == [
        "email",
        "web",
        "chat",
        "phone",
        "social",
        "api",
        "other",
    ]
    assert [p.value for p in deskmetrics.Priority] == ["low", "normal", "high", "urgent"]
    assert [r.value for r in deskmetrics.AuthorRole] == ["agent", "customer", "system"]
    assert [k.value for k in deskmetrics.SurveyKind] == ["csat", "nps", "ces"]
    assert {s.value for s in deskmetrics.RESOLVED_STATUSES} == {"solved", "closed"}
    assert {s.value for s in deskmetrics.TOMBSTONE_STATUSES} == {"deleted", "spam"}


def test_ticket_defaults_and_resolution() -> None:
    ticket = Ticket(id="4711", created_at=CREATED)
    assert ticket.status == "open"
    assert (ticket.reopens, ticket.agent_replies, ticket.escalated) == (0, None, False)
    assert (ticket.tags, ticket.custom_fields, ticket.raw, ticket.source) == ([], {}, None, None)
    assert not ticket.is_resolved
    assert Ticket(id="1", created_at=CREATED, status="closed").is_resolved
    assert Ticket(id="1", created_at=CREATED, status="solved").is_resolved
    assert not Ticket(id="1", created_at=CREATED, status="deleted").is_resolved
    assert ticket.label() == "ticket 4711"


def test_aware_timestamps_are_normalized_to_utc() -> None:
    berlin_winter = timezone(timedelta(hours=1))
    ticket = Ticket(
        id="1",
        created_at=datetime(2026, 1, 5, 11, 30, tzinfo=berlin_winter),
        first_response_at="2026-01-05T12:00:00-05:00",
    )
    assert ticket.created_at == datetime(2026, 1, 5, 10, 30, tzinfo=UTC)
    assert ticket.created_at.tzinfo is UTC
    assert ticket.first_response_at == datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
    assert ticket.first_response_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize("naive", [datetime(2026, 1, 5, 10, 0), "2026-01-05T10:00:00"])
def test_naive_timestamps_are_rejected(naive: Any) -> None:
    lines = problems(Ticket, id="1", created_at=naive)
    assert len(lines) == 1
    assert lines[0].startswith(
        "created_at: timestamp has no time zone (connectors must make it timezone-aware) (got "
    )
    lines = problems(Customer, id="c1", created_at=CREATED, churned_at=naive)
    assert lines[0].startswith("churned_at: timestamp has no time zone")


def test_messages_name_field_reason_and_value() -> None:
    assert problems(Ticket, id="1", created_at=CREATED, status="hold", colour="red") == [
        "status: Input should be 'new', 'open', 'pending', 'on_hold', 'solved', 'closed', "
        "'deleted' or 'spam' (got 'hold')",
        "colour: Extra inputs are not permitted (got 'red')",
    ]
    assert problems(Ticket, id="", created_at=CREATED, reopens=-1) == [
        "id: String should have at least 1 character (got '')",
        "reopens: Input should be greater than or equal to 0 (got -1)",
    ]
    assert problems(Ticket, id="1") == ["created_at: Field required"]
    assert problems(Interaction, id="i1", ticket_id="1", author_role="bot", created_at=CREATED) == [
        "author_role: Input should be 'agent', 'customer' or 'system' (got 'bot')"
    ]
    assert problems(Ticket, id="1", created_at=CREATED, channel="fax")[0].startswith(
        "channel: Input should be 'email', 'web', 'chat', 'phone', 'social', 'api' or 'other'"
    )


def test_ticket_milestones_cannot_precede_creation() -> None:
    assert problems(
        Ticket, id="1", created_at="2026-01-02T10:00:00Z", resolved_at="2026-01-01T10:00:00Z"
    ) == ["(record): resolved_at (2026-01-01T10:00:00+00:00) is before created_at"]
    # Equal is fine: a 0-second duration is a real value.
    same = Ticket(id="1", created_at=CREATED, first_response_at=CREATED)
    assert same.first_response_at == same.created_at


def test_customer_cannot_churn_before_creation() -> None:
    assert problems(
        Customer, id="c", created_at="2026-02-01T00:00:00Z", churned_at="2026-01-01T00:00:00Z"
    ) == ["(record): churned_at is before created_at"]


@pytest.mark.parametrize(("kind", "low", "high"), [("csat", 1, 5), ("nps", 0, 10), ("ces", 1, 7)])
def test_survey_default_scales(kind: str, low: float, high: float) -> None:
    response = SurveyResponse(id="s", kind=kind, score=low, created_at=CREATED)
    assert (response.scale_min, response.scale_max) == (low, high)
    assert response.higher_is_better
    # A score of None is a survey offered but not answered.
    assert SurveyResponse(id="s", kind=kind, created_at=CREATED).score is None


def test_survey_score_must_lie_on_its_scale() -> None:
    assert problems(SurveyResponse, id="s", kind="csat", score=6, created_at=CREATED) == [
        "(record): score 6 is outside the scale 1–5"
    ]
    assert problems(SurveyResponse, id="s", kind="nps", score=-1, created_at=CREATED) == [
        "(record): score -1 is outside the scale 0–10"
    ]
    assert problems(
        SurveyResponse, id="s", kind="csat", score=1, scale_min=1, scale_max=1, created_at=CREATED
    ) == ["(record): scale_min 1.0 is not below scale_max 1.0"]
    binary = SurveyResponse(
        id="s", kind="csat", score=0, scale_min=0, scale_max=1, created_at=CREATED
    )
    assert (binary.score, binary.scale_min, binary.scale_max) == (0, 0, 1)


def test_build_names_the_record_each_field_and_why() -> None:
    with pytest.raises(RecordError) as caught:
        Ticket.build({"id": "4711", "created_at": "yesterday", "status": "hold"})
    error = caught.value
    assert error.problems[0].startswith("created_at: Input should be a valid datetime")
    assert error.problems[1] == (
        "status: Input should be 'new', 'open', 'pending', 'on_hold', 'solved', 'closed', "
        "'deleted' or 'spam' (got 'hold')"
    )
    assert str(error).splitlines()[0] == "ticket 4711: 2 invalid fields"
    assert str(error).splitlines()[1] == "  " + error.problems[0]
    with pytest.raises(RecordError, match=r"^agent \(no id\): 1 invalid field\n  id: Field"):
        Agent.build({"name": "Ada"})
    assert Ticket.build({"id": "1", "created_at": CREATED}).id == "1"


def test_record_error_shows_at_most_20_problems() -> None:
    error = RecordError("ticket 1: 25 invalid fields", [f"f{i}: bad" for i in range(25)])
    lines = str(error).splitlines()
    assert lines[0] == "ticket 1: 25 invalid fields"
    assert lines[1:21] == [f"  f{i}: bad" for i in range(20)]
    assert lines[21:] == ["  … and 5 more"]
    assert len(error.problems) == 25


def test_describe_hides_secret_and_unwanted_values() -> None:
    with pytest.raises(ValidationError) as caught:
        Agent.model_validate({"id": "a", "name": 12345, "email": ["x"]})
    error = caught.value
    assert describe_validation_error(error) == [
        "name: Input should be a valid string (got 12345)",
        "email: Input should be a valid string (got ['x'])",
    ]
    assert describe_validation_error(error, secret_fields=frozenset({"name"})) == [
        "name: Input should be a valid string",
        "email: Input should be a valid string (got ['x'])",
    ]
    assert describe_validation_error(error, show_input=False) == [
        "name: Input should be a valid string",
        "email: Input should be a valid string",
    ]


def test_custom_fields_and_raw_are_kept() -> None:
    ticket = Ticket(
        id="1",
        created_at=CREATED,
        custom_fields={"plan": "pro", "seats": 12},
        raw={"id": 1, "via": {"channel": "web"}},
        tags=["billing", "vip"],
    )
    assert ticket.custom_fields == {"plan": "pro", "seats": 12}
    assert ticket.raw == {"id": 1, "via": {"channel": "web"}}
    assert ticket.tags == ["billing", "vip"]


def test_trusted_builds_what_build_does_for_typed_values_without_validating() -> None:
    created = datetime(2024, 3, 4, 9, 12, tzinfo=UTC)
    data = {"status": Status.SOLVED, "id": "7", "created_at": created, "reopens": 2}
    trusted, built = Ticket.trusted(data), Ticket.build(data)
    assert trusted == built
    assert list(trusted.__dict__) == list(built.__dict__)  # the fields' order, defaults too
    assert trusted.model_fields_set == {"status", "id", "created_at", "reopens"}
    assert trusted.tags == [] and trusted.custom_fields == {} and trusted.status is Status.SOLVED
    assert Ticket.trusted(data).tags is not trusted.tags  # each record its own default list
    # Nothing is checked: the caller vouches for the values (build would reject this one).
    assert Ticket.trusted({**data, "reopens": -1}).reopens == -1


def test_trusted_refuses_unknown_and_missing_fields() -> None:
    with pytest.raises(TypeError, match="no field"):
        Ticket.trusted({"id": "7", "created_at": datetime(2024, 3, 4, tzinfo=UTC), "x": 1})
    with pytest.raises(TypeError, match="needs created_at"):
        Ticket.trusted({"id": "7"})


def test_trusted_gives_each_record_its_own_copy_of_a_mutable_default() -> None:
    class Labelled(Ticket):
        labels: dict[str, list[str]] = {"kinds": []}  # a mutable default: the case under test

    data = {"id": "7", "created_at": datetime(2024, 3, 4, tzinfo=UTC)}
    first, second = Labelled.trusted(data), Labelled.trusted(data)
    first.labels["kinds"].append("x")
    assert second.labels == {"kinds": []} == Labelled.build(data).labels

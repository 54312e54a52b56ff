"""Issue #13.4: surveys keep their offer and answer times; Freshdesk survey feedback and
outbound tickets do not fake customer messages or first responses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from deskmetrics import AuthorRole
from deskmetrics_freshdesk.conversations import interaction, ticket_update
from deskmetrics_freshdesk.ratings import survey_response
from deskmetrics_zendesk.satisfaction import response_from_rating
from vendor_payloads import load


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


RATING: dict[str, Any] = {
    "id": 1, "ticket_id": 7, "requester_id": 8, "assignee_id": 9, "group_id": 10,
    "score": "good", "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-01-06T14:30:00Z",
}  # fmt: skip


def test_a_zendesk_rating_is_offered_when_created_and_answered_when_updated() -> None:
    answered = response_from_rating(RATING)
    assert answered is not None
    assert (answered.offered_at, answered.answered_at) == (
        utc("2026-01-05T09:00:00"),
        utc("2026-01-06T14:30:00"),
    )
    offered = response_from_rating({**RATING, "score": "offered"})
    assert offered is not None
    assert (offered.offered_at, offered.answered_at) == (utc("2026-01-05T09:00:00"), None)


def test_a_freshdesk_rating_is_an_answer_with_no_known_offer() -> None:
    rating = load("freshdesk", "satisfaction_ratings")[0]
    response = survey_response(rating, keep_raw=False)
    assert response.offered_at is None
    assert response.answered_at == response.created_at


CONVERSATION: dict[str, Any] = {
    "id": 5, "ticket_id": 18, "user_id": 2, "incoming": True, "private": False, "source": 6,
    "created_at": "2026-01-06T10:00:00Z",
}  # fmt: skip


def test_survey_feedback_is_not_a_customer_message() -> None:
    assert interaction(CONVERSATION, keep_raw=False).author_role == AuthorRole.SYSTEM
    reply = {**CONVERSATION, "source": 0}
    assert interaction(reply, keep_raw=False).author_role == AuthorRole.CUSTOMER


def test_an_outbound_ticket_follows_its_stats_for_the_first_response() -> None:
    reply = {**CONVERSATION, "incoming": False, "source": 0, "user_id": 1}
    inbound = ticket_update("18", [reply], stats_first_response=False)
    assert inbound.first_response_at == utc("2026-01-06T10:00:00")
    outbound = ticket_update("18", [reply], stats_first_response=False, outbound=True)
    assert "first_response_at" not in outbound.model_fields_set
    assert outbound.agent_replies == 1

"""Legacy CSAT ratings (``/api/v2/satisfaction_ratings``) → survey responses on a 0–1 scale.

``good`` is 1 and ``bad`` 0, so "satisfied" (above the midpoint) means good. An ``offered``
survey is stored with no score: the response rate needs the surveys nobody answered.
``unoffered`` means no survey went out and is not stored.

Zendesk keeps one rating per ticket, and a customer can change it; the record id is therefore
the ticket id, so a changed rating replaces the old one even if it arrives under a new rating id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import deskmetrics
from deskmetrics_zendesk.timestamps import parse_time

SCORES: dict[str, float | None] = {"good": 1.0, "bad": 0.0, "offered": None}


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def response_from_rating(rating: Mapping[str, Any]) -> deskmetrics.SurveyResponse | None:
    score = rating.get("score")
    if score not in SCORES or rating.get("ticket_id") is None:
        return None
    extra = {"rating_id": rating.get("id")}
    for key in ("reason", "reason_id"):
        if rating.get(key) is not None:
            extra[key] = rating[key]
    return deskmetrics.SurveyResponse.build(
        {
            "id": str(rating["ticket_id"]),
            "ticket_id": str(rating["ticket_id"]),
            "customer_id": _id(rating.get("requester_id")),
            "agent_id": _id(rating.get("assignee_id")),
            "group_id": _id(rating.get("group_id")),
            "kind": deskmetrics.SurveyKind.CSAT,
            "score": SCORES[score],
            "scale_min": 0.0,
            "scale_max": 1.0,
            "higher_is_better": True,
            "created_at": parse_time(rating.get("created_at")),
            # The legacy rating is created when the survey goes out (score "offered") and
            # updated when it is answered: the docs name neither, this is the reading
            # docs/connectors/zendesk.md records.
            "offered_at": parse_time(rating.get("created_at")),
            "answered_at": (
                parse_time(rating.get("updated_at") or rating.get("created_at"))
                if SCORES[score] is not None
                else None
            ),
            "comment": rating.get("comment") or None,
            "custom_fields": extra,
        }
    )


def latest_per_ticket(ratings: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One rating per ticket, the most recently updated, in update order."""
    latest: dict[Any, Mapping[str, Any]] = {}
    for rating in sorted(ratings, key=lambda r: (r.get("updated_at") or "", r.get("id") or 0)):
        latest.pop(rating.get("ticket_id"), None)  # re-insert so dict order is update order
        latest[rating.get("ticket_id")] = rating
    return list(latest.values())

"""Freshdesk satisfaction ratings on an ordered 1–7 scale.

Freshdesk rates 103 Extremely Happy … 100 Neutral … −103 Extremely Unhappy; the spec counts a
CSAT response as satisfied iff ``score > (scale_min + scale_max) / 2``. Mapped in rank order onto
1–7, Neutral (100) lands exactly on the midpoint 4, so exactly the ratings above 100 are
satisfied. Surveys with fewer points use a subset (3-point: −103, 100, 103 → 1, 4, 7). The
classic survey's 1 Happy / 2 Neutral / 3 Unhappy map to 7 / 4 / 1 (the ranges do not overlap).
"""

from __future__ import annotations

from typing import Any

import deskmetrics
from deskmetrics_freshdesk.timestamps import parse_time

SCALE_MIN, SCALE_MAX = 1, 7

SCORES: dict[int, int] = {
    103: 7,
    102: 6,
    101: 5,
    100: 4,
    -101: 3,
    -102: 2,
    -103: 1,
    # The classic survey.
    1: 7,
    2: 4,
    3: 1,
}

QUESTION = "default_question"
"""The question every survey has; its answer is the CSAT response."""


def csat_score(value: Any) -> int | None:
    """The 1–7 score of a Freshdesk rating value; None for a value outside both scales."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return SCORES.get(int(value))
    except ValueError:
        return None


def survey_response(rating: dict[str, Any], *, keep_raw: bool) -> deskmetrics.SurveyResponse:
    """The response for ``ratings.default_question``; RecordError when it is missing or unknown."""
    ratings = rating.get("ratings") or {}
    raw_value = ratings.get(QUESTION)
    score = csat_score(raw_value)
    if score is None:
        raise deskmetrics.RecordError(
            f"satisfaction rating {rating.get('id')}: ratings.{QUESTION} is {raw_value!r}, "
            f"not a Freshdesk rating (103 … −103, or 1–3 on classic surveys)"
        )
    data: dict[str, Any] = {
        "id": str(rating["id"]),
        "ticket_id": _text(rating.get("ticket_id")),
        "customer_id": _text(rating.get("user_id")),
        "agent_id": _text(rating.get("agent_id")),
        "group_id": _text(rating.get("group_id")),
        "kind": deskmetrics.SurveyKind.CSAT,
        "score": score,
        "scale_min": SCALE_MIN,
        "scale_max": SCALE_MAX,
        "higher_is_better": True,
        "created_at": parse_time(rating.get("created_at")),
        # A Freshdesk rating exists only once answered; the API has no offer time.
        "answered_at": parse_time(rating.get("created_at")),
        "comment": rating.get("feedback") or None,
        "custom_fields": {
            "survey_id": rating.get("survey_id"),
            "group_id": _text(rating.get("group_id")),
            "ratings": ratings,
        },
    }
    if keep_raw:
        data["raw"] = rating
    return deskmetrics.SurveyResponse.build(data)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)

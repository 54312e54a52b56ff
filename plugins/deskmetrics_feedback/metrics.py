"""Feedback KPIs, registered through ``register_metrics``: how often customers comment, and how
the comments read. They count each ticket's latest answered CSAT, NPS and CES response (as the
survey metrics do), so ``--by agent|group|channel`` and ``--grain`` work as for CSAT.
"""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics
from deskmetrics_feedback.cache import TABLE, refresh

KINDS = ("csat", "nps", "ces")
HAS_COMMENT = (
    "EXISTS (SELECT 1 FROM surveys x WHERE x.source = s.source AND x.id = s.id "
    "AND trim(x.comment) <> '')"
)
LABEL = f"(SELECT f.label FROM {TABLE} f WHERE f.source = s.source AND f.survey_id = s.id)"
SCORED = f"{LABEL} IN ('positive', 'negative', 'neutral')"

Key = tuple[str | None, ...]


def ensure_scored(scope: deskmetrics.Scope) -> None:
    """Score new comments once per report (the scopes of one report share ``shared``)."""
    if ("feedback", "scored") not in scope.shared:
        refresh(scope.conn)
        scope.shared[("feedback", "scored")] = True


def _proportion(
    among: str, hit: str, scored: bool
) -> Callable[[deskmetrics.Scope], dict[Key, deskmetrics.MetricValue]]:
    def compute(scope: deskmetrics.Scope) -> dict[Key, deskmetrics.MetricValue]:
        if scored:
            ensure_scored(scope)
        totals: dict[Key, list[int]] = {}
        for kind in KINDS:
            sql, params = scope.survey_sql(kind, f"sum({among}), sum(({among}) AND ({hit}))")
            for key, (n, hits) in scope.aggregate(sql, params).items():
                found = totals.setdefault(key, [0, 0])
                found[0] += int(n or 0)
                found[1] += int(hits or 0)
        return {
            key: deskmetrics.MetricValue.proportion(hits, n)
            for key, (n, hits) in totals.items()
            if n > 0
        }

    return compute


def _metric(
    id: str, label: str, among: str, hit: str, description: str, *, scored: bool = True
) -> deskmetrics.Metric:
    return deskmetrics.Metric(
        id=id,
        label=label,
        unit="percent",
        compute=_proportion(among, hit, scored),
        cohort="survey responses",
        section="feedback",
        subject="surveys",
        test="proportion",
        description=description,
        empty=lambda: deskmetrics.MetricValue.proportion(0, 0),
    )


def comment_rate() -> deskmetrics.Metric:
    return _metric(
        "feedback_comment_rate",
        "Comment rate",
        "1",
        HAS_COMMENT,
        "Share of answered CSAT/NPS/CES responses (latest per ticket) with a written comment.",
        scored=False,
    )


def negative_comment_share() -> deskmetrics.Metric:
    return _metric(
        "feedback_negative_share",
        "Negative comments",
        SCORED,
        f"{LABEL} = 'negative'",
        "Share of English comments whose sentiment is negative (support-domain VADER).",
    )


def other_language_share() -> deskmetrics.Metric:
    return _metric(
        "feedback_other_language_share",
        "Comments not in English",
        f"{LABEL} IN ('positive', 'negative', 'neutral', 'other_language')",
        f"{LABEL} = 'other_language'",
        "Share of comments left out of sentiment: another language, or undetermined.",
    )


def all_metrics() -> list[deskmetrics.Metric]:
    return [comment_rate(), negative_comment_share(), other_language_share()]

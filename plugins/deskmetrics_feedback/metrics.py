"""Feedback KPIs, registered through ``register_metrics``: how often customers comment, and how
the comments read. They count each ticket's latest answered CSAT, NPS and CES response (as the
survey metrics do), so ``--by agent|group|channel`` and ``--grain`` work as for CSAT.
"""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics
from deskmetrics_feedback.cache import TABLE, refresh
from deskmetrics_feedback.metric_counts import Counts, Key, counts_key, keep_counts, kept_counts

KINDS = ("csat", "nps", "ces")
HAS_COMMENT = (
    "EXISTS (SELECT 1 FROM surveys x WHERE x.source = s.source AND x.id = s.id "
    "AND trim(x.comment) <> '')"
)
LABEL = f"(SELECT f.label FROM {TABLE} f WHERE f.source = s.source AND f.survey_id = s.id)"
SCORED = f"{LABEL} IN ('positive', 'negative', 'neutral')"


def ensure_scored(scope: deskmetrics.Scope) -> None:
    """Score new comments once per report (the scopes of one report share ``shared``)."""
    if ("feedback", "scored") not in scope.shared:
        refresh(scope.conn)
        scope.shared[("feedback", "scored")] = True


_DIGIT = 1 << 21
"""The three label counts ride in one sum, base 2**21: exact while each stays under 2,097,152
per key (one period's answers of one kind); beyond that, three sums."""
_CODE = (
    f"(SELECT CASE f.label WHEN 'negative' THEN {1 + _DIGIT} WHEN 'positive' THEN 1 "
    f"WHEN 'neutral' THEN 1 WHEN 'other_language' THEN {_DIGIT * _DIGIT} ELSE 0 END "
    f"FROM {TABLE} f WHERE f.source = s.source AND f.survey_id = s.id)"
)
_SEPARATE = f"sum({SCORED}), sum({LABEL} = 'negative'), sum({LABEL} = 'other_language')"


def _kind_counts(scope: deskmetrics.Scope, kind: str, labels: bool) -> dict[Key, Counts]:
    """Every count the three metrics need for one kind, in one scan of its responses (instead
    of one per metric, each probing the labels twice), shared by the metrics of one scope.
    Without ``labels`` (the extra is not installed: no scores) the label counts are 0."""
    packed = labels and _packable(scope)
    select = f"count(*), sum({HAS_COMMENT})"
    if labels:
        select += f", sum({_CODE})" if packed else f", {_SEPARATE}"
    sql, params = scope.survey_sql(kind, select, any_order=True)  # integer sums only
    memo = ("feedback", "counts", sql, *map(str, sorted(params.items())))
    found: dict[Key, Counts] | None = scope.shared.get(memo)
    if found is None:
        found = scope.shared[memo] = _stored_counts(scope, sql, params, packed)
    return found


def _stored_counts(
    scope: deskmetrics.Scope, sql: str, params: dict[str, object], packed: bool
) -> dict[Key, Counts]:
    """The counts kept for this query and data (metric_counts.py), else counted and kept."""
    key = counts_key(scope, sql, params)
    if key is not None:
        kept = kept_counts(scope.conn, key)
        if kept is not None:
            return kept
    found = _count(scope, sql, params, packed)
    if key is not None:
        keep_counts(scope.conn, key, found)
    return found


def _count(
    scope: deskmetrics.Scope, sql: str, params: dict[str, object], packed: bool
) -> dict[Key, Counts]:
    found: dict[Key, Counts] = {}
    for key, (n, commented, *sums) in scope.aggregate(sql, params).items():
        if packed:
            code = int(sums[0] or 0)
            rest = code // _DIGIT
            sums = [code % _DIGIT, rest % _DIGIT, rest // _DIGIT]
        scored, negative, other = (int(x or 0) for x in sums) if sums else (0, 0, 0)
        found[key] = {
            "answered": int(n or 0), "commented": int(commented or 0), "scored": scored,
            "negative": negative, "other_language": other,
        }  # fmt: skip
    return found


def _packable(scope: deskmetrics.Scope) -> bool:
    memo = ("feedback", "packable")
    if memo not in scope.shared:
        labelled = scope.conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]
        scope.shared[memo] = int(labelled) < _DIGIT
    return bool(scope.shared[memo])


def _proportion(
    among: Callable[[Counts], int], hit: Callable[[Counts], int], scored: bool
) -> Callable[[deskmetrics.Scope], dict[Key, deskmetrics.MetricValue]]:
    def compute(scope: deskmetrics.Scope) -> dict[Key, deskmetrics.MetricValue]:
        if scored:
            ensure_scored(scope)
        totals: dict[Key, list[int]] = {}
        for kind in KINDS:
            for key, counts in _kind_counts(scope, kind, scored).items():
                found = totals.setdefault(key, [0, 0])
                found[0] += among(counts)
                found[1] += hit(counts)
        return {
            key: deskmetrics.MetricValue.proportion(hits, n)
            for key, (n, hits) in totals.items()
            if n > 0
        }

    return compute


def _metric(
    id: str,
    label: str,
    among: Callable[[Counts], int],
    hit: Callable[[Counts], int],
    description: str,
    *,
    scored: bool = True,
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


def comment_rate(*, scored: bool = True) -> deskmetrics.Metric:
    """``scored=False``: without the extra (no sentiment scores to count beside it)."""
    return _metric(
        "feedback_comment_rate",
        "Comment rate",
        lambda c: c["answered"],
        lambda c: c["commented"],
        "Share of answered CSAT/NPS/CES responses (latest per ticket) with a written comment.",
        scored=scored,
    )


def negative_comment_share() -> deskmetrics.Metric:
    return _metric(
        "feedback_negative_share",
        "Negative comments",
        lambda c: c["scored"],
        lambda c: c["negative"],
        "Share of English comments whose sentiment is negative (support-domain VADER).",
    )


def other_language_share() -> deskmetrics.Metric:
    return _metric(
        "feedback_other_language_share",
        "Comments not in English",
        lambda c: c["scored"] + c["other_language"],
        lambda c: c["other_language"],
        "Share of comments left out of sentiment: another language, or undetermined.",
    )


def all_metrics() -> list[deskmetrics.Metric]:
    return [comment_rate(), negative_comment_share(), other_language_share()]

"""Distributions shown as report-section tables (issue #18 items 6 and 7): first response time
buckets and the backlog by age at the period end. The backlog's counts are engine
``CountRequest``s (its cohort read once for all buckets); the first response buckets are counted
in the section's one read of the created cohort (created_counts.py)."""

from __future__ import annotations

import deskmetrics
from deskmetrics import CountRequest, Scope, seconds_between
from deskmetrics_explore.created_counts import CreatedCounts

HOUR = 3600.0
DAY = 24 * HOUR
FRT_BUCKETS = (("< 1 h", 0.0, HOUR), ("1–4 h", HOUR, 4 * HOUR), ("4–8 h", 4 * HOUR, 8 * HOUR),
               ("8–24 h", 8 * HOUR, DAY), ("> 24 h", DAY, None))  # fmt: skip
AGE_BUCKETS = (("0–1 d", 0.0, DAY), ("1–3 d", DAY, 3 * DAY), ("3–7 d", 3 * DAY, 7 * DAY),
               ("7–30 d", 7 * DAY, 30 * DAY), ("> 30 d", 30 * DAY, None))  # fmt: skip
Buckets = tuple[tuple[str, float, float | None], ...]
Row = list[str | int | float | None]


def _requests(cohort: str, seconds: str, among: str | None, buckets: Buckets) -> list[CountRequest]:
    # Lower bound included, upper excluded: exactly 1 h is in "1–4 h".
    return [
        CountRequest(
            cohort,
            f"{seconds} >= {low}" + ("" if high is None else f" AND {seconds} < {high}"),
            among,
        )
        for _label, low, high in buckets
    ]


def _table(
    scope: Scope, title: str, requests: list[CountRequest], buckets: Buckets
) -> deskmetrics.SectionTable:
    scope.prefetch(requests)
    key = (scope.periods[0][0],)
    counts = [scope.counts(request).get(key, (0, 0)) for request in requests]
    total = counts[0][0] if counts else 0
    return _bucket_table(title, buckets, total, [hits for _n, hits in counts])


def _bucket_table(
    title: str, buckets: Buckets, total: int, hits: list[int]
) -> deskmetrics.SectionTable:
    rows: list[Row] = []
    running = 0
    for (label, _low, _high), found in zip(buckets, hits, strict=True):
        running += found
        rows.append([label, found, _pct(found, total), _pct(running, total)])
    columns = ["bucket", "tickets", "share %", "cumulative %"]
    return deskmetrics.SectionTable(title, columns, rows)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def frt_table(counts: CreatedCounts) -> deskmetrics.SectionTable:
    """First response time buckets of the created tickets with a reply (created_counts.py
    counts them in its read of the created cohort, with FRT_BUCKETS)."""
    title = "First response time distribution (created tickets with a reply)"
    return _bucket_table(title, FRT_BUCKETS, counts.answered, counts.in_bucket)


def backlog_table(scope: Scope) -> deskmetrics.SectionTable:
    # Age at the period end (p.hi), the instant the backlog KPI counts at.
    seconds = seconds_between("t.created_at", "p.hi")
    requests = _requests("backlog", seconds, None, AGE_BUCKETS)
    return _table(scope, "Backlog by age at period end", requests, AGE_BUCKETS)

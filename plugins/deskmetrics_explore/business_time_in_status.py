"""The business-hours time-in-status KPIs: the helpdesk's own business figure where it states one,
else, with a schedule (``--schedule`` or the source's), the ticket's stored status history
counted in that schedule's working time (issue #18 items 2 and 3).

Two value requests over the resolved cohort: the stated figures (plain numbers, declared, so
they share the report's scan), and for the tickets without one the history's stretches as text
(history.stretches: one column of the ticket's stored summary), which only Python can count in a
schedule. They are asked for only when a schedule is set: then the four KPIs' stretches come
together in one more scan of the cohort. Without a schedule the KPI is exactly the stated
figures, as without a history.

A ticket's text is counted once per report for all four KPIs (its working seconds in each
status set, memoised by text in the report's shared state): the same ticket's text comes back
for each KPI and again in each period and breakdown key it falls in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope
from deskmetrics_explore import history

Key = deskmetrics.ScopeKey

FROM_HISTORY: dict[str, deskmetrics.ValuesRequest] = {}
"""Every business KPI's stretches request: fetched together, in one scan, when one is needed."""

STATUS_SETS = (history.REQUESTER_WAIT, history.AGENT_WAIT, history.ON_HOLD, history.AGENT_WORK)
"""The status sets of the four KPIs, in the order of the totals :func:`business_totals` gives."""
_CODE_SETS = tuple(frozenset(history.STRETCH_CODES[s] for s in set_) for set_ in STATUS_SETS)

_MEMO = ("explore", "business time in status")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def business_seconds(scope: Scope, text: object, statuses: tuple[str, ...]) -> float | None:
    """Working seconds of the stretches in ``text`` (history.stretches) in ``statuses`` (one
    of STATUS_SETS), in the ticket's source's schedule; None without a schedule for it."""
    totals = business_totals(scope, text)
    return None if totals is None else totals[STATUS_SETS.index(statuses)]


def business_totals(scope: Scope, text: object) -> tuple[float, ...] | None:
    """The working seconds of ``text``'s stretches in each of STATUS_SETS (memoised)."""
    choice = scope.schedule
    if choice is None or not isinstance(text, str):
        return None
    kept = scope.shared.get(_MEMO)
    if kept is None or kept[0] is not choice:
        kept = scope.shared[_MEMO] = (choice, {})
    memo: dict[str, tuple[float, ...] | None] = kept[1]
    if text not in memo:
        memo[text] = _count(choice, text)
    return memo[text]


def _count(choice: Any, text: str) -> tuple[float, ...] | None:
    source, _, stretches = text.partition("\x1f")
    schedule = choice.for_source(source)
    if schedule is None:
        return None
    seconds = _seconds_of(schedule)
    totals = [0.0] * len(STATUS_SETS)
    # Each set's total adds its stretches in timeline order, as the stretches were counted
    # before (one float sum per set), so the figures stay the same to the last bit.
    for stretch in stretches.split(" ") if stretches else ():
        start, end = stretch[1:].split(",")
        worked = seconds(int(start), int(end))
        for i, codes in enumerate(_CODE_SETS):
            if stretch[0] in codes:
                totals[i] += worked
    return tuple(totals)


def _seconds_of(schedule: Any) -> Callable[[int, int], float]:
    """Working seconds between two instants in integer microseconds since the epoch: from the
    timestamps (``us / 10**6`` is exactly a datetime's ``timestamp()``) when the schedule takes
    them, else through exact datetimes (a schedule object another plugin made)."""
    at = getattr(schedule, "business_seconds_at", None)
    if at is not None:
        return lambda start, end: float(at(start / 1_000_000, end / 1_000_000))

    def through_datetimes(start: int, end: int) -> float:
        a, b = (_EPOCH + timedelta(microseconds=us) for us in (start, end))
        return float(schedule.business_seconds(a, b))

    return through_datetimes


def business_metric(
    *, id: str, label: str, stated: str, missing: str, statuses: tuple[str, ...],
    description: str,
) -> Metric:  # fmt: skip
    """``stated``: SQL of the stated business figure; ``missing``: SQL true when the ticket has
    none, so its history counts; ``statuses``: the statuses the KPI adds up (of STATUS_SETS)."""
    stated_values = deskmetrics.ValuesRequest("resolved", stated)
    from_history = deskmetrics.ValuesRequest(
        "resolved", f"(CASE WHEN {missing} THEN {history.stretches()} END)", ordered=False
    )
    FROM_HISTORY[from_history.expr] = from_history

    def compute(scope: Scope) -> dict[Key, MetricValue]:
        found = scope.values(stated_values)
        if scope.schedule is None:
            return {key: MetricValue.distribution(values) for key, values in found.items()}
        scope.prefetch(FROM_HISTORY.values())
        texts = scope.values(from_history)
        result = {}
        for key in found.keys() | texts.keys():
            values = [*found.get(key, ()), *_counted(scope, texts.get(key, ()), statuses)]
            result[key] = MetricValue.distribution(sorted(values))
        return result

    def member_seconds(scope: Scope, row: tuple[object, ...]) -> float | None:
        value, text = row
        if isinstance(value, int | float):
            return float(value)
        return business_seconds(scope, text, statuses)

    return Metric(
        id=id, label=label, unit="seconds", compute=compute, cohort="resolved",
        section="speed", description=description,
        empty=lambda: MetricValue.distribution([]),
        requests=(stated_values,),
        members=deskmetrics.Members(
            "tickets", "resolved",
            among=f"({stated}) IS NOT NULL OR ({from_history.expr}) IS NOT NULL",
            extra=(stated, from_history.expr), convert=member_seconds,
        ),
    )  # fmt: skip


def _counted(scope: Scope, texts: Iterable[object], statuses: tuple[str, ...]) -> list[float]:
    i = STATUS_SETS.index(statuses)
    found = (business_totals(scope, text) for text in texts)
    return [totals[i] for totals in found if totals is not None]

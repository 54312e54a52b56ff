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

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope
from deskmetrics_explore import history

Key = deskmetrics.ScopeKey

FROM_HISTORY: dict[str, deskmetrics.ValuesRequest] = {}
"""Every business KPI's stretches request: fetched together, in one scan, when one is needed."""

STATUS_SETS = (history.REQUESTER_WAIT, history.AGENT_WAIT, history.ON_HOLD, history.AGENT_WORK)
"""The status sets of the four KPIs, in the order of the totals :func:`_count` gives."""
_SETS_OF_CODE = {
    code: tuple(i for i, statuses in enumerate(STATUS_SETS) if status in statuses)
    for status, code in history.STRETCH_CODES.items()
}
"""Which of STATUS_SETS a stretch of each code counts towards."""

_MEMO = ("explore", "business time in status")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def business_seconds(scope: Scope, text: object, statuses: tuple[str, ...]) -> float | None:
    """Working seconds of the stretches in ``text`` (history.stretches) in ``statuses`` (one
    of STATUS_SETS), in the ticket's source's schedule; None without a schedule for it."""
    found = _counted(scope, (text,), statuses)
    return found[0] if found else None


def _counted(scope: Scope, texts: Iterable[object], statuses: tuple[str, ...]) -> list[float]:
    """The working seconds in ``statuses`` of each text that has a schedule, each text counted
    once per report for all four status sets (memoised in the report's shared state)."""
    choice = scope.schedule
    if choice is None:
        return []
    kept = scope.shared.get(_MEMO)
    if kept is None or kept[0] is not choice:
        kept = scope.shared[_MEMO] = (choice, {})
    memo: dict[object, tuple[float, ...] | None] = kept[1]
    i = STATUS_SETS.index(statuses)
    found = []
    for text in texts:
        if text not in memo:
            memo[text] = _count(choice, text) if isinstance(text, str) else None
        totals = memo[text]
        if totals is not None:
            found.append(totals[i])
    return found


def _count(choice: Any, text: str) -> tuple[float, ...] | None:
    """The working seconds of ``text``'s stretches in each of STATUS_SETS."""
    source, _, stretches = text.partition("\x1f")
    schedule = choice.for_source(source)
    if schedule is None:
        return None
    at = getattr(schedule, "business_seconds_at", None)
    totals = [0.0] * len(STATUS_SETS)
    # Each set's total adds its stretches in timeline order, as the stretches were counted
    # before (one float sum per set), so the figures stay the same to the last bit.
    for stretch in stretches.split(" ") if stretches else ():
        start, end = stretch[1:].split(",")
        a, b = int(start), int(end)
        # us / 10**6 is exactly a datetime's timestamp(): the schedule's own figure.
        worked = at(a / 1_000_000, b / 1_000_000) if at else _through_datetimes(schedule, a, b)
        for i in _SETS_OF_CODE[stretch[0]]:
            totals[i] += worked
    return tuple(totals)


def _through_datetimes(schedule: Any, start: int, end: int) -> float:
    """A schedule object another plugin made, with ``business_seconds`` only: exact datetimes
    of the two instants in integer microseconds since the epoch."""
    a, b = (_EPOCH + timedelta(microseconds=us) for us in (start, end))
    return float(schedule.business_seconds(a, b))


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

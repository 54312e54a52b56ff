"""The business-hours time-in-status KPIs: the helpdesk's own business figure where it states one,
else, with a schedule (``--schedule`` or the source's), the ticket's stored status history
counted in that schedule's working time (issue #18 items 2 and 3).

Two value requests over the resolved cohort: the stated figures (plain numbers, declared, so
they share the report's scan), and for the tickets without one the history's stretches as text
(history.py), which only Python can count in a schedule. Walking the stretches costs a
correlated read of the ticket's history, so they are asked for only when a schedule is set:
then the four KPIs' stretches come together in one more scan of the cohort. Without a schedule
the KPI is exactly the stated figures, as without a history.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope
from deskmetrics_explore import history

Key = deskmetrics.ScopeKey

FROM_HISTORY: dict[str, deskmetrics.ValuesRequest] = {}
"""Every business KPI's stretches request: fetched together, in one scan, when one is needed."""


def business_seconds(scope: Scope, text: object) -> float | None:
    """Working seconds of the stretches in ``text`` (history.stretches), in the ticket's
    source's schedule; None without a schedule for it."""
    choice = scope.schedule
    if choice is None or not isinstance(text, str):
        return None
    source, *stretches = text.split("\x1f")
    schedule = choice.for_source(source)
    if schedule is None:
        return None
    total = 0.0
    for stretch in stretches:
        start, end = stretch.split("\x1e")
        total += schedule.business_seconds(
            datetime.fromisoformat(start), datetime.fromisoformat(end)
        )
    return total


def business_metric(
    *, id: str, label: str, stated: str, missing: str, statuses: tuple[str, ...],
    description: str,
) -> Metric:  # fmt: skip
    """``stated``: SQL of the stated business figure; ``missing``: SQL true when the ticket has
    none, so its history counts; ``statuses``: the statuses the KPI adds up."""
    stated_values = deskmetrics.ValuesRequest("resolved", stated)
    from_history = deskmetrics.ValuesRequest(
        "resolved", f"(CASE WHEN {missing} THEN {history.stretches(statuses)} END)"
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
            values = [*found.get(key, ()), *_counted(scope, texts.get(key, ()))]
            result[key] = MetricValue.distribution(sorted(values))
        return result

    def member_seconds(scope: Scope, row: tuple[object, ...]) -> float | None:
        value, text = row
        if isinstance(value, int | float):
            return float(value)
        return business_seconds(scope, text)

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


def _counted(scope: Scope, texts: Iterable[object]) -> list[float]:
    found = (business_seconds(scope, text) for text in texts)
    return [value for value in found if value is not None]

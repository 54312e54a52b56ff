"""Routing (issue #18 item 5): assignee and group stations, reassignment rate and time to first
assignment, over the resolved cohort (a ticket's stations are final once it is resolved).

Each takes the helpdesk's own figure, else the stored assignment history (history.py)."""

from __future__ import annotations

from datetime import datetime

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope, seconds_between
from deskmetrics_explore import history

Key = deskmetrics.ScopeKey

ASSIGNEE_STATIONS = f"COALESCE(t.assignee_stations, {history.stations('assignee')})"
GROUP_STATIONS = f"COALESCE(t.group_stations, {history.stations('group')})"
FIRST_ASSIGNED_AT = f"COALESCE(t.first_assigned_at, {history.first_assigned_at()})"

assignee_stations = Metric.mean(
    id="assignee_stations",
    label="Assignee stations",
    expr=ASSIGNEE_STATIONS,
    unit="stations",
    cohort="resolved",
    p90=False,
    section="volume",
    description="How many assignees each resolved ticket had (mean and median).",
)

group_stations = Metric.mean(
    id="group_stations",
    label="Group stations",
    expr=GROUP_STATIONS,
    unit="stations",
    cohort="resolved",
    p90=False,
    section="volume",
    description="How many groups each resolved ticket passed through (mean and median).",
)

reassignment_rate = Metric.proportion(
    id="reassignment_rate",
    label="Reassignment rate",
    cohort="resolved",
    among=f"{ASSIGNEE_STATIONS} >= 1",
    where=f"{ASSIGNEE_STATIONS} > 1",
    description="Resolved tickets with more than one assignee, among those ever assigned.",
)

# The stored microseconds (the store keeps them from created_at and first_assigned_at, the same
# numerator seconds_between computes: the same float) where the ticket states its first
# assignment; its history's otherwise. Parsing the two texts per ticket cost 0.6 s per 1 M.
TIME_TO_FIRST_ASSIGNMENT = (
    "(CASE WHEN t.first_assigned_at IS NOT NULL THEN t.first_assignment_us / 1000000.0 ELSE "
    f"{seconds_between('t.created_at', history.first_assigned_at())} END)"
)

time_to_first_assignment = Metric.mean(
    id="time_to_first_assignment",
    label="Time to first assignment",
    expr=TIME_TO_FIRST_ASSIGNMENT,
    unit="seconds",
    cohort="resolved",
    description="First assignment − creation, over resolved tickets that record it.",
)

# One text value per ticket (NULL without a first assignment), so the business variant is
# answered in the same scan as the other resolved-cohort metrics.
ASSIGNMENT_SPANS = deskmetrics.ValuesRequest(
    "resolved", f"t.source || char(31) || t.created_at || char(31) || {FIRST_ASSIGNED_AT}"
)


def _business_seconds(scope: Scope, text: object) -> float | None:
    choice = scope.schedule
    assert choice is not None  # requires_schedule: computed only with one
    if not isinstance(text, str):
        return None
    source, start, end = text.split("\x1f")
    schedule = choice.for_source(source)
    if schedule is None:
        return None
    seconds: float = schedule.business_seconds(
        datetime.fromisoformat(start), datetime.fromisoformat(end)
    )
    return seconds


def _member_seconds(scope: Scope, row: tuple[object, ...]) -> float | None:
    (text,) = row
    return _business_seconds(scope, text)


def _time_to_first_assignment_business(scope: Scope) -> dict[Key, MetricValue]:
    result = {}
    for key, texts in scope.values(ASSIGNMENT_SPANS).items():
        found = (_business_seconds(scope, text) for text in texts)
        values = sorted(value for value in found if value is not None)
        if values:
            result[key] = MetricValue.distribution(values, "seconds")
    return result


time_to_first_assignment_business = Metric(
    id="time_to_first_assignment_business",
    label="Time to first assignment (business hours)",
    unit="seconds",
    compute=_time_to_first_assignment_business,
    cohort="resolved",
    section="speed",
    requires_schedule=True,
    description="time_to_first_assignment counted in the schedule's working hours only.",
    empty=lambda: MetricValue.distribution([], "seconds"),
    requests=(ASSIGNMENT_SPANS,),
    members=deskmetrics.Members(
        "tickets", "resolved", among=f"{FIRST_ASSIGNED_AT} IS NOT NULL",
        extra=(ASSIGNMENT_SPANS.expr,), convert=_member_seconds,
    ),
)  # fmt: skip


def routing_metrics() -> list[Metric]:
    return [
        assignee_stations,
        group_stations,
        reassignment_rate,
        time_to_first_assignment,
        time_to_first_assignment_business,
    ]

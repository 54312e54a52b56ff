"""Time in status (issue #18 item 2): requester wait, agent wait, on-hold and agent work time,
calendar and business, from the per-ticket totals the helpdesk's own metric set states.

Where a ticket has no metric-set figure, the KPIs take it from the stored status history
(history.py): calendar time always, business time with a schedule (business_time_in_status.py).

Over the resolved cohort: the totals keep growing while a ticket is open, so only a resolved
ticket's figures are final (the same reason resolution time is measured on that cohort).
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmetrics import Metric
from deskmetrics_explore.business_time_in_status import business_metric
from deskmetrics_explore.history import (
    AGENT_WAIT,
    AGENT_WORK,
    ON_HOLD,
    REQUESTER_WAIT,
    status_seconds,
)


@dataclass(frozen=True)
class _Measure:
    id: str
    label: str
    calendar: str
    business: str
    description: str
    statuses: tuple[str, ...]
    business_missing: str
    """SQL: the ticket states no business figure, so its history counts (with a schedule)."""


def _stated_or_history(column: str, statuses: tuple[str, ...]) -> str:
    # COALESCE stops at the first non-null value: the history is read only when it is needed.
    return f"COALESCE({column}, {status_seconds(statuses)})"


REQUESTER_WAIT_SQL = _stated_or_history("t.requester_wait_seconds", REQUESTER_WAIT)
AGENT_WAIT_SQL = _stated_or_history("t.agent_wait_seconds", AGENT_WAIT)
ON_HOLD_SQL = _stated_or_history("t.on_hold_seconds", ON_HOLD)


def _work(wait: str, hold: str) -> str:
    # Requester wait is new + open + on-hold, so new + open (agent work) is it less on-hold.
    # An on-hold figure above the wait is inconsistent data: no value rather than a negative.
    return f"(CASE WHEN {wait} >= {hold} THEN {wait} - {hold} END)"


# Stated figures (either one) decide as above; without both, the history's new + open stretches
# are agent work directly: one read of the timeline instead of the four wait − hold would take.
AGENT_WORK_SQL = (
    "(CASE WHEN t.requester_wait_seconds IS NOT NULL OR t.on_hold_seconds IS NOT NULL"
    f" THEN {_work('t.requester_wait_seconds', 't.on_hold_seconds')}"
    f" ELSE {status_seconds(AGENT_WORK)} END)"
)


MEASURES = (
    _Measure(
        "requester_wait_time", "Requester wait time",
        REQUESTER_WAIT_SQL, "t.requester_wait_business_seconds",
        "Time in new, open and on-hold (the requester waits), per resolved ticket.",
        REQUESTER_WAIT, "t.requester_wait_business_seconds IS NULL",
    ),
    _Measure(
        "agent_wait_time", "Agent wait time",
        AGENT_WAIT_SQL, "t.agent_wait_business_seconds",
        "Time in pending (the agent waits for the requester), per resolved ticket.",
        AGENT_WAIT, "t.agent_wait_business_seconds IS NULL",
    ),
    _Measure(
        "on_hold_time", "On-hold time",
        ON_HOLD_SQL, "t.on_hold_business_seconds",
        "Time in on-hold (waiting for a third party), per resolved ticket.",
        ON_HOLD, "t.on_hold_business_seconds IS NULL",
    ),
    _Measure(
        "agent_work_time", "Agent work time",
        AGENT_WORK_SQL,
        _work("t.requester_wait_business_seconds", "t.on_hold_business_seconds"),
        "Time in new and open: requester wait time − on-hold time, per resolved ticket.",
        AGENT_WORK,
        "t.requester_wait_business_seconds IS NULL AND t.on_hold_business_seconds IS NULL",
    ),
)  # fmt: skip


def _metric(measure: _Measure, business: bool) -> Metric:
    if business:
        return business_metric(
            id=f"{measure.id}_business",
            label=f"{measure.label} (business hours)",
            stated=measure.business,
            missing=measure.business_missing,
            statuses=measure.statuses,
            description=f"{measure.description} Business time as the helpdesk's own schedule "
            "counts it; from the history, in the report's schedule.",
        )
    return Metric.mean(
        id=measure.id,
        label=measure.label,
        expr=measure.calendar,
        unit="seconds",
        cohort="resolved",
        section="speed",
        description=measure.description,
    )


def time_in_status_metrics() -> list[Metric]:
    return [_metric(measure, business) for measure in MEASURES for business in (False, True)]

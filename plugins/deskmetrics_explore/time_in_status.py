"""Time in status (issue #18 item 2): requester wait, agent wait, on-hold and agent work time,
calendar and business, from the per-ticket totals the helpdesk's own metric set states.

Where a ticket has no metric-set figure, the calendar KPIs take it from the stored status
history (history.py); business time needs the helpdesk's own figure.

Over the resolved cohort: the totals keep growing while a ticket is open, so only a resolved
ticket's figures are final (the same reason resolution time is measured on that cohort).
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmetrics import Metric
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
    ),
    _Measure(
        "agent_wait_time", "Agent wait time",
        AGENT_WAIT_SQL, "t.agent_wait_business_seconds",
        "Time in pending (the agent waits for the requester), per resolved ticket.",
    ),
    _Measure(
        "on_hold_time", "On-hold time",
        ON_HOLD_SQL, "t.on_hold_business_seconds",
        "Time in on-hold (waiting for a third party), per resolved ticket.",
    ),
    _Measure(
        "agent_work_time", "Agent work time",
        AGENT_WORK_SQL,
        _work("t.requester_wait_business_seconds", "t.on_hold_business_seconds"),
        "Time in new and open: requester wait time − on-hold time, per resolved ticket.",
    ),
)  # fmt: skip


def _metric(measure: _Measure, business: bool) -> Metric:
    return Metric.mean(
        id=measure.id + ("_business" if business else ""),
        label=measure.label + (" (business hours)" if business else ""),
        expr=measure.business if business else measure.calendar,
        unit="seconds",
        cohort="resolved",
        section="speed",
        description=measure.description
        + (" Business time as the helpdesk's own schedule counts it." if business else ""),
    )


def time_in_status_metrics() -> list[Metric]:
    return [_metric(measure, business) for measure in MEASURES for business in (False, True)]

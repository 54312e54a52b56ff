"""Time in status (issue #18 item 2): requester wait, agent wait, on-hold and agent work time,
calendar and business, from the per-ticket totals the helpdesk's own metric set states.

Over the resolved cohort: the totals keep growing while a ticket is open, so only a resolved
ticket's figures are final (the same reason resolution time is measured on that cohort).
"""

from __future__ import annotations

from dataclasses import dataclass

from deskmetrics import Metric


@dataclass(frozen=True)
class _Measure:
    id: str
    label: str
    calendar: str
    business: str
    description: str


def _work(clock: str) -> str:
    # Requester wait is new + open + on-hold, so new + open (agent work) is it less on-hold.
    # An on-hold figure above the wait is inconsistent data: no value rather than a negative.
    wait, hold = f"t.requester_wait{clock}_seconds", f"t.on_hold{clock}_seconds"
    return f"(CASE WHEN {wait} >= {hold} THEN {wait} - {hold} END)"


MEASURES = (
    _Measure(
        "requester_wait_time", "Requester wait time",
        "t.requester_wait_seconds", "t.requester_wait_business_seconds",
        "Time in new, open and on-hold (the requester waits), per resolved ticket.",
    ),
    _Measure(
        "agent_wait_time", "Agent wait time",
        "t.agent_wait_seconds", "t.agent_wait_business_seconds",
        "Time in pending (the agent waits for the requester), per resolved ticket.",
    ),
    _Measure(
        "on_hold_time", "On-hold time",
        "t.on_hold_seconds", "t.on_hold_business_seconds",
        "Time in on-hold (waiting for a third party), per resolved ticket.",
    ),
    _Measure(
        "agent_work_time", "Agent work time", _work(""), _work("_business"),
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

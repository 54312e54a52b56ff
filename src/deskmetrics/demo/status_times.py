"""A demo ticket's time in status and routing, the figures a helpdesk's metric set states.

Derived from the simulated timeline without drawing random numbers, so the rest of the demo
(every other field, every other ticket) stays exactly as it was. The customer's messages are not
simulated, so each gap between two agent replies is split: pending (waiting for the customer)
for its first 60 %, open (waiting for us) for the rest. After the last reply before a solve the
ticket is pending (waiting for the customer to confirm). An escalation puts the ticket on hold
for half of what remains of the stretch it happens in (a third party works on it).
"""

from __future__ import annotations

from typing import Any

from deskmetrics.demo.calendar import staffed_seconds, to_datetime

PENDING_SHARE = 0.6
HOLD_SHARE = 0.5
OPEN, PENDING, HOLD, SOLVED = "open", "pending", "hold", "solved"
Stretch = tuple[int, int, str]


def _stretches(
    created: int, replies: list[int], solves: list[int], reopens: list[int]
) -> list[Stretch]:
    events = sorted(
        [(t, 0) for t in replies] + [(t, 1) for t in solves] + [(t, 2) for t in reopens]
    )
    found: list[Stretch] = []
    start, state = created, OPEN
    for at, kind in events:
        if state == PENDING and at > start:
            next_is_reply = kind == 0
            split = start + int((at - start) * PENDING_SHARE) if next_is_reply else at
            found += [(start, split, PENDING), (split, at, OPEN)]
        elif at > start:
            found.append((start, at, state))
        start, state = at, (PENDING, SOLVED, OPEN)[kind]
    return [s for s in found if s[1] > s[0]]


def _on_hold(stretches: list[Stretch], escalated_at: int) -> list[Stretch]:
    found: list[Stretch] = []
    for start, end, state in stretches:
        if state != SOLVED and start <= escalated_at < end:
            until = escalated_at + int((end - escalated_at) * HOLD_SHARE)
            found += [
                (start, escalated_at, state),
                (escalated_at, until, HOLD),
                (until, end, state),
            ]
        else:
            found.append((start, end, state))
    return [s for s in found if s[1] > s[0]]


def timeline(
    created: int, replies: list[int], solves: list[int], reopens: list[int],
    escalated_at: int | None,
) -> list[Stretch]:  # fmt: skip
    """The ticket's (start, end, status) stretches up to its last event (the demo's history)."""
    stretches = _stretches(created, replies, solves, reopens)
    if escalated_at is not None:
        stretches = _on_hold(stretches, escalated_at)
    return stretches


def status_times(
    created: int, replies: list[int], solves: list[int], reopens: list[int],
    escalated_at: int | None,
) -> dict[str, float]:  # fmt: skip
    """Requester wait (open + on hold), agent wait (pending), on hold; calendar and business."""
    stretches = timeline(created, replies, solves, reopens, escalated_at)
    calendar = {OPEN: 0, PENDING: 0, HOLD: 0, SOLVED: 0}
    business = dict(calendar)
    for start, end, state in stretches:
        calendar[state] += end - start
        business[state] += staffed_seconds(start, end)
    return {
        "requester_wait_seconds": float(calendar[OPEN] + calendar[HOLD]),
        "requester_wait_business_seconds": float(business[OPEN] + business[HOLD]),
        "agent_wait_seconds": float(calendar[PENDING]),
        "agent_wait_business_seconds": float(business[PENDING]),
        "on_hold_seconds": float(calendar[HOLD]),
        "on_hold_business_seconds": float(business[HOLD]),
    }


def routing(number: int, assigned: int | None, reopens: int, escalated: bool) -> dict[str, Any]:
    """Stations and first assignment: an escalation moves the ticket to a second group and a
    specialist; one reopened ticket in four comes back to someone else."""
    if assigned is None:
        return {"assignee_stations": 0, "group_stations": 1, "first_assigned_at": None}
    handovers = escalated + (reopens > 0 and number % 4 == 0)
    return {
        "assignee_stations": 1 + handovers,
        "group_stations": 2 if escalated else 1,
        "first_assigned_at": to_datetime(assigned),
    }

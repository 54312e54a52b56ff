"""The demo's time-in-status and routing figures (issue #18): seeded, consistent, plausible."""

from __future__ import annotations

from datetime import UTC, datetime

from deskmetrics import Ticket
from deskmetrics.demo.calendar import DAY, HOUR, staffed_seconds
from deskmetrics.demo.generator import DemoSpec, demo_records
from deskmetrics.demo.status_times import status_times

END = datetime(2026, 3, 2, tzinfo=UTC)
MONDAY = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp())


def tickets(seed: int = 42) -> list[Ticket]:
    spec = DemoSpec(tickets=1500, weeks=6, end=END, seed=seed)
    return [r for r in demo_records(spec) if isinstance(r, Ticket)]


def test_staffed_seconds_count_weekdays_eight_to_six() -> None:
    assert staffed_seconds(MONDAY, MONDAY + DAY) == 10 * HOUR
    assert staffed_seconds(MONDAY + 7 * HOUR, MONDAY + 9 * HOUR) == HOUR
    assert staffed_seconds(MONDAY, MONDAY + 7 * DAY) == 50 * HOUR  # Saturday and Sunday: none
    friday_evening = MONDAY + 4 * DAY + 17 * HOUR
    assert staffed_seconds(friday_evening, MONDAY + 7 * DAY + 9 * HOUR) == 2 * HOUR
    assert staffed_seconds(MONDAY + DAY, MONDAY) == 0


def test_a_timeline_splits_into_open_pending_and_hold() -> None:
    # Created Mon 09:00, replies at 10:00 and 12:00 (gap 7200: 4320 pending, 2880 open), solved
    # 13:00 (pending since the last reply), escalated at 10:30 (on hold for half of 10:30–11:12).
    h = HOUR
    found = status_times(
        MONDAY + 9 * h, [MONDAY + 10 * h, MONDAY + 12 * h], [MONDAY + 13 * h], [],
        MONDAY + 10 * h + 1800,
    )  # fmt: skip
    hold = (4320 - 1800) // 2  # the pending stretch runs to 11:12; half of 10:30–11:12
    assert found["on_hold_seconds"] == hold
    assert found["agent_wait_seconds"] == 4320 - hold + 3600
    assert found["requester_wait_seconds"] == 3600 + 2880 + hold
    # All inside staffed hours: business equals calendar.
    assert found["requester_wait_business_seconds"] == found["requester_wait_seconds"]


def test_a_reopened_ticket_waits_again_but_not_while_solved() -> None:
    h = HOUR
    found = status_times(
        MONDAY + 9 * h, [MONDAY + 10 * h, MONDAY + 30 * h], [MONDAY + 11 * h, MONDAY + 31 * h],
        [MONDAY + 29 * h], None,
    )  # fmt: skip
    # open 09–10, pending 10–11, solved 11–29 (not counted), open 29–30, pending 30–31.
    assert found["requester_wait_seconds"] == 2 * h
    assert found["agent_wait_seconds"] == 2 * h
    assert found["on_hold_seconds"] == 0


def test_demo_tickets_have_consistent_plausible_figures() -> None:
    found = tickets()
    resolved = [t for t in found if t.resolved_at is not None]
    with_waits = [t for t in resolved if t.requester_wait_seconds is not None]
    assert len(with_waits) == len(resolved) > 500
    assert all(t.requester_wait_seconds is None for t in found if t.resolved_at is None)
    for t in with_waits:
        assert t.resolved_at is not None and t.requester_wait_seconds is not None
        assert t.agent_wait_seconds is not None and t.on_hold_seconds is not None
        life = (t.resolved_at - t.created_at).total_seconds()
        # Waits never exceed the ticket's life; on hold is part of the requester's wait.
        assert t.requester_wait_seconds + t.agent_wait_seconds <= life + 1
        assert t.on_hold_seconds <= t.requester_wait_seconds
        assert t.requester_wait_business_seconds is not None
        assert t.requester_wait_business_seconds <= t.requester_wait_seconds
        assert (t.on_hold_seconds > 0) <= t.escalated
    assigned = [t for t in found if t.assignee_id is not None]
    assert all(t.first_assigned_at is not None and t.assignee_stations for t in assigned)
    reassigned = sum(1 for t in resolved if (t.assignee_stations or 0) > 1) / len(resolved)
    assert 0.03 < reassigned < 0.3
    assert all(t.group_stations == 1 + t.escalated for t in assigned)


def test_the_same_seed_gives_the_same_figures() -> None:
    def figures(seed: int) -> list[tuple[object, ...]]:
        return [(t.id, t.requester_wait_seconds, t.assignee_stations) for t in tickets(seed)]

    assert figures(42) == figures(42)
    assert figures(42) != figures(7)

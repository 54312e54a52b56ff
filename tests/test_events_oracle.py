"""Property test: time in status and routing taken from a random status/assignment history
against a plain-Python oracle (overall and per week bucket). The oracle shares no code with the
plugin: it walks docs/metrics.md's rules ("Time in status and routing from the history"): the
timeline starts at creation in the first change's previous status (new when unsaid), each
stretch is cut to [created, resolved] and counts for its status; stations count the distinct ids
the history names; the first assignment is the creation when the first change had an assignee,
else the first change to one (never before creation); no history row, no value."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import Record, Schedule, Status, Store, Ticket, TicketEvent, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics_explore.routing import routing_metrics
from deskmetrics_explore.time_in_status import time_in_status_metrics
from test_business_hours import oracle_seconds
from test_history_oracle import check, dist, prop

LO = datetime(2026, 1, 5, tzinfo=UTC)
MID = datetime(2026, 1, 12, tzinfo=UTC)
HI = datetime(2026, 1, 19, tzinfo=UTC)
MIN_SAMPLE = 3
METRICS = {m.id: m for m in [*time_in_status_metrics(), *routing_metrics()]}
OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
"""Monday to Friday, 09:00–17:00 UTC: the business variants count the history in it."""
RESOLVED = (Status.SOLVED, Status.CLOSED)
STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"]
WAITS = {"requester_wait_time": ("new", "open", "on_hold"), "agent_wait_time": ("pending",),
         "on_hold_time": ("on_hold",)}  # fmt: skip

hours = st.integers(-24, 24 * 14).map(lambda h: LO + timedelta(hours=h))


@st.composite
def a_ticket(draw: st.DrawFn, id: str) -> list[Record]:
    created = draw(hours)
    status = draw(st.sampled_from([Status.SOLVED, Status.CLOSED, Status.SOLVED, Status.OPEN]))
    resolved = created + timedelta(hours=draw(st.integers(0, 72)))
    records: list[Record] = [Ticket(
        id=id, created_at=created, status=status,
        resolved_at=draw(st.one_of(st.just(resolved), st.none())),
    )]  # fmt: skip
    for n in range(draw(st.integers(0, 6))):
        field = draw(st.sampled_from(["status", "status", "assignee", "group"]))
        choices = STATUSES if field == "status" else ["a1", "a2", "a3"]
        value = draw(
            st.sampled_from(choices) if field == "status" else st.sampled_from([*choices, None])
        )
        records.append(TicketEvent(
            id=f"{id}-{n}", ticket_id=id, field=field, value=value,
            previous_value=draw(st.one_of(st.none(), st.sampled_from(choices))),
            created_at=created + timedelta(hours=draw(st.integers(-2, 80))),
        ))  # fmt: skip
    return records


datasets = st.integers(1, 10).flatmap(lambda n: st.tuples(*(a_ticket(f"t{i}") for i in range(n))))


def in_status(
    t: Ticket, changes: list[TicketEvent], statuses: tuple[str, ...], business: bool = False
) -> float | None:
    timeline = sorted(
        (c for c in changes if c.field == "status"), key=lambda c: (c.created_at, c.id)
    )
    if not timeline:
        return None
    assert t.resolved_at is not None
    stretches = [(timeline[0].previous_value or "new", t.created_at)]
    stretches += [(c.value, c.created_at) for c in timeline]
    total = 0.0
    for i, (status, start) in enumerate(stretches):
        end = stretches[i + 1][1] if i + 1 < len(stretches) else t.resolved_at
        start, end = max(start, t.created_at), min(end, t.resolved_at)
        if status in statuses and end > start:
            total += (
                oracle_seconds(OFFICE, start, end) if business else (end - start).total_seconds()
            )
    return total


def stations(changes: list[TicketEvent], field: str) -> int | None:
    if not changes:
        return None
    named = {v for c in changes if c.field == field for v in (c.value, c.previous_value)}
    return len(named - {None})


def first_assignment(t: Ticket, changes: list[TicketEvent], business: bool = False) -> float | None:
    assignments = sorted(
        (c for c in changes if c.field == "assignee"), key=lambda c: (c.created_at, c.id)
    )
    if not assignments:
        return None
    if assignments[0].previous_value is not None:
        return 0.0
    times = [c.created_at for c in assignments if c.value is not None]
    if not times or min(times) <= t.created_at:
        return 0.0 if times else None
    if business:
        return float(oracle_seconds(OFFICE, t.created_at, min(times)))
    return (min(times) - t.created_at).total_seconds()


def expected(
    tickets: list[tuple[Ticket, list[TicketEvent]]], lo: datetime, hi: datetime
) -> dict[str, dict[str, Any]]:
    cohort = [
        (t, changes) for t, changes in tickets
        if t.status in RESOLVED and t.resolved_at is not None and lo <= t.resolved_at < hi
    ]  # fmt: skip
    wanted: dict[str, dict[str, Any]] = {}
    for clock, business in (("", False), ("_business", True)):
        for mid, statuses in WAITS.items():
            wanted[mid + clock] = dist([in_status(t, c, statuses, business) for t, c in cohort])
        work = []
        for t, changes in cohort:
            wait = in_status(t, changes, WAITS["requester_wait_time"], business)
            hold = in_status(t, changes, WAITS["on_hold_time"], business)
            work.append(None if wait is None or hold is None or hold > wait else wait - hold)
        wanted["agent_work_time" + clock] = dist(work)
    assignees = [stations(c, "assignee") for _, c in cohort]
    wanted["assignee_stations"] = dist(assignees, p90=False)
    wanted["group_stations"] = dist([stations(c, "group") for _, c in cohort], p90=False)
    assigned = [n for n in assignees if n is not None and n >= 1]
    wanted["reassignment_rate"] = prop(sum(1 for n in assigned if n > 1), len(assigned))
    wanted["time_to_first_assignment"] = dist([first_assignment(t, c) for t, c in cohort])
    wanted["time_to_first_assignment_business"] = dist(
        [first_assignment(t, c, business=True) for t, c in cohort]
    )
    return wanted


@settings(
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=datasets)
def test_history_time_in_status_and_routing_match_the_oracle(
    data: tuple[list[Record], ...],
) -> None:
    tickets = []
    for records in data:
        ticket, *changes = records
        assert isinstance(ticket, Ticket)
        tickets.append((ticket, [c for c in changes if isinstance(c, TicketEvent)]))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "x.db") as store:
        store.write([record for records in data for record in records], source="s")
        report = build_report(
            store, parse_config({"report": {"min_sample": MIN_SAMPLE}}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19), as_of=HI, grain="week",
            metrics=METRICS, schedule=OFFICE,
        ).to_dict()  # fmt: skip
    check(report["metrics"], expected(tickets, LO, HI), "overall")
    for bucket, (lo, hi) in zip(report["series"]["buckets"], [(LO, MID), (MID, HI)], strict=True):
        check(bucket["metrics"], expected(tickets, lo, hi), f"bucket {lo:%m-%d}")

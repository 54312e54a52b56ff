"""Time in status and routing from the stored status/assignment history (issue #18 item 3), on
hand-built tickets whose source states no metric-set figure. Every number worked out by hand.
Period: 2026-01-05 (Mon) … 2026-01-12 (exclusive), UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Record, Schedule, Status, Store, Ticket, TicketEvent, build_report
from deskmetrics.config.loading import parse_config

OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
"""Monday to Friday, 09:00–17:00 UTC."""

PERIOD: dict[str, Any] = {"start": date(2026, 1, 5), "end": date(2026, 1, 12)}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ticket(id: str, created: str, resolved: str | None, **fields: Any) -> Ticket:
    return Ticket(
        id=id, created_at=at(created), resolved_at=at(resolved) if resolved else None,
        status=Status.SOLVED if resolved else Status.OPEN, **fields,
    )  # fmt: skip


def change(
    ticket_id: str, n: int, when: str, field: str, value: str | None, previous: str | None = None
) -> TicketEvent:
    return TicketEvent.build({
        "id": f"{ticket_id}-{n}", "ticket_id": ticket_id, "created_at": at(when),
        "field": field, "value": value, "previous_value": previous,
    })  # fmt: skip


RECORDS: list[Record] = [
    # A: new 1 h, open 2 h, pending 1 h, open 30 min, on hold 30 min, open 1 h, solved.
    # Requester wait 1 + 2 + 0.5 + 0.5 + 1 = 5 h; agent wait 1 h; on hold 30 min.
    # Assigned to x at 10:00, to y at 14:00, back to x at 15:30: 2 assignees; groups g1 → g2.
    ticket("A", "2026-01-05 09:00", "2026-01-05 16:00"),
    change("A", 1, "2026-01-05 10:00", "status", "open", "new"),
    change("A", 2, "2026-01-05 10:00", "assignee", "x"),
    change("A", 3, "2026-01-05 10:00", "group", "g1"),
    change("A", 4, "2026-01-05 12:00", "status", "pending", "open"),
    change("A", 5, "2026-01-05 13:00", "status", "open", "pending"),
    change("A", 6, "2026-01-05 13:30", "status", "on_hold", "open"),
    change("A", 7, "2026-01-05 14:00", "status", "open", "on_hold"),
    change("A", 8, "2026-01-05 14:00", "assignee", "y", "x"),
    change("A", 9, "2026-01-05 14:00", "group", "g2", "g1"),
    change("A", 10, "2026-01-05 15:30", "assignee", "x", "y"),
    change("A", 11, "2026-01-05 15:00", "status", "solved", "open"),
    # B: created already open and assigned (the first changes say so): open 2 h, pending 4 h,
    # solved. Requester wait 2 h, agent wait 4 h, on hold 0; one assignee since creation.
    ticket("B", "2026-01-06 08:00", "2026-01-06 14:00"),
    change("B", 1, "2026-01-06 10:00", "status", "pending", "open"),
    change("B", 2, "2026-01-06 12:00", "group", "g1", None),
    change("B", 3, "2026-01-06 14:00", "status", "solved", "pending"),
    change("B", 4, "2026-01-06 09:00", "assignee", "x", "x"),
    # C: the metric set states its figures: they win over its history (which says 1 h open).
    ticket(
        "C",
        "2026-01-07 09:00",
        "2026-01-07 10:00",
        requester_wait_seconds=60.0,
        agent_wait_seconds=0.0,
        on_hold_seconds=0.0,
        assignee_stations=4,
        group_stations=1,
        first_assigned_at=at("2026-01-07 09:01"),
    ),
    change("C", 1, "2026-01-07 10:00", "status", "solved", "open"),
    change("C", 2, "2026-01-07 09:30", "assignee", "z"),
    # D: resolved, no history and no figures: left out of every one of these KPIs.
    ticket("D", "2026-01-08 09:00", "2026-01-08 10:00"),
    # E: open, with history: not in the resolved cohort.
    ticket("E", "2026-01-06 09:00", None),
    change("E", 1, "2026-01-06 10:00", "status", "pending", "new"),
]


def report(tmp_path: Path, records: list[Record] = RECORDS, **options: Any) -> dict[str, Any]:
    settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        return build_report(
            store, settings, as_of=at("2026-01-12 00:00"), **PERIOD, **options
        ).to_dict()


def mean_n(value: dict[str, Any]) -> tuple[Any, Any]:
    return value["value"], value["n"]


def test_time_in_status_comes_from_the_history_where_no_figure_is_stated(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A 5 h, B 2 h, C's own 60 s.
    assert mean_n(m["requester_wait_time"]) == (pytest.approx((18000 + 7200 + 60) / 3), 3)
    # A 1 h, B 4 h, C 0.
    assert mean_n(m["agent_wait_time"]) == (pytest.approx((3600 + 14400) / 3), 3)
    assert mean_n(m["on_hold_time"]) == (pytest.approx(1800 / 3), 3)
    # Agent work = requester wait − on hold: A 4.5 h, B 2 h, C 60 s.
    assert mean_n(m["agent_work_time"]) == (pytest.approx((16200 + 7200 + 60) / 3), 3)


def test_routing_comes_from_the_history_where_no_figure_is_stated(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A: x and y; B: x; C: its own 4.
    assert mean_n(m["assignee_stations"]) == (pytest.approx(7 / 3), 3)
    # A: g1, g2; B: g1; C: 1.
    assert mean_n(m["group_stations"]) == (pytest.approx(4 / 3), 3)
    assert mean_n(m["reassignment_rate"]) == (pytest.approx(200 / 3), 3)  # A and C
    # A: 1 h; B: assigned at creation (0 s); C: its own 60 s.
    assert mean_n(m["time_to_first_assignment"]) == (pytest.approx(3660 / 3), 3)


def test_a_change_stamped_outside_the_ticket_counts_nothing_negative(tmp_path: Path) -> None:
    records: list[Record] = [
        ticket("F", "2026-01-05 09:00", "2026-01-05 10:00"),
        # Stamped before creation (clock skew): the new stretch is cut to nothing.
        change("F", 1, "2026-01-05 08:00", "status", "open", "new"),
        # The solve was recorded late: the open stretch ends at the resolution.
        change("F", 2, "2026-01-05 11:00", "status", "solved", "open"),
    ]
    m = report(tmp_path, records)["metrics"]
    # new: 09:00 → 08:00 counts 0; open: 08:00 → 11:00, cut to 09:00 → 10:00, counts 1 h.
    assert mean_n(m["requester_wait_time"]) == (pytest.approx(3600), 1)
    assert mean_n(m["agent_wait_time"]) == (pytest.approx(0), 1)


def test_business_time_comes_from_the_history_with_a_schedule(tmp_path: Path) -> None:
    # Office hours Mon–Fri 09:00–17:00. A (Monday 09:00–16:00) is all inside: 5 h, 1 h, 30 min.
    # B (Tuesday from 08:00): open 08:00–10:00 counts 09:00–10:00, pending 10:00–14:00 4 h.
    # C states calendar figures only: its business figures come from its history (open 1 h).
    m = report(tmp_path, schedule=OFFICE)["metrics"]
    assert mean_n(m["requester_wait_time_business"]) == (pytest.approx(25200 / 3), 3)
    assert mean_n(m["agent_wait_time_business"]) == (pytest.approx(18000 / 3), 3)
    assert mean_n(m["on_hold_time_business"]) == (pytest.approx(600), 3)
    assert mean_n(m["agent_work_time_business"]) == (pytest.approx(23400 / 3), 3)
    # Without a schedule only stated business figures count, and these tickets state none.
    assert mean_n(report(tmp_path / "none")["metrics"]["requester_wait_time_business"]) == (
        None, 0,
    )  # fmt: skip


def test_a_stated_business_figure_wins_over_the_history(tmp_path: Path) -> None:
    records: list[Record] = [
        ticket("G", "2026-01-05 09:00", "2026-01-05 12:00", requester_wait_business_seconds=60.0),
        change("G", 1, "2026-01-05 12:00", "status", "solved", "open"),
        ticket("H", "2026-01-05 09:00", "2026-01-05 12:00"),
        change("H", 1, "2026-01-05 12:00", "status", "solved", "open"),
    ]
    m = report(tmp_path, records, schedule=OFFICE)["metrics"]
    assert mean_n(m["requester_wait_time_business"]) == (pytest.approx((60 + 10800) / 2), 2)

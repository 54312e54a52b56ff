"""Time in status and routing KPIs (issue #18 items 2, 5) on hand-built tickets, every figure
worked out by hand. Period: 2026-01-05 (Mon) … 2026-01-12 (exclusive), UTC."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
import deskmetrics.plugin.registry
import deskmetrics.sync.engine
from deskmetrics import Agent, Record, Schedule, Status, Store, Ticket, build_report, list_members
from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.config.loading import build_connector, parse_config

OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
"""Monday to Friday, 09:00–17:00 UTC."""
PERIOD: dict[str, Any] = {"start": date(2026, 1, 5), "end": date(2026, 1, 12)}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ticket(id: str, created: str, resolved: str | None, **fields: Any) -> Ticket:
    first = fields.pop("first_assigned_at", None)
    return Ticket(
        id=id, created_at=at(created), resolved_at=at(resolved) if resolved else None,
        status=Status.SOLVED if resolved else Status.OPEN,
        first_assigned_at=at(first) if first else None, **fields,
    )  # fmt: skip


def waits(calendar: tuple[float, float, float], business: tuple[float, float, float]) -> Any:
    names = ("requester_wait", "agent_wait", "on_hold")
    found = {f"{name}_seconds": value for name, value in zip(names, calendar, strict=True)}
    found |= {f"{name}_business_seconds": v for name, v in zip(names, business, strict=True)}
    return found


RECORDS: list[Record] = [
    Agent(id="x", name="Xena"),
    Agent(id="y", name="Yuri"),
    # A: 3 h waiting (half an hour of it on hold), 1 h pending; one assignee, 30 min to assign.
    ticket(
        "A", "2026-01-05 09:00", "2026-01-05 15:00", assignee_id="x",
        **waits((10800, 3600, 1800), (10800, 3600, 1800)),
        assignee_stations=1, group_stations=1, first_assigned_at="2026-01-05 09:30",
    ),
    # B: three assignees, two groups; assigned Wed 10:00 (18 h, 2 working hours after Tue 16:00).
    ticket(
        "B", "2026-01-06 16:00", "2026-01-07 12:00", assignee_id="y",
        **waits((36000, 0, 0), (7200, 0, 0)),
        assignee_stations=3, group_stations=2, first_assigned_at="2026-01-07 10:00",
    ),
    # C: never assigned; its on-hold (900) exceeds its requester wait (600): no work time.
    ticket(
        "C", "2026-01-08 09:00", "2026-01-08 10:00", **waits((600, 1200, 900), (600, 1200, 0)),
        assignee_stations=0, group_stations=1,
    ),
    # D: resolved, but its source states none of these figures: left out, not zero.
    ticket("D", "2026-01-09 09:00", "2026-01-09 10:00"),
    # E: still open; F: resolved before the period. Neither counts.
    ticket("E", "2026-01-06 09:00", None, **waits((99999, 1, 1), (1, 1, 1)), assignee_stations=9),
    ticket(
        "F", "2026-01-01 09:00", "2026-01-02 09:00", **waits((77777, 1, 1), (1, 1, 1)),
        assignee_stations=5, first_assigned_at="2026-01-01 10:00",
    ),
]  # fmt: skip


def settings() -> Any:
    return parse_config({"report": {"min_sample": 1}}, None).report_settings()


def report(tmp_path: Path, records: list[Record] = RECORDS, **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        return build_report(
            store, settings(), as_of=at("2026-01-12 00:00"), **PERIOD, **options
        ).to_dict()


def stats(value: dict[str, Any]) -> tuple[Any, ...]:
    return value["value"], value["n"], value["median"], value.get("p90")


def test_requester_wait_time_over_resolved_tickets_calendar_and_business(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # [600, 10800, 36000]: p90 at position 1.8 → 10800 + 0.8 × 25200
    assert stats(m["requester_wait_time"]) == (
        pytest.approx(47400 / 3), 3, pytest.approx(10800), pytest.approx(30960),
    )  # fmt: skip
    # [600, 7200, 10800]: p90 at 1.8 → 7200 + 0.8 × 3600
    assert stats(m["requester_wait_time_business"]) == (
        pytest.approx(6200), 3, pytest.approx(7200), pytest.approx(10080),
    )  # fmt: skip


def test_agent_wait_and_on_hold_time(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    assert stats(m["agent_wait_time"])[:3] == (pytest.approx(1600), 3, pytest.approx(1200))
    assert stats(m["on_hold_time"])[:3] == (pytest.approx(900), 3, pytest.approx(900))
    assert stats(m["on_hold_time_business"])[:3] == (pytest.approx(600), 3, pytest.approx(0))


def test_agent_work_time_is_requester_wait_less_on_hold(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A 10800 − 1800, B 36000 − 0; C's inconsistent figures give no value.
    assert stats(m["agent_work_time"])[:2] == (pytest.approx(22500), 2)
    # Business: A 9000, B 7200, C 600 − 0.
    assert stats(m["agent_work_time_business"])[:3] == (pytest.approx(5600), 3, 7200)


def test_stations_and_reassignment_rate(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    assert stats(m["assignee_stations"]) == (pytest.approx(4 / 3), 3, 1, None)
    assert "p90" not in m["assignee_stations"]
    assert stats(m["group_stations"])[:3] == (pytest.approx(4 / 3), 3, 1)
    # Among the ever-assigned A and B, B had more than one assignee; C (0 stations) is out.
    rate = m["reassignment_rate"]
    assert (rate["value"], rate["n"]) == (pytest.approx(50.0), 2)


def test_time_to_first_assignment(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    assert stats(m["time_to_first_assignment"])[:2] == (pytest.approx((1800 + 64800) / 2), 2)
    assert "time_to_first_assignment_business" not in m  # needs a schedule
    business = report(tmp_path, schedule=OFFICE)["metrics"]["time_to_first_assignment_business"]
    assert stats(business)[:2] == (pytest.approx((1800 + 7200) / 2), 2)


def test_the_agent_breakdown_splits_them(tmp_path: Path) -> None:
    data = report(tmp_path, by=["agent"])
    rows = {row["label"]: row["metrics"] for row in data["breakdowns"]["agent"]}
    assert rows["Xena"]["requester_wait_time"]["value"] == pytest.approx(10800)
    assert rows["Yuri"]["reassignment_rate"]["value"] == pytest.approx(100.0)
    assert rows["(none)"]["agent_work_time"]["n"] == 0  # C only, without a work time


def test_without_figures_the_kpis_are_empty_not_zero(tmp_path: Path) -> None:
    m = report(tmp_path, [ticket("D", "2026-01-09 09:00", "2026-01-09 10:00")])["metrics"]
    for metric_id in ("requester_wait_time", "agent_work_time_business", "assignee_stations",
                      "time_to_first_assignment"):  # fmt: skip
        assert (m[metric_id]["value"], m[metric_id]["n"]) == (None, 0), metric_id
    assert (m["reassignment_rate"]["value"], m["reassignment_rate"]["n"]) == (None, 0)


def test_members_list_the_tickets_behind_the_figures(tmp_path: Path) -> None:
    period = {**PERIOD, "as_of": at("2026-01-12")}
    with Store(tmp_path / "x.db") as store:
        store.write(RECORDS, source="s")
        rate = list_members(store, "reassignment_rate", settings(), **period)
        wait = list_members(store, "requester_wait_time", settings(), **period)
        business = list_members(
            store, "time_to_first_assignment_business", settings(),
            schedule=ScheduleChoice(default=OFFICE), **period,
        )  # fmt: skip
    assert sorted(m.id for m in rate.members) == ["A", "B"]
    assert [m.id for m in rate.members if m.met] == ["B"]
    assert {m.id: m.value for m in wait.members} == {"A": 10800, "B": 36000, "C": 600}
    assert {m.id: m.value for m in business.members} == {"A": 1800, "B": 7200}


def test_csv_tickets_carry_the_optional_columns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        textwrap.dedent("""\
            id,created_at,status,resolved_at,requester_wait_seconds,on_hold_seconds,assignee_stations,first_assigned_at
            t1,2026-01-05T09:00:00Z,solved,2026-01-05T15:00:00Z,10800,1800,2,2026-01-05T09:30:00Z
            t2,2026-01-05T10:00:00Z,solved,2026-01-05T11:00:00Z,,,,
            """),
        encoding="utf-8",
    )  # fmt: skip
    config = parse_config(
        {"connections": {"desk": {"connector": "csv", "path": "data"}}}, tmp_path / "dm.toml"
    )
    connector = build_connector(
        config, config.connections["desk"], deskmetrics.plugin.registry.get_registry().connectors
    )
    with Store(tmp_path / "x.db") as store:
        result = deskmetrics.sync.engine.sync_connector(store, connector)
        assert result.status == "succeeded", result.error
        rows = store.conn.execute(
            "SELECT id, requester_wait_seconds, on_hold_seconds, assignee_stations,"
            " first_assigned_at, agent_wait_seconds FROM tickets ORDER BY id"
        ).fetchall()
    assert rows == [
        ("t1", 10800.0, 1800.0, 2, "2026-01-05T09:30:00.000000Z", None),
        ("t2", None, None, None, None, None),
    ]


def test_a_bad_csv_cell_names_file_row_and_field(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_text(
        "id,created_at,assignee_stations\nt1,2026-01-05T09:00:00Z,two\n", encoding="utf-8"
    )
    config = parse_config(
        {"connections": {"desk": {"connector": "csv", "path": "data"}}}, tmp_path / "dm.toml"
    )
    connector = build_connector(
        config, config.connections["desk"], deskmetrics.plugin.registry.get_registry().connectors
    )
    with Store(tmp_path / "x.db") as store:
        result = deskmetrics.sync.engine.sync_connector(store, connector)
    text = str(result.error) + " ".join(map(str, result.warnings))
    assert "tickets.csv" in text and "assignee_stations" in text

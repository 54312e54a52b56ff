"""Business-hours variants (spec §7): *_business durations with report or connection schedules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Status, Store, Ticket, build_report
from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.cli.report_commands import pick_schedules
from deskmetrics.config.loading import parse_config

OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
"""Monday to Friday, 09:00–17:00 UTC."""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


TICKETS = [
    # Friday 16:00 → Monday 10:00: one hour on each working day
    Ticket(id="fri", created_at=at("2026-01-09 16:00"), first_response_at=at("2026-01-12 10:00")),
    # wholly on a Saturday: zero business seconds, still a value
    Ticket(id="sat", created_at=at("2026-01-10 10:00"), first_response_at=at("2026-01-10 12:00")),
    Ticket(id="mon", created_at=at("2026-01-12 09:00"), first_response_at=at("2026-01-12 09:30")),
    Ticket(id="none", created_at=at("2026-01-12 09:00")),
    Ticket(id="res", created_at=at("2026-01-05 09:00"), resolved_at=at("2026-01-06 09:00"),
           first_response_at=at("2026-01-05 09:00"), status=Status.SOLVED),
]  # fmt: skip


def report(tmp_path: Path, sources: dict[str, list[Ticket]], schedule: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        for source, records in sources.items():
            store.write(records, source=source)
        return build_report(
            store, parse_config({"report": {"min_sample": 1}}, None).report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 19), as_of=at("2026-01-19 00:00"), schedule=schedule,
        ).to_dict()["metrics"]  # fmt: skip


def test_business_first_response_and_resolution(tmp_path: Path) -> None:
    m = report(tmp_path, {"s": TICKETS}, OFFICE)
    frt = m["first_response_time_business"]
    # [0 (res), 0 (sat), 1800, 7200]: mean 2250, median 900, p90 at 2.7 → 1800 + 0.7 × 5400
    assert (frt["n"], frt["value"], frt["median"]) == (4, 2250, 900)
    assert frt["p90"] == pytest.approx(5580)
    assert frt["unit"] == "seconds"
    # Monday 09:00 → Tuesday 09:00 is one working day of 8 h
    assert m["resolution_time_business"]["value"] == 28800
    # the calendar variants are unchanged
    assert m["resolution_time"]["value"] == 86400
    assert list(m).index("first_response_time_business") == 2


def test_connection_schedules_apply_to_their_own_tickets(tmp_path: Path) -> None:
    choice = ScheduleChoice(by_source={"office": OFFICE})
    m = report(tmp_path, {"office": TICKETS[:1], "elsewhere": TICKETS[2:3]}, choice)
    # only the office ticket (7200) is measured; "elsewhere" has no schedule
    assert (m["first_response_time_business"]["n"], m["first_response_time"]["n"]) == (1, 2)
    assert m["first_response_time_business"]["value"] == 7200


def test_schedules_from_configuration() -> None:
    hours = {"hours": {"mon": "09:00-17:00"}, "timezone": "UTC"}
    config = parse_config(
        {
            "schedules": {"day": hours, "late": {**hours, "timezone": "Asia/Tokyo"}},
            "connections": {"zd": {"connector": "csv", "schedule": "late"}},
        },
        None,
    )
    choice = pick_schedules(config, None)
    assert choice is not None
    assert choice.default is None
    assert choice.for_source("zd").name == "late"
    assert choice.for_source("other") is None
    forced = pick_schedules(config, "day")
    assert forced is not None
    assert forced.for_source("zd").name == "day"
    assert pick_schedules(parse_config({}, None), None) is None

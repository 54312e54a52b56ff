"""The history cross-check section (issue #18 item 3): metric-set figures against the stored
history, differences beyond the tolerance counted and named. Figures worked out by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from deskmetrics import Record, Store, build_report
from deskmetrics.config.loading import parse_config
from test_events_history import PERIOD, at, change, ticket


def sections(tmp_path: Path, records: list[Record]) -> dict[str, Any]:
    settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="zd")
        data = build_report(store, settings, as_of=at("2026-01-12 00:00"), **PERIOD).to_dict()
    return {section["id"]: section for section in data["sections"]}


def history(ticket_id: str, day: str) -> list[Record]:
    # Open 09:00 → 11:00, pending 11:00 → 12:00, solved: requester wait 2 h, agent wait 1 h;
    # one assignee.
    return [
        change(ticket_id, 1, f"{day} 09:00", "status", "open", "new"),
        change(ticket_id, 2, f"{day} 09:00", "assignee", "a1"),
        change(ticket_id, 3, f"{day} 11:00", "status", "pending", "open"),
        change(ticket_id, 4, f"{day} 12:00", "status", "solved", "pending"),
    ]


def test_differences_beyond_the_tolerance_are_counted_and_named(tmp_path: Path) -> None:
    records: list[Record] = [
        # 1: agrees within the tolerance (4 minutes apart on requester wait; 1 h is 1 h).
        ticket("1", "2026-01-05 09:00", "2026-01-05 12:00", requester_wait_seconds=7440.0,
               agent_wait_seconds=3600.0, assignee_stations=1),
        *history("1", "2026-01-05"),
        # 2: requester wait 40 min off (over 5 min and over 10 %), two assignees stated.
        ticket("2", "2026-01-06 09:00", "2026-01-06 12:00", requester_wait_seconds=9600.0,
               agent_wait_seconds=3600.0, assignee_stations=2),
        *history("2", "2026-01-06"),
        # 3: figures but no history; 4: history but no figures. Neither is compared.
        ticket("3", "2026-01-07 09:00", "2026-01-07 12:00", requester_wait_seconds=1.0),
        ticket("4", "2026-01-08 09:00", "2026-01-08 12:00"),
        *history("4", "2026-01-08"),
    ]  # fmt: skip
    (table,) = sections(tmp_path, records)["history_check"]["tables"]
    assert table["rows"] == [
        ["Requester wait", 2, 1, "40 min", "zd/2"],
        ["Agent wait", 2, 0, "", ""],
        ["Assignee stations", 2, 1, "1", "zd/2"],
    ]


def test_no_section_without_a_ticket_that_has_both(tmp_path: Path) -> None:
    records: list[Record] = [
        ticket("4", "2026-01-08 09:00", "2026-01-08 12:00"),
        *history("4", "2026-01-08"),
    ]
    assert "history_check" not in sections(tmp_path, records)


def test_the_tolerance_boundaries_are_strict(tmp_path: Path) -> None:
    # The history says 2 h (7200 s) of requester wait each time; a figure differs when it is
    # more than 5 min (300 s) AND more than 10 % of the stated figure away.
    stated = {"1": 8100.0, "2": 8000.0, "3": 6500.0, "4": 7500.0}
    records: list[Record] = []
    for number, (ticket_id, seconds) in enumerate(stated.items()):
        day = f"2026-01-0{5 + number}"
        records.append(ticket(ticket_id, f"{day} 09:00", f"{day} 12:00",
                              requester_wait_seconds=seconds))  # fmt: skip
        records.extend(history(ticket_id, day))
    (table,) = sections(tmp_path, records)["history_check"]["tables"]
    # 1: 900 s off, over 810; 2: 800 s, not over 800; 3: 700 s, over 650; 4: exactly 300 s.
    assert table["rows"] == [["Requester wait", 4, 2, "15 min", "zd/1, zd/3"]]

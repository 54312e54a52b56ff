"""Time to first assignment reads the store's microseconds (schema 10) where the ticket states its
first assignment: the same floats as the two timestamps' difference, to the microsecond, in the
KPI and in its ticket list."""

from __future__ import annotations

from pathlib import Path

from deskmetrics import Record, Store, build_report, list_members
from test_history_metrics import PERIOD, RECORDS, at, settings, ticket

EXACT: list[Record] = [
    # 0.499999 s: a microsecond less than half a second (julianday alone would round it).
    ticket("D", "2026-01-08 09:00:00.000001", "2026-01-08 10:00", assignee_id="x",
           first_assigned_at="2026-01-08 09:00:00.5"),
]  # fmt: skip


def test_time_to_first_assignment_is_exact_in_the_kpi_and_its_list(tmp_path: Path) -> None:
    period = {**PERIOD, "as_of": at("2026-01-12")}
    with Store(tmp_path / "x.db") as store:
        store.write([*RECORDS, *EXACT], source="s")
        report = build_report(store, settings(), **period)
        listed = list_members(store, "time_to_first_assignment", settings(), **period)
    value = report.metrics["time_to_first_assignment"]
    # A: 30 min; B: 18 h; D: 0.499999 s (C was never assigned).
    assert (value.n, value.extra["median"]) == (3, 1800.0)
    assert value.value == (0.499999 + 1800.0 + 64800.0) / 3
    assert {m.id: m.value for m in listed.members} == {"A": 1800.0, "B": 64800.0, "D": 0.499999}
    assert listed.n == value.n

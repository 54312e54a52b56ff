"""The built-in reporters: json (spec §9, stable) and table (sections, humanized, marks)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics import Agent, Report, Status, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics_reporters.humanize import change, duration, interval, number

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def report(tmp_path: Path) -> Report:
    tickets = [
        Ticket(id=str(i), created_at=AT + timedelta(days=i % 7), assignee_id="a1",
               first_response_at=AT + timedelta(days=i % 7, hours=2, minutes=14),
               escalated=i % 4 == 0, status=Status.SOLVED,
               resolved_at=AT + timedelta(days=i % 7, hours=5))
        for i in range(40)
    ]  # fmt: skip
    with Store(tmp_path / "x.db") as store:
        store.write([Agent(id="a1", name="Ann Lee"), *tickets], source="s")
        return build_report(
            store, parse_config({}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19),
            as_of=datetime(2026, 1, 19, tzinfo=UTC), by=["agent"], grain="week",
        )  # fmt: skip


def render(name: str, report: Report) -> str:
    return get_registry().reporters[name]().render(report)


def test_json_reporter_is_the_report_dict_indented(report: Report) -> None:
    text = render("json", report)
    assert text == json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    data = json.loads(text)
    # The §9 keys, then the built-in report sections (the explore plugin's, issue #18).
    assert list(data) == ["as_of", "period", "metrics", "breakdowns", "series", "sections"]
    assert list(data["metrics"]["first_response_time"]) == [
        "value", "unit", "n", "median", "p90", "low_sample",
    ]  # fmt: skip
    assert list(data["metrics"]["escalation_rate"]) == [
        "value", "unit", "n", "ci_low", "ci_high", "low_sample",
    ]  # fmt: skip
    entry = data["breakdowns"]["agent"][0]
    assert list(entry) == ["key", "label", "metrics"]
    bucket = data["series"]["buckets"][0]
    assert list(bucket) == ["start", "end", "metrics"]
    assert list(bucket["metrics"]["escalation_rate"])[-2:] == ["change", "significant"]


def test_table_reporter(report: Report) -> None:
    text = render("table", report)
    lines = text.splitlines()
    assert lines[0].startswith("deskmetrics report  2026-01-05 → 2026-01-19")
    for section in ("Speed", "Quality", "Satisfaction", "Volume", "Customers"):
        assert section in [line.strip() for line in lines]
    frt = next(line for line in lines if line.strip().startswith("First response time"))
    assert "2 h 14 m" in frt
    assert " 40 " in frt  # n
    escalation = next(line for line in lines if line.strip().startswith("Escalation rate"))
    assert "25.0 %" in escalation
    assert "°" not in escalation  # n = 40 ≥ 30
    assert "By agent" in text
    assert "Ann Lee" in text
    assert "Series by week" in text
    assert "° n below 30 (low sample)" in text
    csat = next(line for line in lines if line.strip().startswith("CSAT "))
    assert "–°" in csat  # no answers: null value, low sample


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (4.25, "4.2 s"),
        (45, "45 s"),
        (60, "1 m 0 s"),
        (8040, "2 h 14 m"),
        (8059, "2 h 14 m"),
        (90061, "1 d 1 h"),
        (None, "–"),
    ],
)
def test_durations_are_humanized(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text


def test_numbers_intervals_and_changes() -> None:
    assert number(84.44, "percent") == "84.4 %"
    assert number(1052, "count") == "1,052"
    assert number(24.137, "score") == "24.1"
    assert number(1.5351, "replies") == "1.54"
    assert interval(79.46, 88.25, "percent") == "79.5–88.2 %"
    assert interval(None, None, "percent") == ""
    assert change(-3.8, "percent") == "−3.8 pt"
    assert change(3360, "seconds") == "+56 m 0 s"
    assert change(0, "count") == "±0"

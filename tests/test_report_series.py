"""Series: per-bucket KPIs, change from the previous bucket and its significance (spec §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Record, Status, Store, SurveyKind, SurveyResponse, Ticket, build_report
from deskmetrics.config.loading import parse_config

WEEK1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WEEK2 = WEEK1 + timedelta(weeks=1)


def tickets(prefix: str, when: datetime, count: int, escalated: int) -> list[Record]:
    return [
        Ticket(id=f"{prefix}{i}", created_at=when, escalated=i < escalated) for i in range(count)
    ]


def nps(
    prefix: str, when: datetime, promoters: int, passives: int, detractors: int
) -> list[Record]:
    scores = [10] * promoters + [8] * passives + [3] * detractors
    return [
        SurveyResponse(id=f"{prefix}{i}", kind=SurveyKind.NPS, score=s, created_at=when)
        for i, s in enumerate(scores)
    ]


def weekly(tmp_path: Path, records: list[Record], **options: Any) -> list[dict[str, Any]]:
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        report = build_report(
            store, parse_config({}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19),
            as_of=datetime(2026, 1, 19, tzinfo=UTC), grain="week", **options,
        )  # fmt: skip
        return [b["metrics"] for b in report.to_dict()["series"]["buckets"]]


def test_significant_change_in_a_proportion(tmp_path: Path) -> None:
    first, second = weekly(tmp_path, tickets("a", WEEK1, 100, 40) + tickets("b", WEEK2, 100, 60))
    assert (first["escalation_rate"]["value"], second["escalation_rate"]["value"]) == (40.0, 60.0)
    assert first["escalation_rate"]["change"] is None
    assert first["escalation_rate"]["significant"] is None
    # z = 2.83
    assert second["escalation_rate"]["change"] == pytest.approx(20.0)
    assert second["escalation_rate"]["significant"] is True
    assert second["ticket_volume"] == {
        "value": 100, "unit": "count", "n": 100, "low_sample": False,
        "change": 0, "significant": None,
    }  # fmt: skip


def test_small_change_is_not_significant(tmp_path: Path) -> None:
    _, second = weekly(tmp_path, tickets("a", WEEK1, 100, 45) + tickets("b", WEEK2, 100, 50))
    assert second["escalation_rate"]["change"] == pytest.approx(5.0)
    assert second["escalation_rate"]["significant"] is False  # z = 0.71


def test_nps_change_uses_the_nps_z_test(tmp_path: Path) -> None:
    first, second = weekly(tmp_path, nps("a", WEEK1, 50, 30, 20) + nps("b", WEEK2, 30, 40, 30))
    assert (first["nps"]["value"], second["nps"]["value"]) == (30.0, 0.0)
    assert second["nps"]["change"] == pytest.approx(-30.0)
    assert second["nps"]["significant"] is True  # z = −2.73


def test_empty_bucket_has_no_change_and_durations_are_not_tested(tmp_path: Path) -> None:
    resolved = [
        Ticket(id="r", created_at=WEEK1, resolved_at=WEEK1 + timedelta(hours=2),
               status=Status.SOLVED),
    ]  # fmt: skip
    first, second = weekly(tmp_path, resolved)
    assert first["resolution_time"]["value"] == pytest.approx(7200)
    assert second["resolution_time"]["value"] is None
    assert second["resolution_time"]["change"] is None
    assert second["resolution_time"]["significant"] is None


def test_backlog_is_taken_at_each_bucket_end(tmp_path: Path) -> None:
    records = [
        Ticket(id="open", created_at=WEEK1),
        Ticket(id="closed-in-week-2", created_at=WEEK1, resolved_at=WEEK2, status=Status.SOLVED),
        Ticket(id="late", created_at=WEEK2),
    ]
    first, second = weekly(tmp_path, records)
    assert (first["backlog"]["value"], second["backlog"]["value"]) == (2, 2)
    assert (first["resolution_rate"]["value"], second["resolution_rate"]["value"]) == (0.0, 0.0)

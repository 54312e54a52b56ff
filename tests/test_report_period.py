"""Report periods and series buckets in the report time zone (spec §1, §8)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmetrics import Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.report.period import buckets, resolve_period

BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")


def test_default_period_is_the_last_four_full_iso_weeks() -> None:
    span = resolve_period(None, None, datetime(2026, 1, 14, 15, 0, tzinfo=UTC), UTC_ZONE)
    assert (span.first, span.stop) == (date(2025, 12, 15), date(2026, 1, 12))


def test_default_period_uses_the_local_week_of_as_of() -> None:
    # Sunday 12:00 UTC is already Monday 01:00 in Auckland (UTC+13): that week has begun there.
    as_of = datetime(2026, 1, 11, 12, 0, tzinfo=UTC)
    assert resolve_period(None, None, as_of, UTC_ZONE).stop == date(2026, 1, 5)
    span = resolve_period(None, None, as_of, ZoneInfo("Pacific/Auckland"))
    assert (span.first, span.stop) == (date(2025, 12, 15), date(2026, 1, 12))
    assert span.start.isoformat() == "2025-12-15T00:00:00+13:00"


def test_only_from_runs_through_today_and_only_to_takes_four_weeks() -> None:
    as_of = datetime(2026, 1, 14, 15, 0, tzinfo=UTC)
    assert resolve_period(date(2026, 1, 1), None, as_of, UTC_ZONE).stop == date(2026, 1, 15)
    assert resolve_period(None, date(2026, 2, 2), as_of, UTC_ZONE).first == date(2026, 1, 5)


def test_empty_period_is_refused() -> None:
    as_of = datetime(2026, 1, 14, tzinfo=UTC)
    with pytest.raises(ValueError, match="not before"):
        resolve_period(date(2026, 1, 5), date(2026, 1, 5), as_of, UTC_ZONE)


def test_week_buckets_start_on_monday_and_are_clipped() -> None:
    span = resolve_period(date(2026, 1, 7), date(2026, 1, 21), datetime.now(UTC), UTC_ZONE)
    assert [(b.first, b.stop) for b in buckets(span, "week")] == [
        (date(2026, 1, 7), date(2026, 1, 12)),
        (date(2026, 1, 12), date(2026, 1, 19)),
        (date(2026, 1, 19), date(2026, 1, 21)),
    ]


def test_month_buckets_cross_the_year() -> None:
    span = resolve_period(date(2025, 12, 15), date(2026, 3, 10), datetime.now(UTC), UTC_ZONE)
    assert [b.first for b in buckets(span, "month")] == [
        date(2025, 12, 15), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1),
    ]  # fmt: skip


def test_day_buckets_follow_dst() -> None:
    span = resolve_period(date(2026, 3, 28), date(2026, 3, 31), datetime.now(UTC), BERLIN)
    days = buckets(span, "day")
    # Subtracting aware datetimes of one zone gives wall time; the real length needs UTC.
    hours = [(b.end.astimezone(UTC) - b.start.astimezone(UTC)).total_seconds() / 3600 for b in days]
    assert hours == [24, 23, 24]  # 2026-03-29: clocks go forward


def test_report_buckets_tickets_by_local_day(tmp_path: Path) -> None:
    def created(text: str) -> Ticket:
        return Ticket(id=text, created_at=datetime.fromisoformat(text))

    tickets = [
        created("2026-03-27T23:00:00+00:00"),  # 2026-03-28 00:00 Berlin: the period's first instant
        created("2026-03-27T22:59:59+00:00"),  # before it
        created("2026-03-28T23:30:00+00:00"),  # 2026-03-29 00:30 Berlin
        created("2026-03-29T21:59:59+00:00"),  # 2026-03-29 23:59:59 CEST
        created("2026-03-29T22:00:00+00:00"),  # 2026-03-30 00:00 CEST
        created("2026-03-30T22:00:00+00:00"),  # 2026-03-31: the exclusive end
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(tickets, source="s")
        report = build_report(
            store, parse_config({}, None).report_settings(),
            start=date(2026, 3, 28), end=date(2026, 3, 31),
            as_of=datetime(2026, 4, 1, tzinfo=UTC), timezone="Europe/Berlin", grain="day",
        ).to_dict()  # fmt: skip
    assert report["period"] == {
        "start": "2026-03-28T00:00:00+01:00",
        "end": "2026-03-31T00:00:00+02:00",
        "timezone": "Europe/Berlin",
    }
    assert report["as_of"] == "2026-04-01T00:00:00Z"
    assert report["metrics"]["ticket_volume"]["value"] == 4
    series = report["series"]
    assert series["grain"] == "day"
    assert [(b["start"], b["end"], b["metrics"]["ticket_volume"]["value"])
            for b in series["buckets"]] == [
        ("2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00", 1),
        ("2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 2),
        ("2026-03-30T00:00:00+02:00", "2026-03-31T00:00:00+02:00", 1),
    ]  # fmt: skip

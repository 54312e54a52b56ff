"""Zendesk business-hours schedules and holidays → ``deskmetrics.Schedule``.

Zendesk intervals count minutes from Sunday 00:00 in the schedule's zone (0…10080) and never
span two days; deskmetrics keeps seven lists of ``(start, end)`` minutes since local midnight,
Monday first. Zendesk zones are Rails-style names ("Pacific Time (US & Canada)"), which
``deskmetrics.Schedule`` maps to IANA keys itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import deskmetrics

MINUTES_PER_DAY = 1440
DAYS_PER_WEEK = 7


def weekly_from_week_minutes(
    intervals: Iterable[Mapping[str, Any]],
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """``[{"start_time": 1980, "end_time": 2460}]`` (Mon 09:00–17:00) → Monday-first days."""
    days: list[list[tuple[int, int]]] = [[] for _ in range(DAYS_PER_WEEK)]
    for interval in intervals:
        start, end = int(interval["start_time"]), int(interval["end_time"])
        if not 0 <= start < end <= DAYS_PER_WEEK * MINUTES_PER_DAY:
            raise ValueError(f"interval {start}-{end} is not within one week (0..10080)")
        sunday_based = start // MINUTES_PER_DAY
        offset = sunday_based * MINUTES_PER_DAY
        if end - offset > MINUTES_PER_DAY:
            raise ValueError(f"interval {start}-{end} spans two days")
        days[(sunday_based + 6) % DAYS_PER_WEEK].append((start - offset, end - offset))
    return tuple(tuple(sorted(day)) for day in days)


def holiday_dates(holidays: Iterable[Mapping[str, Any]]) -> frozenset[date]:
    """Every date of every holiday (a holiday may span several days, both ends included)."""
    dates: set[date] = set()
    for holiday in holidays:
        first = date.fromisoformat(str(holiday["start_date"]))
        last = date.fromisoformat(str(holiday.get("end_date") or holiday["start_date"]))
        day = first
        while day <= last:
            dates.add(day)
            day += timedelta(days=1)
    return frozenset(dates)


def schedule_from(schedule: Mapping[str, Any], holidays: Iterable[Mapping[str, Any]]) -> Any:
    """A ``deskmetrics.Schedule`` for a Zendesk schedule and its holidays."""
    schedule_type = getattr(deskmetrics, "Schedule", None)
    if schedule_type is None:
        raise deskmetrics.ConnectorError(
            "importing business hours needs deskmetrics.Schedule, which this deskmetrics "
            "version does not export"
        )
    try:
        return schedule_type(
            name=str(schedule.get("name") or f"zendesk-{schedule.get('id')}"),
            timezone=str(schedule.get("time_zone") or "UTC"),
            weekly=weekly_from_week_minutes(schedule.get("intervals") or ()),
            holidays=holiday_dates(holidays),
        )
    except ValueError as exc:
        raise deskmetrics.ConnectorError(
            f"business-hours schedule {schedule.get('name')!r} ({schedule.get('id')}): {exc}"
        ) from None


def week_deadline(schedule: Any) -> Callable[[datetime, float], datetime | None]:
    """(start, target minutes) → the instant that many business minutes after ``start``."""

    def deadline(start: datetime, minutes: float) -> datetime | None:
        found: datetime | None = schedule.add_business_seconds(start, minutes * 60)
        return found

    return deadline

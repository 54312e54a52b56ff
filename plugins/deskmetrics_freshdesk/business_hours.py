"""Freshdesk business-hours calendars (``/api/v2/business_hours``) as deskmetrics schedules.

A calendar names its zone the Rails way (``"Eastern Time (US & Canada)"``) and gives each working
day as ``{"start_time": "08:00:00 am", "end_time": "05:00:00 pm"}``; days missing from the dict
are closed. A calendar without the dict is a 24/7 one. Holidays are not in the API response.
"""

from __future__ import annotations

from typing import Any

import deskmetrics

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def clock_minutes(value: str, *, end: bool = False) -> int:
    """Minutes after midnight of ``"hh:mm:ss am"``; an end at ``11:59:59 pm`` is 24:00."""
    text, _, meridiem = value.strip().lower().partition(" ")
    parts = [int(p) for p in text.split(":")]
    hours, minutes, seconds = [*parts, 0, 0][:3]
    if meridiem in ("am", "pm"):
        hours = hours % 12 + (12 if meridiem == "pm" else 0)
    total = hours * 3600 + minutes * 60 + seconds
    # Ends round up: Freshdesk writes the end of the day as 11:59:59 pm.
    return -(-total // 60) if end else total // 60


def weekly_hours(days: dict[str, Any] | None) -> tuple[tuple[tuple[int, int], ...], ...]:
    if days is None:
        return tuple(((0, 1440),) for _ in DAYS)
    week: list[tuple[tuple[int, int], ...]] = []
    for day in DAYS:
        hours = days.get(day)
        if not hours:
            week.append(())
            continue
        start = clock_minutes(hours["start_time"])
        stop = clock_minutes(hours["end_time"], end=True)
        week.append(((start, stop),) if stop > start else ())
    return tuple(week)


def schedule_of(calendar: dict[str, Any]) -> deskmetrics.Schedule:
    """A ``deskmetrics.Schedule``; the Rails zone name becomes its IANA key."""
    zone = calendar.get("time_zone") or "UTC"
    try:
        iana = deskmetrics.to_iana(zone)
    except ValueError as exc:
        raise deskmetrics.ConnectorError(
            f"business hours {calendar.get('name')!r}: {exc}"
        ) from None
    days = calendar.get("business_hours", calendar.get("working_hours"))
    return deskmetrics.Schedule(
        name=str(calendar.get("name") or f"freshdesk-{calendar.get('id')}"),
        timezone=iana,
        weekly=weekly_hours(days),
    )

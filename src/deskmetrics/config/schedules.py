"""Business-hours schedules from configuration (``[schedules.NAME]``) and from helpdesk formats.

The configuration format is documented in docs/business-hours.md. Every problem is a Problem
naming the exact key below ``schedules``, e.g. ``support.hours.mon``; the configuration loader
prefixes the file and section (``deskmetrics.toml: schedules.support.hours.mon: ...``).
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any

from deskmetrics.calendar.business_hours import (
    DAY_NAMES,
    Interval,
    Schedule,
    Weekly,
    format_interval,
)
from deskmetrics.calendar.timezones import to_iana
from deskmetrics.config.problems import Problem, Problems

SCHEDULE_KEYS = ("timezone", "hours", "holidays", "country_holidays", "country_subdivision")
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for names in (DAY_NAMES, FULL_DAY_NAMES) for i, name in enumerate(names)}
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", re.ASCII)
_HOURS_EXAMPLE = '"09:00-17:00" or "09:00-12:00, 13:00-17:00"'


def parse_schedules(section: Any) -> dict[str, Schedule]:
    """Every table of a ``[schedules]`` section as a Schedule, by name.

    Raises Problems: the first problem of each broken schedule, keyed below ``schedules``.
    """
    if not isinstance(section, dict):
        raise Problem("", "must be a table, e.g. [schedules.support]")
    found: dict[str, Schedule] = {}
    problems: list[Problem] = []
    for name, table in section.items():
        try:
            found[name] = _parse_schedule(name, table)
        except Problem as problem:
            problems.append(problem)
    if problems:
        raise Problems(problems)
    return found


def parse_hours(text: str) -> tuple[Interval, ...]:
    """``"09:00-12:00, 13:00-17:00"`` → ``((540, 720), (780, 1020))``; ``""`` → closed.

    Raises ValueError saying what is wrong. Intervals may touch; they may not overlap, run
    backwards or cross midnight (``24:00`` ends a day).
    """
    intervals: list[Interval] = []
    for part in text.split(","):
        if not part.strip():
            if text.strip():
                raise ValueError(f"{text!r} has an empty interval (stray comma?)")
            continue
        match = _INTERVAL.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not HH:MM-HH:MM (e.g. {_HOURS_EXAMPLE})")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
            raise ValueError(f"{part.strip()!r} is not a time of day (00:00 to 24:00)")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise ValueError(
                f"{part.strip()!r} ends before it starts; an interval cannot cross midnight: "
                f'use "{h1:02d}:{m1:02d}-24:00" and "00:00-{h2:02d}:{m2:02d}" on the next day'
            )
        intervals.append((start, end))
    intervals.sort()
    for previous, current in pairwise(intervals):
        if current[0] < previous[1]:
            raise ValueError(f"{format_interval(previous)} overlaps {format_interval(current)}")
    return tuple(intervals)


def schedule_to_config(schedule: Schedule) -> dict[str, Any]:
    """The ``[schedules.NAME]`` table that :func:`parse_schedules` reads back as ``schedule``."""
    table: dict[str, Any] = {"timezone": schedule.timezone}
    table["hours"] = {
        day: ", ".join(format_interval(interval) for interval in intervals)
        for day, intervals in zip(DAY_NAMES, schedule.weekly, strict=True)
        if intervals
    }
    if schedule.holidays:
        table["holidays"] = [day.isoformat() for day in sorted(schedule.holidays)]
    if schedule.country:
        table["country_holidays"] = schedule.country
    if schedule.subdivision:
        table["country_subdivision"] = schedule.subdivision
    return table


def _parse_schedule(name: str, table: Any) -> Schedule:
    key = name
    if not isinstance(table, dict):
        raise Problem(key, 'must be a table with timezone = "..." and hours.mon = "..."')
    for unknown in table:
        if unknown not in SCHEDULE_KEYS:
            raise Problem(f"{key}.{unknown}", f"unknown key (known: {', '.join(SCHEDULE_KEYS)})")

    zone = table.get("timezone")
    if zone is None:
        raise Problem(f"{key}.timezone", 'missing: the schedule\'s time zone, e.g. "Europe/Berlin"')
    if not isinstance(zone, str):
        raise Problem(f"{key}.timezone", 'must be a string, e.g. "Europe/Berlin"')
    try:
        timezone = to_iana(zone)
    except ValueError as exc:
        raise Problem(f"{key}.timezone", str(exc)) from None

    weekly = _parse_week(key, table.get("hours", {}))
    explicit = _parse_holidays(key, table.get("holidays", []))

    country = table.get("country_holidays")
    subdivision = table.get("country_subdivision")
    if country is not None and (not isinstance(country, str) or not country.strip()):
        raise Problem(f"{key}.country_holidays", 'must be a country code, e.g. "DE"')
    if subdivision is not None:
        if not isinstance(subdivision, str) or not subdivision.strip():
            raise Problem(f"{key}.country_subdivision", 'must be a code, e.g. "BY"')
        if country is None:
            raise Problem(
                f"{key}.country_subdivision", "needs country_holidays (the country it belongs to)"
            )
    try:
        return Schedule(
            name,
            timezone,
            weekly,
            explicit,
            country=country.strip() if country else None,
            subdivision=subdivision.strip() if subdivision else None,
        )
    except ValueError as exc:
        # Only the country lookup can still fail here; everything else was checked above.
        which = "country_subdivision" if "subdivision" in str(exc) else "country_holidays"
        raise Problem(f"{key}.{which}", str(exc)) from None


def _parse_week(key: str, hours: Any) -> Weekly:
    if not isinstance(hours, dict):
        raise Problem(f"{key}.hours", 'must be a table of days, e.g. hours.mon = "09:00-17:00"')
    days: list[tuple[Interval, ...]] = [() for _ in range(7)]
    seen: dict[int, str] = {}
    for day, value in hours.items():
        day_key = f"{key}.hours.{day}"
        index = _DAY_INDEX.get(day)
        if index is None:
            raise Problem(
                day_key, f"unknown day (use {', '.join(DAY_NAMES)}, or full names like monday)"
            )
        if index in seen:
            raise Problem(day_key, f"the same day as hours.{seen[index]}")
        seen[index] = day
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(value) if value else ""
        if not isinstance(value, str):
            raise Problem(day_key, f'must be a string like {_HOURS_EXAMPLE} ("" = closed)')
        try:
            days[index] = parse_hours(value)
        except ValueError as exc:
            raise Problem(day_key, str(exc)) from None
    if not any(days):
        raise Problem(
            f"{key}.hours", 'no working hours on any day; add e.g. hours.mon = "09:00-17:00"'
        )
    return tuple(days)


def _parse_holidays(key: str, value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise Problem(f"{key}.holidays", 'must be a list of dates, e.g. ["2026-12-24"]')
    days: set[date] = set()
    for i, item in enumerate(value):
        item_key = f"{key}.holidays[{i}]"
        # TOML has a date type; a quoted "YYYY-MM-DD" or a "FIRST..LAST" range works too.
        if type(item) is date:
            days.add(item)
            continue
        if not isinstance(item, str):
            raise Problem(item_key, f"{item!r} is not a date (YYYY-MM-DD)")
        first_text, dots, last_text = item.partition("..")
        first = _parse_date(item_key, first_text)
        last = _parse_date(item_key, last_text) if dots else first
        if last < first:
            raise Problem(item_key, f"{item!r} ends before it starts")
        days.update(date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return frozenset(days)


def _parse_date(key: str, text: str) -> date:
    text = text.strip()
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise Problem(key, f"{text!r} is not a date (YYYY-MM-DD)") from None

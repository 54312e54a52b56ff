"""When jobs run: ``every = "15m"`` intervals and five-field ``cron`` expressions.

Cron follows Vixie cron: ``minute hour day-of-month month day-of-week`` with ``*``, lists,
ranges, steps and names (``jan``, ``mon``); Sunday is 0 or 7; when both day fields are
restricted a day matching either runs. Times are wall-clock times in the given time zone; a time
skipped by a DST change runs at the first minute after the gap, a repeated hour runs once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from deskmetrics.config.durations import parse_duration

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


@dataclass(frozen=True)
class Every:
    """A fixed interval, measured from the previous run's start."""

    seconds: float
    text: str

    @classmethod
    def parse(cls, text: str) -> Every:
        try:
            seconds = parse_duration(text.strip().lower())
        except ValueError:
            raise ValueError(f"{text!r} is not an interval like 30s, 15m, 1h30m or 1d") from None
        if seconds < 10:
            raise ValueError(f"{text!r} is shorter than the 10 s minimum")
        return cls(float(seconds), text)

    def next_after(self, previous: datetime) -> datetime:
        return previous + timedelta(seconds=self.seconds)


def _field(text: str, low: int, high: int, names: list[str] | None, label: str) -> frozenset[int]:
    values: set[int] = set()

    def number(token: str) -> int:
        if names and token.lower()[:3] in names and not token.isdigit():
            return names.index(token.lower()[:3]) + (low if names is _MONTHS else 0)
        if not token.isdigit():
            raise ValueError(f"{label}: {token!r} is not a number")
        return int(token)

    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else None
        if step_text and step is None:
            raise ValueError(f"{label}: step {step_text!r} must be a positive number")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = number(first), number(last)
        else:
            start = number(base)
            end = high if step else start
        if label == "day of week" and end == 7:
            values.add(0)
            end = 6 if start <= 6 else 7
        if not (low <= start <= high and low <= end <= high) or start > end:
            raise ValueError(f"{label}: {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step or 1))
    return frozenset(v % 7 if label == "day of week" else v for v in values)


@dataclass(frozen=True)
class Cron:
    """A five-field cron expression, evaluated in ``timezone``."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool
    timezone: str = "UTC"

    @classmethod
    def parse(cls, text: str, timezone: str = "UTC") -> Cron:
        fields = text.split()
        if len(fields) != 5:
            raise ValueError(
                f"{text!r} needs 5 fields (minute hour day-of-month month day-of-week), "
                f"got {len(fields)}"
            )
        minute, hour, day, month, weekday = fields
        return cls(
            text=text,
            minutes=_field(minute, 0, 59, None, "minute"),
            hours=_field(hour, 0, 23, None, "hour"),
            days=_field(day, 1, 31, None, "day of month"),
            months=_field(month, 1, 12, _MONTHS, "month"),
            weekdays=_field(weekday, 0, 7, _DAYS, "day of week"),
            any_day=day == "*",
            any_weekday=weekday == "*",
            timezone=timezone,
        )

    def _day_matches(self, moment: datetime) -> bool:
        in_month = moment.day in self.days
        in_week = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return in_month and in_week
        return in_month or in_week

    def next_after(self, previous: datetime) -> datetime:
        """The first matching minute strictly after ``previous`` (an aware datetime), in UTC."""
        zone = ZoneInfo(self.timezone)
        local = previous.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
        moment = local + timedelta(minutes=1)
        limit = moment + timedelta(days=366 * 5)
        while moment < limit:
            if moment.month not in self.months:
                moment = (moment.replace(day=1) + timedelta(days=32)).replace(
                    day=1, hour=0, minute=0
                )
            elif not self._day_matches(moment):
                moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
            elif moment.hour not in self.hours:
                moment = (moment + timedelta(hours=1)).replace(minute=0)
            elif moment.minute not in self.minutes:
                moment += timedelta(minutes=1)
            else:
                found = moment.replace(tzinfo=zone).astimezone(UTC)
                if found > previous:
                    return found
                moment += timedelta(minutes=1)  # the repeated hour of a DST change
        raise ValueError(f"cron {self.text!r} never matches")


Timing = Every | Cron

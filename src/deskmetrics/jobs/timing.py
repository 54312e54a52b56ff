"""When jobs run: ``every = "15m"`` intervals and five-field ``cron`` expressions.

Cron expressions are read and evaluated by ``cronsim``, which follows Vixie cron:
``minute hour day-of-month month day-of-week`` with ``*``, lists, ranges, steps and names
(``jan``, ``mon``); Sunday is 0 or 7. When both day fields are restricted a day matching either
runs, unless one of them starts with ``*`` (``*/2``): then a day must match both. Times are
wall-clock times in the given time zone; a time skipped by a DST change runs at the first minute
after the gap (03:00 for a 02:30 job in Europe/Berlin), a time in a repeated hour runs once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

from deskmetrics.config.durations import parse_duration


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


@dataclass(frozen=True)
class Cron:
    """A five-field cron expression, evaluated in ``timezone`` by cronsim."""

    text: str
    timezone: str = "UTC"

    @classmethod
    def parse(cls, text: str, timezone: str = "UTC") -> Cron:
        fields = text.split()
        if len(fields) != 5:
            raise ValueError(
                f"{text!r} needs 5 fields (minute hour day-of-month month day-of-week), "
                f"got {len(fields)}"
            )
        try:
            CronSim(text, datetime(2000, 1, 1, tzinfo=UTC))
        except CronSimError as exc:
            reason = str(exc).removeprefix("Bad ").lower()
            raise ValueError(
                f"{text!r} is not a cron expression: bad {reason} field "
                f'(minute hour day-of-month month day-of-week, e.g. "*/15 * * * *")'
            ) from None
        return cls(text, timezone)

    def next_after(self, previous: datetime) -> datetime:
        """The first matching minute strictly after ``previous`` (an aware datetime), in UTC."""
        start = previous.astimezone(ZoneInfo(self.timezone)).replace(second=0, microsecond=0)
        try:
            for found in CronSim(self.text, start):
                if found > previous:
                    return found.astimezone(UTC)
        except StopIteration:
            pass
        raise ValueError(f"cron {self.text!r} never matches")


Timing = Every | Cron

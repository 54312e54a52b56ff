"""Report periods and series buckets, in the report's time zone.

Days, ISO weeks and months are local calendar units, so a bucket is 23 or 25 hours long on DST
days. Bounds are computed here as UTC instants and handed to SQL as the store's text form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Grain = Literal["day", "week", "month"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")
DEFAULT_WEEKS = 4


@dataclass(frozen=True)
class Span:
    """A half-open local-date span ``[first, stop)`` and its instants in the zone."""

    first: date
    stop: date
    zone: ZoneInfo

    @property
    def start(self) -> datetime:
        return local_midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return local_midnight(self.stop, self.zone)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local date begins (aware, in ``zone``)."""
    # Round-tripping through UTC resolves a midnight that DST skips to the first real instant.
    naive = datetime(day.year, day.month, day.day)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def resolve_period(first: date | None, stop: date | None, as_of: datetime, zone: ZoneInfo) -> Span:
    """The report period from ``--from``/``--to`` local dates (``stop`` exclusive).

    Neither given: the last four full ISO weeks before the week of ``as_of``. Only ``--from``:
    up to and including the local day of ``as_of``. Only ``--to``: the four weeks before it.
    """
    today = local_date(as_of, zone)
    if first is None and stop is None:
        stop = today - timedelta(days=today.weekday())
        first = stop - timedelta(weeks=DEFAULT_WEEKS)
    elif stop is None:
        assert first is not None
        stop = today + timedelta(days=1)
    elif first is None:
        first = stop - timedelta(weeks=DEFAULT_WEEKS)
    if first >= stop:
        raise ValueError(f"the period is empty: --from {first} is not before --to {stop}")
    return Span(first, stop, zone)


def _next_boundary(day: date, grain: str) -> date:
    if grain == "day":
        return day + timedelta(days=1)
    if grain == "week":
        return day + timedelta(days=7 - day.weekday())
    if grain == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    raise ValueError(f"unknown grain {grain!r} (choose from {', '.join(GRAINS)})")


def buckets(span: Span, grain: str) -> list[Span]:
    """The series buckets: calendar units clipped to the period (first/last may be partial)."""
    result = []
    day = span.first
    while day < span.stop:
        following = min(_next_boundary(day, grain), span.stop)
        result.append(Span(day, following, span.zone))
        day = following
    return result


def to_iso(instant: datetime) -> str:
    """ISO 8601 text of an aware instant, as reports write it; UTC is written with ``Z``."""
    text = instant.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text

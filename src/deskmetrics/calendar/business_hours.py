"""Business hours: a schedule's working time, and business durations measured against it.

Representation
--------------
``Schedule.weekly`` holds 7 entries, Monday first (``date.weekday()`` order). Each entry is a
tuple of ``(start, end)`` pairs in **minutes since local midnight**, ``0 <= start < end <= 1440``;
``end == 1440`` means 24:00, so ``(0, 1440)`` is a whole day. Pairs are half-open wall-clock
intervals, sorted; touching pairs are merged (``9–12`` and ``12–17`` become ``9–17``).

Meaning
-------
Working time on a local date *d* (not a holiday) is the set of instants whose local wall-clock
reading lies in one of the day's intervals. This settles the DST edge cases without a special
rule: on a spring-forward day the skipped hour simply has no instants (Europe/Berlin 01:00–04:00 on
2026-03-29 is 2 h; an interval that lies wholly inside the gap is empty), and on a fall-back day
the repeated hour counts twice (01:00–04:00 on 2026-10-25 is 4 h). Holidays are local dates.

Speed
-----
Working time is kept as one sorted list of UTC edges (interval starts and ends) with the
cumulative business seconds at each edge, so ``B(t)``, the business seconds before instant *t*, is
one binary search, and ``business_seconds(a, b) = B(b) - B(a)`` costs the same for an hour as for
a year. The table covers whole UTC years around the instants asked about and is rebuilt, at least
doubling its span, when an instant falls outside it.

Results are exact for whole-second instants (all edges are whole seconds); sub-second inputs are
accurate to about a microsecond (float timestamps).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from deskmetrics.calendar.timezones import to_iana

MINUTES_PER_DAY = 1440
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Interval = tuple[int, int]
"""``(start, end)`` minutes since local midnight, half-open, ``0 <= start < end <= 1440``."""
Weekly = tuple[tuple[Interval, ...], ...]
"""Seven tuples of intervals, Monday first."""

_DAY = 86_400
_YEAR = 365 * _DAY
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MIN_TS = int(datetime(2, 1, 1, tzinfo=UTC).timestamp())
_MAX_TS = int(datetime(9998, 1, 1, tzinfo=UTC).timestamp())
# Offsets are sampled this often when looking for zone transitions. No zone in tzdata (checked
# with 2026.6) has two transitions within 6 hours since 1900, so a change between two samples
# is exactly one transition, found by bisection to the second.
_SAMPLE = 6 * 3600
# add_business_seconds gives up looking for working time this far past its start.
_SEARCH_LIMIT = 50 * _YEAR


@dataclass(frozen=True, slots=True)
class Schedule:
    """A working-time calendar: IANA zone, weekly wall-clock intervals, holiday dates.

    ``timezone`` may be given as a Rails-style name (``"Eastern Time (US & Canada)"``); it is
    stored as its IANA key. ``country``/``subdivision`` add that country's public holidays from
    the ``holidays`` package, computed only for the years a calculation touches.
    """

    name: str
    timezone: str
    weekly: Weekly
    holidays: frozenset[date] = frozenset()
    country: str | None = None
    subdivision: str | None = None
    _cache: _Cache = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise the fields once, here
        set_(self, "timezone", to_iana(self.timezone))
        set_(self, "weekly", normalize_weekly(self.weekly))
        set_(self, "holidays", frozenset(self.holidays))
        for day in self.holidays:
            if not isinstance(day, date) or isinstance(day, datetime):
                raise ValueError(f"holiday {day!r} is not a date")
        country_days = None
        if self.country is not None:
            set_(self, "country", self.country.upper())
            country_days = _country_holidays_loader(self.country, self.subdivision)
        elif self.subdivision is not None:
            raise ValueError("a holiday subdivision needs a country")
        set_(self, "_cache", _Cache(self.timezone, self.weekly, self.holidays, country_days))

    # -- public API -------------------------------------------------------------------------

    @property
    def weekly_seconds(self) -> int:
        """Working seconds in a week without holidays or DST changes."""
        return sum(end - start for day in self.weekly for start, end in day) * 60

    def is_holiday(self, day: date) -> bool:
        return day.toordinal() in self._cache.holiday_ordinals(day.year, day.year)

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Working seconds inside ``[start, end)``; 0.0 when ``end <= start``. Aware datetimes."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("business_seconds needs timezone-aware datetimes")
        return self.business_seconds_at(start.timestamp(), end.timestamp())

    def business_seconds_at(self, a: float, b: float) -> float:
        """``business_seconds`` between two POSIX timestamps (seconds since the epoch, UTC):
        the same float as for the datetimes they are the ``timestamp()`` of, without building
        them (a report counting stored stretches holds integer microseconds)."""
        if b <= a:
            return 0.0
        lo, hi, edges, base = self._cache.state
        if a < lo or b > hi:
            lo, hi, edges, base = self._cache.cover(a, b)
        # Odd edge indexes are interval starts: landing on one means t is inside that interval.
        j = bisect_right(edges, b) - 1
        at_b = base[j] + (b - edges[j]) if j & 1 else base[j]
        j = bisect_right(edges, a) - 1
        at_a = base[j] + (a - edges[j]) if j & 1 else base[j]
        return at_b - at_a

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """The earliest instant (aware, UTC) by which ``seconds`` of working time follow ``start``.

        With ``seconds == 0`` that is ``start`` itself. Raises ValueError for negative seconds, or
        when the schedule has no working time within 50 years of ``start``.
        """
        if start.tzinfo is None:
            raise ValueError("add_business_seconds needs a timezone-aware datetime")
        if not seconds >= 0 or math.isinf(seconds):  # `not >=` also rejects NaN
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        if seconds == 0:
            return start.astimezone(UTC)
        a = start.timestamp()
        if not any(self.weekly):
            raise ValueError(f"schedule {self.name!r} has no working hours")
        lo, hi, edges, base = self._cache.state
        if a < lo or a > hi:
            lo, hi, edges, base = self._cache.cover(a, a)
        j = bisect_right(edges, a) - 1
        target = (base[j] + (a - edges[j]) if j & 1 else base[j]) + seconds
        while base[-1] < target:
            if hi - a > _SEARCH_LIMIT:
                raise ValueError(
                    f"schedule {self.name!r}: no {seconds} s of working time within 50 years "
                    f"after {start.isoformat()}"
                )
            lo, hi, edges, base = self._cache.cover(a, hi + 1)
        # base rises strictly inside each interval and is flat between them, so the first edge
        # reaching the target is the end of the interval in which the target is reached.
        j = bisect_left(base, target)
        return datetime.fromtimestamp(edges[j - 1] + (target - base[j - 1]), UTC)

    def is_working(self, instant: datetime) -> bool:
        """Whether ``instant`` falls inside working time (intervals are half-open)."""
        if instant.tzinfo is None:
            raise ValueError("is_working needs a timezone-aware datetime")
        t = instant.timestamp()
        lo, hi, edges, _base = self._cache.state
        if t < lo or t >= hi:
            lo, hi, edges, _base = self._cache.cover(t, t + 1)
        return bool((bisect_right(edges, t) - 1) & 1)


def normalize_weekly(weekly: Iterable[Iterable[Interval]]) -> Weekly:
    """Validate 7 days of ``(start, end)`` minute pairs; sort them and merge touching ones."""
    days = [list(day) for day in weekly]
    if len(days) != 7:
        raise ValueError(f"weekly needs 7 days (Monday first), got {len(days)}")
    result = []
    for name, day in zip(DAY_NAMES, days, strict=True):
        merged: list[Interval] = []
        pairs = []
        for pair in day:
            if (
                not isinstance(pair, tuple | list)
                or len(pair) != 2
                or not all(type(m) is int for m in pair)
            ):
                raise ValueError(f"{name}: {pair!r} is not a (start, end) pair of whole minutes")
            pairs.append((pair[0], pair[1]))
        for pair in sorted(pairs):
            start, end = pair
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError(
                    f"{name}: {format_interval(pair)} is not an interval within one day "
                    f"(0 <= start < end <= 1440 minutes)"
                )
            if merged and start < merged[-1][1]:
                raise ValueError(
                    f"{name}: {format_interval(merged[-1])} overlaps {format_interval(pair)}"
                )
            if merged and start == merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        result.append(tuple(merged))
    return tuple(result)


def format_interval(interval: Interval) -> str:
    """``(540, 1020)`` → ``"09:00-17:00"``."""
    start, end = interval
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _country_holidays_loader(country: str, subdivision: str | None) -> _CountryHolidays:
    try:
        import holidays
    except ImportError:
        raise ValueError(
            "country holidays need the holidays package: pip install 'deskmetrics[holidays]'"
        ) from None
    try:
        holidays.country_holidays(country, subdiv=subdivision, years=())
    except NotImplementedError as exc:
        if subdivision is not None and country in holidays.list_supported_countries():
            raise ValueError(
                f"{subdivision!r} is not a subdivision of {country!r} known to the holidays package"
            ) from exc
        raise ValueError(
            f"{country!r} is not a country the holidays package knows (ISO 3166 code, e.g. 'DE')"
        ) from exc
    return _CountryHolidays(country, subdivision)


class _CountryHolidays:
    """One country's public holidays, computed for a year only once a calculation needs it."""

    def __init__(self, country: str, subdivision: str | None) -> None:
        self.country = country
        self.subdivision = subdivision
        self._years: set[int] = set()
        self._ordinals: frozenset[int] = frozenset()

    def ordinals(self, first_year: int, last_year: int) -> frozenset[int]:
        missing = [y for y in range(first_year, last_year + 1) if y not in self._years]
        if missing:
            import holidays

            found = holidays.country_holidays(self.country, subdiv=self.subdivision, years=missing)
            self._ordinals = self._ordinals | {day.toordinal() for day in found}
            self._years.update(missing)
        return self._ordinals


class _Cache:
    """The mutable part of a frozen Schedule: zone, holiday lookups and the edge table."""

    __slots__ = ("_country", "_explicit", "_weekly", "_zone", "state")

    def __init__(
        self,
        timezone: str,
        weekly: Weekly,
        explicit: frozenset[date],
        country: _CountryHolidays | None,
    ) -> None:
        self._weekly = weekly
        self._zone = ZoneInfo(timezone)
        self._explicit = frozenset(day.toordinal() for day in explicit)
        self._country = country
        # (lo, hi, edges, base): the table covers UTC timestamps [lo, hi]. It is swapped as one
        # tuple, so a reader never sees a table that is half built.
        self.state: tuple[float, float, list[float], list[float]] = (
            math.inf,
            -math.inf,
            [-math.inf],
            [0.0],
        )

    def holiday_ordinals(self, first_year: int, last_year: int) -> frozenset[int] | set[int]:
        if self._country is None:
            return self._explicit
        return self._explicit | self._country.ordinals(first_year, last_year)

    def cover(self, a: float, b: float) -> tuple[float, float, list[float], list[float]]:
        """Rebuild the table so it covers ``[a, b]``, at least doubling its span."""
        lo, hi, _, _ = self.state
        new_lo: float
        new_hi: float
        if lo > hi:  # empty: start with the years around the request
            new_lo, new_hi = _year_floor(a), _year_ceil(b)
        else:
            span = hi - lo
            new_lo = _year_floor(min(a, lo - span)) if a < lo else lo
            new_hi = _year_ceil(max(b, hi + span)) if b > hi else hi
        new_lo = max(int(new_lo), _MIN_TS)
        new_hi = min(int(new_hi), _MAX_TS)
        if not new_lo <= a <= b <= new_hi:
            raise ValueError("instant outside the supported years 2..9997")
        self.state = self._build(new_lo, new_hi)
        return self.state

    def _build(self, lo: int, hi: int) -> tuple[float, float, list[float], list[float]]:
        first_year = datetime.fromtimestamp(lo, UTC).year - 1
        last_year = datetime.fromtimestamp(hi, UTC).year + 1
        holidays = self.holiday_ordinals(first_year, last_year)
        weekly = self._weekly
        edges = [-math.inf]
        base = [0.0]
        total = 0.0
        for seg_lo, seg_hi, offset in _offset_segments(self._zone, lo, hi):
            # Within one offset segment wall time = UTC + offset, so each wall-clock interval
            # maps to UTC by subtracting the offset after clipping it to the segment.
            wall_lo = seg_lo + offset
            wall_hi = seg_hi + offset
            for day in range(wall_lo // _DAY, (wall_hi - 1) // _DAY + 1):
                ordinal = day + _EPOCH_ORDINAL
                if ordinal in holidays:
                    continue
                midnight = day * _DAY
                for start, end in weekly[(ordinal + 6) % 7]:
                    x = max(midnight + start * 60, wall_lo) - offset
                    y = min(midnight + end * 60, wall_hi) - offset
                    if x >= y:
                        continue
                    if edges[-1] == x:  # continues the previous interval (e.g. over midnight)
                        edges[-1] = float(y)
                        total += y - x
                        base[-1] = total
                    else:
                        edges.append(float(x))
                        base.append(total)
                        total += y - x
                        edges.append(float(y))
                        base.append(total)
        return (float(lo), float(hi), edges, base)


def _year_floor(t: float) -> int:
    """1 January (UTC) of the year of ``t``, within the supported years."""
    t = min(max(t, _MIN_TS), _MAX_TS)
    return int(datetime(datetime.fromtimestamp(t, UTC).year, 1, 1, tzinfo=UTC).timestamp())


def _year_ceil(t: float) -> int:
    """1 January (UTC) of the year after that of ``t``, within the supported years."""
    t = min(max(t, _MIN_TS), _MAX_TS)
    return int(datetime(datetime.fromtimestamp(t, UTC).year + 1, 1, 1, tzinfo=UTC).timestamp())


def _offset_segments(zone: ZoneInfo, lo: int, hi: int) -> list[tuple[int, int, int]]:
    """``[lo, hi)`` split where the zone's UTC offset changes: ``(start, end, offset)``."""

    def offset(t: int) -> int:
        delta = datetime.fromtimestamp(t, zone).utcoffset()
        assert delta is not None  # an aware datetime always has one
        return delta.days * _DAY + delta.seconds

    segments = []
    seg_start = lo
    current = offset(lo)
    t = lo
    while t < hi:
        nxt = min(t + _SAMPLE, hi)
        changed = offset(nxt)
        if changed != current:
            before, after = t, nxt  # offset(before) == current != offset(after)
            while after - before > 1:
                mid = (before + after) // 2
                if offset(mid) == current:
                    before = mid
                else:
                    after = mid
            if after < hi:
                segments.append((seg_start, after, current))
                seg_start = after
                current = changed
        t = nxt
    segments.append((seg_start, hi, current))
    return segments

"""When things happen in the synthetic helpdesk: ticket arrivals and the support team's hours.

Times are whole seconds since the Unix epoch (UTC) while simulating: integer arithmetic is much
cheaper than datetime arithmetic, and whole seconds give clean CSV timestamps.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise

MINUTE = 60
HOUR = 3600
DAY = 86_400
WEEK = 7 * DAY

HOURLY_PROFILE: tuple[float, ...] = (
    0.15, 0.12, 0.10, 0.10, 0.12, 0.18, 0.30, 0.55,  # 00–07
    0.95, 1.40, 1.65, 1.60, 1.25, 1.45, 1.60, 1.50,  # 08–15
    1.30, 1.05, 0.75, 0.55, 0.45, 0.38, 0.30, 0.22,  # 16–23
)  # fmt: skip
"""Relative ticket arrivals per hour of day (UTC): business hours with a lunch dip."""

WEEKDAY_PROFILE: tuple[float, ...] = (1.18, 1.08, 1.0, 0.97, 0.86, 0.32, 0.28)
"""Relative arrivals Monday…Sunday: Monday catches up on the weekend."""

TREND = 0.25
"""Volume grows by this fraction over the demo window (a growing customer base)."""

DAY_NOISE = 0.08
"""Day-to-day variation (sigma of a lognormal factor), so weeks are not copies of each other."""

OPEN_HOUR, CLOSE_HOUR = 8, 18
"""The support team's staffed hours, Monday to Friday, UTC."""


def to_datetime(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def weekday(seconds: int) -> int:
    """Monday = 0; 1970-01-01 was a Thursday."""
    return (seconds // DAY + 3) % 7


def next_opening(seconds: int) -> int:
    """The instant the team is next at work: ``seconds`` itself during staffed hours."""
    day_start = seconds - seconds % DAY
    time_of_day = seconds - day_start
    day = weekday(seconds)
    if day < 5 and time_of_day < CLOSE_HOUR * HOUR:
        return max(seconds, day_start + OPEN_HOUR * HOUR)
    days_ahead = 1 if day < 4 else 7 - day  # Friday evening and weekends wait for Monday
    return day_start + days_ahead * DAY + OPEN_HOUR * HOUR


def arrival_times(rng: random.Random, count: int, start: int, end: int) -> Iterator[int]:
    """``count`` ticket creation times in ``[start, end)``, ascending, with seasonality.

    The window is cut into clock hours; each hour receives its share of ``count`` by cumulative
    rounding (so the total is exact), then its tickets get uniform times within the hour. Only one
    hour's times are held at once, so memory does not grow with ``count``.
    """
    if count <= 0 or end <= start:
        return
    bounds = [start, *range(start - start % HOUR + HOUR, end, HOUR), end]
    day_noise: dict[int, float] = {}
    weights: list[float] = []
    span = end - start
    for lo, hi in pairwise(bounds):
        day = lo // DAY
        if day not in day_noise:
            day_noise[day] = math.exp(rng.gauss(0.0, DAY_NOISE))
        growth = 1.0 + TREND * (lo - start) / span
        seasonal = HOURLY_PROFILE[lo % DAY // HOUR] * WEEKDAY_PROFILE[weekday(lo)]
        weights.append(seasonal * growth * day_noise[day] * (hi - lo) / HOUR)
    total = math.fsum(weights)
    cumulative = 0.0
    placed = 0
    for (lo, hi), weight in zip(pairwise(bounds), weights, strict=True):
        cumulative += weight
        target = count if hi == end else round(count * cumulative / total)
        width = hi - lo
        times = sorted(lo + int(rng.random() * width) for _ in range(target - placed))
        placed = target
        yield from times


_FIRST_MONDAY = 4 * DAY
"""1970-01-05, the first Monday after the epoch: staffed weeks are counted from it."""
_STAFFED_DAY = (CLOSE_HOUR - OPEN_HOUR) * HOUR


def _staffed_until(seconds: int) -> int:
    weeks, into_week = divmod(seconds - _FIRST_MONDAY, WEEK)
    day, time_of_day = divmod(into_week, DAY)
    staffed = weeks * 5 * _STAFFED_DAY + min(day, 5) * _STAFFED_DAY
    if day < 5:
        staffed += min(max(time_of_day - OPEN_HOUR * HOUR, 0), _STAFFED_DAY)
    return staffed


def staffed_seconds(start: int, end: int) -> int:
    """Seconds of staffed hours between ``start`` and ``end``: the demo's business time."""
    return _staffed_until(end) - _staffed_until(start) if end > start else 0

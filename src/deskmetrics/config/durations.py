"""Durations as people write them in the config: 3600, "90s", "30m", "4h", "1h30m", "1.5d"."""

from __future__ import annotations

import re
from typing import Any

_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*"
    r"(?:(\d+(?:\.\d+)?)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$"
)


def parse_duration(value: Any) -> float:
    """Seconds from a positive number of seconds, or text with d, h, m and s parts in that order.

    Raises ValueError for anything else (zero, negative, booleans, "4 hours").
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value > 0:
            return float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if match is not None and any(match.groups()):
            days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
            total = days * 86400 + hours * 3600 + minutes * 60 + seconds
            if total > 0:
                return total
    raise ValueError(f'{value!r} is not a duration such as 3600, "4h", "30m" or "1h30m"')

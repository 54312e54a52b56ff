"""How the table reporter writes numbers: ``2 h 14 m``, ``84.4 %``, ``1,052``."""

from __future__ import annotations

import math

_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration(seconds: float | None) -> str:
    """The two largest units (the rest truncated): 8040 → ``2 h 14 m``; under a minute, seconds."""
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 or seconds == 0 else f"{seconds:.1f} s"
    total = round(seconds)
    parts: list[str] = []
    for i, (name, size) in enumerate(_UNITS):
        if total >= size or parts:
            amount, total = divmod(total, size)
            parts.append(f"{amount} {name}")
            if len(parts) == 2 or i == len(_UNITS) - 1:
                break
    return " ".join(parts)


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "seconds":
        return duration(value)
    if unit == "percent":
        return f"{value:.1f} %"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "replies":
        return f"{value:.2f}"
    if math.isclose(value, round(value)):
        return f"{value:.0f}"
    return f"{value:.1f}" if unit == "score" else f"{value:,.2f}"


def interval(low: float | None, high: float | None, unit: str) -> str:
    if low is None or high is None:
        return ""
    if unit == "seconds":
        return f"{duration(low)} – {duration(high)}"
    suffix = " %" if unit == "percent" else ""
    return f"{low:.1f}–{high:.1f}{suffix}"


def change(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    magnitude = abs(value)
    if unit == "seconds":
        return f"{sign}{duration(magnitude)}"
    if unit == "percent":
        return f"{sign}{magnitude:.1f} pt"
    if unit == "count":
        return f"{sign}{magnitude:,.0f}"
    return f"{sign}{magnitude:.1f}"

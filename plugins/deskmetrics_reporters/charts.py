"""Trend charts as inline SVG, drawn in Python: no JavaScript library, works offline and in print.

One small line chart per KPI: the series values, a shaded 95 % interval where the metric has one,
hollow points for low samples, and the KPI's target as a dashed line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from deskmetrics_reporters import humanize

WIDTH, HEIGHT = 320, 128
LEFT, RIGHT, TOP, BOTTOM = 56, 10, 10, 22


@dataclass(frozen=True)
class Point:
    label: str
    """What the point's tooltip names it by, e.g. the bucket's first day."""
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    low_sample: bool = False
    href: str | None = None
    """Where clicking the point leads (``deskmetrics serve``: its ticket list); None: nowhere."""


def line_chart(
    chart_id: str, points: Sequence[Point], unit: str, target: float | None = None, title: str = ""
) -> str:
    """An ``<svg class="chart">`` with a ``path.line`` through the non-null points.

    Nulls break the line (a gap, not a zero). Returns an empty-chart note when every value is
    null, so the page never shows a line that is not data.
    """
    present = [p for p in points if p.value is not None]
    if not present:
        return '<p class="nochart">no data in the series</p>'
    lo, hi, step_y = _domain(points, unit, target)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (i * step if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - lo) / (hi - lo))

    def at(i: int, v: float | None) -> str:
        """The "x,y" of point i at v; segments and bands hold only points that have a v."""
        assert v is not None
        return f"{x(i):.1f},{y(v):.1f}"

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" data-points="{len(present)}">',
        f"<title>{escape(title)}</title>",
    ]
    for v in _ticks(lo, hi, step_y):
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(v):.1f}" y2="{y(v):.1f}"/>')  # fmt: skip
        parts.append(f'<text class="ylab" x="{LEFT - 4}" y="{y(v) + 3:.1f}">'
                     f"{escape(_axis_label(v, unit))}</text>")  # fmt: skip
    for segment in _segments(points):
        if all(points[i].low is not None and points[i].high is not None for i in segment):
            upper = [at(i, points[i].high) for i in segment]
            lower = [at(i, points[i].low) for i in reversed(segment)]
            parts.append(f'<polygon class="band" points="{" ".join(upper + lower)}"/>')
    if target is not None:
        parts.append(f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y(target):.1f}" y2="{y(target):.1f}"><title>target '
                     f"{escape(humanize.number(target, unit))}</title></line>")  # fmt: skip
    path = " ".join(
        ("M" if k == 0 else "L") + at(i, points[i].value)
        for segment in _segments(points)
        for k, i in enumerate(segment)
    )
    parts.append(f'<path class="line" d="{path}"/>')
    for i, p in enumerate(points):
        if p.value is None:
            continue
        kind = "pt low" if p.low_sample else "pt"
        tip = f"{p.label}: {humanize.number(p.value, unit)} (n {p.n:,})"
        circle = (f'<circle class="{kind}" cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="2.8">'
                  f"<title>{escape(tip)}</title></circle>")  # fmt: skip
        if p.href is not None:
            circle = f'<a class="pt-link" href="{escape(p.href)}">{circle}</a>'
        parts.append(circle)
    first, last = points[0].label, points[-1].label
    parts.append(f'<text class="xlab" x="{LEFT}" y="{HEIGHT - 6}">{escape(first)}</text>')
    if len(points) > 1:
        parts.append(f'<text class="xlab end" x="{WIDTH - RIGHT}" y="{HEIGHT - 6}">'
                     f"{escape(last)}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def _segments(points: Sequence[Point]) -> list[list[int]]:
    """Runs of consecutive indexes with a value; a null starts a new run."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, p in enumerate(points):
        if p.value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(i)
    if current:
        runs.append(current)
    return runs


TIME_STEPS = (
    1,
    5,
    10,
    30,
    60,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    432000,
    864000,
)
"""Grid steps for durations, in seconds: whole minutes, hours and days read better than 1 h 7 m."""


def _domain(points: Sequence[Point], unit: str, target: float | None) -> tuple[float, float, float]:
    """Bounds on round numbers (two grid steps apart), holding the data, intervals and target."""
    numbers = [p.value for p in points if p.value is not None]
    numbers += [b for p in points for b in (p.low, p.high) if b is not None and p.value is not None]
    if target is not None:
        numbers.append(target)
    lo, hi = min(numbers), max(numbers)
    # Counts and durations start at zero, so a small wobble does not look like a collapse.
    if unit in ("count", "seconds", "replies") and lo >= 0:
        lo = 0.0
    step = _step((hi - lo) / 2 or abs(hi) / 2 or 1.0, unit)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if hi - lo < 2 * step:
        hi = lo + 2 * step
    # Shares and scores have hard bounds; padding must not draw an axis past them.
    if unit == "percent" or (unit == "score" and -100 <= min(numbers) <= max(numbers) <= 100):
        lo, hi = max(lo, -100.0 if unit == "score" else 0.0), min(hi, 100.0)
    return lo, hi, step


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    if (hi - lo) / step > 4.5:  # a grid line every other step keeps the small chart legible
        step *= 2
    return [lo + k * step for k in range(int((hi - lo) / step + 1e-9) + 1)]


def _step(span: float, unit: str) -> float:
    """The smallest round step (1, 2, 2.5 or 5 × 10^k; for durations a time unit) ≥ span."""
    if unit == "seconds":
        return next((s for s in TIME_STEPS if s >= span), 864000 * math.ceil(span / 864000))
    power: float = 10 ** math.floor(math.log10(span))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= span)


def _axis_label(value: float, unit: str) -> str:
    """Like the cards, but ``12 h`` rather than ``12 h 0 m`` on a round grid line."""
    text = humanize.number(value, unit)
    for zero in (" 0 m", " 0 s", " 0 h"):
        text = text.removesuffix(zero)
    return text

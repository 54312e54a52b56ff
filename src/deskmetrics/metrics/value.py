"""MetricValue: one computed number with its sample size, spread and flags (spec §1, §9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from deskmetrics.metrics.statistics import (
    mean_interval,
    nps_margin,
    nps_variance,
    percentile,
    wilson_interval,
)

UNITS = ("seconds", "percent", "count", "score", "replies")


@dataclass
class MetricValue:
    """A metric for one period (and breakdown key).

    ``extra`` holds the unit-specific fields of spec §4/§5 in output order (``median``, ``p90``,
    ``ci_low`` …). ``successes`` and ``variance`` are kept for significance tests between series
    buckets and are not part of the JSON output.
    """

    value: float | None
    unit: str
    n: int
    extra: dict[str, Any] = field(default_factory=dict)
    low_sample: bool = False
    successes: float | None = None
    variance: float | None = None
    change: float | None = None
    significant: bool | None = None
    compared: bool = False
    """Set for series buckets: ``change``/``significant`` are then part of the output."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "unit": self.unit, "n": self.n}
        data.update(self.extra)
        data["low_sample"] = self.low_sample
        if self.compared:
            data["change"] = self.change
            data["significant"] = self.significant
        return data

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def count(cls, count: int, n: int | None = None, unit: str = "count") -> MetricValue:
        """A count; ``n`` is the population it was counted in (default: the count itself)."""
        return cls(value=count, unit=unit, n=count if n is None else n)

    @classmethod
    def proportion(cls, successes: float, n: int) -> MetricValue:
        """A rate in percent with its 95 % Wilson interval; n = 0 gives nulls, never 0."""
        if n <= 0:
            return cls(None, "percent", 0, {"ci_low": None, "ci_high": None}, successes=0)
        low, high = wilson_interval(successes, n)
        extra = {"ci_low": 100 * low, "ci_high": 100 * high}
        return cls(100 * successes / n, "percent", n, extra, successes=successes)

    @classmethod
    def distribution(
        cls, sorted_values: Sequence[float], unit: str = "seconds", *, p90: bool = True
    ) -> MetricValue:
        """Mean as value, with median (and p90) of ascending values; nulls when there are none."""
        extra: dict[str, Any] = {"median": None}
        if p90:
            extra["p90"] = None
        n = len(sorted_values)
        if n == 0:
            return cls(None, unit, 0, extra)
        extra["median"] = percentile(sorted_values, 50)
        if p90:
            extra["p90"] = percentile(sorted_values, 90)
        return cls(sum(sorted_values) / n, unit, n, extra)

    @classmethod
    def nps(cls, promoters: int, passives: int, detractors: int) -> MetricValue:
        """Net promoter score with its 95 % margin and the three shares (percent)."""
        n = promoters + passives + detractors
        keys = ("ci_low", "ci_high", "promoters", "passives", "detractors")
        if n == 0:
            return cls(None, "score", 0, dict.fromkeys(keys))
        score = 100 * (promoters - detractors) / n
        margin = nps_margin(promoters, detractors, n)
        extra = {
            "ci_low": max(-100.0, score - margin),
            "ci_high": min(100.0, score + margin),
            "promoters": 100 * promoters / n,
            "passives": 100 * passives / n,
            "detractors": 100 * detractors / n,
        }
        variance = nps_variance(promoters / n, detractors / n)
        return cls(score, "score", n, extra, variance=variance)

    @classmethod
    def score_mean(
        cls,
        total: float,
        total_squares: float,
        n: int,
        *,
        normalized: float | None,
        scale: tuple[float, float] | None,
    ) -> MetricValue:
        """Mean raw score with its normal 95 % interval (CES); ``normalized`` is 0..100."""
        extra: dict[str, Any] = {
            "ci_low": None,
            "ci_high": None,
            "normalized": None,
            "scale_min": None,
            "scale_max": None,
        }
        if n == 0:
            return cls(None, "score", 0, extra)
        mean, low, high = mean_interval(total, total_squares, n)
        extra.update(ci_low=low, ci_high=high, normalized=normalized)
        if scale is not None:
            extra.update(scale_min=scale[0], scale_max=scale[1])
        return cls(mean, "score", n, extra)

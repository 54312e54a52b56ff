"""The statistics behind every reported number (spec §1, §5, §8), in plain Python.

Proportions and intervals are returned as fractions (0..1); callers scale to percent. numpy is not
a dependency, so percentiles reimplement numpy's default ("linear") method exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.96
"""The 95 % normal quantile exactly as the spec writes its formulas (the true 1.95996… differs in
the fifth digit); significance tests use exact p-values instead."""


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval of ``successes / n``, clamped to [0, 1]."""
    if n <= 0:
        raise ValueError("the Wilson interval needs n > 0")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    # At p = 0 or 1 the bound is exactly 0 or 1; float rounding would give 0.9999999999999999.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) of ascending values, numpy's default linear method."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    position = (len(sorted_values) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    a, b = sorted_values[low], sorted_values[high]
    # numpy's lerp form, so results match it to the last bit for typical inputs.
    return a + (b - a) * fraction if fraction else float(a)


def nps_variance(promoter_share: float, detractor_share: float) -> float:
    """Per-response variance of the NPS on the −1..1 scale: ``pP + pD − (pP − pD)²``."""
    return promoter_share + detractor_share - (promoter_share - detractor_share) ** 2


def nps_margin(promoters: int, detractors: int, n: int, z: float = Z95) -> float:
    """95 % margin of the NPS in points (−100..100): ``z × 100 × sqrt(v / n)``."""
    v = nps_variance(promoters / n, detractors / n)
    return z * 100 * math.sqrt(max(v, 0.0) / n)


def mean_interval(
    total: float, total_squares: float, n: int, z: float = Z95
) -> tuple[float, float, float]:
    """Mean and its normal 95 % interval ``mean ± z·s/√n`` (s: sample standard deviation).

    Works from running sums so callers can aggregate in SQL. With one value the interval collapses
    to the mean (the sample deviation is undefined; we do not invent spread).
    """
    mean = total / n
    if n < 2:
        return mean, mean, mean
    variance = max((total_squares - total * total / n) / (n - 1), 0.0)
    half = z * math.sqrt(variance) / math.sqrt(n)
    return mean, mean - half, mean + half


def normal_two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_z(x1: float, n1: int, x2: float, n2: int) -> float | None:
    """Pooled two-proportion z statistic of ``x2/n2`` against ``x1/n1`` (None without data).

    When the pooled share is 0 or 1 both samples agree perfectly and z is 0.
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if spread <= 0:
        return 0.0
    return (x2 / n2 - x1 / n1) / math.sqrt(spread)


def nps_z(a: float, va: float, na: int, b: float, vb: float, nb: int) -> float | None:
    """``z = (b − a) / sqrt(va/na + vb/nb)`` with scores on the −1..1 scale (spec §8).

    Both variances zero means every response of each bucket is in one category: the difference
    is then certain, so z is infinite (or 0 when the scores are equal).
    """
    if na <= 0 or nb <= 0:
        return None
    spread = va / na + vb / nb
    if spread <= 0:
        return 0.0 if a == b else math.copysign(math.inf, b - a)
    return (b - a) / math.sqrt(spread)


def significant(z: float | None, alpha: float = 0.05) -> bool | None:
    """Whether a z statistic is significant at ``alpha`` (two-sided); None when untestable."""
    if z is None:
        return None
    return normal_two_sided_p(z) < alpha

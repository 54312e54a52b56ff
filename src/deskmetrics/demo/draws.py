"""Random draws shared by the generator's modules: weighted choices and lognormal durations."""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate


def cumulative(weights: Sequence[float]) -> list[float]:
    """Cumulative shares of ``weights`` (ending at 1.0), for :func:`pick`."""
    total = sum(weights)
    return [w / total for w in accumulate(weights)]


def pick(cumulative_shares: list[float], u: float) -> int:
    """Index chosen by a uniform ``u`` in [0, 1); cheaper than ``Random.choices`` per call."""
    return min(bisect_right(cumulative_shares, u), len(cumulative_shares) - 1)


def lognormal(rng: random.Random, median: float, sigma: float) -> int:
    """Whole seconds from a lognormal with the given median: waits are long-tailed."""
    return int(median * math.exp(rng.gauss(0.0, sigma)))

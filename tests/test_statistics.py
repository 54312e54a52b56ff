"""The statistics of spec §1, §5 and §8 against hand-computed and published figures."""

from __future__ import annotations

import math

import pytest

from deskmetrics.metrics.statistics import (
    mean_interval,
    nps_margin,
    nps_z,
    percentile,
    significant,
    two_proportion_z,
    wilson_interval,
)


def test_wilson_worked_example_45_of_50() -> None:
    low, high = wilson_interval(45, 50)
    assert 100 * low == pytest.approx(78.64, abs=0.005)
    assert 100 * high == pytest.approx(95.65, abs=0.005)


def test_wilson_extremes_stay_inside_0_and_1() -> None:
    low, high = wilson_interval(0, 10)
    assert low == 0.0
    # z²/(n + z²) for p = 0: 3.8416 / 13.8416
    assert high == pytest.approx(0.27754, abs=1e-5)
    low, high = wilson_interval(10, 10)
    assert high == 1.0
    assert low == pytest.approx(1 - 0.27754, abs=1e-5)


def test_wilson_needs_a_sample() -> None:
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1, 2, 3, 4], 50, 2.5),
        ([1, 2, 3, 4], 90, 3.7),  # position 0.9 × 3 = 2.7 → 3 + 0.7 × (4 − 3)
        ([10, 20], 90, 19.0),
        ([7], 90, 7.0),
        ([0, 0, 0, 100], 90, 70.0),  # position 2.7 → 0 + 0.7 × 100
        ([1, 3, 3, 9, 11], 50, 3.0),
        ([1, 3, 3, 9, 11], 90, 10.2),  # position 3.6 → 9 + 0.6 × 2
        ([2, 4, 6, 8, 10, 12, 14, 16, 18, 20], 90, 18.2),  # position 8.1
    ],
)
def test_percentile_matches_numpy_linear(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_nps_worked_example_30_plus_minus_15_3() -> None:
    # v = 0.5 + 0.2 − 0.3² = 0.61; 1.96 × 100 × sqrt(0.61 / 100) = 15.31
    assert nps_margin(50, 20, 100) == pytest.approx(15.3, abs=0.05)


def test_mean_interval_uses_the_sample_deviation() -> None:
    mean, low, high = mean_interval(5 + 7 + 6, 25 + 49 + 36, 3)
    assert mean == 6
    half = 1.96 * 1 / math.sqrt(3)  # s = 1
    assert (low, high) == pytest.approx((6 - half, 6 + half))


def test_mean_interval_of_one_value_collapses() -> None:
    assert mean_interval(4, 16, 1) == (4, 4, 4)


def test_two_proportion_z_by_hand() -> None:
    # pooled 0.5; se = sqrt(0.25 × (1/100 + 1/100)) = 0.070711; z = 0.2 / se
    z = two_proportion_z(40, 100, 60, 100)
    assert z == pytest.approx(2.828427, abs=1e-6)
    assert significant(z) is True
    z = two_proportion_z(45, 100, 50, 100)
    assert z == pytest.approx(0.707992, abs=1e-6)
    assert significant(z) is False


def test_two_proportion_z_degenerate_cases() -> None:
    assert two_proportion_z(0, 0, 5, 10) is None
    assert significant(None) is None
    assert two_proportion_z(10, 10, 20, 20) == 0.0  # both all-successes: no difference


def test_nps_z_by_hand() -> None:
    # a: 50 % promoters, 20 % detractors (0.3, v 0.61); b: 30 % / 30 % (0.0, v 0.6)
    z = nps_z(0.3, 0.61, 100, 0.0, 0.6, 100)
    assert z == pytest.approx(-0.3 / math.sqrt(0.0121), abs=1e-9)
    assert significant(z) is True


def test_nps_z_with_no_spread() -> None:
    assert nps_z(1.0, 0.0, 5, 1.0, 0.0, 8) == 0.0
    assert nps_z(1.0, 0.0, 5, -1.0, 0.0, 8) == -math.inf
    assert significant(-math.inf) is True

"""Child fetches: bounded concurrency, results in the keys' order, errors raised."""

from __future__ import annotations

import threading

import pytest

import deskmetrics


def test_results_keep_the_order_and_concurrency_stays_bounded() -> None:
    running, peak = 0, 0
    lock = threading.Lock()
    # Three calls must be in flight together to pass it: fewer threads would break it.
    together = threading.Barrier(3, timeout=10)

    def fetch(key: int) -> int:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        together.wait()
        with lock:
            running -= 1
        return key * 10

    with deskmetrics.ChildFetches(fetch, concurrency=3) as children:
        first = children.fetch([5, 1, 4, 2, 3, 9])
    assert first == [(5, 50), (1, 10), (4, 40), (2, 20), (3, 30), (9, 90)]
    assert peak == 3


def test_an_error_of_one_child_is_raised() -> None:
    def fetch(key: int) -> int:
        if key == 2:
            raise deskmetrics.ConnectorError("ticket 2: 500")
        return key

    with (
        deskmetrics.ChildFetches(fetch, concurrency=2) as children,
        pytest.raises(deskmetrics.ConnectorError, match="ticket 2: 500"),
    ):
        children.fetch([1, 2, 3])


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        deskmetrics.ChildFetches(str, concurrency=0)

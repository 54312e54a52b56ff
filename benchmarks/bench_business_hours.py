"""Time Schedule.business_seconds over random spans of up to six months.

Run: ``python benchmarks/bench_business_hours.py [calls] [--repeat 3]`` (default 1,000,000 calls).
Prints µs/call and the ratio to its floor, measured alternating with it on the same spans: the
calendar seconds of each span (``(end - start).total_seconds()``), the least any duration costs.
The schedule is Europe/Berlin, Mon–Fri 09:00–12:00 and 13:00–17:00, with German public holidays
when the ``holidays`` package is installed, so spans cross DST changes, weekends and holidays.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from deskmetrics.calendar.business_hours import Schedule


def main(calls: int = 1_000_000, repeat: int = 3) -> None:
    try:
        import holidays  # noqa: F401

        country = "DE"
    except ImportError:
        country = None
    workday = ((9 * 60, 12 * 60), (13 * 60, 17 * 60))
    schedule = Schedule("bench", "Europe/Berlin", (workday,) * 5 + ((), ()), country=country)

    rng = random.Random(20261123)
    first = datetime(2024, 1, 1, tzinfo=UTC).timestamp()
    last = datetime(2027, 1, 1, tzinfo=UTC).timestamp()

    # The first call builds the table for the years touched; time it apart from the rest.
    started = time.perf_counter()
    schedule.business_seconds(
        datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last + 183 * 86_400, UTC)
    )
    print(f"table build (2024-2027): {(time.perf_counter() - started) * 1e3:.1f} ms")

    for label, longest in (("up to 6 months", 183 * 86_400), ("up to 1 hour", 3600)):
        pairs = []
        for _ in range(calls):
            a = rng.uniform(first, last)
            b = a + rng.uniform(0, longest)
            pairs.append((datetime.fromtimestamp(a, UTC), datetime.fromtimestamp(b, UTC)))
        business_seconds = schedule.business_seconds
        floor_runs, business_runs = [], []
        for _ in range(repeat):  # alternating: a shared machine's load hits both alike
            floor_runs.append(_cpu(_calendar_seconds, pairs))
            business_runs.append(_cpu(business_seconds, pairs))
        floor, business = statistics.median(floor_runs), statistics.median(business_runs)
        print(
            f"{calls:,} calls, spans {label}: {business:.2f} s CPU, "
            f"{business / calls * 1e6:.2f} µs/call; floor (calendar seconds) "
            f"{floor / calls * 1e6:.2f} µs/call; {business / floor:.1f}× the floor"
        )


def _calendar_seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


def _cpu(
    duration: Callable[[datetime, datetime], float], pairs: list[tuple[datetime, datetime]]
) -> float:
    """CPU seconds of ``duration`` over every pair (one call each, as the floor makes too)."""
    started = time.process_time()
    for start, end in pairs:
        duration(start, end)
    return time.process_time() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("calls", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs (median shown)")
    options = parser.parse_args()
    main(options.calls, options.repeat)

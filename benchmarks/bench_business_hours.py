"""Time Schedule.business_seconds over random spans of up to six months.

Run: ``python benchmarks/bench_business_hours.py [calls]`` (default 1,000,000). Prints µs/call.
The schedule is Europe/Berlin, Mon–Fri 09:00–12:00 and 13:00–17:00, with German public holidays
when the ``holidays`` package is installed, so spans cross DST changes, weekends and holidays.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import UTC, datetime

from deskmetrics.calendar.business_hours import Schedule


def main(calls: int = 1_000_000) -> None:
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
        started = time.perf_counter()
        for a, b in pairs:
            business_seconds(a, b)
        elapsed = time.perf_counter() - started
        print(
            f"{calls:,} calls, spans {label}: {elapsed:.2f} s, {elapsed / calls * 1e6:.2f} µs/call"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

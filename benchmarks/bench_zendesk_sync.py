"""Benchmark: sync 100,000 Zendesk tickets from a local fake server into a fresh store.

    .venv/bin/python benchmarks/bench_zendesk_sync.py [--tickets 100000] [--per-page 1000]

The fake Zendesk (tests/zendesk_fake) runs in its own process, so its JSON encoding does not
count against the connector. Rate-limit sleeps are disabled: the account budget gets a clock
that jumps instead of waiting. Goals (issue): one HTTP request per 1,000 tickets including
their metrics, and at least 20,000 tickets/s through mapping and storing.

"Mapping and storing" is the sync's wall time minus the time spent waiting for HTTP responses
and decoding their JSON (measured around each export request).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake server lives with the tests

TICKET_GOAL_PER_SECOND = 20_000
REQUESTS_PER_THOUSAND_GOAL = 1.0


def serve(tickets: int, pipe: Connection) -> None:
    """The fake Zendesk, in a child process: answers until the parent says stop."""
    from deskmetrics.testing.fake_server import FakeServer
    from zendesk_fake import FakeAccount, ZendeskHandler

    handler = ZendeskHandler(FakeAccount(tickets))
    handler._ordered()  # sort once before the clock starts
    with FakeServer(handler) as server:
        pipe.send(server.url)
        pipe.recv()


class NoWait:
    """A clock for the rate budget that moves forward instead of sleeping."""

    def __init__(self) -> None:
        self.now = 0.0
        self.skipped = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.skipped += seconds
        self.now += seconds


def run(tickets: int, per_page: int, *, gc_off: bool = False) -> dict[str, Any]:
    import deskmetrics
    from deskmetrics.sync import sync_stream
    from deskmetrics_zendesk import ZendeskConnector, ZendeskOptions

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(tickets, child), daemon=True)
    started = time.perf_counter()
    server.start()
    url = parent.recv()
    print(f"fake Zendesk with {tickets:,} tickets ready in {time.perf_counter() - started:.1f} s")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            options = ZendeskOptions(base_url=url, access_token="good-token", per_page=per_page)
            zendesk = ZendeskConnector(options, connection="bench")
            no_wait = NoWait()
            zendesk.budget = deskmetrics.RateBudget(clock=no_wait.clock, sleep=no_wait.sleep)
            zendesk.sleep = no_wait.sleep

            waiting = [0.0]
            waiting_cpu = [0.0]
            export_requests = [0]
            api = zendesk.api
            plain_get = api.get

            def timed_get(path: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
                begun, begun_cpu = time.perf_counter(), time.process_time()
                try:
                    return plain_get(path, *args, **kwargs)
                finally:
                    waiting[0] += time.perf_counter() - begun
                    waiting_cpu[0] += time.process_time() - begun_cpu
                    export_requests[0] += path.endswith("tickets/cursor.json")

            api.get = timed_get  # type: ignore[method-assign]
            with deskmetrics.Store(Path(tmp) / "bench.db") as store:
                for stream in ("groups", "agents"):
                    sync_stream(store, zendesk, stream)
                storing = [0.0]
                plain_write = store.write

                storing_cpu = [0.0]

                def timed_write(*args: Any, **kwargs: Any) -> Any:
                    begun, begun_cpu = time.perf_counter(), time.process_time()
                    try:
                        return plain_write(*args, **kwargs)
                    finally:
                        storing[0] += time.perf_counter() - begun
                        storing_cpu[0] += time.process_time() - begun_cpu

                store.write = timed_write  # type: ignore[method-assign]
                waiting[0] = waiting_cpu[0] = 0.0
                if gc_off:
                    gc.disable()
                begun, begun_cpu = time.perf_counter(), time.process_time()
                result = sync_stream(store, zendesk, "tickets")
                wall = time.perf_counter() - begun
                cpu = time.process_time() - begun_cpu
                gc.enable()
                stored = store.count("tickets")
            zendesk.close()
    finally:
        parent.send("stop")
        server.join(timeout=10)
    assert result.status == "succeeded", result.error
    assert stored == tickets, (stored, tickets)
    mapping = wall - waiting[0]
    mapping_cpu = cpu - waiting_cpu[0]
    return {
        "tickets": stored,
        "export_requests": export_requests[0],
        "requests_per_1000": 1000 * export_requests[0] / stored,
        "wall_seconds": wall,
        "http_seconds": waiting[0],
        "mapping_storing_seconds": mapping,
        "storing_seconds": storing[0],
        "mapping_storing_cpu_seconds": mapping_cpu,
        "storing_cpu_seconds": storing_cpu[0],
        "tickets_per_cpu_second_mapping_storing": stored / mapping_cpu,
        "tickets_per_second_mapping_storing": stored / mapping,
        "tickets_per_second_end_to_end": stored / wall,
        "rate_limit_wait_skipped_seconds": no_wait.skipped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="diagnostic: disable Python's cyclic garbage collector during the sync",
    )
    args = parser.parse_args()
    figures = run(args.tickets, args.per_page, gc_off=args.gc_off)
    rate = figures["tickets_per_second_mapping_storing"]
    per_thousand = figures["requests_per_1000"]
    print(f"tickets stored:                  {figures['tickets']:,}")
    print(
        f"ticket export requests:          {figures['export_requests']} "
        f"({per_thousand:.2f} per 1,000 tickets, metrics included; goal ≤ "
        f"{REQUESTS_PER_THOUSAND_GOAL:g})"
    )
    print(f"tickets stream wall time:        {figures['wall_seconds']:.2f} s")
    print(f"  waiting for HTTP + JSON decode: {figures['http_seconds']:.2f} s")
    print(f"  mapping + storing:              {figures['mapping_storing_seconds']:.2f} s")
    storing = figures["storing_seconds"]
    mapping = figures["mapping_storing_seconds"] - storing
    print(
        f"    of which Store.write (core):  {storing:.2f} s "
        f"({1e6 * storing / figures['tickets']:.1f} µs/ticket)"
    )
    print(
        f"    of which mapping (connector): {mapping:.2f} s "
        f"({1e6 * mapping / figures['tickets']:.1f} µs/ticket)"
    )
    print(f"tickets/s, mapping + storing:    {rate:,.0f} (goal ≥ {TICKET_GOAL_PER_SECOND:,})")
    print(f"tickets/s, end to end:           {figures['tickets_per_second_end_to_end']:,.0f}")
    cpu_rate = figures["tickets_per_cpu_second_mapping_storing"]
    store_cpu = figures["storing_cpu_seconds"]
    print(
        f"CPU time, mapping + storing:     {figures['mapping_storing_cpu_seconds']:.2f} s "
        f"→ {cpu_rate:,.0f} tickets per CPU second (Store.write {store_cpu:.2f} s of it); "
        f"wall-clock figures depend on other load on the machine"
    )
    print(
        f"rate-limit waits skipped:        {figures['rate_limit_wait_skipped_seconds']:.0f} s "
        f"(what the 10/min export budget would have slept)"
    )
    ok = rate >= TICKET_GOAL_PER_SECOND and per_thousand <= REQUESTS_PER_THOUSAND_GOAL
    print("goals met" if ok else "GOALS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

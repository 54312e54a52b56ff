"""Benchmark: sync 100,000 Zendesk tickets from a local fake server into a fresh store.

    .venv/bin/python benchmarks/bench_zendesk_sync.py [--tickets 100000] [--repeat 3]

The fake Zendesk (tests/zendesk_fake) runs in its own process, so its JSON encoding does not
count against the connector. Rate-limit sleeps are disabled: the account budget gets a clock
that jumps instead of waiting. Goals (issue): one HTTP request per 1,000 tickets including
their metrics, and at least 20,000 tickets/s through mapping and storing.

The tickets stream's wall time is split, all printed:

- HTTP + JSON: requesting each export page and decoding it (timed around the request). The
  connector fetches and maps the next page in a background thread while the current one is
  stored (deskmetrics.prefetched), so this time and the mapping overlap the storing;
- mapping: the connector turning a decoded page into records (timed around that call, in the
  fetching thread);
- storing: the engine's transaction per page: Store.write, cursor, run counters and commit;
- waiting + other: the rest of the wall time: waiting for a page not fetched and mapped yet,
  and the loop around it.

The in-process figure is mapping + storing (median of ``--repeat`` syncs, each into a fresh
store; the two summed, though they overlap now); the goal is the end-to-end rate below.

Then, end to end as issue #14 states the goal, fresh processes alternate (start-up included;
wall and CPU seconds of the process, like the other benchmarks):

  floor  the same export pages fetched with httpx and decoded with ``json.loads``, nothing else
  sync   the groups, agents and tickets streams into a new store, through the connector

and the ratio sync / floor, with the sync's tickets per second. Each process finds its modules'
bytecode compiled, as an installed package does (one untimed run per case compiles them into a
temporary PYTHONPYCACHEPREFIX, even under PYTHONDONTWRITEBYTECODE); ``--no-bytecode-cache``
makes every process compile them again, as this repository's machines otherwise do.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fake server lives with the tests

TICKET_GOAL_PER_SECOND = 20_000
REQUESTS_PER_THOUSAND_GOAL = 1.0


def serve(tickets: int, pipe: Connection, page_delay: float = 0.0) -> None:
    """The fake Zendesk, in a child process: answers until the parent says stop.

    ``page_delay`` seconds pass before each ticket export page is answered (a real account's
    latency; the local fake answers as fast as it can encode)."""
    from deskmetrics.testing.fake_server import FakeServer
    from zendesk_fake import FakeAccount, Faults, ZendeskHandler

    handler = ZendeskHandler(FakeAccount(tickets), faults=Faults(page_delay=page_delay))
    handler._ordered()  # sort once before the clock starts
    with FakeServer(handler) as server:
        pipe.send(server.url)
        pipe.recv()


class Stopwatch:
    """Adds up the time spent inside the functions it wraps."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - begun
                self.calls += 1

        return timed


def sync_once(url: str, per_page: int, *, gc_off: bool) -> dict[str, Any]:
    """One sync of the tickets stream into a fresh store, with its time split in parts."""
    import deskmetrics
    from deskmetrics.sync.engine import sync_stream
    from deskmetrics.testing import FakeClock
    from deskmetrics_zendesk import ZendeskConnector, ZendeskOptions

    with tempfile.TemporaryDirectory() as tmp:
        options = ZendeskOptions(base_url=url, access_token="good-token", per_page=per_page)
        # The budget's clock jumps over rate-limit waits instead of sleeping.
        no_wait = FakeClock()
        zendesk = ZendeskConnector(options, connection="bench", runtime=no_wait.runtime())
        http, mapping, storing, writing = Stopwatch(), Stopwatch(), Stopwatch(), Stopwatch()
        plain_get = zendesk.api.get
        export_requests = [0]

        def get(path: str, *args: Any, **kwargs: Any) -> Any:
            export_requests[0] += path.endswith("tickets/cursor.json")
            return plain_get(path, *args, **kwargs)

        zendesk.api.get = http.wrap(get)  # type: ignore[method-assign]
        zendesk._ticket_records = mapping.wrap(zendesk._ticket_records)  # type: ignore[method-assign]
        with deskmetrics.Store(Path(tmp) / "bench.db") as store:
            for stream in ("groups", "agents"):
                sync_stream(store, zendesk, stream)
            plain_transaction = store.transaction
            depth = [0]

            @contextlib.contextmanager
            def transaction() -> Iterator[Any]:
                # Only the engine's per-page transaction is timed, not those nested in it.
                depth[0] += 1
                begun = time.perf_counter()
                try:
                    with plain_transaction() as inner:
                        yield inner
                finally:
                    depth[0] -= 1
                    if depth[0] == 0:
                        storing.seconds += time.perf_counter() - begun

            store.transaction = transaction  # type: ignore[method-assign]
            store.write = writing.wrap(store.write)  # type: ignore[method-assign]
            http.seconds = 0.0
            export_requests[0] = 0
            if gc_off:
                gc.disable()
            begun = time.perf_counter()
            result = sync_stream(store, zendesk, "tickets")
            wall = time.perf_counter() - begun
            gc.enable()
            stored = store.count("tickets")
        zendesk.close()
    assert result.status == "succeeded", result.error
    return {
        "tickets": stored,
        "export_requests": export_requests[0],
        "wall": wall,
        "http": http.seconds,
        "mapping": mapping.seconds,
        "storing": storing.seconds,
        "writing": writing.seconds,
        "other": wall - storing.seconds,  # mapping overlaps it, in the fetching thread
        "skipped_waits": no_wait.slept,
    }


FLOOR = """
import json, sys, httpx
url, per_page = sys.argv[1], int(sys.argv[2])
params = {"start_time": 0, "include": "metric_sets", "per_page": per_page}
tickets = 0
with httpx.Client(headers={"Authorization": "Bearer good-token"}) as client:
    while True:
        page = client.get(url + "/api/v2/incremental/tickets/cursor.json", params=params)
        data = json.loads(page.content)
        tickets += len(data["tickets"])
        if data["end_of_stream"]:
            break
        params = {"cursor": data["after_cursor"], "include": "metric_sets", "per_page": per_page}
print(tickets)
"""


def process_env(cache: Path | None) -> dict[str, str]:
    """The fresh processes' environment: with ``cache``, Python keeps compiled bytecode there.

    An installed package has its modules compiled once (pip does it); this checkout's are
    compiled by the first process that imports them, unless PYTHONDONTWRITEBYTECODE is set,
    as on the project's machines: then every process compiles ~100 deskmetrics modules again
    (~0.15 s CPU) before it syncs. With ``cache`` the bytecode goes to that folder instead of
    the source tree, as a user's installed copy has it."""
    env = dict(os.environ)
    if cache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def end_to_end(
    url: str,
    tickets: int,
    per_page: int,
    repeat: int,
    baseline: Path | None = None,
    *,
    bytecode_cache: bool = True,
) -> None:
    """Fresh processes, alternating: the floor (fetch + decode), the whole sync and, with
    ``baseline`` (another checkout's src folder), that checkout's sync."""
    from bench_report import Case, alternate, baseline_env

    with tempfile.TemporaryDirectory() as folder:
        env = process_env(Path(folder) if bytecode_cache else None)
        sync_command = [sys.executable, __file__, "--child-sync", url, "--per-page", str(per_page)]
        cases = [
            Case(
                "floor  httpx + json.loads", [sys.executable, "-c", FLOOR, url, str(per_page)], env
            ),
            Case("sync   groups, agents, tickets", sync_command, env),
        ]
        if baseline is not None:
            cases.append(Case("sync'  baseline", sync_command, env=baseline_env(baseline, env)))
        alternate(cases, repeat, warm_up=bytecode_cache)
    floor, sync = cases[:2]
    compiled = "bytecode cached, as installed" if bytecode_cache else "every module compiled"
    print(f"end to end, fresh processes (start-up included, {compiled}), median of {repeat}:")
    print(f"  {'case':<32} {'wall s':>7} {'CPU s':>6} {'peak MB':>8} {'× floor':>8}")
    for case in cases:
        peak = max(rss for _, _, rss in case.runs)
        print(
            f"  {case.name:<32} {case.wall:>7.2f} {case.cpu:>6.2f} {peak:>8.0f}"
            f" {case.wall / floor.wall:>8.2f}  (CPU {case.cpu / floor.cpu:.2f}×)"
        )
    print(f"tickets/s, end to end in a fresh process: {tickets / sync.wall:,.0f} "
          f"(goal ≥ {TICKET_GOAL_PER_SECOND:,})")  # fmt: skip
    if baseline is not None:
        old = cases[2]
        faster = f"{old.wall / sync.wall:.2f}× faster (wall), {old.cpu / sync.cpu:.2f}× (CPU)"
        print(f"  vs baseline: {faster}; baseline {tickets / old.wall:,.0f} tickets/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="syncs to run (median judged)")
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="diagnostic: disable Python's cyclic garbage collector during the sync",
    )
    parser.add_argument(
        "--page-delay",
        type=float,
        default=0.0,
        help="seconds the fake waits before each ticket export page (a real account's latency)",
    )
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder to compare")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="fresh processes compile every module (as under PYTHONDONTWRITEBYTECODE=1)",
    )
    parser.add_argument("--child-sync", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sync:
        result = sync_once(args.child_sync, args.per_page, gc_off=False)
        print(result["tickets"])
        return

    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=serve, args=(args.tickets, child, args.page_delay), daemon=True
    )
    started = time.perf_counter()
    server.start()
    url = parent.recv()
    ready = time.perf_counter() - started
    print(f"fake Zendesk with {args.tickets:,} tickets ready in {ready:.1f} s")
    try:
        runs = [sync_once(url, args.per_page, gc_off=args.gc_off) for _ in range(args.repeat)]
        end_to_end(
            url,
            args.tickets,
            args.per_page,
            args.repeat,
            args.baseline,
            bytecode_cache=not args.no_bytecode_cache,
        )
    finally:
        parent.send("stop")
        server.join(timeout=10)

    for run in runs:
        assert run["tickets"] == args.tickets, (run["tickets"], args.tickets)
    tickets = args.tickets

    def rate(run: dict[str, Any]) -> float:
        return tickets / (run["mapping"] + run["storing"])

    rates = sorted(rate(run) for run in runs)
    median_rate = statistics.median(rates)
    typical = min(runs, key=lambda run: abs(rate(run) - median_rate))
    per_thousand = 1000 * typical["export_requests"] / tickets

    def part(name: str, key: str) -> None:
        seconds = typical[key]
        print(f"  {name:<34} {seconds:6.2f} s  {1e6 * seconds / tickets:5.1f} µs/ticket")

    print(
        f"ticket export requests: {typical['export_requests']} ({per_thousand:.2f} per 1,000 "
        f"tickets, metrics included; goal ≤ {REQUESTS_PER_THOUSAND_GOAL:g})"
    )
    print(f"tickets stream, the median run of {len(runs)}: {typical['wall']:.2f} s")
    part("HTTP + JSON decode (overlapping)", "http")
    part("mapping (connector)", "mapping")
    part("storing (engine transaction)", "storing")
    part("  of which Store.write", "writing")
    part("waiting for pages + other", "other")
    shown = " ".join(f"{each:,.0f}" for each in rates)
    print(
        f"tickets/s, mapping + storing:     {median_rate:,.0f} median "
        f"(goal ≥ {TICKET_GOAL_PER_SECOND:,}; runs {shown})"
    )
    print(f"tickets/s, end to end:            {tickets / typical['wall']:,.0f}")
    print(
        f"rate-limit waits skipped:         {typical['skipped_waits']:.0f} s "
        f"(what the 10/min export budget would have slept)"
    )
    ok = median_rate >= TICKET_GOAL_PER_SECOND and per_thousand <= REQUESTS_PER_THOUSAND_GOAL
    print("goals met" if ok else "GOALS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

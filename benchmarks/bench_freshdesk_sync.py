"""API calls and seconds of a Freshdesk sync: 50,000 tickets in full, then after 1 % changed.

Run: ``.venv/bin/python benchmarks/bench_freshdesk_sync.py [tickets]`` (default 50,000).

The fake Freshdesk (tests/freshdesk_fake) runs in its own process on 127.0.0.1 and answers like
the real API: Link pagination, the 300-page cap, ``include=stats``, deleted and spam listings,
conversations, ratings and time entries. The connector syncs into a fresh SQLite store with its
defaults (per_page 100, conversations for resolved changed tickets, 4 at a time). The fake then
updates 1 % of the tickets (every one of them resolved afterwards, with a new reply) and the
connector syncs again. Printed: requests per stream, ticket-listing calls per 100 tickets,
conversation calls against changed resolved tickets, and seconds.

Goals (issue): at most 1 listing call per 100 tickets for tickets; conversation calls only for
changed resolved tickets. Each count is printed against its floor (a full page of 100 tickets
per listing call, one conversation call per changed resolved ticket) as a ratio.
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

TESTS = Path(__file__).resolve().parent.parent / "tests"
sys.path.insert(0, str(TESTS))

from deskmetrics.store import Store  # noqa: E402
from deskmetrics.sync.engine import sync_stream  # noqa: E402
from deskmetrics_freshdesk import FreshdeskConnector, FreshdeskOptions  # noqa: E402
from freshdesk_fake import API_KEY, FakeFreshdesk, expected, serve  # noqa: E402


def run_server(count: int, pipe: Connection) -> None:
    account = FakeFreshdesk.generate(count)
    resolved = expected.resolved_count(account)
    with serve(account) as server:
        pipe.send((server.url, len(account.active()), resolved))
        pipe.recv()  # until the benchmark is done


def sync_all(url: str, db: Path) -> tuple[list[dict[str, Any]], float]:
    options = FreshdeskOptions(base_url=url, api_key=API_KEY, start_date="2023-12-01")
    connector = FreshdeskConnector(options, connection="bench")
    rows = []
    started = time.perf_counter()
    with Store(db) as store:
        try:
            for stream in connector.streams:
                before, clock = connector.requests, time.perf_counter()
                result = sync_stream(store, connector, stream)
                if result.status != "succeeded":
                    raise SystemExit(f"{stream}: {result.error}")
                rows.append(
                    {
                        "stream": stream,
                        "requests": connector.requests - before,
                        "records": result.records,
                        "seconds": time.perf_counter() - clock,
                    }
                )
        finally:
            connector.close()
    return rows, time.perf_counter() - started


def show(title: str, rows: list[dict[str, Any]], seconds: float, calls: dict[str, int]) -> None:
    print(f"\n{title}: {seconds:.1f} s, {sum(r['requests'] for r in rows):,} requests")
    print(f"  {'stream':<22}{'requests':>10}{'records':>10}{'seconds':>9}")
    for r in rows:
        print(f"  {r['stream']:<22}{r['requests']:>10,}{r['records']:>10,}{r['seconds']:>9.1f}")
    print(
        "  by endpoint (server side): " + ", ".join(f"{k} {v:,}" for k, v in sorted(calls.items()))
    )


def main(count: int = 50_000) -> None:
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=run_server, args=(count, child), daemon=True)
    server.start()
    url, active, resolved = parent.recv()
    control = httpx.Client(base_url=url)
    print(f"fake Freshdesk at {url}: {count:,} tickets ({active:,} listed, {resolved:,} resolved)")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            full, full_seconds = sync_all(url, db)
            show("full sync", full, full_seconds, control.get("/_fake/calls").json())
            tickets = next(r for r in full if r["stream"] == "tickets")
            pages = tickets["requests"] - 1  # the stream's other call reads ticket_fields
            print(
                f"  tickets stream: {pages:,} listing calls for {active:,} tickets = "
                f"{100 * pages / active:.2f} per 100 tickets (+1 ticket_fields call); floor "
                f"{-(-active // 100):,} (full pages of 100, the API's largest): "
                f"{pages / -(-active // 100):.2f}× the floor"
            )

            control.get("/_fake/reset")
            touched = control.get("/_fake/touch", params={"fraction": 0.01}).json()["touched"]
            incremental, inc_seconds = sync_all(url, db)
            calls = control.get("/_fake/calls").json()
            show(
                f"incremental after {len(touched):,} tickets changed",
                incremental,
                inc_seconds,
                calls,
            )
            listing = calls.get("tickets", 0)
            conversations = calls.get("tickets/{id}/conversations", 0)
            print(
                f"  ticket listing calls: {listing} (tickets, conversations re-list, deleted, "
                f"spam) for {len(touched)} changed tickets"
            )
            print(
                f"  conversation calls: {conversations:,} for {len(touched):,} changed resolved "
                f"tickets (floor: one each): {conversations / max(1, len(touched)):.2f}× the floor"
            )
    finally:
        parent.send("stop")
        server.join(timeout=10)
        control.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)

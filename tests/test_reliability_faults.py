"""Syncs from a helpdesk API under abuse: killed at random 20 times; 30 % of answers faulty.

Both run against the fake Freshdesk account (tests/freshdesk_fake) on 127.0.0.1, and both end
with the store compared row by row against one clean, uninterrupted sync.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from freshdesk_fake import API_KEY, FakeFreshdesk, connection_options, serve
from store_tables import RECORD_TABLES, store_rows
from subprocess_env import clean_env


def write_config(path: Path, database: str, url: str) -> Path:
    lines = [f'[database]\npath = "{database}"\n\n[connections.fd]']
    lines += [
        f"{key} = {value!r}".replace("'", '"') for key, value in connection_options(url).items()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start_sync(config: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deskmetrics", "--config", str(config), "sync"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(FRESHDESK_API_KEY=API_KEY),
    )


@pytest.mark.slow
def test_killed_twenty_times_at_random_then_finished_equals_a_clean_sync(tmp_path: Path) -> None:
    rng = random.Random(20)
    # Enough pages, slow enough, that twenty short runs cannot finish the whole sync between them:
    # an uninterrupted sync takes ~8.5 s here, while the twenty runs are killed after 0.3 s on
    # average (at 0.01 s a page the whole sync took 3.8 s, and a faster CLI finished the last runs).
    account = FakeFreshdesk.generate(600)
    account.page_delay = 0.03
    with serve(account) as server:
        config = write_config(tmp_path / "killed.toml", "killed.db", server.url)
        kills = 0
        for _ in range(20):
            before = account.requests
            process = start_sync(config)
            # Timed from the run's first request, not its start: on a loaded machine the CLI's
            # start-up alone can outlast a fixed delay, and no kill would land mid-stream.
            _wait_for_a_request(account, before, process)
            time.sleep(rng.uniform(0.0, 0.6))  # from the first page to mid-stream
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait()
        account.page_delay = 0.0
        finished = start_sync(config)
        clean = start_sync(write_config(tmp_path / "clean.toml", "clean.db", server.url))
        for process in (finished, clean):
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
    assert kills >= 15, f"only {kills} of 20 runs were still going when killed"
    for table in RECORD_TABLES:
        assert store_rows(tmp_path / "killed.db", table) == store_rows(
            tmp_path / "clean.db", table
        ), table
    with Store(tmp_path / "killed.db") as store:
        statuses = [r.status for r in store.runs("fd", limit=1000)]
    assert statuses.count("interrupted") >= 1
    assert statuses[0] == "succeeded"


def _wait_for_a_request(
    account: FakeFreshdesk, before: int, process: subprocess.Popen[str], timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while account.requests <= before and process.poll() is None:
        assert time.monotonic() < deadline, "the sync made no request within a minute"
        time.sleep(0.005)


class Flaky:
    """Answers 30 % of requests with a 429, a 500 or a too-slow reply, from a seeded stream."""

    def __init__(self, account: FakeFreshdesk, seed: int) -> None:
        self.account = account
        self.rng = random.Random(seed)
        self.injected = {"429": 0, "500": 0, "timeout": 0}

    def __call__(self, request: FakeRequest) -> FakeResponse:
        draw = self.rng.random()
        if draw < 0.10:
            self.injected["429"] += 1
            return FakeResponse(429, {"code": "rate_limited"}, {"Retry-After": "5"})
        if draw < 0.20:
            self.injected["500"] += 1
            return FakeResponse(500, {"code": "internal_error"})
        if draw < 0.30:
            self.injected["timeout"] += 1
            return FakeResponse(200, {}, delay=0.25)  # the client gives up after 0.1 s
        return self.account.handle(request)


def sync_once(
    database: Path, url: str, clock: FakeClock, **extra: Any
) -> deskmetrics.sync.engine.ConnectionResult:
    config = parse_config({"connections": {"fd": connection_options(url, **extra)}}, None)
    connector = build_connector(config, config.connections["fd"], get_registry().connectors)
    connector.runtime = clock.runtime()
    with Store(database) as store:
        return sync_connector(store, connector)


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)
    return fake


@pytest.mark.slow
def test_thirty_percent_faulty_answers_still_give_exact_data(
    tmp_path: Path, no_waiting: FakeClock
) -> None:
    account = FakeFreshdesk.generate(150)
    with serve(account) as server:
        clean = sync_once(tmp_path / "clean.db", server.url, no_waiting)
        assert clean.status == "succeeded", clean.error
        flaky = Flaky(account, seed=30)
        server.handler = flaky
        # Serial conversation fetches keep the fault sequence reproducible. Like a scheduler,
        # run again if a request ever exhausts its retries: the next run resumes.
        runs = []
        for _ in range(3):
            result = sync_once(
                tmp_path / "flaky.db",
                server.url,
                no_waiting,
                timeout=0.1,
                conversation_concurrency=1,
            )
            runs.append(result.status)
            if result.status == "succeeded":
                break
    assert runs[-1] == "succeeded", runs
    assert min(flaky.injected.values()) >= 10, flaky.injected
    for table in RECORD_TABLES:
        assert store_rows(tmp_path / "flaky.db", table) == store_rows(
            tmp_path / "clean.db", table
        ), table

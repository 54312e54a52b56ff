"""A sync killed mid-way (SIGKILL) resumes from its saved cursor: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskmetrics import Store
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from store_tables import RECORD_TABLES
from zendesk_fake import FakeAccount, Faults, ZendeskHandler
from zendesk_fake.handler import TICKETS
from zendesk_fake.testkit import connector

SIZE = 1500
PER_PAGE = 100
DESKMETRICS = Path(sys.executable).with_name("deskmetrics")


def config(tmp_path: Path, url: str, name: str) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(
        f"""
[database]
path = "{name}.db"

[connections.zd]
connector = "zendesk"
base_url = "{url}"
access_token = "${{ZD_TOKEN}}"
per_page = {PER_PAGE}
incremental_requests_per_minute = 100000
""",
        encoding="utf-8",
    )
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETRICS_")}
    # Only this plugin: other built-ins are being worked on concurrently in this tree.
    env.update(DESKMETRICS_LOAD_PLUGINS="zendesk", ZD_TOKEN="good-token", NO_COLOR="1")
    return env


def committed_tickets(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(db, timeout=1)
        try:
            row = conn.execute(
                "SELECT coalesce(sum(records), 0) FROM sync_runs WHERE stream = 'tickets'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0  # the schema is not created yet
    return int(row[0])


def rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        keep = ", ".join(f'"{c}"' for c in columns if c != "synced_at")
        return sorted(conn.execute(f'SELECT {keep} FROM "{table}"').fetchall(), key=repr)
    finally:
        conn.close()


@pytest.mark.slow
def test_killed_sync_resumes_from_the_cursor(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(SIZE), faults=Faults(page_delay=0.15))
    with FakeServer(handler) as server:
        settings = config(tmp_path, server.url, "resumed")
        db = tmp_path / "resumed.db"
        command = [str(DESKMETRICS), "--config", str(settings), "sync"]
        process = subprocess.Popen(
            command, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while committed_tickets(db) < 3 * PER_PAGE and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        killed_at = len(server.requests)

        stored_before = committed_tickets(db)
        assert 3 * PER_PAGE <= stored_before < SIZE, "the kill must land mid-way"
        with Store(db) as store:
            saved = store.get_state("zd", "tickets")
        assert saved is not None and "cursor" in saved

        handler.faults.page_delay = 0.0
        finished = subprocess.run(
            command, env=environment(), capture_output=True, text=True, timeout=60, check=False
        )
        assert finished.returncode == 0, finished.stderr

        after_kill = [r for r in server.requests[killed_at:] if r.path == TICKETS]
        # The resumed run starts at the saved cursor and never asks from the start again.
        assert after_kill[0].param("cursor") == saved["cursor"]
        assert all(r.param("start_time") is None for r in after_kill)
        before_kill = [r for r in server.requests[:killed_at] if r.path == TICKETS]
        assert sum(r.param("start_time") is not None for r in before_kill) == 1
        # Pages fetched in all: those of one clean run, plus at most the one cut off while it was
        # stored and the one fetched ahead of it (deskmetrics.prefetched), both asked again.
        assert len(before_kill) + len(after_kill) <= SIZE // PER_PAGE + 2

        reference = tmp_path / "reference.db"
        zendesk = connector(
            FakeClock(),
            base_url=server.url,
            access_token="good-token",
            per_page=PER_PAGE,
            incremental_requests_per_minute=100000,
        )
        with Store(reference) as store:
            assert sync_connector(store, zendesk).status == "succeeded"

    for table in RECORD_TABLES:
        assert rows(db, table) == rows(reference, table), table
    assert len(rows(db, "tickets")) == SIZE
    with Store(db) as store:
        runs = [run for run in store.runs("zd") if run.stream == "tickets"]
        assert store.count("pending_updates") == 0
    assert [run.status for run in runs] == ["succeeded", "interrupted"]
    # Every ticket was stored once per fetched page: the resumed run stored the rest only.
    assert runs[1].records + runs[0].records <= SIZE + PER_PAGE

"""kill -9 a real `deskmetrics sync` at several points; the resumed store equals an unbroken one.

The connector is a fake *installed* plugin (dist-info on PYTHONPATH) yielding 40 batches of 50
tickets with the cursor ``{"offset": n}``, sleeping a little before each batch. The test watches
``sync_runs.records`` from outside and SIGKILLs the process after k committed batches (k varying)
and once at a random instant, then lets a last run finish.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from config_files import toml_config
from fake_site import FakeSite
from store_tables import store_rows
from subprocess_env import DESKMETRICS_BIN

TICKETS, BATCH, AGENTS = 2000, 50, 8
OPTIONS = {
    "connector": "dmtest-paged",
    "tickets": TICKETS,
    "batch": BATCH,
    "agents": AGENTS,
    "delay": 0.01,
}
COMPARED = (
    "tickets",
    "ticket_tags",
    "interactions",
    "surveys",
    "customers",
    "agents",
    "groups",
)
DEADLINE = 30.0  # seconds for one run to reach its kill point; only a safety net


@pytest.fixture
def site(fake_site: FakeSite) -> FakeSite:
    fake_site.add("dmtest-paged", "0.9.0", {"paged": "dmtest_paged"}, ("dmtest_paged",))
    return fake_site


def start(site: FakeSite, config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(DESKMETRICS_BIN), "--config", str(config), "sync"],
        cwd=config.parent,
        env=site.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def query(db: Path, sql: str, args: tuple = ()) -> list[tuple]:
    """Read from outside the syncing process; [] while the database does not exist yet."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    except sqlite3.OperationalError:
        return []
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # not created or not migrated yet
        return []
    finally:
        conn.close()


def last_run_id(db: Path) -> int:
    rows = query(db, "SELECT max(id) FROM sync_runs")
    return rows[0][0] or 0 if rows else 0


def kill_after_batches(site: FakeSite, config: Path, db: Path, batches: int) -> None:
    """Start a sync and SIGKILL it once ``batches`` ticket batches of this run are committed."""
    before = last_run_id(db)
    process = start(site, config)
    deadline = time.monotonic() + DEADLINE
    try:
        while True:
            rows = query(
                db,
                "SELECT records FROM sync_runs WHERE id > ? AND stream = 'tickets'",
                (before,),
            )
            if rows and rows[0][0] >= batches * BATCH:
                break
            assert process.poll() is None, f"sync ended before {batches} batches were committed"
            assert time.monotonic() < deadline, f"no {batches} batches within {DEADLINE} s"
            time.sleep(0.002)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def kill_at_random(site: FakeSite, config: Path, db: Path, rng: random.Random) -> None:
    """SIGKILL at a random instant of the tickets stream: between, or in the middle of, batches."""
    before = last_run_id(db)
    process = start(site, config)
    try:
        deadline = time.monotonic() + DEADLINE
        while not query(
            db, "SELECT 1 FROM sync_runs WHERE id > ? AND stream = 'tickets'", (before,)
        ):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.15))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the sync finished before the random kill"


def assert_consistent(db: Path) -> None:
    """What a killed run left: the tickets cursor and the stored tickets agree exactly."""
    stored = query(db, "SELECT count(*) FROM tickets")
    states = query(db, "SELECT state FROM sync_state WHERE stream = 'tickets'")
    offset = json.loads(states[0][0])["offset"] if states else 0
    count = stored[0][0] if stored else 0
    assert count == offset, "the cursor ran ahead of the data, or the data ahead of the cursor"
    assert count % BATCH == 0, "half a batch was committed"


@pytest.mark.slow
def test_kill_9_at_any_point_then_resume(site: FakeSite, tmp_path: Path) -> None:
    killed = tmp_path / "killed"
    killed.mkdir()
    config = toml_config(killed / "deskmetrics.toml", {"crash": OPTIONS}, db="store.db")
    db = killed / "store.db"

    # Killed as the tickets stream starts, then after 1, 7 and 13 more committed batches...
    for batches in (0, 1, 7, 13):
        kill_after_batches(site, config, db, batches)
        assert_consistent(db)
    # ... and at an instant nobody chose.
    seed = random.randrange(1_000_000)
    kill_at_random(site, config, db, random.Random(seed))
    assert_consistent(db)
    committed = query(db, "SELECT count(*) FROM tickets")[0][0]
    assert BATCH * 21 <= committed < TICKETS, f"random kill (seed {seed}) left {committed}"

    # The last run finishes the job.
    finished = site.run("--config", str(config), "sync", "--json")
    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout)
    assert summary["ok"] is True
    resumed = [s["records"] for s in summary["connections"][0]["streams"]]
    assert resumed == [AGENTS + 1, TICKETS - committed]

    # One uninterrupted sync into a fresh database.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    reference_config = toml_config(fresh / "deskmetrics.toml", {"crash": OPTIONS}, db="store.db")
    reference = site.run("--config", str(reference_config), "sync", "--json")
    assert reference.returncode == 0, reference.stderr

    for table in COMPARED:
        assert store_rows(db, table) == store_rows(fresh / "store.db", table), table
    assert len(store_rows(db, "tickets")) == TICKETS
    state = "SELECT connection, stream, state FROM sync_state ORDER BY 1, 2"
    assert (
        query(db, state)
        == query(fresh / "store.db", state)
        == [
            ("crash", "agents", json.dumps({"offset": AGENTS})),
            ("crash", "tickets", json.dumps({"offset": TICKETS})),
        ]
    )

    # Run history: every killed run ends up "interrupted"; each batch was counted exactly once.
    runs = query(db, "SELECT stream, status, records, ended_at FROM sync_runs ORDER BY id")
    tickets_runs = [(status, records) for stream, status, records, _ in runs if stream == "tickets"]
    assert len(tickets_runs) == 6  # four aimed kills, a random one, the last run
    assert [status for status, _ in tickets_runs[:-1]] == ["interrupted"] * (len(tickets_runs) - 1)
    assert tickets_runs[-1][0] == "succeeded"
    for (_, records), aimed in zip(tickets_runs, (0, 1, 7, 13), strict=False):
        assert records >= aimed * BATCH  # killed once the aimed batch was committed...
    assert all(records % BATCH == 0 for _, records in tickets_runs)  # ...whole batches only
    assert sum(records for _, records in tickets_runs) == TICKETS
    assert {status for _, status, _, _ in runs} <= {"interrupted", "succeeded"}
    assert all(ended is not None for _, status, _, ended in runs if status == "succeeded")

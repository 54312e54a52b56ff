"""Locks, the scheduler and `deskmetrics status`, with real `deskmetrics` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics.config.loading import load_config
from deskmetrics.jobs.definitions import load_jobs
from deskmetrics.jobs.scheduler import Outcome, Scheduler
from deskmetrics.jobs.status import connection_status
from deskmetrics.store import Store
from deskmetrics.sync.locks import LockedError, connection_lock

DESKMETRICS = [sys.executable, "-m", "deskmetrics"]

TICKETS = """id,created_at,status,priority,channel
1,2026-01-05T09:00:00Z,open,high,email
2,2026-01-05T10:00:00Z,solved,low,chat
3,2026-01-06T11:30:00Z,pending,normal,web
"""


def make_project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tickets.csv").write_text(TICKETS, encoding="utf-8")
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[connections.desk]\nconnector = "csv"\npath = "data"\nevery = "1h"\n' + extra,
        encoding="utf-8",
    )
    return config


HOLD_LOCK = """
import sys, time
from pathlib import Path
from deskmetrics.sync.locks import connection_lock
with connection_lock(Path(sys.argv[1]), sys.argv[2]):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def hold_lock(database: Path, name: str, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(database), name, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_lock_is_exclusive_across_processes_and_freed_by_kill_9(tmp_path: Path) -> None:
    database = tmp_path / "deskmetrics.db"
    holder = hold_lock(database, "desk", 60)
    try:
        with pytest.raises(LockedError) as caught, connection_lock(database, "desk"):
            pass
        assert f"pid {holder.pid}" in str(caught.value)
        # Another connection is not affected.
        with connection_lock(database, "other"):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The OS released the dead holder's lock: no stale lock to clean up.
    with connection_lock(database, "desk"):
        pass


@pytest.mark.slow
def test_manual_sync_respects_the_lock_and_can_wait_for_it(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    database = tmp_path / "deskmetrics.db"
    holder = hold_lock(database, "desk", 60)
    try:
        locked = subprocess.run(
            [*DESKMETRICS, "--config", str(config), "sync", "--json"],
            capture_output=True,
            text=True,
        )
    finally:
        holder.kill()
        holder.wait()
    assert locked.returncode == 1
    summary = json.loads(locked.stdout)
    assert summary["connections"][0]["status"] == "locked"
    assert "is being synced by pid" in summary["connections"][0]["error"]
    with Store(database) as store:
        assert store.count("tickets") == 0

    holder = hold_lock(database, "desk", 1.0)
    waited = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "sync", "--json", "--wait", "20"],
        capture_output=True,
        text=True,
    )
    holder.wait()
    assert waited.returncode == 0, waited.stderr
    assert json.loads(waited.stdout)["connections"][0]["records"] == 3


def scheduler(config: Path, log: list[Outcome], now: datetime | None = None) -> Scheduler:
    cfg = load_config(config)
    clock = (lambda: now) if now else (lambda: datetime.now(UTC))
    return Scheduler(cfg, load_jobs(cfg), log=log.append, backoff=60, now=clock)


def test_scheduler_runs_due_sync_then_after_sync_jobs(tmp_path: Path) -> None:
    config = make_project(tmp_path, '\n[jobs.check]\nafter = "sync"\ncommand = "status --json"\n')
    log: list[Outcome] = []
    runner = scheduler(config, log)
    runner.plan()
    assert list(runner.next_due) == ["sync:desk"]  # never synced, every = 1h: due now
    outcomes = runner.run_due()
    assert [(o.job, o.outcome, o.exit_code) for o in outcomes] == [
        ("sync:desk", "succeeded", 0),
        ("job:check", "succeeded", 0),
    ]
    assert outcomes[0].records == 3
    assert log == outcomes
    # Next run one hour after this one started (no jitter configured).
    started = datetime.fromisoformat(outcomes[0].started_at.replace("Z", "+00:00"))
    expected = started + timedelta(hours=1)
    assert abs(runner.next_due["sync:desk"] - expected) < timedelta(seconds=1)
    # A fresh scheduler continues from the store's history instead of syncing again now.
    again = scheduler(config, [])
    again.plan()
    assert again.next_due["sync:desk"] > datetime.now(UTC) + timedelta(minutes=59)


@pytest.mark.slow
def test_failed_job_is_retried_with_doubling_backoff(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "data" / "tickets.csv").unlink()
    (tmp_path / "data").rmdir()  # the CSV folder is gone: the sync fails
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    log: list[Outcome] = []
    runner = scheduler(config, log, now=now)
    job = runner.jobs[0]
    first = runner.run_job(job)
    assert first.outcome == "failed"
    assert first.exit_code == 1
    assert "data" in (first.error or "")
    assert runner.next_due[job.name] == now + timedelta(seconds=60)
    runner.run_job(job)
    assert runner.next_due[job.name] == now + timedelta(seconds=120)
    runner.run_job(job)
    assert runner.next_due[job.name] == now + timedelta(seconds=240)
    assert runner.failures[job.name] == 3


def test_a_job_running_elsewhere_is_skipped_not_run_twice(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    holder = hold_lock(tmp_path / "deskmetrics.db", "job-sync:desk", 60)
    try:
        outcome = scheduler(config, []).run_job(load_jobs(load_config(config))[0])
    finally:
        holder.kill()
        holder.wait()
    assert outcome.outcome == "skipped"
    assert outcome.error == "running in another scheduler"
    with Store(tmp_path / "deskmetrics.db") as store:
        assert store.count("sync_runs") == 0


def test_schedule_command_logs_json_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    process = subprocess.Popen(
        [*DESKMETRICS, "--config", str(config), "schedule", "--log-format", "json", "--jitter=0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = json.loads(process.stdout.readline())
    assert line["job"] == "sync:desk"
    assert line["outcome"] == "succeeded"
    assert line["records"] == 3
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    assert process.wait(timeout=30) == 0
    assert time.monotonic() - started < 30
    assert "stopped" in process.stderr.read()


@pytest.mark.slow
def test_status_reports_failures_in_a_row(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    ok = subprocess.run([*DESKMETRICS, "--config", str(config), "sync"], capture_output=True)
    assert ok.returncode == 0
    (tmp_path / "data" / "tickets.csv").write_text("id,created_at\n1,yesterday\n", encoding="utf-8")
    for _ in range(2):
        failed = subprocess.run(
            [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True
        )
        assert failed.returncode == 1

    cfg = load_config(config)
    with Store(cfg.database) as store:
        (row,) = connection_status(cfg, store, datetime.now(UTC))
    assert row.last_outcome == "failed"
    assert row.consecutive_failures == 2
    assert row.last_records == 0
    assert 'value "yesterday"' in (row.last_error or "")
    assert row.cursor_age_seconds is not None and row.cursor_age_seconds < 120

    status = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "status", "--json", "--max-failures", "2"],
        capture_output=True,
        text=True,
    )
    assert status.returncode == 1
    report = json.loads(status.stdout)
    assert report["failing"] == ["desk"]
    assert report["connections"][0]["next_due_at"] is not None
    relaxed = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "status", "--max-failures", "3"],
        capture_output=True,
        text=True,
    )
    assert relaxed.returncode == 0
    assert "failed (2× in a row)" in relaxed.stdout


@pytest.mark.slow
def test_a_misconfigured_connection_shows_as_failing_in_status(tmp_path: Path) -> None:
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        '[connections.desk]\nconnector = "csv"\non_error = "maybe"\n', encoding="utf-8"
    )
    for _ in range(2):
        result = subprocess.run(
            [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True, text=True
        )
        assert result.returncode == 1
    cfg = load_config(config)
    with Store(cfg.database) as store:
        (row,) = connection_status(cfg, store, datetime.now(UTC))
    assert (row.last_outcome, row.consecutive_failures) == ("failed", 2)
    assert "connections.desk.on_error" in (row.last_error or "")

"""Operations under stress: concurrent schedulers, reads during writes, locked databases."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics.config.loading import load_config
from deskmetrics.jobs.definitions import load_jobs
from deskmetrics.jobs.scheduler import Outcome, Scheduler
from deskmetrics.models import Ticket
from deskmetrics.store import Store
from deskmetrics.sync.locks import connection_lock, lock_path

DESKMETRICS = [sys.executable, "-m", "deskmetrics"]


def project(tmp_path: Path, database_extra: str = "") -> Path:
    (tmp_path / "data").mkdir()
    rows = "\n".join(f"{i},2026-01-05T09:{i % 60:02d}:00Z,open" for i in range(1, 201))
    (tmp_path / "data" / "tickets.csv").write_text(
        "id,created_at,status\n" + rows + "\n", encoding="utf-8"
    )
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        f'[database]\npath = "deskmetrics.db"\n{database_extra}\n'
        '[connections.desk]\nconnector = "csv"\npath = "data"\nevery = "1h"\n',
        encoding="utf-8",
    )
    return config


def test_two_schedulers_never_run_one_job_at_once(tmp_path: Path) -> None:
    config = project(tmp_path)
    cfg = load_config(config)
    database = tmp_path / "deskmetrics.db"
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def record(outcome: Outcome) -> None:
        with lock:
            outcomes.append(outcome)

    # The job's sync waits for the connection lock held here, so the first scheduler's run
    # is still going when the second one tries.
    release = threading.Event()

    def hold_connection() -> None:
        with connection_lock(database, "desk"):
            release.wait(10)

    holder = threading.Thread(target=hold_connection)
    holder.start()
    schedulers = []
    for _ in range(2):
        cfg_copy = load_config(config)
        schedulers.append(Scheduler(cfg_copy, load_jobs(cfg_copy), log=record))
    job = load_jobs(cfg)[0]
    job = type(job)(job.name, ("sync", "desk", "--json", "--wait", "20"), job.timing, "desk")
    first = threading.Thread(target=schedulers[0].run_job, args=(job,))
    first.start()
    # Wait until the first scheduler holds the job lock: the holder writes its pid into the
    # lock file (watching the file does not take the lock, so it cannot race for it).
    job_lock = lock_path(database, f"job-{job.name}")
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while datetime.now(UTC) < deadline and not (
        job_lock.exists() and job_lock.read_text(encoding="utf-8")
    ):
        time.sleep(0.02)
    second = schedulers[1].run_job(job)
    release.set()
    first.join(30)
    holder.join(10)
    assert second.outcome == "skipped"
    by_outcome = sorted(o.outcome for o in outcomes)
    assert by_outcome == ["skipped", "succeeded"]
    with Store(database) as store:
        assert store.count("tickets") == 200
        # One sync ran: one run row per stream of the CSV connector.
        assert store.conn.execute("SELECT count(DISTINCT sync_id) FROM sync_runs").fetchone() == (
            1,
        )


def test_a_snapshot_does_not_see_batches_committed_meanwhile(tmp_path: Path) -> None:
    database = tmp_path / "deskmetrics.db"
    created = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with Store(database) as writer:
        writer.write([Ticket(id="1", created_at=created)], source="s")
        with Store(database) as reader, reader.snapshot():
            before = reader.count("tickets")
            writer.write([Ticket(id=str(i), created_at=created) for i in range(2, 50)], source="s")
            # Same transaction: the 48 new tickets are invisible, whatever the reader asks.
            assert reader.count("tickets") == before == 1
            assert reader.conn.execute("SELECT max(CAST(id AS INT)) FROM tickets").fetchone() == (
                1,
            )
        with Store(database) as reader:
            assert reader.count("tickets") == 49


@pytest.mark.slow
def test_a_locked_database_is_a_clear_error_and_harms_nothing(tmp_path: Path) -> None:
    config = project(tmp_path, "timeout = 0.5")
    database = tmp_path / "deskmetrics.db"
    first = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    (tmp_path / "data" / "tickets.csv").write_text(
        "id,created_at,status\n1,2026-01-05T09:00:00Z,solved\n", encoding="utf-8"
    )
    blocker = sqlite3.connect(database, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        blocked = subprocess.run(
            [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True, text=True
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert blocked.returncode == 1
    assert f"{database}: the database is locked by another process" in blocked.stderr
    assert "Traceback" not in blocked.stderr
    with Store(database) as store:
        assert store.count("tickets") == 200
        assert store.conn.execute("SELECT status FROM tickets WHERE id = '1'").fetchone() == (
            "open",
        )
    again = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    with Store(database) as store:
        assert store.conn.execute("SELECT status FROM tickets WHERE id = '1'").fetchone() == (
            "solved",
        )


def test_a_corrupted_database_is_a_clear_error_and_left_as_it_was(tmp_path: Path) -> None:
    config = project(tmp_path)
    database = tmp_path / "deskmetrics.db"
    garbage = b"this is not a database" * 200
    database.write_bytes(garbage)
    result = subprocess.run(
        [*DESKMETRICS, "--config", str(config), "sync"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert f"{database}: not a deskmetrics database, or the file is corrupted" in result.stderr
    assert "Traceback" not in result.stderr
    assert database.read_bytes() == garbage


def test_every_query_of_a_report_runs_in_one_snapshot(tmp_path: Path) -> None:
    from deskmetrics import Metric, MetricValue
    from deskmetrics.config.loading import parse_config
    from deskmetrics.report import build_report

    database = tmp_path / "deskmetrics.db"
    created = datetime(2026, 1, 6, 9, tzinfo=UTC)
    seen: list[bool] = []

    def writes_meanwhile(scope: object) -> dict:
        # While the report runs, another process commits 40 more tickets in the period.
        seen.append(scope.conn.in_transaction)  # type: ignore[attr-defined]
        with Store(database) as writer:
            writer.write([Ticket(id=f"late{i}", created_at=created) for i in range(40)], source="s")
        sql, params = scope.ticket_sql("count(*)", "created")  # type: ignore[attr-defined]
        return {key: MetricValue.count(n) for key, (n,) in scope.aggregate(sql, params).items()}  # type: ignore[attr-defined]

    metric = Metric(id="late_count", label="Tickets seen after the write", unit="count",
                    compute=writes_meanwhile)  # fmt: skip
    with Store(database) as store:
        store.write([Ticket(id=str(i), created_at=created) for i in range(10)], source="s")
        config = parse_config({}, tmp_path / "deskmetrics.toml")
        report = build_report(
            store,
            config.report_settings(),
            start=datetime(2026, 1, 5).date(),
            end=datetime(2026, 1, 12).date(),
            as_of=datetime(2026, 2, 1, tzinfo=UTC),
            metrics={"late_count": metric},
        )
    assert seen == [True]
    # The query after the write still sees the report's snapshot: 10 tickets, not 50.
    assert report.metrics["late_count"].value == 10
    with Store(database) as store:
        assert store.count("tickets") == 50

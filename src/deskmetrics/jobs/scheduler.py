"""The foreground scheduler behind ``deskmetrics schedule``.

Each job runs as its own ``deskmetrics`` process, so a crash or a leak stays in that run. Sync
jobs take the connection's lock in that process (a manual ``deskmetrics sync`` respects it too),
and every job also holds a job lock here, so two schedulers on one database never run the same
job at once. On stop (SIGTERM/SIGINT) a running job is sent SIGTERM: the batch it was writing
rolls back with its transaction, and the next sync resumes from the last committed one.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmetrics.config.loading import Config
from deskmetrics.jobs.definitions import Job
from deskmetrics.jobs.timing import Every
from deskmetrics.store import from_db_time
from deskmetrics.store.interface import StoreBackend as Store
from deskmetrics.store.opening import open_store, sync_lock
from deskmetrics.sync.locks import LockedError


@dataclass
class Outcome:
    job: str
    outcome: str  # succeeded | failed | locked | skipped
    started_at: str
    seconds: float
    exit_code: int | None = None
    records: int | None = None
    error: str | None = None
    next_due: str | None = None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Scheduler:
    """Runs due jobs one at a time until :meth:`stop` is called."""

    def __init__(
        self,
        config: Config,
        jobs: list[Job],
        *,
        log: Callable[[Outcome], None],
        jitter: float = 0.0,
        backoff: float = 60.0,
        max_backoff: float = 3600.0,
        grace: float = 30.0,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        self.jobs = jobs
        self.log = log
        self.jitter = jitter
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.grace = grace
        self.rng = rng or random.Random()
        self.now = now
        self.failures: dict[str, int] = {job.name: 0 for job in jobs}
        self.next_due: dict[str, datetime] = {}
        self._stop = threading.Event()
        self._child: subprocess.Popen[str] | None = None

    # -- timing ------------------------------------------------------------------------------

    def _last_sync_start(self, store: Store, connection: str) -> datetime | None:
        row = store.conn.execute(
            "SELECT max(started_at) FROM sync_runs WHERE connection = ?", (connection,)
        ).fetchone()
        return from_db_time(row[0]) if row and row[0] else None

    def plan(self) -> None:
        """First due times: sync jobs continue from their last run recorded in the store."""
        now = self.now()
        with open_store(self.config) as store:
            for job in self.jobs:
                if job.timing is None:
                    continue
                last = self._last_sync_start(store, job.connection) if job.connection else None
                if last is not None:
                    due = job.timing.next_after(last)
                elif isinstance(job.timing, Every):
                    due = now
                else:
                    due = job.timing.next_after(now)
                self.next_due[job.name] = max(due, now)

    def _reschedule(self, job: Job, outcome: Outcome, started: datetime) -> None:
        if job.timing is None:
            return
        now = self.now()
        if outcome.outcome == "failed":
            self.failures[job.name] += 1
            delay = min(self.backoff * 2 ** (self.failures[job.name] - 1), self.max_backoff)
            due = now + timedelta(seconds=delay)
        else:
            self.failures[job.name] = 0
            due = job.timing.next_after(started)
            due += (
                timedelta(seconds=self.rng.uniform(0, self.jitter)) if self.jitter else timedelta()
            )
            due = max(due, now)
        self.next_due[job.name] = due
        outcome.next_due = _stamp(due)

    # -- running -----------------------------------------------------------------------------

    def command(self, job: Job) -> list[str]:
        config = ["--config", str(self.config.path)] if self.config.path else []
        return [sys.executable, "-m", "deskmetrics", *config, *job.args]

    def run_job(self, job: Job) -> Outcome:
        started = self.now()
        clock = time.monotonic()
        outcome = Outcome(job.name, "succeeded", _stamp(started), 0.0)
        try:
            with sync_lock(self.config, f"job-{job.name}"):
                self._run_process(job, outcome)
        except LockedError:
            outcome.outcome, outcome.error = "skipped", "running in another scheduler"
        outcome.seconds = round(time.monotonic() - clock, 3)
        self._reschedule(job, outcome, started)
        self.log(outcome)
        return outcome

    def _run_process(self, job: Job, outcome: Outcome) -> None:
        self._child = subprocess.Popen(
            self.command(job),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        try:
            stdout, stderr = self._child.communicate()
        finally:
            code = self._child.returncode
            self._child = None
        outcome.exit_code = code
        summary: dict[str, Any] = {}
        if job.is_sync:
            try:
                summary = json.loads(stdout) if stdout.strip() else {}
            except ValueError:
                summary = {}
            connections = summary.get("connections", [])
            outcome.records = sum(c.get("records", 0) for c in connections)
            if connections and all(c.get("status") == "locked" for c in connections):
                outcome.outcome, outcome.error = "locked", connections[0].get("error")
                return
        if code != 0:
            outcome.outcome = "failed"
            errors = [c["error"] for c in summary.get("connections", []) if c.get("error")]
            last_line = stderr.strip().splitlines()[-1] if stderr.strip() else ""
            outcome.error = "; ".join(errors) or last_line or f"exit code {code}"

    def run_due(self) -> list[Outcome]:
        """Run every job that is due now; then the after-sync jobs if a sync succeeded."""
        outcomes = []
        now = self.now()
        due = sorted(
            (job for job in self.jobs if job.name in self.next_due),
            key=lambda job: self.next_due[job.name],
        )
        for job in due:
            if self._stop.is_set():
                break
            if self.next_due[job.name] <= now:
                outcomes.append(self.run_job(job))
        if any(o.outcome == "succeeded" and o.job.startswith("sync:") for o in outcomes):
            for job in self.jobs:
                if job.timing is None and not self._stop.is_set():
                    outcomes.append(self.run_job(job))
        return outcomes

    def run_forever(self) -> None:
        self.plan()
        while not self._stop.is_set():
            self.run_due()
            if not self.next_due:
                self._stop.wait(60)
                continue
            wait = (min(self.next_due.values()) - self.now()).total_seconds()
            self._stop.wait(min(max(wait, 0.0), 60.0))

    def stop(self) -> None:
        """Stop after the current job; a running job process gets SIGTERM, then SIGKILL."""
        self._stop.set()
        child = self._child
        if child is not None and child.poll() is None:
            child.terminate()
            try:
                child.wait(self.grace)
            except subprocess.TimeoutExpired:
                child.kill()


def outcome_line(outcome: Outcome, *, as_json: bool) -> str:
    if as_json:
        return json.dumps({"time": _stamp(datetime.now(UTC)), **asdict(outcome)})
    parts = [f"{outcome.started_at} {outcome.job} {outcome.outcome} in {outcome.seconds:.1f}s"]
    if outcome.records is not None:
        parts.append(f"{outcome.records} records")
    if outcome.error:
        parts.append(f"error: {outcome.error}")
    if outcome.next_due:
        parts.append(f"next {outcome.next_due}")
    return ", ".join(parts)

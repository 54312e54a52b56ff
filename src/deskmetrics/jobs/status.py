"""Per connection: the last sync, its outcome, how stale the data is, and when it runs next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from deskmetrics.config.loading import Config
from deskmetrics.jobs.definitions import load_jobs
from deskmetrics.jobs.timing import Every
from deskmetrics.store import from_db_time
from deskmetrics.store.interface import StoreBackend as Store

DEAD_SYNC = "the sync process ended without finishing (killed?); the next sync resumes it"


@dataclass
class ConnectionStatus:
    connection: str
    connector: str
    last_started_at: str | None
    last_outcome: str | None  # succeeded | failed | interrupted | running | None (never)
    last_records: int
    last_seconds: float | None
    last_error: str | None
    consecutive_failures: int
    cursor_updated_at: str | None
    cursor_age_seconds: float | None
    next_due_at: str | None


def _outcome(statuses: list[str]) -> str:
    for status in ("running", "failed", "interrupted"):
        if status in statuses:
            return status
    return "succeeded"


def connection_status(config: Config, store: Store, now: datetime) -> list[ConnectionStatus]:
    timings = {job.connection: job.timing for job in load_jobs(config) if job.connection}
    result = []
    for name, connection in config.connections.items():
        syncs = store.conn.execute(
            "SELECT sync_id, min(started_at), max(ended_at), group_concat(status), sum(records), "
            "group_concat(error, '; ') FROM sync_runs WHERE connection = ? "
            "GROUP BY sync_id ORDER BY min(id) DESC LIMIT 50",
            (name,),
        ).fetchall()
        outcomes = [_outcome(row[3].split(",")) for row in syncs]
        dead = bool(outcomes) and outcomes[0] == "running" and not store.lock_held(name)
        if dead:
            outcomes[0] = "interrupted"  # its process is gone: it will never finish
        failures = 0
        for outcome in outcomes:
            if outcome not in ("failed", "interrupted"):
                break
            failures += 1
        cursor = store.conn.execute(
            "SELECT max(updated_at) FROM sync_state WHERE connection = ?", (name,)
        ).fetchone()[0]
        last = syncs[0] if syncs else None
        seconds = None
        if last and last[2] and outcomes[0] != "running":
            seconds = round((from_db_time(last[2]) - from_db_time(last[1])).total_seconds(), 3)
        timing = timings.get(name)
        next_due = None
        if timing is not None:
            due = timing.next_after(from_db_time(last[1])) if last else None
            if due is None:
                due = now if isinstance(timing, Every) else timing.next_after(now)
            next_due = max(due, now).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        result.append(
            ConnectionStatus(
                connection=name,
                connector=connection.connector,
                last_started_at=last[1] if last else None,
                last_outcome=outcomes[0] if outcomes else None,
                last_records=int(last[4] or 0) if last else 0,
                last_seconds=seconds,
                last_error=DEAD_SYNC if dead else last[5] if last else None,
                consecutive_failures=failures,
                cursor_updated_at=cursor,
                cursor_age_seconds=(
                    round((now - from_db_time(cursor)).total_seconds(), 1) if cursor else None
                ),
                next_due_at=next_due,
            )
        )
    return result

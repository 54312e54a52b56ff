"""Airflow: one mapped task per deskmetrics connection, every 15 minutes.

Copy this file and deskmetrics_tasks.py into the DAGs folder. Each task syncs one connection into
the shared store (PostgreSQL for workers on several machines, docs/store.md); a failed stream
fails that task only, and Airflow retries it. Different connections sync in parallel; the store's
per-connection lock keeps two workers off the same connection.
"""

from __future__ import annotations

from typing import Any

from airflow.decorators import dag, task
from deskmetrics_tasks import connections, sync_connection
from pendulum import datetime

CONFIG = "/srv/deskmetrics/deskmetrics.toml"


@dag(schedule="*/15 * * * *", start_date=datetime(2026, 1, 1), catchup=False, max_active_runs=1)
def deskmetrics_sync() -> None:
    @task
    def configured_connections() -> list[str]:
        return connections(CONFIG)

    @task(retries=2)
    def sync(name: str) -> dict[str, Any]:
        # Raises SyncFailed (the task fails) when any stream of the connection failed.
        return sync_connection(name, CONFIG)

    sync.expand(name=configured_connections())


deskmetrics_sync()

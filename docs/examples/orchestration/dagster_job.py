"""Dagster: one op per deskmetrics connection, fanned out dynamically, on a 15-minute schedule.

Load with `dagster dev -f dagster_job.py` next to deskmetrics_tasks.py. A failed stream fails that
connection's op only; the others still run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dagster import (
    Definitions,
    DynamicOut,
    DynamicOutput,
    Failure,
    ScheduleDefinition,
    job,
    op,
)
from deskmetrics_tasks import SyncFailed, connections, sync_connection

CONFIG = "/srv/deskmetrics/deskmetrics.toml"


@op(out=DynamicOut(str))
def configured_connections() -> Iterator[DynamicOutput[str]]:
    for name in connections(CONFIG):
        yield DynamicOutput(name, mapping_key=name.replace("-", "_"))


@op
def sync(name: str) -> dict[str, Any]:
    try:
        return sync_connection(name, CONFIG)
    except SyncFailed as failure:
        raise Failure(description=str(failure)) from failure


@job
def deskmetrics_sync() -> None:
    configured_connections().map(sync)


defs = Definitions(
    jobs=[deskmetrics_sync],
    schedules=[ScheduleDefinition(job=deskmetrics_sync, cron_schedule="*/15 * * * *")],
)

"""Helpers shared by the Zendesk tests: a clock that never waits, connectors wired to it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import deskmetrics
from deskmetrics_zendesk import ZendeskConnector, ZendeskOptions


class FakeTime:
    """A clock that only moves when the code under test sleeps; records every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.budget_sleeps: list[float] = []
        self.backoff_sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def budget_sleep(self, seconds: float) -> None:
        self.budget_sleeps.append(seconds)
        self.now += seconds

    def backoff_sleep(self, seconds: float) -> None:
        self.backoff_sleeps.append(seconds)
        self.now += seconds


def connector(
    fake_time: FakeTime, *, connection: str = "zd", keep_raw: bool = False, **options: Any
) -> ZendeskConnector:
    """A connector whose rate budget and retry back-off use ``fake_time`` instead of sleeping."""
    built = ZendeskConnector(
        ZendeskOptions.model_validate(options), connection=connection, keep_raw=keep_raw
    )
    built.budget = deskmetrics.RateBudget(clock=fake_time.clock, sleep=fake_time.budget_sleep)
    built.sleep = fake_time.backoff_sleep
    return built


JSON_COLUMNS = {"tags", "custom_fields", "raw", "fields"}


def table(db: Path, name: str, *, drop: tuple[str, ...] = ("synced_at",)) -> dict[str, dict]:
    """Rows of ``name`` keyed by id (JSON columns parsed), without the ``drop`` columns."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
    finally:
        conn.close()
    result = {}
    for row in rows:
        data = {k: row[k] for k in row.keys() if k not in drop}  # noqa: SIM118
        for column in JSON_COLUMNS & data.keys():
            if isinstance(data[column], str):
                data[column] = json.loads(data[column])
        result[data["id"]] = data
    return result

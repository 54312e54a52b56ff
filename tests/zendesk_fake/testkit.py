"""Helpers shared by the Zendesk tests: connectors wired to a FakeClock, stored rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from deskmetrics.testing import FakeClock
from deskmetrics_zendesk import ZendeskConnector, ZendeskOptions


def connector(
    fake_time: FakeClock, *, connection: str = "zd", keep_raw: bool = False, **options: Any
) -> ZendeskConnector:
    """A connector whose rate budget and retry back-off use ``fake_time`` instead of sleeping."""
    return ZendeskConnector(
        ZendeskOptions.model_validate(options),
        connection=connection,
        keep_raw=keep_raw,
        runtime=fake_time.runtime(),
    )


JSON_COLUMNS = {"tags", "custom_fields", "raw", "fields"}


DERIVED = ("first_response_us", "resolution_us", "first_resolution_us", "first_assignment_us")
"""Ticket durations the store derives from the times (schemas 3, 10): not part of what was
served."""


def table(
    db: Path, name: str, *, drop: tuple[str, ...] = ("synced_at", *DERIVED)
) -> dict[str, dict]:
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

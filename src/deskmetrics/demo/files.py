"""The demo helpdesk as files: CSV exports the CSV connector reads, and a config that wires them up.

Cell conventions (shared with the CSV connector): a header row of canonical field names; times as
ISO 8601 UTC with a ``Z``; an empty cell is null (for a survey ``score``: offered, not answered);
``tags`` comma-separated in one cell; booleans ``true``/``false``; whole numbers without decimals.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final

from deskmetrics.demo.generator import DEFAULT_SPEC, DemoSpec, demo_records
from deskmetrics.models import (
    Agent,
    Customer,
    Group,
    Interaction,
    Organization,
    Record,
    SurveyResponse,
    Ticket,
    TicketEvent,
)

CSV_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "groups.csv": ("id", "name"),
    "agents.csv": ("id", "name", "email", "group_id"),
    "organizations.csv": ("id", "name", "domain"),
    "customers.csv": ("id", "name", "created_at", "churned_at"),
    "tickets.csv": (
        "id", "created_at", "updated_at", "status", "priority", "channel", "requester_id",
        "assignee_id", "group_id", "organization_id", "first_response_at", "first_resolved_at",
        "resolved_at", "reopens", "agent_replies", "escalated", "handle_seconds",
        "first_response_due_at", "resolution_due_at", "tags", "product",
        "requester_wait_seconds", "requester_wait_business_seconds", "agent_wait_seconds",
        "agent_wait_business_seconds", "on_hold_seconds", "on_hold_business_seconds",
        "assignee_stations", "group_stations", "first_assigned_at",
    ),
    "interactions.csv": ("id", "ticket_id", "author_id", "author_role", "public", "created_at"),
    "surveys.csv": (
        "id", "ticket_id", "customer_id", "agent_id", "kind", "score", "scale_min", "scale_max",
        "higher_is_better", "created_at", "comment",
    ),
    "ticket_events.csv": ("id", "ticket_id", "created_at", "field", "value", "previous_value"),
}  # fmt: skip
"""Columns of each demo file: the canonical field names of the metrics specification (§10), in
its order, plus the tickets' ``product`` (a ticket dimension: ``--by product``) and the
optional time-in-status and routing columns and the status/assignment history (issue #18)."""

_FILE_OF: Final[dict[type[Record], str]] = {
    Group: "groups.csv",
    Agent: "agents.csv",
    Organization: "organizations.csv",
    Customer: "customers.csv",
    Ticket: "tickets.csv",
    Interaction: "interactions.csv",
    SurveyResponse: "surveys.csv",
    TicketEvent: "ticket_events.csv",
}

CONFIG_NAME: Final = "deskmetrics.toml"
DEMO_HEADER: Final = "# deskmetrics demo: a synthetic helpdesk, generated from a fixed seed."
"""The first line of the demo's config: how ``demo`` knows a folder is its own to rewrite."""


def cell(value: Any) -> str:
    """One CSV cell in the demo files' conventions."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        text = value.astimezone(UTC).replace(tzinfo=None).isoformat()
        return text + "Z"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return ",".join(value)
    return str(value)


def _row_maker(name: str) -> Callable[[Record], list[str]]:
    columns = CSV_COLUMNS[name]
    return lambda record: [cell(getattr(record, c)) for c in columns]


def write_demo_csv(directory: Path, spec: DemoSpec = DEFAULT_SPEC) -> dict[str, int]:
    """Write the demo helpdesk as CSV files in ``directory``; returns rows per file name.

    Records stream straight to the files, so any number of tickets fits in memory.
    """
    directory.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(CSV_COLUMNS, 0)
    with ExitStack() as stack:
        writers = {}
        for name, columns in CSV_COLUMNS.items():
            handle = stack.enter_context((directory / name).open("w", encoding="utf-8", newline=""))
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            writers[name] = (writer.writerow, _row_maker(name))
        for record in demo_records(spec):
            name = _FILE_OF[type(record)]
            write, make_row = writers[name]
            write(make_row(record))
            counts[name] += 1
    return counts


def write_demo_config(directory: Path, *, data_dir: Path, database: Path) -> Path:
    """Write ``directory/deskmetrics.toml`` for the demo: its database, UTC reports and one CSV
    connection reading ``data_dir``. Paths inside ``directory`` are written relative to it, so the
    folder can be moved; deskmetrics resolves them against the config file's location."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CONFIG_NAME
    text = f"""\
{DEMO_HEADER}
# Try: deskmetrics sync, then deskmetrics report (or pass --config {CONFIG_NAME}).

[database]
# The SQLite file that sync fills and report reads.
path = {_toml_string(_relative(database, directory))}

[report]
# Day and week boundaries of reports are taken in this time zone.
timezone = "UTC"

[connections.demo]
# The CSV files written by the demo generator (groups.csv, agents.csv, tickets.csv, ...).
connector = "csv"
path = {_toml_string(_relative(data_dir, directory))}
"""
    path.write_text(text, encoding="utf-8")
    return path


def _relative(target: Path, base: Path) -> str:
    """``target`` relative to ``base`` when it lies inside it, else absolute; always with ``/``."""
    target, base = Path(os.path.abspath(target)), Path(os.path.abspath(base))
    try:
        return target.relative_to(base).as_posix()
    except ValueError:
        return target.as_posix()


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string: same quotes and escapes.
    return json.dumps(text, ensure_ascii=False)

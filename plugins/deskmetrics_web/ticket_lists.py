"""A KPI's members as a Datasette table: computed with deskmetrics.list_members, written to the
in-memory ``ticket_lists`` database, and browsed there (sort, facets, CSV/JSON export).

Each list is one table named for the KPI and a digest of its query, so reopening a number
shows the same table; ``lists`` records what each table holds (KPI, period, key, filters, n).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import deskmetrics
from deskmetrics_web.site import Site
from deskmetrics_web.view_params import BadParams, ViewParams

COLUMNS = (
    "ticket_id", "value", "met", "subject", "source", "record_id", "created_at", "status",
    "channel", "priority", "group_name", "agent_name", "helpdesk_url",
)  # fmt: skip
FACETS = ("met", "channel", "group_name", "agent_name")
_FACTS = (
    "SELECT t.id, t.created_at, t.status, t.channel, t.priority, g.name, a.name FROM tickets t "
    'LEFT JOIN "groups" g ON g.source = t.source AND g.id = t.group_id '
    "LEFT JOIN agents a ON a.source = t.source AND a.id = t.assignee_id "
    "WHERE t.source = ? AND t.id IN (SELECT value FROM json_each(?))"
)


@dataclass(frozen=True)
class TicketList:
    table: str
    listed: deskmetrics.MemberList
    rows: list[tuple[Any, ...]]
    description: dict[str, Any]


def parse_key(args: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    found = []
    for text in args.get("key", []):
        name, sep, value = text.partition("=")
        if not sep or not name or not value:
            raise BadParams(f"key {text!r} is not DIM=VALUE")
        found.append((name, value))
    return found


def compute_list(
    site: Site, metric_id: str, params: ViewParams, key: list[tuple[str, str]]
) -> TicketList:
    """The members and their ticket facts (run in a worker thread)."""
    with site.open_store() as store:
        try:
            listed = deskmetrics.list_members(
                store, metric_id, site.settings, start=params.start, end=params.end,
                as_of=params.as_of, key=key, filters=params.filters, links=site.links,
            )  # fmt: skip
        except ValueError as exc:
            raise BadParams(str(exc)) from None
        facts = _facts(store.conn, listed)
    rows = [
        (m.ticket_id, m.value, None if m.met is None else int(m.met), m.subject, m.source, m.id,
         *facts.get((m.source, m.ticket_id), (None,) * 6), m.url)
        for m in listed.members
    ]  # fmt: skip
    description = {
        "kpi": metric_id,
        "label": listed.metric.label,
        "unit": listed.value.unit,
        "start": listed.start.isoformat(),
        "end": listed.end.isoformat(),
        "as_of": params.as_of.isoformat() if params.as_of else None,
        "key": ", ".join(f"{dim} {label}" for dim, label in listed.key),
        "filters": ", ".join(f"{f.field}={f.value}" for f in params.filters),
        "n": listed.n,
        "met": listed.met,
        "kpi_value": listed.value.value,
    }
    digest = hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:10]
    return TicketList(f"{metric_id}_{digest}", listed, rows, description)


def _facts(
    conn: Any, listed: deskmetrics.MemberList
) -> dict[tuple[str, str | None], tuple[Any, ...]]:
    by_source: dict[str, list[str]] = {}
    for m in listed.members:
        if m.ticket_id is not None:
            by_source.setdefault(m.source, []).append(m.ticket_id)
    found: dict[tuple[str, str | None], tuple[Any, ...]] = {}
    for source, ids in by_source.items():
        for ticket_id, *facts in conn.execute(_FACTS, (source, json.dumps(ids))):
            found[(source, ticket_id)] = tuple(facts)
    return found


def write_list(conn: sqlite3.Connection, ticket_list: TicketList) -> None:
    """Create (or replace) the list's table and its ``lists`` row (in the write thread)."""
    table = ticket_list.table
    conn.execute(
        "CREATE TABLE IF NOT EXISTS lists (name TEXT PRIMARY KEY, kpi TEXT, label TEXT, "
        "unit TEXT, start TEXT, end TEXT, as_of TEXT, key TEXT, filters TEXT, n INTEGER, "
        "met INTEGER, kpi_value REAL)"
    )
    conn.execute(f'DROP TABLE IF EXISTS "{table}"')
    conn.execute(
        f'CREATE TABLE "{table}" (row INTEGER PRIMARY KEY, '
        + ", ".join(f'"{c}"' for c in COLUMNS)
        + ")"
    )
    conn.executemany(
        f'INSERT INTO "{table}" ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})',
        ticket_list.rows,
    )
    d = ticket_list.description
    conn.execute(
        "INSERT OR REPLACE INTO lists VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (table, d["kpi"], d["label"], d["unit"], d["start"], d["end"], d["as_of"], d["key"],
         d["filters"], d["n"], d["met"], d["kpi_value"]),
    )  # fmt: skip
    conn.commit()

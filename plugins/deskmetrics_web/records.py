"""Read-only queries of the agent, ticket and about pages (on Datasette's own connection)."""

from __future__ import annotations

from typing import Any

import deskmetrics


def _dicts(result: Any) -> list[dict[str, Any]]:
    return [dict(row) for row in result.rows]


async def agent(db: Any, source: str, agent_id: str) -> dict[str, Any] | None:
    found = _dicts(await db.execute(
        "SELECT a.source, a.id, a.name, a.email, g.name AS group_name FROM agents a "
        'LEFT JOIN "groups" g ON g.source = a.source AND g.id = a.group_id '
        "WHERE a.source = ? AND a.id = ?", [source, agent_id],
    ))  # fmt: skip
    return found[0] if found else None


async def agents(db: Any) -> list[dict[str, Any]]:
    return _dicts(await db.execute("SELECT source, id, name FROM agents ORDER BY name, id"))


def agent_filters(source: str, agent_id: str) -> tuple[deskmetrics.Filter, ...]:
    return (deskmetrics.Filter("source", source), deskmetrics.Filter("agent", agent_id))


async def ticket_facts(db: Any, source: str, ticket_id: str) -> dict[str, Any] | None:
    found = _dicts(
        await db.execute(
            "SELECT * FROM ticket_facts WHERE source = ? AND id = ?", [source, ticket_id]
        )
    )
    if not found:
        return None
    facts = found[0]
    extra = _dicts(await db.execute(
        "SELECT subject, tags, first_response_due_at, resolution_due_at FROM tickets "
        "WHERE source = ? AND id = ?", [source, ticket_id],
    ))  # fmt: skip
    facts.update(extra[0] if extra else {})
    return facts


async def timeline(db: Any, source: str, ticket_id: str) -> list[dict[str, Any]]:
    """Replies and notes as stored, with the ticket's lifecycle timestamps, in time order."""
    events = _dicts(await db.execute(
        "SELECT i.created_at AS at, CASE WHEN i.public = 1 THEN 'reply' ELSE 'internal note' END "
        "AS event, i.author_role AS who, COALESCE(a.name, i.author_id) AS author "
        "FROM interactions i LEFT JOIN agents a ON a.source = i.source AND a.id = i.author_id "
        "WHERE i.source = ? AND i.ticket_id = ?", [source, ticket_id],
    ))  # fmt: skip
    stamps = _dicts(await db.execute(
        "SELECT created_at, first_response_at, first_resolved_at, resolved_at, status "
        "FROM tickets WHERE source = ? AND id = ?", [source, ticket_id],
    ))  # fmt: skip
    for row in stamps:
        for column, event in (("created_at", "created"), ("first_response_at", "first response"),
                              ("first_resolved_at", "first resolved"),
                              ("resolved_at", f"resolved (now {row['status']})")):  # fmt: skip
            if row[column]:
                events.append({"at": row[column], "event": event, "who": "", "author": ""})
    return sorted(events, key=lambda e: (e["at"], e["event"]))


async def surveys(db: Any, source: str, ticket_id: str) -> list[dict[str, Any]]:
    return _dicts(await db.execute(
        "SELECT kind, score, scale_min, scale_max, created_at, comment FROM surveys "
        "WHERE source = ? AND ticket_id = ? ORDER BY created_at", [source, ticket_id],
    ))  # fmt: skip


async def last_syncs(db: Any) -> list[dict[str, Any]]:
    """Per connection and stream: its last run (status, records, when)."""
    return _dicts(await db.execute(
        "SELECT connection, stream, status, records, rejected, started_at, ended_at, error "
        "FROM sync_runs r WHERE id = (SELECT max(id) FROM sync_runs s "
        "WHERE s.connection = r.connection AND s.stream = r.stream) ORDER BY connection, stream"
    ))  # fmt: skip


async def counts(db: Any) -> list[tuple[str, int]]:
    tables = ("tickets", "interactions", "surveys", "customers", "agents", "groups")
    found = []
    for table in tables:
        result = await db.execute(f'SELECT count(*) FROM "{table}"')
        found.append((table, result.rows[0][0]))
    return found

"""Which survey responses are their ticket's latest of their kind (``surveys.latest``,
``surveys.latest_answered``, schema 12).

Survey KPIs count each ticket's latest response of a kind (its latest answered one for scores,
spec §5). Every report used to find them with a window over the responses since its start (one
sort per kind, after a grouped check for tickets with several responses: ~0.1 CPU s per 200 k
tickets before any KPI ran). The flags depend only on the survey rows, so they are kept at write
time instead: :func:`refresh` runs in the same transaction as any write of survey responses
(both stores' ``write``), for the tickets those responses belong to, before and after.

The rule, as the window had it: a response is ``latest`` when no other response of its kind
and ticket was created later (same instant: the higher id); ``latest_answered`` when it has a
score and no other answered response of its kind and ticket is later by that order. A response
without a ticket stands alone: latest, and latest answered when answered.

Kept over the whole history, not a report's window: a response created before a report's start
but answered inside it no longer counts when a later-created response of its ticket exists (the
window did not see that one and counted both, in different reports).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from deskmetrics.store.interface import SqlConnection

CHUNK = 500
"""Responses or tickets per statement (SQLite's default limit is 999 parameters)."""

_LATER = (
    # INDEXED BY: left alone, SQLite searches the time index by kind alone, once per response
    # (minutes for 100 k responses); PostgreSQL's dialect drops it.
    "SELECT 1 FROM surveys x INDEXED BY surveys_kind_ticket"
    " WHERE x.kind = surveys.kind AND x.source = surveys.source"
    " AND x.ticket_id = surveys.ticket_id AND (x.created_at > surveys.created_at"
    " OR (x.created_at = surveys.created_at AND x.id > surveys.id))"
)

FLAGS = (
    "latest = CASE WHEN ticket_id IS NULL THEN 1"
    f" WHEN EXISTS ({_LATER}) THEN 0 ELSE 1 END, "
    "latest_answered = CASE WHEN score IS NULL THEN 0 WHEN ticket_id IS NULL THEN 1"
    f" WHEN EXISTS ({_LATER} AND x.score IS NOT NULL) THEN 0 ELSE 1 END"
)
"""SQL assignments computing both flags of each updated response (portable: SQLite and
PostgreSQL; each EXISTS is one seek of surveys_kind_ticket, which covers it from schema 12)."""

BACKFILL = f"UPDATE surveys SET {FLAGS}"
"""The flags of every stored response (the migration's backfill)."""

Group = tuple[str, str]
"""(kind, ticket id): the responses whose flags depend on each other."""


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def groups_of(conn: SqlConnection, source: str, ids: Sequence[str]) -> set[Group]:
    """The (kind, ticket) groups the stored responses ``ids`` of ``source`` belong to (call it
    before a write too: a response moved to another ticket or kind leaves a group behind)."""
    found: set[Group] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(
            f"SELECT kind, ticket_id FROM surveys WHERE source = ? AND id IN"
            f" ({_placeholders(len(chunk))}) AND ticket_id IS NOT NULL",
            (source, *chunk),
        ).fetchall()
        found.update((str(kind), str(ticket)) for kind, ticket in rows)
    return found


def refresh(conn: SqlConnection, source: str, ids: Sequence[str], before: Iterable[Group]) -> None:
    """Recompute the flags of the responses ``ids`` of ``source`` just written and of every
    response sharing a kind and ticket with them, now (``groups_of`` after the write) or
    before it (``before``)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        conn.execute(
            f"UPDATE surveys SET {FLAGS} WHERE source = ? AND id IN"
            f" ({_placeholders(len(chunk))}) AND ticket_id IS NULL",
            (source, *chunk),
        )
    by_kind: dict[str, list[str]] = {}
    for kind, ticket in sorted({*before, *groups_of(conn, source, ids)}):
        by_kind.setdefault(kind, []).append(ticket)
    for kind, tickets in by_kind.items():
        for start in range(0, len(tickets), CHUNK):
            chunk = tickets[start : start + CHUNK]
            conn.execute(
                f"UPDATE surveys SET {FLAGS} WHERE kind = ? AND source = ? AND ticket_id IN"
                f" ({_placeholders(len(chunk))})",
                (kind, source, *chunk),
            )

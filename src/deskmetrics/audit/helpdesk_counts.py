"""The store's ticket count against what the helpdesk says it has, for the synced range.

A connector that can count offers ``ticket_count(start, end)``: tickets created on the UTC
days ``start`` up to (not including) ``end``, as its search API totals them. The range is the
whole UTC days from the first to the last ticket the store holds for the connection.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Any

from deskmetrics.audit.finding import Finding

CHECK = "ticket count matches the helpdesk"


def synced_days(conn: sqlite3.Connection, source: str) -> tuple[date, date] | None:
    first, last = conn.execute(
        "SELECT min(created_at), max(created_at) FROM tickets "
        "WHERE source = ? AND status NOT IN ('deleted', 'spam')",
        (source,),
    ).fetchone()
    if first is None:
        return None
    return date.fromisoformat(first[:10]), date.fromisoformat(last[:10]) + timedelta(days=1)


def stored_count(conn: sqlite3.Connection, source: str, start: date, end: date) -> int:
    count: int = conn.execute(
        "SELECT count(*) FROM tickets WHERE source = ? AND status NOT IN ('deleted', 'spam') "
        "AND created_at >= ? AND created_at < ?",
        (source, start.isoformat(), end.isoformat()),
    ).fetchone()[0]
    return count


def compare(conn: sqlite3.Connection, source: str, connector: Any) -> Finding:
    counter = getattr(connector, "ticket_count", None)
    if counter is None:
        return Finding(CHECK, "info", 0, "this connector cannot count tickets at the source",
                       connection=source)  # fmt: skip
    days = synced_days(conn, source)
    if days is None:
        return Finding(CHECK, "info", 0, "no tickets stored yet", connection=source)
    start, end = days
    stored = stored_count(conn, source, start, end)
    remote = int(counter(start, end))
    detail = f"{start} to {end} (UTC days, end excluded): store {stored}, helpdesk {remote}"
    if stored == remote:
        return Finding(CHECK, "ok", 0, detail, connection=source)
    fix = (
        f"deskmetrics sync {source} --full-refresh (the helpdesk's search index lags a few "
        "minutes: re-run verify first if the last sync was just now)"
    )
    return Finding(CHECK, "fail", abs(stored - remote), detail, [], fix, source)

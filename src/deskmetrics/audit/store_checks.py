"""Consistency checks of the store on its own: impossible times, orphans, duplicates, gaps.

Each check is one SQL query naming the offending records as ``source/id``; the first few ids
go into the finding, with the fix that usually applies.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

from deskmetrics.audit.finding import SAMPLE, Finding

LIVE = "t.status NOT IN ('deleted', 'spam')"
BUSY_PER_DAY = 10
"""A range is busy when it averages at least this many tickets a day: then a day with none is
more likely a sync gap than a quiet day."""


@dataclass(frozen=True)
class Check:
    name: str
    sql: str
    """Selects one ``source/id`` text per offending record; ``{src}`` is the source filter."""
    detail: str
    fix: str
    status_when_found: str = "fail"


CHECKS: tuple[Check, ...] = (
    Check(
        "resolved before created",
        f"SELECT t.source || '/' || t.id FROM tickets t WHERE {LIVE} AND t.resolved_at < "
        "t.created_at{src}",
        "tickets whose resolved_at is earlier than created_at",
        "correct the source's times (or the CSV cells) and sync again with --full-refresh",
    ),
    Check(
        "first response before created",
        f"SELECT t.source || '/' || t.id FROM tickets t WHERE {LIVE} AND t.first_response_at < "
        "t.created_at{src}",
        "tickets whose first_response_at is earlier than created_at",
        "correct the source's times (or the CSV cells) and sync again with --full-refresh",
    ),
    Check(
        "replies without a ticket",
        "SELECT i.source || '/' || i.id FROM interactions i WHERE NOT EXISTS (SELECT 1 FROM "
        "tickets t WHERE t.source = i.source AND t.id = i.ticket_id){src_i}",
        "interactions naming a ticket the store does not have",
        "sync the tickets stream (an earlier start_date brings older tickets)",
    ),
    Check(
        "surveys without a ticket",
        "SELECT s.source || '/' || s.id FROM surveys s WHERE s.ticket_id IS NOT NULL AND NOT "
        "EXISTS (SELECT 1 FROM tickets t WHERE t.source = s.source AND t.id = s.ticket_id)"
        "{src_s}",
        "survey responses naming a ticket the store does not have",
        "sync the tickets stream (an earlier start_date brings the rated tickets)",
    ),
    Check(
        "duplicate tickets across connections",
        f"SELECT t.source || '/' || t.id FROM tickets t WHERE {LIVE} AND EXISTS (SELECT 1 FROM "
        "tickets o WHERE o.id = t.id AND o.created_at = t.created_at AND o.source <> t.source "
        "AND o.status NOT IN ('deleted', 'spam')){src}",
        "tickets stored by two connections (same id and creation time): counted twice",
        "remove one of the connections to the same helpdesk, or report with --source NAME",
    ),
    Check(
        "estimated resolutions",
        f"SELECT t.source || '/' || t.id FROM tickets t WHERE {LIVE} AND "
        "t.resolved_at_estimated = 1{src}",
        "resolved tickets whose resolution time is an estimate (no solve time from the source)",
        "nothing to do: they count as resolved; a later sync with the recorded time replaces it",
        status_when_found="info",
    ),
    Check(
        "requesters without a customer",
        f"SELECT t.source || '/' || t.id FROM tickets t WHERE {LIVE} AND t.requester_id IS NOT "
        "NULL AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.source = t.source AND c.id = "
        "t.requester_id){src}",
        "tickets whose requester is not a stored customer",
        "sync the customers (Zendesk) or contacts (Freshdesk) stream, or add customers.csv",
        status_when_found="info",
    ),
)


def run_checks(conn: sqlite3.Connection, source: str | None) -> list[Finding]:
    findings = [_run(conn, check, source) for check in CHECKS]
    findings.append(_empty_days(conn, source))
    return findings


def _run(conn: sqlite3.Connection, check: Check, source: str | None) -> Finding:
    sql = check.sql.format(
        src=_only(source, "t"), src_i=_only(source, "i"), src_s=_only(source, "s")
    )
    ids = [row[0] for row in conn.execute(sql, {"source": source})]
    if not ids:
        return Finding(check.name, "ok", 0, check.detail, connection=source)
    return Finding(
        check.name, check.status_when_found, len(ids), check.detail, sorted(ids)[:SAMPLE],
        check.fix, source,
    )  # fmt: skip


def _only(source: str | None, alias: str) -> str:
    return f" AND {alias}.source = :source" if source else ""


def _empty_days(conn: sqlite3.Connection, source: str | None) -> Finding:
    """Days without a single new ticket inside a busy range of a source."""
    name = "days with no tickets in a busy range"
    detail = f"UTC days with no new ticket where the source averages {BUSY_PER_DAY}+ a day"
    filter_ = "AND source = :source" if source else ""
    gaps: list[str] = []
    rows = conn.execute(
        "SELECT source, substr(created_at, 1, 10) AS day, count(*) FROM tickets "
        f"WHERE status NOT IN ('deleted', 'spam') {filter_} "
        "GROUP BY source, day ORDER BY source, day",
        {"source": source},
    ).fetchall()
    by_source: dict[str, list[str]] = {}
    for src, day, _count in rows:
        by_source.setdefault(src, []).append(day)
    for src, days in by_source.items():
        total = sum(c for s, _d, c in rows if s == src)
        span = _span_days(days[0], days[-1])
        if span < 3 or total / span < BUSY_PER_DAY:
            continue
        present = set(days)
        gaps += [f"{src}/{day}" for day in _each_day(days[0], days[-1]) if day not in present]
    if not gaps:
        return Finding(name, "ok", 0, detail, connection=source)
    fix = "sync that range again (deskmetrics state reset NAME, then sync) or check the source"
    return Finding(name, "fail", len(gaps), detail, gaps[:SAMPLE], fix, source)


def _span_days(first: str, last: str) -> int:
    return len(_each_day(first, last))


def _each_day(first: str, last: str) -> list[str]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]

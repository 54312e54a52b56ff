"""What the feedback section reads: survey responses with their comments and themes, of one
period and the report's filters, through the public Scope SQL builder (so ``--where``,
``--source`` and ``--tag`` mean what they mean for the KPIs)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

import deskmetrics
from deskmetrics_feedback.cache import TABLE as SENTIMENT
from deskmetrics_feedback.comment_themes import ASSIGNED
from deskmetrics_feedback.derived import visible
from deskmetrics_feedback.metrics import KINDS, LABEL

COMMENTED = (
    f"EXISTS (SELECT 1 FROM {SENTIMENT} cf WHERE cf.source = s.source AND cf.survey_id = s.id)"
)
"""The response has a comment: the sentiment table holds a row for every survey with one."""
UNHAPPY_CSAT = "s.score <= (s.scale_min + s.scale_max) / 2.0"
_ASSIGNED = f"FROM {ASSIGNED} ct WHERE ct.source = s.source AND ct.survey_id = s.id"
_THEME = f"(SELECT ct.theme {_ASSIGNED}), (SELECT ct.weight {_ASSIGNED})"


@dataclass(frozen=True)
class Response:
    source: str
    id: str
    ticket_id: str | None
    kind: str
    score: float
    unhappy: bool | None
    """Dissatisfied (CSAT at or below the midpoint) or detractor (NPS 0–6); None for CES."""
    label: str | None
    theme: int | None
    """The comment's theme in the store's theme model (comment_themes.py), if it has one."""
    weight: float | None


def db_time(moment: datetime) -> str:
    """The store's UTC text format (docs/store.md)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


NOW, BEFORE = "now", "before"
"""Period keys of the section's scope: the report period and the one of the same length before."""


def periods_scope(report: deskmetrics.Report, conn: object) -> deskmetrics.Scope:
    """One scope for both periods, so each query (and each survey kind's table of latest
    responses) serves the two at once."""
    span = report.end - report.start
    return deskmetrics.Scope(
        conn=conn,  # type: ignore[arg-type]
        periods=(
            (NOW, db_time(report.start), db_time(report.end)),
            (BEFORE, db_time(report.start - span), db_time(report.start)),
        ),
        as_of=db_time(report.as_of),
        filters=report.filters,
    )


def _unhappy(kind: str, score: float, low: float, high: float) -> bool | None:
    if kind == "csat":
        return score <= (low + high) / 2
    if kind == "nps":
        return score < 7
    return None


def responses(scope: deskmetrics.Scope) -> dict[str, list[Response]]:
    """By period key: each ticket's latest answered response of every kind with a comment (as
    the survey KPIs count them), in (source, id) order."""
    found: dict[str, list[Response]] = {key: [] for key, _lo, _hi in scope.periods}
    select = (
        f"s.source, s.id, s.ticket_id, s.score, s.scale_min, s.scale_max, {LABEL}, "
        f"{_THEME if visible(scope.conn, ASSIGNED) else 'NULL, NULL'}"
    )
    for kind in KINDS:
        # Any order: the rows are sorted below (no sorted latest-responses table needed).
        sql, params = scope.survey_sql(kind, select, COMMENTED, group=False, any_order=True)
        for (period, *_keys), row in scope.rows(sql, params):
            source, sid, ticket, score, low, high, label, theme, weight = row
            unhappy = _unhappy(kind, score, low, high)
            found[str(period)].append(
                Response(source, sid, ticket, kind, score, unhappy, label, theme, weight)
            )
    for rows in found.values():
        rows.sort(key=lambda r: (r.source, r.id))
    return found


def comment_text(conn: sqlite3.Connection, response: Response) -> str:
    """One response's comment: read only for the few shown, not for every response."""
    found = conn.execute(
        "SELECT comment FROM surveys WHERE source = ? AND id = ?", (response.source, response.id)
    ).fetchone()
    return str(found[0] or "") if found else ""


def csat_totals(scope: deskmetrics.Scope) -> dict[str, tuple[int, int]]:
    """By period key: (CSAT answers, satisfied ones), commented or not."""
    sql, params = scope.survey_sql(
        "csat",
        f"count(*), sum(NOT ({UNHAPPY_CSAT}))",
        any_order=True,  # counts
    )
    return {
        str(key[0]): (int(n or 0), int(happy or 0))
        for key, (n, happy) in scope.aggregate(sql, params).items()
    }

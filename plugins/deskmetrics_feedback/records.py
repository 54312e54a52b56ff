"""What the feedback section reads: survey responses with their comments and themes, of one
period and the report's filters, through the public Scope SQL builder (so ``--where``,
``--source`` and ``--tag`` mean what they mean for the KPIs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import deskmetrics
from deskmetrics_feedback.comment_themes import ASSIGNED
from deskmetrics_feedback.derived import visible
from deskmetrics_feedback.metrics import KINDS, LABEL

_COMMENT = "(SELECT x.comment FROM surveys x WHERE x.source = s.source AND x.id = s.id)"
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
    comment: str | None
    label: str | None
    theme: int | None
    """The comment's theme in the store's theme model (comment_themes.py), if it has one."""
    weight: float | None


def db_time(moment: datetime) -> str:
    """The store's UTC text format (docs/store.md)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def period_scope(
    report: deskmetrics.Report, conn: object, start: datetime, end: datetime
) -> deskmetrics.Scope:
    return deskmetrics.Scope(
        conn=conn,  # type: ignore[arg-type]
        periods=(("", db_time(start), db_time(end)),),
        as_of=db_time(report.as_of),
        filters=report.filters,
    )


def _unhappy(kind: str, score: float, low: float, high: float) -> bool | None:
    if kind == "csat":
        return score <= (low + high) / 2
    if kind == "nps":
        return score < 7
    return None


def responses(scope: deskmetrics.Scope) -> list[Response]:
    """Each ticket's latest answered response of every kind created in the scope's period."""
    found = []
    select = (
        f"s.source, s.id, s.ticket_id, s.score, s.scale_min, s.scale_max, {_COMMENT}, {LABEL}, "
        f"{_THEME if visible(scope.conn, ASSIGNED) else 'NULL, NULL'}"
    )
    for kind in KINDS:
        sql, params = scope.survey_sql(kind, select, group=False)
        for _key, row in scope.rows(sql, params):
            source, sid, ticket, score, low, high, comment, label, theme, weight = row
            unhappy = _unhappy(kind, score, low, high)
            found.append(
                Response(source, sid, ticket, kind, score, unhappy, comment, label, theme, weight)
            )
    found.sort(key=lambda r: (r.source, r.id))
    return found

"""What the feedback section reads: survey responses with their comments, and created tickets,
of one period and the report's filters, through the public Scope SQL builder (so ``--where``,
``--source`` and ``--tag`` mean what they mean for the KPIs)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import deskmetrics
from deskmetrics_feedback.metrics import KINDS, LABEL

_COMMENT = "(SELECT x.comment FROM surveys x WHERE x.source = s.source AND x.id = s.id)"


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


@dataclass(frozen=True)
class ContactTicket:
    source: str
    id: str
    text: str


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
    select = f"s.source, s.id, s.ticket_id, s.score, s.scale_min, s.scale_max, {_COMMENT}, {LABEL}"
    for kind in KINDS:
        sql, params = scope.survey_sql(kind, select, group=False)
        for _key, (source, sid, ticket, score, low, high, comment, label) in scope.rows(
            sql, params
        ):
            unhappy = _unhappy(kind, score, low, high)
            found.append(Response(source, sid, ticket, kind, score, unhappy, comment, label))
    found.sort(key=lambda r: (r.source, r.id))
    return found


def contact_tickets(scope: deskmetrics.Scope) -> list[ContactTicket]:
    """Tickets created in the period: subject and tags as one text."""
    sql, params = scope.ticket_sql("t.source, t.id, t.subject, t.tags", "created", group=False)
    found = []
    for _key, (source, tid, subject, tags) in scope.rows(sql, params):
        words = [subject or ""]
        with contextlib.suppress(TypeError, ValueError):
            words += [str(tag).replace("_", " ").replace("-", " ") for tag in json.loads(tags)]
        text = " ".join(w for w in words if w).strip()
        if text:
            found.append(ContactTicket(source, tid, text))
    found.sort(key=lambda t: (t.source, t.id))
    return found

"""Breakdown dimensions: the SQL key of each, per subject, and how keys get human labels.

Subjects are the tables a metric counts: ``tickets`` (alias ``t``), ``surveys`` (alias ``s``, with
its ticket left-joined as ``t``) and ``customers`` (alias ``c``). A dimension a subject cannot
express (a customer has no agent) is simply not offered for it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

SUBJECTS = ("tickets", "surveys", "customers")
NONE_LABEL = "(none)"

SOURCE_COLUMN = {"tickets": "t.source", "surveys": "s.source", "customers": "c.source"}
TICKET_ID = {"tickets": "t.id", "surveys": "s.ticket_id"}


@dataclass(frozen=True)
class Dimension:
    """A breakdown (``--by NAME``): the SQL key of each subject it applies to.

    Plugins register their own with ``register_dimensions``; ``keys`` maps a subject
    (``tickets``, ``surveys``, ``customers``) to a SQL expression over its aliases (scope.py).
    """

    name: str
    keys: dict[str, str]
    """SQL key expression per subject that supports this dimension."""
    names_table: str | None = None
    """Table holding display names (``agents``/``groups``/``customers``), keyed by (source, id)."""
    per_source: bool = False
    """Ids are only unique within a source: prefix them with it when several sources exist."""
    tag_join: bool = False
    prepare: Callable[[sqlite3.Connection], None] | None = field(
        default=None, compare=False, repr=False
    )
    """Called with the store's connection inside a report's (or ticket list's) snapshot, before
    the first query that breaks down by this dimension: e.g. to bring a derived table it reads
    up to date."""

    def key_sql(self, subject: str, multi_source: bool) -> str:
        expr = self.keys[subject]
        if self.per_source and multi_source:
            src = SOURCE_COLUMN[subject]
            return f"CASE WHEN {expr} IS NULL THEN NULL ELSE {src} || '/' || {expr} END"
        return expr

    def join_sql(self, subject: str) -> str:
        if not self.tag_join:
            return ""
        return (
            f" LEFT JOIN ticket_tags tg ON tg.source = {SOURCE_COLUMN[subject]}"
            f" AND tg.ticket_id = {TICKET_ID[subject]}"
        )

    def supports(self, subject: str) -> bool:
        return subject in self.keys


TICKET_COLUMNS: dict[str, str] = {
    # Whether a resolved ticket's resolution time was recorded by the helpdesk or estimated
    # (docs/metrics.md, "Estimated resolutions"); null for unresolved tickets.
    "resolution": (
        "CASE WHEN t.resolved_at IS NULL THEN NULL"
        " WHEN t.resolved_at_estimated THEN 'estimated' ELSE 'recorded' END"
    ),
    # Real helpdesk dimensions (issue #13.3), stored as the helpdesk labels them.
    "type": "t.type",
    "custom_status": "t.custom_status",
    "brand": "t.brand",
    "ticket_form": "t.ticket_form",
    "via_detail": "t.via_detail",
    "product": "t.product",
    "mailbox": "t.mailbox",
    # The ticket's own language, else its requester's (Zendesk and Freshdesk keep it there).
    "language": (
        "COALESCE(t.language, (SELECT lc.language FROM customers lc"
        " WHERE lc.source = t.source AND lc.id = t.requester_id))"
    ),
}
"""Ticket dimensions read straight from the ticket row: usable in ``--by`` and ``--where``,
for ticket metrics and (through the survey's ticket) survey metrics."""


_COLUMN_ITEMS = TICKET_COLUMNS.items()


def _survey_column(name: str) -> str:
    # Survey metrics read a per-report table of the latest responses that holds only the
    # columns they compute with; other survey columns come from the row by its key.
    return f"(SELECT sx.{name} FROM surveys sx WHERE sx.source = s.source AND sx.id = s.id)"


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension(
            "agent",
            {
                "tickets": "t.assignee_id",
                # The ticket's assignee only for an answer without an agent: one probe then,
                # instead of joining every answer to its ticket (scope.survey_sql).
                "surveys": "COALESCE(s.agent_id, (SELECT ta.assignee_id FROM tickets ta "
                "WHERE ta.source = s.source AND ta.id = s.ticket_id))",
            },
            names_table="agents",
            per_source=True,
        ),
        Dimension(
            "group",
            # A survey keeps the group it was answered for; else its ticket's.
            {
                "tickets": "t.group_id",
                "surveys": f"COALESCE({_survey_column('group_id')}, t.group_id)",
            },
            names_table="groups",
            per_source=True,
        ),
        Dimension("channel", {"tickets": "t.channel", "surveys": "t.channel"}),
        Dimension("priority", {"tickets": "t.priority", "surveys": "t.priority"}),
        Dimension("tag", {"tickets": "tg.tag", "surveys": "tg.tag"}, tag_join=True),
        Dimension(
            "organization",
            {"tickets": "t.organization_id", "surveys": "t.organization_id"},
            names_table="organizations",
            per_source=True,
        ),
        Dimension("source", dict(SOURCE_COLUMN)),
        Dimension(
            "requester",
            {
                "tickets": "t.requester_id",
                "surveys": f"COALESCE({_survey_column('customer_id')}, t.requester_id)",
            },
            names_table="customers",
            per_source=True,
        ),
        *(Dimension(name, {"tickets": sql, "surveys": sql}) for name, sql in _COLUMN_ITEMS),
    )
}


def all_dimensions() -> dict[str, Dimension]:
    """The built-in dimensions, then those plugins register (a built-in keeps its name)."""
    from deskmetrics.plugin.registry import get_registry

    added = get_registry().dimensions
    return {**DIMENSIONS, **{name: d for name, d in added.items() if name not in DIMENSIONS}}


def label_lookup(
    conn: sqlite3.Connection,
    dimension: Dimension,
    multi_source: bool,
    sources: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Display names by breakdown key for a dimension with a names table (else empty).

    ``sources``: the sources the report is limited to (empty: all).
    """
    if dimension.names_table is None:
        return {}
    sql = f'SELECT source, id, name FROM "{dimension.names_table}" WHERE name IS NOT NULL'
    if sources:
        sql += f" AND source IN ({', '.join('?' * len(sources))})"
    rows = conn.execute(sql, sorted(sources))
    if multi_source:
        return {f"{source}/{id_}": name for source, id_, name in rows}
    return {id_: name for _source, id_, name in rows}


def label_for(key: str | None, names: dict[str, str]) -> str:
    if key is None:
        return NONE_LABEL
    return names.get(key, key)

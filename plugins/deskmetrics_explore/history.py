"""Time in status and routing from the stored status and assignment history (``ticket_events``,
issue #18 item 3), as SQL the time-in-status and routing KPIs fall back on for a ticket whose
source gives no metric-set figure (CSV without the columns, a helpdesk without a metric set).

A ticket's status timeline starts at its creation in the status its first recorded change left
(``previous_value``; ``new`` when the change does not say) and moves at each status change; the
last status lasts until the ticket's latest resolution. Each stretch counts towards the status it
is in: new, open and on-hold are requester wait, pending is agent wait, on-hold is on-hold time
(the same split as Zendesk's metric set). A ticket with no status change stored gives no value
(not zero): its source kept no history.

Stations count the distinct assignees (groups) the history names, before or after a change; the
first assignment is the first change to an assignee, or the creation when the first recorded
change already had one. A ticket without any history row gives no value.

The store keeps these figures per ticket, computed with this same SQL when the ticket or its
history is written (the ``ticket_history`` table, schema 9): :func:`status_seconds`,
:func:`stations` and :func:`first_assigned_at` read a column there instead of walking the
history in every scan (issue #18 at #14's speed). :func:`timeline` and :func:`stretches` still
walk it, for what only Python can count (business time in a schedule).
"""

from __future__ import annotations

from deskmetrics import seconds_between

_OF_TICKET = "e.source = t.source AND e.ticket_id = t.id"

REQUESTER_WAIT = ("new", "open", "on_hold")
AGENT_WAIT = ("pending",)
ON_HOLD = ("on_hold",)
AGENT_WORK = ("new", "open")

SUMMARY_COLUMNS: dict[tuple[str, ...], str] = {
    REQUESTER_WAIT: "requester_wait_seconds",
    AGENT_WAIT: "agent_wait_seconds",
    ON_HOLD: "on_hold_seconds",
    AGENT_WORK: "agent_work_seconds",
}
"""The status sets the store's ``ticket_history`` summary keeps, by its column."""


def summary(column: str) -> str:
    """SQL: ticket ``t``'s ``column`` of its stored history summary (NULL without a history)."""
    return (
        f"(SELECT h.{column} FROM ticket_history h"
        " WHERE h.source = t.source AND h.ticket_id = t.id)"
    )


def timeline() -> str:
    """Rows (status, at, until) of the ticket's status stretches, oldest first."""
    first = (
        f"SELECT e.previous_value FROM ticket_events e WHERE {_OF_TICKET} AND e.field = 'status'"
        " ORDER BY e.created_at, e.id LIMIT 1"
    )
    changes = (
        "SELECT COALESCE(f.previous_value, 'new') AS status, t.created_at AS at, 0 AS o, '' AS k"
        f" FROM ({first}) f"
        " UNION ALL SELECT e.value, e.created_at, 1, e.id FROM ticket_events e"
        f" WHERE {_OF_TICKET} AND e.field = 'status'"
    )
    return (
        # The creation stretch comes first even when a change is stamped before it.
        "SELECT status, at, lead(at, 1, t.resolved_at) OVER (ORDER BY o, at, k) AS until"
        f" FROM ({changes})"
    )


def status_seconds(statuses: tuple[str, ...]) -> str:
    """SQL: the seconds ticket ``t`` spent in ``statuses`` by its history (NULL without one)."""
    column = SUMMARY_COLUMNS.get(statuses)
    if column is not None:
        return summary(column)
    names = ", ".join(f"'{status}'" for status in statuses)
    # Stretches are cut to the ticket's life: a change stamped before creation or after the
    # resolution counts nothing outside it, and never a negative time.
    # (Stored times are text of one format, so max/min compare them as times.)
    span = f"max(0.0, {seconds_between('max(s.at, t.created_at)', 'min(s.until, t.resolved_at)')})"
    return (
        f"(SELECT CASE WHEN count(*) > 0 THEN total(CASE WHEN s.status IN ({names}) THEN {span}"
        f" END) END FROM ({timeline()}) s)"
    )


def _has_history() -> str:
    return f"EXISTS (SELECT 1 FROM ticket_events e WHERE {_OF_TICKET})"


def stations(field: str) -> str:
    """SQL: how many distinct assignees or groups (``field``) the ticket's history names."""
    if field in ("assignee", "group"):
        return summary(f"{field}_stations")
    values = (
        f"SELECT e.value AS v FROM ticket_events e WHERE {_OF_TICKET} AND e.field = '{field}'"
        f" UNION SELECT e.previous_value FROM ticket_events e WHERE {_OF_TICKET}"
        f" AND e.field = '{field}'"
    )
    return f"(CASE WHEN {_has_history()} THEN (SELECT count(v) FROM ({values})) END)"


def first_assigned_at() -> str:
    """SQL: when the history first shows the ticket assigned (NULL: never, or no history).

    A change stamped before creation (clock skew) counts as assigned at creation."""
    return summary("first_assigned_at")


def stretches(statuses: tuple[str, ...]) -> str:
    """SQL text: the ticket's source, then its stretches in ``statuses`` as ``start\x1eend``,
    each cut to the ticket's life (``\x1f`` between them); NULL without a status history.
    For what only Python can count, such as business time in a schedule."""
    names = ", ".join(f"'{status}'" for status in statuses)
    item = "char(31) || max(s.at, t.created_at) || char(30) || min(s.until, t.resolved_at)"
    return (
        f"(SELECT t.source || group_concat(CASE WHEN s.status IN ({names}) "
        f"AND s.until > s.at THEN {item} ELSE '' END, '') FROM ({timeline()}) s)"
    )

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

The store keeps these figures per ticket, counted when the ticket or its history is written
(the ``ticket_history`` table, schema 9): :func:`status_seconds`, :func:`stations` and
:func:`first_assigned_at` read a column there instead of walking the history in every scan
(issue #18 at #14's speed). :func:`stretches` reads the status stretches the same row keeps
(schema 11), for what only Python can count (business time in a schedule).
"""

from __future__ import annotations

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


def status_seconds(statuses: tuple[str, ...]) -> str:
    """SQL: the seconds ticket ``t`` spent in ``statuses`` (a set of SUMMARY_COLUMNS) by its
    history, as the store's summary keeps it (NULL without a history)."""
    return summary(SUMMARY_COLUMNS[statuses])


def stations(field: str) -> str:
    """SQL: how many distinct assignees or groups (``field``) the ticket's history names."""
    if field not in ("assignee", "group"):
        raise ValueError(f"no stations are kept for {field!r}: assignee or group")
    return summary(f"{field}_stations")


def first_assigned_at() -> str:
    """SQL: when the history first shows the ticket assigned (NULL: never, or no history).

    A change stamped before creation (clock skew) counts as assigned at creation."""
    return summary("first_assigned_at")


def stretches() -> str:
    """SQL text: ticket ``t``'s source, ``\x1f``, then its status stretches as the store keeps
    them (``ticket_history.status_stretches``: ``<code><start µs>,<end µs>`` in new, open,
    pending and on-hold, cut to the ticket's life, space-separated; codes in
    ``STRETCH_CODES``); NULL without a status history. For what only Python can count, such as
    business time in a schedule: one row of the ticket's summary, not a walk of its history."""
    return f"(t.source || char(31) || {summary('status_stretches')})"


STRETCH_CODES = {"new": "n", "open": "o", "pending": "p", "on_hold": "h"}
"""The one-letter code of each status in ``stretches`` (the store's, docs/store.md)."""

"""Per-ticket summaries of the status and assignment history (``ticket_history``, schema 9).

The time-in-status and routing KPIs fall back on a ticket's history when its source states no
figure (issue #18). Computing that in every report scan cost correlated subqueries over
``ticket_events`` per resolved ticket (a window over its status changes, 0.3–0.5 ms each); the
summary is computed once, when the history or the ticket changes, and the KPIs read a column.

A summary depends on the ticket's events and on its ``created_at`` and ``resolved_at``, so
:func:`refresh` runs in the same transaction as any write of tickets, ticket updates or ticket
events (both stores' ``write``), for the tickets that write touched. Only tickets with at least
one history row have a summary; without one every figure is NULL, as before (no history is no
value, not zero).

The rule is the SQL the KPIs evaluated per scan (it moved here from the explore plugin's
history.py, which now reads the columns). Writes count it in Python from one read of the
touched tickets' history rows (tens of microseconds a ticket, where the SQL's correlated
subqueries took 0.3–0.5 ms), to the same floats: integer microseconds per stretch, one division,
summed in order as ``total()`` does (tests/test_history_summary.py compares them exactly). The
SQL itself fills the table once, in the migration, and stays the reference.

A ticket's status timeline starts at its creation in the status its first recorded change left
(``previous_value``; ``new`` when the change does not say) and moves at each status change; the
last status lasts until the ticket's latest resolution. Each stretch counts towards the status it
is in, cut to the ticket's life. Stations count the distinct assignees (groups) the history
names, before or after a change; the first assignment is the first change to an assignee, or the
creation when the first recorded change already had one.

``status_stretches`` (schema 11) keeps the timeline itself, for what only Python can count:
business time in a schedule the report chooses (``--schedule``), which the store cannot know at
write time. Each stretch in new, open, pending or on-hold, cut to the ticket's life and not
empty, as ``<code><start>,<end>`` (code: :data:`STRETCH_CODES`; start and end in integer
microseconds since the epoch, exactly the stored texts' instants), oldest first, separated by
spaces; ``''`` for a ticket whose status history leaves no such stretch, NULL without a status
history. A report reads this one column instead of walking each ticket's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from deskmetrics.metrics.scope import seconds_between
from deskmetrics.models import Record, Ticket, TicketEvent, TicketUpdate

_OF_TICKET = "e.source = t.source AND e.ticket_id = t.id"

REQUESTER_WAIT = ("new", "open", "on_hold")
AGENT_WAIT = ("pending",)
ON_HOLD = ("on_hold",)
AGENT_WORK = ("new", "open")

STATUS_COLUMNS: dict[tuple[str, ...], str] = {
    REQUESTER_WAIT: "requester_wait_seconds",
    AGENT_WAIT: "agent_wait_seconds",
    ON_HOLD: "on_hold_seconds",
    AGENT_WORK: "agent_work_seconds",
}
"""The statuses each summary column adds up."""

STATION_COLUMNS = {"assignee": "assignee_stations", "group": "group_stations"}

CHUNK = 500
"""Tickets per statement (SQLite's default limit is 999 parameters)."""


def timeline() -> str:
    """Rows (status, at, until) of ticket ``t``'s status stretches, oldest first."""
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
    names = ", ".join(f"'{status}'" for status in statuses)
    # Stretches are cut to the ticket's life: a change stamped before creation or after the
    # resolution counts nothing outside it, and never a negative time.
    # (Stored times are text of one format, so max/min compare them as times.)
    span = f"max(0.0, {seconds_between('max(s.at, t.created_at)', 'min(s.until, t.resolved_at)')})"
    return (
        f"(SELECT CASE WHEN count(*) > 0 THEN total(CASE WHEN s.status IN ({names}) THEN {span}"
        f" END) END FROM ({timeline()}) s)"
    )


def has_history() -> str:
    return f"EXISTS (SELECT 1 FROM ticket_events e WHERE {_OF_TICKET})"


def stations(field: str) -> str:
    """SQL: how many distinct assignees or groups (``field``) the ticket's history names."""
    values = (
        f"SELECT e.value AS v FROM ticket_events e WHERE {_OF_TICKET} AND e.field = '{field}'"
        f" UNION SELECT e.previous_value FROM ticket_events e WHERE {_OF_TICKET}"
        f" AND e.field = '{field}'"
    )
    return f"(CASE WHEN {has_history()} THEN (SELECT count(v) FROM ({values})) END)"


def first_assigned_at() -> str:
    """SQL: when the history first shows the ticket assigned (NULL: never, or no history)."""
    assignee = f"FROM ticket_events e WHERE {_OF_TICKET} AND e.field = 'assignee'"
    first = f"SELECT e.previous_value {assignee} ORDER BY e.created_at, e.id LIMIT 1"
    later = f"SELECT min(e.created_at) {assignee} AND e.value IS NOT NULL"
    return (
        # A change stamped before creation (clock skew) counts as assigned at creation.
        f"(SELECT CASE WHEN f.previous_value IS NOT NULL THEN t.created_at"
        f" ELSE max(t.created_at, ({later})) END FROM ({first}) f)"
    )


STRETCH_CODES = {"new": "n", "open": "o", "pending": "p", "on_hold": "h"}
"""The statuses ``status_stretches`` keeps, by the one-letter code it writes for each."""


def epoch_microseconds(text: str) -> str:
    """SQL: the stored time ``text`` (a column name) in integer microseconds since the epoch.
    Whole seconds from julianday (its error, ~50 µs at today's dates, is far below the half
    second the rounding forgives), then the six fraction digits, as seconds_between does."""
    return (
        f"(CAST(round((julianday(substr({text}, 1, 19)) - 2440587.5) * 86400) AS INTEGER)"
        f" * 1000000 + CAST(substr({text}, 21, 6) AS INTEGER))"
    )


def stretches() -> str:
    """SQL: ticket ``t``'s ``status_stretches`` text from its history (NULL without a status
    history). The reference :func:`summarise` matches; the migration fills the column with it."""
    code = " ".join(f"WHEN '{status}' THEN '{c}'" for status, c in STRETCH_CODES.items())
    item = (
        f"(CASE c.status {code} END) || {epoch_microseconds('c.a')} || ','"
        f" || {epoch_microseconds('c.b')}"
    )
    # Cut to the ticket's life; a NULL end (no resolution) or a status without a code makes the
    # item NULL, which group_concat leaves out. Rows come in the timeline's order.
    cut = (
        "SELECT s.status, max(s.at, t.created_at) AS a, min(s.until, t.resolved_at) AS b"
        f" FROM ({timeline()}) s"
    )
    return (
        f"(SELECT CASE WHEN count(*) > 0 THEN COALESCE(group_concat(CASE WHEN c.b > c.a"
        f" THEN {item} END, ' '), '') END FROM ({cut}) c)"
    )


_COLUMNS = {
    **{column: status_seconds(statuses) for statuses, column in STATUS_COLUMNS.items()},
    **{column: stations(field) for field, column in STATION_COLUMNS.items()},
    "first_assigned_at": first_assigned_at(),
}

_TYPES = {"assignee_stations": "INTEGER", "group_stations": "INTEGER", "first_assigned_at": "TEXT"}

TABLE = f"""
CREATE TABLE ticket_history (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    {", ".join(f"{name} {_TYPES.get(name, 'REAL')}" for name in _COLUMNS)},
    PRIMARY KEY (source, ticket_id)
);"""

_SELECT = (
    f"SELECT t.source, t.id, {', '.join(_COLUMNS.values())} FROM tickets t"
    f" WHERE {{where}} AND {has_history()}"
)
INSERT = f"INSERT INTO ticket_history (source, ticket_id, {', '.join(_COLUMNS)}) {_SELECT}"

BACKFILL = INSERT.format(where="1")
"""Fills the table for a store that had histories before schema 9 (its migration)."""

STRETCHES_COLUMN = f"""
ALTER TABLE ticket_history ADD COLUMN status_stretches TEXT;
UPDATE ticket_history SET status_stretches = (SELECT {stretches()} FROM tickets t
    WHERE t.source = ticket_history.source AND t.id = ticket_history.ticket_id);
"""
"""Schema 11: the stretches column, filled for the summaries already kept (its migration)."""

_KEPT = [*_COLUMNS, "status_stretches"]
"""Every column a write keeps (schema 9's, then schema 11's)."""


def touched(groups: Mapping[type[Record], list[Record]]) -> list[str]:
    """The tickets a write's records change the summary of: written tickets, ticket updates
    (their times) and the tickets of written history rows."""
    ids = [record.id for model in (Ticket, TicketUpdate) for record in groups.get(model, ())]
    ids += [
        event.ticket_id for event in groups.get(TicketEvent, ()) if isinstance(event, TicketEvent)
    ]
    return ids


def refresh(conn: Any, source: str, ticket_ids: Iterable[str]) -> None:
    """Recompute the summaries of ``ticket_ids`` under ``source`` (inside the caller's
    transaction): one read of their tickets and one of their history rows per chunk, counted
    in Python (:func:`summarise`). A source with no history at all pays one index probe."""
    ids = list(dict.fromkeys(ticket_ids))
    if not ids:
        return
    probe = "SELECT 1 FROM ticket_events WHERE source = ? LIMIT 1"
    if conn.execute(probe, (source,)).fetchone() is None:
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        marks = ", ".join("?" * len(chunk))
        events: dict[str, list[tuple[Any, ...]]] = {}
        for row in conn.execute(
            "SELECT ticket_id, created_at, id, field, value, previous_value FROM ticket_events"
            f" WHERE source = ? AND ticket_id IN ({marks})",
            (source, *chunk),
        ):
            events.setdefault(row[0], []).append(row[1:])
        conn.execute(
            f"DELETE FROM ticket_history WHERE source = ? AND ticket_id IN ({marks})",
            (source, *chunk),
        )
        if not events:
            continue
        found = list(events)
        marks = ", ".join("?" * len(found))
        tickets = conn.execute(
            f"SELECT id, created_at, resolved_at FROM tickets WHERE source = ? AND id IN ({marks})",
            (source, *found),
        ).fetchall()
        rows = [
            (source, ticket, *summarise(created, resolved, events[ticket]))
            for ticket, created, resolved in tickets
        ]
        if rows:
            conn.executemany(_INSERT_ROW, rows)


_INSERT_ROW = (
    f"INSERT INTO ticket_history (source, ticket_id, {', '.join(_KEPT)})"
    f" VALUES ({', '.join('?' * (len(_KEPT) + 2))})"
)


def summarise(created: str, resolved: str | None, events: list[tuple[Any, ...]]) -> list[Any]:
    """The summary columns of one ticket from its history rows ``(created_at, id, field,
    value, previous_value)``: the SQL above, counted in Python, to the same float."""
    events = sorted(events, key=lambda e: (e[0], e[1]))
    statuses = [e for e in events if e[2] == "status"]
    figures: list[Any] = [_status_seconds(created, resolved, statuses, s) for s in STATUS_COLUMNS]
    for field in STATION_COLUMNS:
        named = {v for e in events if e[2] == field for v in (e[3], e[4]) if v is not None}
        figures.append(len(named))
    figures.append(_first_assigned(created, [e for e in events if e[2] == "assignee"]))
    figures.append(_stretches(created, resolved, statuses))
    return figures


def _status_seconds(
    created: str, resolved: str | None, changes: list[tuple[Any, ...]], statuses: tuple[str, ...]
) -> float | None:
    if not changes:
        return None  # no status history: no value
    # The creation stretch first (in the status the first change left), then each change in
    # (time, id) order; the last lasts until the resolution.
    timeline = _timeline(created, changes)
    ends = [at for _, at in timeline[1:]] + [resolved]
    total = 0.0
    for (status, at), until in zip(timeline, ends, strict=True):
        if status not in statuses or until is None or resolved is None:
            continue  # SQL: a NULL end makes the stretch NULL, which total() leaves out
        total += max(0.0, _seconds(max(at, created), min(until, resolved)))
    return total


def _timeline(created: str, changes: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    """(status, since) from the creation (in the status the first change left), then each
    change in (time, id) order."""
    return [(changes[0][4] or "new", created)] + [(e[3], e[0]) for e in changes]


def _stretches(created: str, resolved: str | None, changes: list[tuple[Any, ...]]) -> str | None:
    if not changes:
        return None  # no status history: no value
    if resolved is None:
        return ""  # SQL: every stretch's end is NULL, so none is kept
    timeline = _timeline(created, changes)
    ends = [at for _, at in timeline[1:]] + [resolved]
    items = []
    for (status, at), until in zip(timeline, ends, strict=True):
        code = STRETCH_CODES.get(status)
        start, end = max(at, created), min(until, resolved)
        if code is not None and end > start:
            items.append(f"{code}{_microseconds(start)},{_microseconds(end)}")
    return " ".join(items)


def _microseconds(text: str) -> int:
    """epoch_microseconds on a stored text."""
    return _epoch(text[:19]) * 1_000_000 + int(text[20:26] or 0)


def _seconds(start: str, end: str) -> float:
    """seconds_between on stored texts: whole seconds from the first 19 characters, then the
    six fraction digits, in integer microseconds with one division at the end."""
    whole = (_epoch(end[:19]) - _epoch(start[:19])) * 1_000_000
    return (whole + int(end[20:26] or 0) - int(start[20:26] or 0)) / 1000000.0


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def _first_assigned(created: str, assignments: list[tuple[Any, ...]]) -> str | None:
    if not assignments:
        return None
    if assignments[0][4] is not None:
        return created  # already assigned when the history starts
    later = [e[0] for e in assignments if e[3] is not None]
    # A change stamped before creation (clock skew) counts as assigned at creation.
    return max(created, min(later)) if later else None

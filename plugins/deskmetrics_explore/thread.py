"""A resolved ticket's conversation, read in the same scan as the other resolved-cohort metrics:
one text value per ticket (a ``ValuesRequest``), parsed here into what the reply and touch KPIs
need.

The engine's value requests carry any SQL expression, so the whole thread travels as one string:
source, created/first-resolved/latest-resolved times, reopens, then every interaction in time
order, tagged public agent / public customer / other. Every reply and touch metric asks for the
*same* request, so the resolved cohort is read once for all of them (and for the built-in KPIs of
that cohort).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import deskmetrics

FIELD = "\x1f"
ITEM = "\x1e"

# 'a' public agent message, 'c' public customer message, 'x' anything else (private notes,
# system events): kept so the opening-message rule sees the ticket's first interaction.
_MESSAGES = (
    "SELECT (CASE WHEN i.public = 1 AND i.author_role = 'agent' THEN 'a' "
    "WHEN i.public = 1 AND i.author_role = 'customer' THEN 'c' ELSE 'x' END) || i.created_at AS m "
    "FROM interactions i WHERE i.source = t.source AND i.ticket_id = t.id "
    "ORDER BY i.created_at, i.id"
)
# NULL when the ticket has no stored interactions: such tickets carry no reply data at all (the
# source gave none) and are left out rather than counted as "no replies". The EXISTS guard (one
# index seek) skips the ordered subquery and the concatenation for them: without it a cohort of
# tickets without messages cost 0.30 s of SQLite time per 200 k tickets for all-NULL values.
_HAS_MESSAGES = (
    "EXISTS (SELECT 1 FROM interactions i WHERE i.source = t.source AND i.ticket_id = t.id)"
)
THREAD_SQL = (
    f"(CASE WHEN {_HAS_MESSAGES} THEN "
    "t.source || char(31) || t.created_at || char(31) || COALESCE(t.first_resolved_at, '')"
    " || char(31) || COALESCE(t.resolved_at, '') || char(31) || t.reopens || char(31) || "
    f"(SELECT group_concat(m, char(30)) FROM ({_MESSAGES})) END)"
)

RESOLVED_THREADS = deskmetrics.ValuesRequest("resolved", THREAD_SQL, ordered=False)
"""The request every reply and touch metric shares (parsed, never ranked: left unsorted)."""

# The same touch rule in SQL, for listing a touch rate's tickets (deskmetrics.Members): public
# agent messages up to the first solve, less the ticket's first interaction (an opening).
TOUCHES_SQL = (
    "(SELECT count(*) FROM interactions i WHERE i.source = t.source AND i.ticket_id = t.id "
    "AND i.public = 1 AND i.author_role = 'agent' "
    "AND i.created_at <= COALESCE(t.first_resolved_at, t.resolved_at) "
    "AND i.id <> (SELECT o.id FROM interactions o WHERE o.source = t.source "
    "AND o.ticket_id = t.id ORDER BY o.created_at, o.id LIMIT 1))"
)


StoreTime = str
"""A time as the store writes it (``2026-01-05T09:30:00.000000Z``, UTC, fixed width): text
order is time order, so times are compared as text and parsed only where a duration needs them."""


@dataclass(slots=True)
class Thread:
    """What the reply and touch KPIs need of one resolved ticket's conversation, worked out once
    when it is parsed: the reply KPIs ask for the same pairs three times, the touch rates for
    the touches twice, and a series' bucket and total share threads. (Parsing every message's
    time and walking the messages once per KPI cost ~2 s per 200 k threads; this ~1 s.)"""

    source: str
    first_solved_at: StoreTime
    """First resolution; the latest one when the source does not record the first."""
    resolved_at: StoreTime
    reopens: int
    _agent_replies: list[StoreTime]
    _reply_pairs: list[tuple[datetime, datetime]]
    _calendar_seconds: list[float]
    _touches: int

    def agent_replies(self) -> list[StoreTime]:
        """Public agent messages that are replies: an agent-written opening message (the ticket's
        first interaction, an outbound ticket) answers nobody and is not one (as the CSV
        connector derives agent_replies)."""
        return self._agent_replies

    def reply_pairs(self) -> list[tuple[datetime, datetime]]:
        """(customer message waiting since, agent reply) for every customer turn answered.

        Several customer messages in a row are one turn, timed from the first of them; an agent
        message with no customer message waiting (a follow-up) answers nothing.
        """
        return self._reply_pairs

    def calendar_reply_seconds(self) -> list[float]:
        """Calendar seconds of every reply pair, in order (reply − waiting since)."""
        return self._calendar_seconds

    def touches(self) -> int:
        """Agent public replies up to (and at) the first solve."""
        return self._touches


_parse_time = datetime.fromisoformat


def parse(text: str) -> Thread:
    """One THREAD_SQL text, its messages walked once (kinds: 'a' public agent message, 'c'
    public customer message, 'x' anything else, which only matters as an opening message)."""
    source, _created, first, resolved, reopens, messages = text.split(FIELD)
    first_solved = first or resolved
    replies: list[StoreTime] = []
    pairs: list[tuple[datetime, datetime]] = []
    waiting: StoreTime | None = None
    opening = True
    for message in messages.split(ITEM):
        kind = message[0]
        if kind == "a":
            at = message[1:]
            if not opening:
                replies.append(at)
            if waiting is not None:
                pairs.append((_parse_time(waiting), _parse_time(at)))
                waiting = None
        elif kind == "c" and waiting is None:
            waiting = message[1:]
        opening = False
    touches = sum(1 for at in replies if at <= first_solved)
    seconds = [(reply - since).total_seconds() for since, reply in pairs]
    return Thread(source, first_solved, resolved, int(reopens), replies, pairs, seconds, touches)


Threads = dict[deskmetrics.ScopeKey, list[Thread]]
_last: list[tuple[object, Threads]] = []
"""The latest parse: the metrics of one scope run one after another over the same values, so
one entry saves parsing them once per metric. It holds its values, so identity cannot be reused
by another scope's; it is kept until the next report (one report's threads)."""


def threads(scope: deskmetrics.Scope) -> Threads:
    """Per key, the resolved tickets' threads (tickets without stored messages left out)."""
    found = scope.values(RESOLVED_THREADS)
    # One read of the entry: reports built in parallel threads may replace it meanwhile.
    entry = _last[0] if _last else None
    if entry is not None and entry[0] is found:
        return entry[1]
    # With a series, a ticket's text is in its bucket's list and in the total's: parse it once.
    memo: dict[str, Thread] = {}
    parsed = {
        key: [memo.get(text) or memo.setdefault(text, parse(text)) for text in _texts(texts)]
        for key, texts in found.items()
    }
    _last[:] = [(found, parsed)]
    return parsed


def _texts(values: Iterable[object]) -> Iterator[str]:
    for value in values:
        if isinstance(value, str):
            yield value

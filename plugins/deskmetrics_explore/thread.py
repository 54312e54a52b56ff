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
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Thread:
    source: str
    created_at: datetime
    first_solved_at: datetime
    """First resolution; the latest one when the source does not record the first."""
    resolved_at: datetime
    reopens: int
    messages: tuple[tuple[str, datetime], ...]
    """(kind, when) of every interaction in time order: 'a' public agent message, 'c' public
    customer message, 'x' anything else."""

    _agent_replies: list[datetime] = field(init=False, repr=False, compare=False)
    _reply_pairs: list[tuple[datetime, datetime]] = field(init=False, repr=False, compare=False)
    _calendar_seconds: list[float] = field(init=False, repr=False, compare=False)
    _touches: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Worked out once, when the thread is parsed: the reply KPIs ask for the same pairs
        # three times, the touch rates for the touches twice, and a series' bucket and total
        # share threads (on 200 k tickets with conversations that was ~1 s of repeated walks;
        # functools.cached_property's lock cost about as much again on Python 3.11).
        replies = [at for kind, at in self.messages if kind == "a"]
        if self.messages[0][0] == "a":
            replies = replies[1:]
        pairs = []
        waiting: datetime | None = None
        for kind, at in self.messages:
            if kind == "c":
                waiting = waiting or at
            elif kind == "a" and waiting is not None:
                pairs.append((waiting, at))
                waiting = None
        derived = {
            "_agent_replies": replies,
            "_reply_pairs": pairs,
            "_calendar_seconds": [(reply - since).total_seconds() for since, reply in pairs],
            "_touches": sum(1 for at in replies if at <= self.first_solved_at),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)  # frozen: set once, here

    def agent_replies(self) -> list[datetime]:
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


def parse(text: str) -> Thread:
    source, created, first, resolved, reopens, messages = text.split(FIELD)
    parse_time = datetime.fromisoformat
    resolved_at = parse_time(resolved)
    return Thread(
        source=source,
        created_at=parse_time(created),
        first_solved_at=parse_time(first) if first else resolved_at,
        resolved_at=resolved_at,
        reopens=int(reopens),
        messages=tuple((m[0], parse_time(m[1:])) for m in messages.split(ITEM)),
    )


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

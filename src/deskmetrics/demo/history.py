"""A demo ticket's status and assignment history (ticket_events.csv, issue #18).

Read off the same simulated timeline as its time-in-status figures (status_times.py), without
drawing random numbers, so every other part of the demo stays as it was and the history agrees
with tickets.csv: the status stretches give the status changes, the ticket's final status its
last change; the stations and first assignment of ``routing`` give the assignee and group
changes (an escalation brings the ticket from another team to its own and from a first agent to
its assignee; a reopened ticket handed over comes back to its assignee from a colleague).
"""

from __future__ import annotations

from collections.abc import Iterator

from deskmetrics.demo.calendar import to_datetime
from deskmetrics.demo.directory import Directory
from deskmetrics.demo.status_times import timeline
from deskmetrics.demo.tickets import AUTO_CLOSE, TicketStory
from deskmetrics.demo.vocabulary import GROUPS
from deskmetrics.models import EventField, Status, TicketEvent

_STATUS = {"open": "open", "pending": "pending", "hold": "on_hold", "solved": "solved"}


def _status_changes(story: TicketStory) -> list[tuple[int, str]]:
    """(when, new status) in time order, starting from new at creation."""
    ticket = story.ticket
    if story.agent is None:
        return [(story.created, "new")] if ticket.status is Status.NEW else []
    stretches = timeline(
        story.created, story.replies, story.solves, story.reopened, story.escalated_at
    )
    # Open from its creation (the demo's timeline starts so), even before any event.
    changes = [(start, _STATUS[state]) for start, _, state in stretches] or [
        (story.created, "open")
    ]
    if len(story.solves) > len(story.reopened):  # solved last: the stretches stop there
        changes.append((story.solves[-1], "solved"))
    if ticket.status is Status.CLOSED and ticket.resolved_at is not None:
        changes.append((int(ticket.resolved_at.timestamp()) + AUTO_CLOSE, "closed"))
    elif ticket.status.value != (changes[-1][1] if changes else None):
        # Still open: the status it is in now (set at its last event).
        changes.append((max(story.last_event, changes[-1][0]), ticket.status.value))
    merged: list[tuple[int, str]] = []
    for at, status in changes:
        if not merged or merged[-1][1] != status:
            merged.append((at, status))
    return merged


def _assignments(story: TicketStory, directory: Directory) -> list[tuple[int, str]]:
    ticket = story.ticket
    stations = ticket.assignee_stations or 0
    if story.agent is None or story.assigned_at is None or stations == 0:
        return []
    ids = directory.agent_ids
    # The handovers ``routing`` counts: an escalation, and one reopened ticket in four.
    handovers = [] if story.escalated_at is None else [story.escalated_at]
    if story.reopened and int(ticket.id) % 4 == 0:
        handovers.append(story.reopened[0])
    handovers = sorted(handovers)[: stations - 1]
    # Colleagues first, the ticket's own assignee last (tickets.csv names the last one).
    people = [ids[(story.agent + k) % len(ids)] for k in range(len(handovers), 0, -1)]
    people.append(ids[story.agent])
    return list(zip([story.assigned_at, *handovers], people, strict=True))


def _groups(story: TicketStory) -> list[tuple[int, str]]:
    group = story.ticket.group_id
    if group is None:
        return []
    if (story.ticket.group_stations or 1) > 1 and story.escalated_at is not None:
        ids = [gid for gid, _ in GROUPS]
        first = ids[(ids.index(group) + 1) % len(ids)]
        return [(story.created, first), (story.escalated_at, group)]
    return [(story.created, group)]


def ticket_history(story: TicketStory, directory: Directory) -> Iterator[TicketEvent]:
    """The ticket's history rows, ids ``{ticket}-s1``, ``-a1``, ``-g1``… in time order."""
    ticket_id = story.ticket.id
    if story.ticket.status in (Status.DELETED, Status.SPAM):
        return
    for prefix, field, changes in (
        ("s", EventField.STATUS, _status_changes(story)),
        ("a", EventField.ASSIGNEE, _assignments(story, directory)),
        ("g", EventField.GROUP, _groups(story)),
    ):
        previous: str | None = "new" if field is EventField.STATUS else None
        for n, (at, value) in enumerate(changes, start=1):
            if field is EventField.STATUS and n == 1 and value == "new":
                previous = None
            yield TicketEvent(
                id=f"{ticket_id}-{prefix}{n}", ticket_id=ticket_id, created_at=to_datetime(at),
                field=field, value=value, previous_value=previous,
            )  # fmt: skip
            previous = value

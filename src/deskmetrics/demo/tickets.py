"""How one synthetic ticket lives: routing, replies, solves, reopens, escalation, SLA and effort.

Each ticket's whole life is simulated first (it may run past the demo's end), then cut at ``end``:
whatever had not happened by then is dropped, so recent tickets are naturally unreplied, pending
or open, and the ticket fields always agree with the events behind them (``TicketStory``), from
which the interactions and surveys are built.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from math import exp
from typing import Any

from deskmetrics.demo.calendar import DAY, HOUR, MINUTE, next_opening, to_datetime
from deskmetrics.demo.directory import Directory
from deskmetrics.demo.draws import cumulative, lognormal, pick
from deskmetrics.demo.status_times import routing, status_times
from deskmetrics.demo.vocabulary import GROUPS, ORGANIZATIONS, TOPICS
from deskmetrics.models import Channel, Priority, Status, Ticket

CHANNEL_MIX = {
    Channel.EMAIL: 45,
    Channel.WEB: 20,
    Channel.CHAT: 20,
    Channel.PHONE: 10,
    Channel.SOCIAL: 3,
    Channel.API: 2,
}
PRIORITY_MIX = {Priority.LOW: 20, Priority.NORMAL: 55, Priority.HIGH: 20, Priority.URGENT: 5}
LIVE_CHANNELS = frozenset({Channel.CHAT, Channel.PHONE})
"""Someone is waiting on the line: answered in minutes, worked in one sitting, 24/7."""

FIRST_REPLY_MEDIAN = {
    Channel.EMAIL: 2 * HOUR,
    Channel.WEB: 2 * HOUR,
    Channel.API: 3 * HOUR,
    Channel.SOCIAL: 40 * MINUTE,
    Channel.CHAT: 90,
    Channel.PHONE: 40,
}
URGENCY = {Priority.URGENT: 0.2, Priority.HIGH: 0.45, Priority.NORMAL: 1.0, Priority.LOW: 1.8}
"""Multiplies the first reply time: urgent tickets jump the queue."""
WORK_PACE = {
    Priority.URGENT: 1.2 * HOUR,
    Priority.HIGH: 5 * HOUR,
    Priority.NORMAL: 14 * HOUR,
    Priority.LOW: 24 * HOUR,
}
"""Median time between successive agent replies (the customer's turn plus the agent's)."""
LIVE_PACE = 0.15
OFF_HOURS_WAIT = 0.3
"""Share of written tickets arriving outside staffed hours that wait for the next opening."""

FIRST_RESPONSE_TARGET = {
    Priority.URGENT: 1 * HOUR,
    Priority.HIGH: 4 * HOUR,
    Priority.NORMAL: 8 * HOUR,
    Priority.LOW: 24 * HOUR,
}
RESOLUTION_TARGET = {
    Priority.URGENT: 8 * HOUR,
    Priority.HIGH: 24 * HOUR,
    Priority.NORMAL: 72 * HOUR,
    Priority.LOW: 120 * HOUR,
}
SLA_COVERAGE = 0.9
ESCALATION_CHANCE = {
    Priority.LOW: 0.06,
    Priority.NORMAL: 0.09,
    Priority.HIGH: 0.16,
    Priority.URGENT: 0.30,
}
REPLY_COUNT_MIX = (0.78, 0.11, 0.06, 0.03, 0.015, 0.005)
"""Chance of 1…6 public agent replies; 1 reply without a reopen is first-contact resolution."""
MAX_REPLIES = len(REPLY_COUNT_MIX)
TOMBSTONE_RATE = 0.005
SOLVED_WITHOUT_REPLY = 0.06
NEGLECT_RATE, RECENT = 0.03, 14 * DAY
"""Share of the last two weeks' tickets that nobody has picked up yet."""
WAITING_ON_FIX = 0.15
"""Share of escalated tickets that wait days or weeks for a fix: the old part of the backlog."""
REOPEN_RATE, SECOND_REOPEN = 0.09, 0.15
AUTO_CLOSE = 4 * DAY
"""Solved tickets close after this long, so old tickets are mostly closed, recent ones solved."""
HANDLE_LOGGED = 0.9
WORK_PER_REPLY = {Channel.PHONE: 9 * MINUTE, Channel.CHAT: 7 * MINUTE}
DEFAULT_WORK_PER_REPLY = 5 * MINUTE
SPAM_SHARE = 0.4
SPAM_SUBJECT = "Limited offer: SEO services for your website"


@dataclass(slots=True)
class TicketStory:
    """A ticket and the events behind its fields, all before the demo's end."""

    ticket: Ticket
    created: int
    agent: int | None
    """Index of the assignee in the directory, None while unassigned."""
    assigned_at: int | None
    replies: list[int]
    """Public agent replies, ascending; the first is ``first_response_at``."""
    reopened: list[int]
    escalated_at: int | None
    last_event: int
    solves: list[int] = field(default_factory=list)
    """Every time it became solved (the ticket history's solves), before the demo's end."""


@dataclass(slots=True)
class _Timeline:
    """A ticket's whole life as simulated, possibly running past the demo's end."""

    assigned: int
    replies: list[int] = field(default_factory=list)
    solves: list[int] = field(default_factory=list)
    """Every time it became solved: the first, then once after each reopen."""
    reopens: list[int] = field(default_factory=list)
    escalated_at: int | None = None

    def cut(self, end: int) -> None:
        """Forget whatever had not happened by ``end``."""
        self.replies = [t for t in self.replies if t < end]
        self.reopens = [t for t in self.reopens if t < end]
        self.solves = [t for t in self.solves if t < end]
        if self.escalated_at is not None and self.escalated_at >= end:
            self.escalated_at = None


def _handle_seconds(
    rng: random.Random, channel: Channel, speed: float, replies: int, escalated: bool
) -> float:
    """Logged effort: a few minutes per reply (a quick look when there was none)."""
    if replies:
        work = WORK_PER_REPLY.get(channel, DEFAULT_WORK_PER_REPLY) * speed
        seconds = sum(max(lognormal(rng, work, 0.6), 30) for _ in range(replies))
    else:
        seconds = max(lognormal(rng, 2 * MINUTE, 0.6), 30)
    if escalated:
        seconds += lognormal(rng, 20 * MINUTE, 0.5)
    return float(seconds)


class TicketMaker:
    """Builds ticket stories for one demo (the directory and the end are fixed)."""

    def __init__(self, directory: Directory, end: int) -> None:
        self.directory = directory
        self.end = end
        self._channels = list(CHANNEL_MIX)
        self._channel_cum = cumulative(list(CHANNEL_MIX.values()))
        self._priorities = list(PRIORITY_MIX)
        self._priority_cum = cumulative(list(PRIORITY_MIX.values()))
        self._topic_cum = cumulative([t.weight for t in TOPICS])
        self._reply_cum = cumulative(REPLY_COUNT_MIX)

    def make(self, rng: random.Random, number: int, created: int) -> TicketStory:
        r = rng.random
        directory = self.directory
        topic = TOPICS[pick(self._topic_cum, r())]
        channel = self._channels[pick(self._channel_cum, r())]
        priority = self._priorities[pick(self._priority_cum, r())]
        customer = directory.requester(rng, created)
        org = directory.customer_org[customer]
        subject = topic.subject
        if "{n}" in subject:
            subject = subject.format(n=10_000 + int(r() * 90_000))
        tags = list(topic.tags)
        if org >= 0 and ORGANIZATIONS[org].vip:
            tags.append("vip")
        fields = {
            "id": str(number),
            "created_at": to_datetime(created),
            "priority": priority,
            "channel": channel,
            "subject": subject,
            "requester_id": directory.customer_id(customer),
            "group_id": GROUPS[topic.group][0],
            "organization_id": ORGANIZATIONS[org].id if org >= 0 else None,
            "tags": tags,
            "product": topic.products[int(r() * len(topic.products))],
        }
        if r() < TOMBSTONE_RATE:
            return self._tombstone(rng, fields, created)
        return self._lifecycle(rng, fields, created, topic.group, channel, priority)

    def _tombstone(self, rng: random.Random, fields: dict[str, Any], created: int) -> TicketStory:
        # Spam and deleted tickets stay in the store as tombstones that every KPI must skip.
        spam = rng.random() < SPAM_SHARE
        touched = min(created + lognormal(rng, 30 * MINUTE, 1.0), self.end - 1)
        fields["status"] = Status.SPAM if spam else Status.DELETED
        fields["agent_replies"] = 0
        fields["updated_at"] = to_datetime(touched)
        if spam:
            fields.update(subject=SPAM_SUBJECT, channel=Channel.EMAIL, group_id=None, tags=[])
            fields["organization_id"] = None
        return TicketStory(Ticket(**fields), created, None, None, [], [], None, touched)

    def _lifecycle(
        self,
        rng: random.Random,
        fields: dict[str, Any],
        created: int,
        group: int,
        channel: Channel,
        priority: Priority,
    ) -> TicketStory:
        r = rng.random
        end = self.end
        agent = self.directory.assignee(rng, group)
        speed = self.directory.agent_speed[agent]
        live = channel in LIVE_CHANNELS
        life = _Timeline(assigned=created + lognormal(rng, 30 if live else 20 * MINUTE, 1.0))
        has_sla = r() < SLA_COVERAGE
        escalating = r() < ESCALATION_CHANCE[priority]
        outcome = r()
        if created >= end - RECENT and outcome < NEGLECT_RATE:
            if r() < 0.5:
                life.assigned = end  # still in the unassigned queue
        elif outcome > 1.0 - SOLVED_WITHOUT_REPLY:
            # Duplicates, "never mind" messages, merged tickets: solved without a public reply.
            life.solves.append(created + lognormal(rng, 4 * HOUR, 1.2))
            life.assigned = min(life.assigned, life.solves[0])
        else:
            self._work(rng, life, created, channel, priority, speed, escalating)

        if life.solves and life.solves[-1] < end:
            # Finished before the end (most tickets): the last solve is the latest event.
            assignee: int | None = agent
            last_event = life.solves[-1]
            resolved_at: int | None = last_event
        else:
            life.cut(end)
            assignee = agent if life.assigned < end else None
            resolved_at = life.solves[-1] if len(life.reopens) < len(life.solves) else None
            last_event = max(
                created,
                life.assigned if assignee is not None else created,
                *life.replies[-1:],
                *life.reopens[-1:],
                *life.solves[-1:],
                life.escalated_at or created,
            )
        replies, escalated = life.replies, life.escalated_at is not None
        if resolved_at is not None:
            if resolved_at + AUTO_CLOSE < end:
                status = Status.CLOSED
                last_event = resolved_at + AUTO_CLOSE
            else:
                status = Status.SOLVED
        elif assignee is None:
            status = Status.NEW
        elif r() < (0.4 if escalated else 0.06):
            status = Status.ON_HOLD
        elif replies and replies[-1] == last_event and r() < 0.7:
            status = Status.PENDING  # our move is done; waiting for the customer
        else:
            status = Status.OPEN

        handle: float | None = None
        if assignee is not None and r() < HANDLE_LOGGED:
            handle = _handle_seconds(rng, channel, speed, len(replies), escalated)
        if escalated:
            fields["tags"].append("escalated")
        fields.update(
            status=status,
            updated_at=to_datetime(last_event),
            assignee_id=self.directory.agent_ids[assignee] if assignee is not None else None,
            first_response_at=to_datetime(replies[0]) if replies else None,
            first_resolved_at=to_datetime(life.solves[0]) if life.solves else None,
            resolved_at=to_datetime(resolved_at) if resolved_at is not None else None,
            reopens=len(life.reopens),
            agent_replies=len(replies),
            escalated=escalated,
            handle_seconds=handle,
        )
        if resolved_at is not None:  # the figures are final once a ticket is resolved
            fields.update(status_times(created, replies, life.solves, life.reopens,
                                       life.escalated_at))  # fmt: skip
        assigned = life.assigned if assignee is not None else None
        fields.update(routing(int(fields["id"]), assigned, len(life.reopens), escalated))
        if has_sla:
            fields["first_response_due_at"] = to_datetime(created + FIRST_RESPONSE_TARGET[priority])
            fields["resolution_due_at"] = to_datetime(created + RESOLUTION_TARGET[priority])
        return TicketStory(
            Ticket(**fields),
            created,
            assignee,
            life.assigned if assignee is not None else None,
            replies,
            life.reopens,
            life.escalated_at,
            last_event,
            life.solves,
        )

    def _work(
        self,
        rng: random.Random,
        life: _Timeline,
        created: int,
        channel: Channel,
        priority: Priority,
        speed: float,
        escalating: bool,
    ) -> None:
        """A worked ticket: first reply, more replies, solve, maybe escalation and reopens."""
        r = rng.random
        live = channel in LIVE_CHANNELS
        clock = created
        if not live and r() < OFF_HOURS_WAIT:
            clock = next_opening(created)
        first_reply_median = FIRST_REPLY_MEDIAN[channel] * URGENCY[priority] * speed
        first = clock + 1 + lognormal(rng, first_reply_median, 0.8 if live else 1.0)
        life.assigned = min(life.assigned, first)
        reopen_count = (1 + (r() < SECOND_REOPEN)) if r() < REOPEN_RATE else 0
        count = 1 + pick(self._reply_cum, r())
        if escalating:
            count = max(count, 2)
        count = min(count, MAX_REPLIES - reopen_count)
        pace = WORK_PACE[priority] * speed * (LIVE_PACE if live else 1.0)
        if escalating:
            pace *= 1.6
        replies = life.replies
        t = first
        replies.append(t)
        gauss = rng.gauss
        for _ in range(count - 1):
            t += int(pace * exp(gauss(0.0, 1.0)))  # inlined lognormal(): the hot loop
            replies.append(t)
        t += self._wait(rng, pace)
        if escalating:
            life.escalated_at = first + int(r() * (t - first))
            if r() < WAITING_ON_FIX:
                t += lognormal(rng, 10 * DAY, 0.8)
        life.solves.append(t)
        for _ in range(reopen_count):
            t += lognormal(rng, 20 * HOUR, 1.0)
            life.reopens.append(t)
            t += lognormal(rng, pace * 0.5, 1.0)
            replies.append(t)
            t += self._wait(rng, pace)
            life.solves.append(t)

    @staticmethod
    def _wait(rng: random.Random, pace: float) -> int:
        """From the last reply to solved: often at once, else after the customer confirms."""
        if rng.random() < 0.35:
            return int(rng.random() * 5 * MINUTE)
        return lognormal(rng, pace * 0.8, 1.0)

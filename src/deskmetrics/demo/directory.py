"""The people of the synthetic helpdesk: teams, agents and customers, and who works on what.

Customers are kept as compact arrays (creation, churn, organization) rather than records, because
every ticket needs a requester who existed at the time, and a million-ticket benchmark must not
hold a million of anything.
"""

from __future__ import annotations

import math
import random
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from itertools import accumulate

from deskmetrics.demo.calendar import DAY, to_datetime
from deskmetrics.demo.vocabulary import (
    AGENT_EMAIL_DOMAIN,
    FIRST_NAMES,
    GROUPS,
    LAST_NAMES,
    ORGANIZATIONS,
    TOPICS,
)
from deskmetrics.models import Agent, Customer, Group

CUSTOMER_HISTORY = 548 * DAY
"""Customers sign up over the 18 months before the demo ends."""
MONTH = 30.44 * DAY
CHURN_PER_MONTH = 0.025
ORGANIZATION_SHARE = 0.6
"""Share of customers who belong to a business customer (organization)."""
FAST_AGENT, SLOW_AGENT = 0.55, 1.9
"""Speed factors of the two outliers: per-agent breakdowns should have something to show."""

NEVER = 2**62
"""Churn time of customers who have not churned: later than any instant we compare with."""


def customer_count(tickets: int) -> int:
    """About one customer per five tickets, within bounds that keep memory small."""
    return min(max(tickets // 5, 50), 20_000)


def _plain_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


class Directory:
    """Groups, agents and customers of one demo, and the rules for picking them for a ticket."""

    def __init__(self, rng: random.Random, *, agents: int, tickets: int, start: int, end: int):
        self.groups = [Group(id=gid, name=name) for gid, name in GROUPS]
        self._build_agents(rng, agents)
        self._build_customers(rng, customer_count(tickets), start, end)

    # -- agents --------------------------------------------------------------------------

    def _build_agents(self, rng: random.Random, count: int) -> None:
        share = [0.0] * len(GROUPS)
        for topic in TOPICS:
            share[topic.group] += topic.weight
        team = _apportion(count, share)
        names = _unique_names(rng, count)
        width = max(2, len(str(count)))
        self.agents: list[Agent] = []
        self.agent_speed: list[float] = []
        members: list[list[int]] = [[] for _ in GROUPS]
        for index, name in enumerate(names):
            group = team[index]
            first, _, last = name.partition(" ")
            email = f"{_plain_ascii(first).lower()}.{_plain_ascii(last).lower()}"
            self.agents.append(
                Agent(
                    id=f"a{index + 1:0{width}d}",
                    name=name,
                    email=f"{email}@{AGENT_EMAIL_DOMAIN}",
                    group_id=GROUPS[group][0],
                )
            )
            self.agent_speed.append(min(max(math.exp(rng.gauss(0.0, 0.12)), 0.8), 1.25))
            members[group].append(index)
        if count >= 2:
            fast, slow = rng.sample(range(count), 2)
            self.agent_speed[fast] = FAST_AGENT
            self.agent_speed[slow] = SLOW_AGENT
        self.agent_ids = [agent.id for agent in self.agents]
        everyone = list(range(count))
        # A team without agents (fewer agents than teams) borrows from everyone.
        self._members = [m or everyone for m in members]
        # Some agents work part time, so workloads differ too.
        load = [0.5 + rng.random() for _ in range(count)]
        self._member_cum = [list(accumulate(load[i] for i in m)) for m in self._members]

    def assignee(self, rng: random.Random, group: int) -> int:
        members, cum = self._members[group], self._member_cum[group]
        return members[bisect_right(cum, rng.random() * cum[-1]) if len(members) > 1 else 0]

    # -- customers -----------------------------------------------------------------------

    def _build_customers(self, rng: random.Random, count: int, start: int, end: int) -> None:
        first_signup = min(end - CUSTOMER_HISTORY, start - 90 * DAY)
        history = end - first_signup
        # Signups speed up over time (the trend that also grows ticket volume); sorting keeps
        # ids in signup order like a real helpdesk. The first customer predates every ticket.
        created = sorted(first_signup + int(history * rng.random() ** 0.8) for _ in range(count))
        created[0] = first_signup
        self.customer_created = array("q", created)
        self.customer_churned = array("q", [NEVER]) * count
        for index, signup in enumerate(created):
            churn = signup + DAY + int(rng.expovariate(CHURN_PER_MONTH / MONTH))
            if churn < end:
                self.customer_churned[index] = churn
        org_cum = list(accumulate(o.weight for o in ORGANIZATIONS))
        self.customer_org = array("b", [-1]) * count
        for index in range(count):
            if rng.random() < ORGANIZATION_SHARE:
                self.customer_org[index] = bisect_right(org_cum, rng.random() * org_cum[-1])
        self._customer_width = max(5, len(str(count)))

    def customer_id(self, index: int) -> str:
        return f"c{index + 1:0{self._customer_width}d}"

    def customers(self, rng: random.Random) -> Iterator[Customer]:
        for index, signup in enumerate(self.customer_created):
            churned = self.customer_churned[index]
            yield Customer(
                id=self.customer_id(index),
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                created_at=to_datetime(signup),
                churned_at=None if churned == NEVER else to_datetime(churned),
            )

    def requester(self, rng: random.Random, at: int) -> int:
        """A customer who had signed up by ``at`` and, if possible, not yet left."""
        signed_up = max(bisect_right(self.customer_created, at), 1)
        for _ in range(4):
            index = int(rng.random() * signed_up)
            if self.customer_churned[index] > at:
                break
        return index


def _apportion(count: int, weights: Sequence[float]) -> list[int]:
    """The team of each of ``count`` agents: proportional to ``weights``, all teams staffed.

    Largest-remainder apportionment: 12 agents over the default topics make teams of 4, 5, 2, 1.
    With fewer agents than teams, the busiest teams get one each.
    """
    if count < len(weights):
        busiest = sorted(range(len(weights)), key=lambda g: weights[g], reverse=True)[:count]
        return sorted(busiest)
    total = sum(weights)
    quotas = [count * w / total for w in weights]
    seats = [max(int(q), 1) for q in quotas]
    while sum(seats) > count:
        seats[seats.index(max(seats))] -= 1
    by_remainder = sorted(
        range(len(weights)), key=lambda g: quotas[g] - int(quotas[g]), reverse=True
    )
    for group in by_remainder[: count - sum(seats)]:
        seats[group] += 1
    return [group for group, n in enumerate(seats) for _ in range(n)]


def _unique_names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in seen:
            # Enough agents exhaust the combinations; a middle initial keeps names distinct.
            name = f"{name.split(' ')[0]} {chr(65 + len(names) % 26)}. {name.split(' ', 1)[1]}"
            if name in seen:
                continue
        seen.add(name)
        names.append(name)
    return names

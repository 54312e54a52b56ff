"""The agent workload table (issue #18 item 6): per agent, tickets solved, replies, working days,
the per-day rates and customers helped, over the tickets resolved in the period.

Everything is read from the resolved cohort (through the scope, so the report's filters apply):
``solved`` counts tickets by their assignee; ``replies`` counts the public agent replies written
on those tickets up to their resolution, by author. A working day is a date of the report's time
zone, inside the period, on which the agent solved one of them or wrote one of those replies.
Reading replies through their tickets keeps to indexed lookups (interactions are indexed by
ticket, not by time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import deskmetrics
from deskmetrics import Scope
from deskmetrics_explore.slots import local_start, slot_sql

Row = list[str | int | float | None]
_TICK = timedelta(microseconds=1)
AgentId = tuple[str, str]


@dataclass
class AgentLoad:
    solved: int = 0
    replies: int = 0
    days: set[date] = field(default_factory=set)
    customers: int = 0


def _solves(scope: Scope, loads: dict[AgentId, AgentLoad], zone: ZoneInfo) -> None:
    select = (
        f"t.source AS a_source, t.assignee_id AS a_agent, {slot_sql('t.resolved_at')} AS a_slot, "
        "t.requester_id AS a_requester"
    )
    inner, params = scope.ticket_sql(select, "resolved", "t.assignee_id IS NOT NULL", group=False)
    # One scan for both: solves by (agent, slot) and each agent's distinct requesters, counted
    # here (two grouped queries read the cohort and its table rows twice).
    solves: Counter[tuple[str, str, str]] = Counter()
    requesters: dict[AgentId, set[str]] = defaultdict(set)
    cursor = scope.conn.execute(
        f"SELECT a_source, a_agent, a_slot, a_requester FROM ({inner})", params
    )
    while chunk := cursor.fetchmany(20_000):
        solves.update(row[:3] for row in chunk)
        for source, agent, _slot, requester in chunk:
            if requester is not None:
                requesters[(source, agent)].add(requester)
    days: dict[str, date] = {}  # a slot's local date, once per slot (not per agent and slot)
    for (source, agent, slot), count in sorted(solves.items()):
        load = loads.setdefault((source, agent), AgentLoad())
        load.solved += count
        day = days.get(slot)
        if day is None:
            day = days[slot] = local_start(slot, zone).date()
        load.days.add(day)
    for agent_id, found in requesters.items():
        loads[agent_id].customers = len(found)


def _replies(
    scope: Scope, loads: dict[AgentId, AgentLoad], zone: ZoneInfo, period: tuple[date, date]
) -> None:
    select = "t.source AS r_source, t.id AS r_ticket, t.resolved_at AS r_resolved"
    inner, params = scope.ticket_sql(select, "resolved", group=False)
    sql = (
        f"SELECT i.source, i.author_id, {slot_sql('i.created_at')}, count(*) "
        f"FROM (SELECT DISTINCT r_source, r_ticket, r_resolved FROM ({inner})) x "
        "JOIN interactions i ON i.source = x.r_source AND i.ticket_id = x.r_ticket "
        "WHERE i.author_role = 'agent' AND i.public = 1 AND i.author_id IS NOT NULL "
        "AND i.created_at <= x.r_resolved "
        # An agent-written opening message (the ticket's first interaction) is not a reply.
        "AND i.id <> (SELECT o.id FROM interactions o WHERE o.source = i.source "
        "AND o.ticket_id = i.ticket_id ORDER BY o.created_at, o.id LIMIT 1) "
        f"GROUP BY i.source, i.author_id, {slot_sql('i.created_at')}"
    )
    first, last = period
    for source, agent, slot, count in scope.conn.execute(sql, params):
        load = loads.setdefault((source, agent), AgentLoad())
        load.replies += count
        day = local_start(slot, zone).date()
        if first <= day <= last:
            load.days.add(day)


def _name(scope: Scope, agent: AgentId, multi_source: bool) -> str:
    row = scope.conn.execute(
        "SELECT name FROM agents WHERE source = ? AND id = ?", agent
    ).fetchone()
    name = row[0] if row and row[0] else agent[1]
    return f"{agent[0]}/{name}" if multi_source else str(name)


def _per_day(count: int, days: int) -> float | None:
    return round(count / days, 2) if days else None


def agents_table(
    scope: Scope, zone: ZoneInfo, start: datetime, end: datetime
) -> deskmetrics.SectionTable | None:
    loads: dict[AgentId, AgentLoad] = {}
    period = (start.astimezone(zone).date(), (end.astimezone(zone) - _TICK).date())
    _solves(scope, loads, zone)
    _replies(scope, loads, zone, period)
    if not loads:
        return None
    multi_source = len({source for source, _agent in loads}) > 1
    named = sorted(
        ((_name(scope, agent, multi_source), load) for agent, load in loads.items()),
        key=lambda item: (-item[1].solved, -item[1].replies, item[0]),
    )
    rows: list[Row] = [
        [name, load.solved, load.replies, len(load.days), _per_day(load.solved, len(load.days)),
         _per_day(load.replies, len(load.days)), load.customers]
        for name, load in named
    ]  # fmt: skip
    columns = [
        "agent", "tickets solved", "replies", "working days", "solved per working day",
        "replies per working day", "customers helped",
    ]  # fmt: skip
    return deskmetrics.SectionTable(
        "Agent workload (tickets resolved in the period)", columns, rows
    )

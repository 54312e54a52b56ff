"""The built-in KPIs of spec §4, registered through ``register_metrics`` like any plugin's.

Each one is declared with the public :class:`deskmetrics.Metric` API only; the SQL fragments are
over the documented aliases (``t`` ticket, ``s`` survey response, ``c`` customer, ``p`` period).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics import Members, Metric, MetricValue, Scope, seconds_between
from deskmetrics import ScopeKey as Key

# -- speed -------------------------------------------------------------------------------

first_response_time = Metric.duration(
    id="first_response_time",
    label="First response time",
    cohort="created",
    end="t.first_response_at",
    description="First public agent reply − creation, over created tickets that got one.",
)

unreplied_tickets = Metric.count(
    id="unreplied_tickets",
    label="Unreplied tickets",
    cohort="created",
    where="t.first_response_at IS NULL OR t.first_response_at > :as_of",
    section="speed",
    description="Created tickets without a first response at as_of; n is the created cohort.",
)

resolution_time = Metric.duration(
    id="resolution_time",
    label="Resolution time",
    cohort="resolved",
    end="t.resolved_at",
    description="Latest resolution − creation (full resolution time), over resolved tickets.",
)

first_resolution_time = Metric.duration(
    id="first_resolution_time",
    label="First resolution time",
    cohort="resolved",
    end="t.first_resolved_at",
    description="First resolution − creation, over resolved tickets that record it.",
)

handle_time = Metric.mean(
    id="handle_time",
    label="Handle time",
    expr="t.handle_seconds",
    unit="seconds",
    cohort="resolved",
    description="Logged effort per resolved ticket (AHT); tickets without logged time left out.",
)

# -- quality -----------------------------------------------------------------------------

first_contact_resolution = Metric.proportion(
    id="first_contact_resolution",
    label="First contact resolution",
    cohort="resolved",
    among="t.agent_replies >= 1",
    where="t.agent_replies = 1 AND t.reopens = 0",
    description="Resolved tickets with one agent reply and no reopen, among those with replies.",
)

solved_without_reply = Metric.count(
    id="solved_without_reply",
    label="Solved without reply",
    cohort="resolved",
    where="t.agent_replies = 0",
    section="quality",
    description="Resolved tickets no agent replied to (kept out of FCR); n is the cohort.",
)

reopen_rate = Metric.proportion(
    id="reopen_rate",
    label="Reopen rate",
    cohort="resolved",
    where="t.reopens >= 1",
    description="Resolved tickets that were reopened at least once.",
)

escalation_rate = Metric.proportion(
    id="escalation_rate",
    label="Escalation rate",
    cohort="created",
    where="t.escalated = 1",
    description="Created tickets that were escalated.",
)


def _sla(id: str, label: str, done: str, due: str) -> Metric:
    # Still running (not done and not yet due at as_of) is neither achieved nor breached.
    return Metric.proportion(
        id=id,
        label=label,
        cohort="created",
        among=f"{due} IS NOT NULL AND NOT ({done} IS NULL AND {due} >= :as_of)",
        where=f"{done} <= {due}",
        description=f"Created tickets with a deadline: {done.removeprefix('t.')} by the deadline.",
    )


sla_first_response = _sla(
    "sla_first_response", "SLA first response", "t.first_response_at", "t.first_response_due_at"
)
sla_resolution = _sla("sla_resolution", "SLA resolution", "t.resolved_at", "t.resolution_due_at")

# -- volume ------------------------------------------------------------------------------

ticket_volume = Metric.count(
    id="ticket_volume",
    label="Tickets created",
    cohort="created",
    description="Tickets created in the period.",
)

resolution_rate = Metric.proportion(
    id="resolution_rate",
    label="Resolution rate",
    cohort="created",
    where="t.resolved_at IS NOT NULL AND t.resolved_at < p.hi",
    section="volume",
    description="Created tickets resolved before the period end (a cohort rate).",
)

backlog = Metric.count(
    id="backlog",
    label="Backlog at period end",
    cohort="backlog",
    description="Tickets created before the period end and not resolved before it.",
)

backlog_overdue = Metric.count(
    id="backlog_overdue",
    label="Overdue backlog",
    cohort="backlog",
    where=(
        "t.resolution_due_at < p.hi OR (t.resolution_due_at IS NULL AND "
        f"{seconds_between('t.created_at', 'p.hi')} > :overdue_seconds)"
    ),
    description="Backlog past its resolution deadline, or without one older than the set age.",
)

interactions_per_ticket = Metric.mean(
    id="interactions_per_ticket",
    label="Replies per ticket",
    expr="t.agent_replies",
    unit="replies",
    cohort="resolved",
    p90=False,
    section="volume",
    description="Public agent replies per resolved ticket (mean and median).",
)

# -- satisfaction ------------------------------------------------------------------------


# Conditions shared by each metric's compute and its member listing (Metric.members).
_SATISFIED = "s.score > (s.scale_min + s.scale_max) / 2.0"
_ANSWERED = "s.score IS NOT NULL"
_PROMOTER, _PASSIVE, _DETRACTOR = "s.score >= 9", "s.score >= 7 AND s.score < 9", "s.score < 7"
_CHURNED = "c.churned_at < p.hi"


def _csat(scope: Scope) -> dict[Key, MetricValue]:
    sql, params = scope.survey_sql("csat", f"count(*), sum({_SATISFIED})", any_order=True)
    return {
        key: MetricValue.proportion(int(hits or 0), n)
        for key, (n, hits) in scope.aggregate(sql, params).items()
    }


def _sources_recording_offers(scope: Scope) -> list[str]:
    """Sources that store unanswered CSAT offers (one index probe per source, not a scan)."""
    found = []
    row = scope.conn.execute("SELECT source FROM surveys ORDER BY source LIMIT 1").fetchone()
    while row is not None:
        offer = scope.conn.execute(
            # The partial index of unanswered CSAT offers: one seek, whatever the history.
            "SELECT 1 FROM surveys INDEXED BY surveys_csat_offers"
            " WHERE source = ? AND kind = 'csat' AND score IS NULL LIMIT 1",
            row,
        ).fetchone()
        if offer is not None:
            found.append(row[0])
        row = scope.conn.execute(
            "SELECT source FROM surveys WHERE source > ? ORDER BY source LIMIT 1", row
        ).fetchone()
    return found


def _recording_offers(scope: Scope) -> tuple[str, dict[str, str]] | None:
    """The condition "from a source that records offers", or None when no source does."""
    # Only sources that ever store an unanswered offer can tell us how many went unanswered.
    sources = _sources_recording_offers(scope)
    if not sources:
        return None
    params = {f"offers{i}": source for i, source in enumerate(sources)}
    return f"s.source IN ({', '.join(':' + name for name in params)})", params


def _csat_response_rate(scope: Scope) -> dict[Key, MetricValue]:
    offers = _recording_offers(scope)
    if offers is None:
        return {}
    records_offers, params = offers
    sql, params = scope.survey_sql(
        "csat",
        f"count(*), sum({_ANSWERED})",
        records_offers,
        answered_only=False,
        params=params,
        any_order=True,
    )
    return {
        key: MetricValue.proportion(int(hits or 0), n)
        for key, (n, hits) in scope.aggregate(sql, params).items()
    }


def _nps(scope: Scope) -> dict[Key, MetricValue]:
    sql, params = scope.survey_sql(
        "nps", f"sum({_PROMOTER}), sum({_PASSIVE}), sum({_DETRACTOR})", any_order=True
    )
    return {
        key: MetricValue.nps(int(pro or 0), int(pas or 0), int(det or 0))
        for key, (pro, pas, det) in scope.aggregate(sql, params).items()
    }


_CES_NORMALIZED = (
    "100.0 * (CASE WHEN s.higher_is_better = 1 THEN s.score - s.scale_min "
    "ELSE s.scale_max - s.score END) / (s.scale_max - s.scale_min)"
)


def _ces(scope: Scope) -> dict[Key, MetricValue]:
    sql, params = scope.survey_sql(
        "ces",
        "count(*), sum(s.score), sum(s.score * s.score), avg("
        + _CES_NORMALIZED
        + "), min(s.scale_min), max(s.scale_min), min(s.scale_max), max(s.scale_max)",
    )
    result = {}
    for key, (n, total, squares, normalized, lo1, lo2, hi1, hi2) in scope.aggregate(
        sql, params
    ).items():
        # A raw mean only has a scale when every response shares it.
        scale = (lo1, hi1) if lo1 == lo2 and hi1 == hi2 else None
        result[key] = MetricValue.score_mean(
            total or 0.0, squares or 0.0, n, normalized=normalized, scale=scale
        )
    return result


csat = Metric(
    id="csat",
    label="CSAT",
    unit="percent",
    compute=_csat,
    cohort="csat responses",
    section="satisfaction",
    subject="surveys",
    test="proportion",
    description="Satisfied share of each ticket's latest CSAT response (above the midpoint).",
    empty=lambda: MetricValue.proportion(0, 0),
    members=Members("surveys", "csat", met=_SATISFIED, value="s.score"),
)

csat_response_rate = Metric(
    id="csat_response_rate",
    label="CSAT response rate",
    unit="percent",
    compute=_csat_response_rate,
    cohort="csat surveys offered",
    section="satisfaction",
    subject="surveys",
    test="proportion",
    description="Answered share of CSAT surveys offered, from sources that record offers.",
    empty=lambda: MetricValue.proportion(0, 0),
    members=Members(
        "surveys",
        "csat",
        met=_ANSWERED,
        value="s.score",
        answered_only=False,
        condition=_recording_offers,
    ),
)

nps = Metric(
    id="nps",
    label="NPS",
    unit="score",
    compute=_nps,
    cohort="nps responses",
    section="satisfaction",
    subject="surveys",
    test="nps",
    description="% promoters (9–10) − % detractors (0–6), with its 95 % margin.",
    empty=lambda: MetricValue.nps(0, 0, 0),
    members=Members("surveys", "nps", met=_PROMOTER, value="s.score"),
)

ces = Metric(
    id="ces",
    label="CES",
    unit="score",
    compute=_ces,
    cohort="ces responses",
    section="satisfaction",
    subject="surveys",
    description="Mean customer-effort score on its scale; normalized: 0–100, higher is better.",
    empty=lambda: MetricValue.score_mean(0, 0, 0, normalized=None, scale=None),
    members=Members("surveys", "ces", value="s.score"),
)

# -- customers ---------------------------------------------------------------------------


def _customers(retained: bool) -> Callable[[Scope], dict[Key, MetricValue]]:
    def compute(scope: Scope) -> dict[Key, MetricValue]:
        sql, params = scope.customer_sql(f"count(*), sum({_CHURNED})")
        result = {}
        for key, (active, lost) in scope.aggregate(sql, params).items():
            lost = int(lost or 0)
            result[key] = MetricValue.proportion(active - lost if retained else lost, active)
        return result

    return compute


customer_retention_rate = Metric(
    id="customer_retention_rate",
    label="Customer retention",
    unit="percent",
    compute=_customers(retained=True),
    cohort="customers active at period start",
    section="customers",
    subject="customers",
    test="proportion",
    description="Customers active at the start who did not churn during the period.",
    empty=lambda: MetricValue.proportion(0, 0),
    members=Members("customers", met=f"c.churned_at IS NULL OR NOT ({_CHURNED})"),
)

customer_churn_rate = Metric(
    id="customer_churn_rate",
    label="Customer churn",
    unit="percent",
    compute=_customers(retained=False),
    cohort="customers active at period start",
    section="customers",
    subject="customers",
    test="proportion",
    description="Customers active at the start who churned during the period.",
    empty=lambda: MetricValue.proportion(0, 0),
    members=Members("customers", met=_CHURNED),
)

# -- business hours (spec §7) ------------------------------------------------------------


def _business_seconds(scope: Scope, row: tuple[Any, ...]) -> float | None:
    """(source, start, end) → business seconds; None when the source has no schedule."""
    choice = scope.schedule
    assert choice is not None  # requires_schedule: the engine computes it only with one
    source, start_text, end_text = row
    schedule = choice.for_source(source)
    if schedule is None:
        return None
    seconds: float = schedule.business_seconds(
        datetime.fromisoformat(start_text), datetime.fromisoformat(end_text)
    )
    return seconds


def _business_members(cohort: str, end: str) -> Members:
    return Members(
        "tickets", cohort, among=f"{end} IS NOT NULL", extra=("t.source", "t.created_at", end),
        convert=_business_seconds,
    )  # fmt: skip


def _business(cohort: str, end: str) -> Callable[[Scope], dict[Key, MetricValue]]:
    def compute(scope: Scope) -> dict[Key, MetricValue]:
        sql, params = scope.ticket_sql(
            f"t.source, t.created_at, {end}", cohort, f"{end} IS NOT NULL", group=False
        )
        values: dict[Key, list[float]] = {}
        # Streams the (start, end) pairs: one float per ticket is all that is kept.
        for key, row in scope.rows(sql, params):
            seconds = _business_seconds(scope, row)
            if seconds is not None:
                values.setdefault(key, []).append(seconds)
        return {
            key: MetricValue.distribution(sorted(found), "seconds") for key, found in values.items()
        }

    return compute


first_response_time_business = Metric(
    id="first_response_time_business",
    label="First response time (business hours)",
    unit="seconds",
    compute=_business("created", "t.first_response_at"),
    cohort="created",
    section="speed",
    requires_schedule=True,
    description="first_response_time counted in the schedule's working hours only.",
    empty=lambda: MetricValue.distribution([], "seconds"),
    members=_business_members("created", "t.first_response_at"),
)

resolution_time_business = Metric(
    id="resolution_time_business",
    label="Resolution time (business hours)",
    unit="seconds",
    compute=_business("resolved", "t.resolved_at"),
    cohort="resolved",
    section="speed",
    requires_schedule=True,
    description="resolution_time counted in the schedule's working hours only.",
    empty=lambda: MetricValue.distribution([], "seconds"),
    members=_business_members("resolved", "t.resolved_at"),
)

BUILTIN_METRICS: tuple[Metric, ...] = (
    ticket_volume,
    first_response_time,
    first_response_time_business,
    unreplied_tickets,
    resolution_time,
    resolution_time_business,
    first_resolution_time,
    handle_time,
    first_contact_resolution,
    solved_without_reply,
    reopen_rate,
    escalation_rate,
    resolution_rate,
    backlog,
    backlog_overdue,
    interactions_per_ticket,
    sla_first_response,
    sla_resolution,
    csat,
    csat_response_rate,
    nps,
    ces,
    customer_retention_rate,
    customer_churn_rate,
)
"""In spec §4 order (business-hours variants after their calendar twins)."""


@deskmetrics.hookimpl
def register_metrics(register: deskmetrics.RegisterMetric) -> None:
    for metric in BUILTIN_METRICS:
        register(metric)

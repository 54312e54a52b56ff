"""Workload KPIs (issue #18 item 6) that are one number per key, so they break down by agent,
group, channel … like any KPI: tickets solved and customers helped."""

from __future__ import annotations

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope

Key = deskmetrics.ScopeKey

tickets_solved = Metric.count(
    id="tickets_solved",
    label="Tickets solved",
    cohort="resolved",
    description="Tickets whose latest resolution is in the period and that are still resolved.",
)

# Requester ids are only unique within a source: the source is part of the value. Only counted
# (distinct and all), so left unsorted.
REQUESTERS = deskmetrics.ValuesRequest(
    "resolved", "t.source || char(31) || t.requester_id", ordered=False
)


def _customers_helped(scope: Scope) -> dict[Key, MetricValue]:
    return {
        key: MetricValue.count(len(set(values)), len(values))
        for key, values in scope.values(REQUESTERS).items()
    }


customers_helped = Metric(
    id="customers_helped",
    label="Customers helped",
    unit="count",
    compute=_customers_helped,
    cohort="resolved",
    section="volume",
    description="Distinct requesters of the resolved tickets; n is those tickets with a requester.",
    empty=lambda: MetricValue.count(0, 0),
    requests=(REQUESTERS,),
    # Its n: the resolved tickets with a requester (the value counts their distinct requesters).
    members=deskmetrics.Members("tickets", "resolved", among="t.requester_id IS NOT NULL"),
)


def workload_metrics() -> list[Metric]:
    return [tickets_solved, customers_helped]

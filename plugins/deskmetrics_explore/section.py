"""The "Workload and arrivals" report section: tables that are grids or distributions rather
than one number per key, shown by every reporter (JSON: the tables' rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import deskmetrics
from deskmetrics_explore.agents import agents_table
from deskmetrics_explore.arrivals import arrivals_tables
from deskmetrics_explore.created_counts import created_counts
from deskmetrics_explore.distributions import FRT_BUCKETS, backlog_table, frt_table
from deskmetrics_explore.replies import reply_metrics
from deskmetrics_explore.touches import touch_metrics
from deskmetrics_explore.workload import workload_metrics

SECTION_ID = "explore"
TITLE = "Workload and arrivals"
NOTES = [
    "Weekday × hour: tickets created in the period, by local hour of the report time zone. "
    "First response buckets: lower bound included (exactly 1 h is in 1–4 h). Backlog ages are "
    "taken at the period end. With --by agent, an agent workload table over the tickets "
    "resolved in the period. docs/metrics.md defines every column.",
]

METRIC_IDS = {m.id for m in [*workload_metrics(), *reply_metrics(), *touch_metrics()]}


def db_time(moment: datetime) -> str:
    """The store's UTC text format (docs/store.md)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ExploreSection:
    name = "explore"

    def build(
        self, store: deskmetrics.Store, report: deskmetrics.Report
    ) -> deskmetrics.ReportSection | None:
        scope = deskmetrics.Scope(
            conn=store.conn,
            periods=(("", db_time(report.start), db_time(report.end)),),
            as_of=db_time(report.as_of),
            filters=report.filters,
        )
        # The section belongs to this plugin's KPIs: a report computed without any of them
        # (a library caller choosing its metrics) gets none.
        if not scope.applies("tickets") or not set(report.definitions) & METRIC_IDS:
            return None
        zone = ZoneInfo(report.timezone)
        section = deskmetrics.ReportSection(SECTION_ID, TITLE, notes=list(NOTES))
        created = created_counts(scope, FRT_BUCKETS)
        section.tables += [
            *arrivals_tables(created.slots, zone), frt_table(created), backlog_table(scope),
        ]  # fmt: skip
        if not any(_counts(table) for table in section.tables):
            return None  # nothing created, replied or open: a section of zeros says nothing
        # Agent names appear only when asked for (--by agent), as in every other part of a report.
        if _has_dimension(report.breakdowns, "agent"):
            agents = agents_table(scope, zone, report.start, report.end)
            if agents is not None:
                section.tables.append(agents)
        return section


def _has_dimension(breakdowns: dict[str, list[deskmetrics.BreakdownEntry]], name: str) -> bool:
    """Whether the report breaks down by ``name`` at any level (``--by group --by agent``)."""
    if name in breakdowns:
        return True
    return any(
        _has_dimension(entry.breakdowns, name)
        for entries in breakdowns.values()
        for entry in entries
    )


def _counts(table: deskmetrics.SectionTable) -> bool:
    return any(isinstance(cell, int) and cell for row in table.rows for cell in row[1:])

"""The dashboard page: the html reporter's KPI cards, trend charts, targets and breakdowns,
with the period, grain, breakdowns and filters as form controls and every number a link to
its ticket list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import deskmetrics
from deskmetrics_reporters.html_reporter import HtmlReporter
from deskmetrics_web.site import Site
from deskmetrics_web.view_params import DIMENSIONS, FILTER_FIELDS, GRAINS, ViewParams

TICKETS_PATH = "/-/deskmetrics/tickets"
TICKET_PATH = "/-/deskmetrics/ticket"


class TicketListLinks:
    """Links from a report's numbers to their ticket lists, for HtmlReporter.dashboard."""

    def __init__(self, report: deskmetrics.Report, params: ViewParams, prefix: str = "") -> None:
        self.prefix = prefix
        self.listable = {mid for mid, m in report.definitions.items() if m.can_list_members}
        # The report's own resolved period and as-of: the list is computed for exactly these.
        self.params = replace(
            params, start=report.start.date(), end=report.end.date(), as_of=report.as_of
        )

    def _url(self, params: ViewParams, metric_id: str, key: Sequence[str] = ()) -> str | None:
        if metric_id not in self.listable:
            return None  # a plugin metric that does not say which records make its value
        query = replace(params, grain=None, by=()).query(kpi=metric_id, key=list(key))
        return f"{self.prefix}{TICKETS_PATH}?{query}"

    def kpi(self, metric_id: str) -> str | None:
        return self._url(self.params, metric_id)

    def point(self, metric_id: str, bucket: deskmetrics.Bucket) -> str | None:
        period = replace(self.params, start=bucket.start.date(), end=bucket.end.date())
        return self._url(period, metric_id)

    def cell(self, metric_id: str, path: Sequence[tuple[str, str | None]]) -> str | None:
        keys = [f"{dim}={'(none)' if key is None else key}" for dim, key in path]
        return self._url(self.params, metric_id, keys)

    def ticket(self, source: str, ticket_id: str) -> str | None:
        # The ticket's own page here (facts, timeline, answers, and its helpdesk link).
        return f"{self.prefix}{TICKET_PATH}/{quote(source, safe='')}/{quote(ticket_id, safe='')}"


def compute_report(site: Site, params: ViewParams) -> deskmetrics.Report:
    """The report the page shows (run in a worker thread: it opens its own store connection)."""
    with site.open_store() as store:
        return deskmetrics.build_report(
            store, site.settings, start=params.start, end=params.end, as_of=params.as_of,
            by=params.by, separate=True, grain=params.grain, filters=params.filters,
        )  # fmt: skip


def render_dashboard(report: deskmetrics.Report, params: ViewParams, prefix: str = "") -> str:
    return HtmlReporter().dashboard(report, TicketListLinks(report, params, prefix))


def form_context(params: ViewParams, choices: dict[str, list[str]]) -> dict[str, Any]:
    """What the template's form controls show: current values and the choices of each."""
    chosen = {f.field: f.value for f in params.filters}
    return {
        "start": params.start.isoformat() if params.start else "",
        "end": params.end.isoformat() if params.end else "",
        "grain": params.grain or "none",
        "as_of": params.as_of.isoformat() if params.as_of else "",
        "grains": GRAINS,
        "by": params.by,
        "dimensions": DIMENSIONS,
        "filters": [(name, chosen.get(name, ""), choices.get(name, [])) for name in FILTER_FIELDS],
    }


CHOICE_SQL = {
    "channel": "SELECT DISTINCT channel FROM tickets WHERE channel IS NOT NULL ORDER BY 1",
    "priority": "SELECT DISTINCT priority FROM tickets WHERE priority IS NOT NULL ORDER BY 1",
    "group": 'SELECT DISTINCT name FROM "groups" WHERE name IS NOT NULL ORDER BY 1',
    "agent": "SELECT DISTINCT name FROM agents WHERE name IS NOT NULL ORDER BY 1",
    "tag": "SELECT tag FROM ticket_tags GROUP BY tag ORDER BY count(*) DESC LIMIT 200",
    "source": "SELECT DISTINCT source FROM tickets ORDER BY 1",
    "organization": "SELECT DISTINCT name FROM organizations WHERE name IS NOT NULL ORDER BY 1",
}
"""The values each filter control offers (names: filters accept an agent or group by name)."""

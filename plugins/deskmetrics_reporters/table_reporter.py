"""The ``table`` reporter: KPIs grouped by section, breakdowns and the series, drawn with rich."""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich import box
from rich.console import Console
from rich.table import Table

import deskmetrics
from deskmetrics_reporters import humanize

SECTION_TITLES = {
    "speed": "Speed",
    "quality": "Quality",
    "satisfaction": "Satisfaction",
    "volume": "Volume",
    "customers": "Customers",
}
COMPACT_METRICS = (
    "ticket_volume",
    "first_response_time",
    "resolution_time",
    "first_contact_resolution",
    "sla_first_response",
    "csat",
    "nps",
    "backlog",
)
"""Columns of breakdown and series tables (when reported); plugin metrics are added after them."""
SPEC_METRICS = frozenset(
    (
        "ticket_volume",
        "first_response_time",
        "first_response_time_business",
        "unreplied_tickets",
        "resolution_time",
        "resolution_time_business",
        "first_resolution_time",
        "handle_time",
        "first_contact_resolution",
        "solved_without_reply",
        "reopen_rate",
        "escalation_rate",
        "resolution_rate",
        "backlog",
        "backlog_overdue",
        "interactions_per_ticket",
        "sla_first_response",
        "sla_resolution",
        "csat",
        "csat_response_rate",
        "nps",
        "ces",
        "customer_retention_rate",
        "customer_churn_rate",
    )
)
LOW = "°"
SIGNIFICANT = "!"


class TableReporter(deskmetrics.Reporter):
    name = "table"
    description = "Readable tables: KPIs by section, breakdowns and series (the default)."
    extension = "txt"

    def render(self, report: deskmetrics.Report) -> str:
        buffer = io.StringIO()
        width = int(self.options.get("width", 120))
        console = Console(file=buffer, width=width, color_system=None, highlight=False)
        self._header(console, report)
        for title, ids in self._sections(report):
            console.print(self._kpi_table(report, title, ids))
        columns = self._compact_columns(report)
        for dimension, entries in report.breakdowns.items():
            console.print(self._breakdown_table(report, dimension, entries, columns))
        if report.series is not None:
            console.print(self._series_table(report, columns))
        console.print(
            f"{LOW} n below {report.min_sample} (low sample)"
            + (f"   {SIGNIFICANT} significant change from the previous bucket (5 %)")
            * (report.series is not None)
        )
        return buffer.getvalue()

    # -- parts -------------------------------------------------------------------------------

    def _header(self, console: Console, report: deskmetrics.Report) -> None:
        start = report.start.strftime("%Y-%m-%d")
        last = report.end.strftime("%Y-%m-%d")
        console.print(
            f"[bold]deskmetrics report[/]  {start} → {last} (end exclusive, {report.timezone})"
            f"   as of {report.as_of.strftime('%Y-%m-%d %H:%M')} UTC"
        )
        notes = [f"{f.field}={f.value}" for f in report.filters]
        if report.schedule:
            notes.append(f"business hours: {report.schedule}")
        if notes:
            console.print("filters: " + ", ".join(notes))

    def _sections(self, report: deskmetrics.Report) -> Iterator[tuple[str, list[str]]]:
        by_section: dict[str, list[str]] = {}
        for metric_id in report.metrics:
            section = report.definitions[metric_id].section
            by_section.setdefault(section, []).append(metric_id)
        order = [s for s in SECTION_TITLES if s in by_section]
        order += [s for s in by_section if s not in SECTION_TITLES]
        for section in order:
            yield SECTION_TITLES.get(section, section.title()), by_section[section]

    def _kpi_table(self, report: deskmetrics.Report, title: str, ids: list[str]) -> Table:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("KPI")
        for name in ("Value", "n", "Median", "P90", "95 % CI"):
            table.add_column(name, justify="right")
        for metric_id in ids:
            value = report.metrics[metric_id]
            extra = value.extra
            table.add_row(
                report.definitions[metric_id].label,
                _cell(value),
                f"{value.n:,}",
                humanize.number(extra["median"], value.unit) if "median" in extra else "",
                humanize.number(extra["p90"], value.unit) if "p90" in extra else "",
                humanize.interval(extra.get("ci_low"), extra.get("ci_high"), value.unit),
            )
        return table

    def _compact_columns(self, report: deskmetrics.Report) -> list[str]:
        present = report.definitions
        columns = [m for m in COMPACT_METRICS if m in present]
        return columns + [m for m in present if m not in SPEC_METRICS]

    def _breakdown_table(
        self,
        report: deskmetrics.Report,
        dimension: str,
        entries: list[deskmetrics.BreakdownEntry],
        columns: list[str],
    ) -> Table:
        nested = _nested_dimensions(dimension, entries)
        table = Table(title=f"By {' › '.join(nested)}", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column(" › ".join(d.title() for d in nested), no_wrap=True)
        for metric_id in columns:
            table.add_column(report.definitions[metric_id].label, justify="right")
        for depth, entry in _walk(entries, 0):
            cells = [_cell(entry.metrics[m]) if m in entry.metrics else "" for m in columns]
            table.add_row("  " * depth + entry.label, *cells)
        return table

    def _series_table(self, report: deskmetrics.Report, columns: list[str]) -> Table:
        series = report.series
        assert series is not None
        table = Table(title=f"Series by {series.grain}", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("From", no_wrap=True)
        for metric_id in columns:
            table.add_column(report.definitions[metric_id].label, justify="right")
        for bucket in series.buckets:
            cells = []
            for metric_id in columns:
                value = bucket.metrics[metric_id]
                text = _cell(value)
                if value.change is not None:
                    text += "\n" + humanize.change(value.change, value.unit)
                if value.significant:
                    text += SIGNIFICANT
                cells.append(text)
            table.add_row(bucket.start.strftime("%Y-%m-%d"), *cells)
        return table


def _cell(value: deskmetrics.MetricValue) -> str:
    # A count is exact whatever its size: the low-sample mark is for estimates.
    low = value.low_sample and value.unit != "count"
    return humanize.number(value.value, value.unit) + (LOW if low else "")


def _nested_dimensions(dimension: str, entries: list[deskmetrics.BreakdownEntry]) -> list[str]:
    names = [dimension]
    while entries and entries[0].breakdowns:
        (name, entries), *_ = entries[0].breakdowns.items()
        names.append(name)
    return names


def _walk(
    entries: list[deskmetrics.BreakdownEntry], depth: int
) -> Iterator[tuple[int, deskmetrics.BreakdownEntry]]:
    for entry in entries:
        yield depth, entry
        for children in entry.breakdowns.values():
            yield from _walk(children, depth + 1)

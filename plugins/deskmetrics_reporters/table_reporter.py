"""The ``table`` reporter: KPIs grouped by section, breakdowns and the series, drawn with rich."""

from __future__ import annotations

import io

from pydantic import Field
from rich import box
from rich.console import Console
from rich.table import Table

import deskmetrics
from deskmetrics_reporters import humanize
from deskmetrics_reporters.breakdown_table import breakdown_table
from deskmetrics_reporters.layout import (
    LOW,
    SIGNIFICANT,
    STATUS_MARKS,
    cell,
    compact_columns,
    filter_notes,
    sections,
    target_text,
)
from deskmetrics_reporters.report_sections import print_sections


class TableOptions(deskmetrics.ReporterOptions):
    """``[reporters.table]``: ``width``, the characters per line (default 120)."""

    width: int = Field(default=120, ge=40, le=1000)


class TableReporter(deskmetrics.Reporter):
    name = "table"
    description = "Readable tables: KPIs by section, breakdowns and series (the default)."
    extension = "txt"
    Options = TableOptions
    options: TableOptions

    def render(self, report: deskmetrics.Report) -> str:
        buffer = io.StringIO()
        console = Console(file=buffer, width=self.options.width, color_system=None, highlight=False)
        self._header(console, report)
        for title, ids in sections(report):
            console.print(self._kpi_table(report, title, ids))
        columns = compact_columns(report)
        for dimension, entries in report.breakdowns.items():
            console.print(self._breakdown_table(report, dimension, entries, columns))
        if report.series is not None:
            console.print(self._series_table(report, columns))
        print_sections(console, report)
        console.print(
            "Value: the mean where a Median is shown beside it, else the rate or the count; "
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
        notes = filter_notes(report)
        if notes:
            console.print("filters: " + deskmetrics.escape_rich(", ".join(notes)))
        for note in report.notes:
            console.print("note: " + deskmetrics.escape_rich(note))

    def _kpi_table(self, report: deskmetrics.Report, title: str, ids: list[str]) -> Table:
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("KPI")
        for name in ("Value", "Median", "n", "P90", "95 % CI"):
            table.add_column(name, justify="right")
        targets = report.targets
        if targets:
            table.add_column("Target")
        for metric_id in ids:
            value = report.metrics[metric_id]
            extra = value.extra
            target = []
            if targets:
                result = targets.get(metric_id)
                target = [
                    ""
                    if result is None
                    else f"{target_text(result.target, value.unit)} {STATUS_MARKS[result.met]}"
                ]
            table.add_row(
                deskmetrics.escape_rich(report.definitions[metric_id].label),
                cell(value),
                humanize.number(extra["median"], value.unit) if "median" in extra else "",
                f"{value.n:,}",
                humanize.number(extra["p90"], value.unit) if "p90" in extra else "",
                humanize.interval(extra.get("ci_low"), extra.get("ci_high"), value.unit),
                *target,
            )
        return table

    def _breakdown_table(
        self,
        report: deskmetrics.Report,
        dimension: str,
        entries: list[deskmetrics.BreakdownEntry],
        columns: list[str],
    ) -> Table:
        layout = breakdown_table(report, dimension, entries, columns)
        table = Table(title=layout.title, title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column(layout.heading, no_wrap=True)
        for label in layout.labels:
            table.add_column(deskmetrics.escape_rich(label), justify="right")
        for row in layout.rows:
            cells = ["" if value is None else cell(value) for value in row.values]
            table.add_row("  " * row.depth + deskmetrics.escape_rich(row.entry.label), *cells)
        return table

    def _series_table(self, report: deskmetrics.Report, columns: list[str]) -> Table:
        series = report.series
        assert series is not None
        table = Table(title=f"Series by {series.grain}", title_justify="left", box=box.SIMPLE_HEAD)
        table.add_column("From", no_wrap=True)
        for metric_id in columns:
            table.add_column(deskmetrics.escape_rich(report.definitions[metric_id].label),
                             justify="right")  # fmt: skip
        for bucket in series.buckets:
            cells = []
            for metric_id in columns:
                value = bucket.metrics[metric_id]
                text = cell(value)
                if value.change is not None:
                    text += "\n" + humanize.change(value.change, value.unit)
                if value.significant:
                    text += SIGNIFICANT
                cells.append(text)
            table.add_row(bucket.start.strftime("%Y-%m-%d"), *cells)
        return table

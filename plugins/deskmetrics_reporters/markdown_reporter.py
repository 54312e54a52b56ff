"""The ``markdown`` reporter: GitHub-flavoured tables for a weekly e-mail or a wiki page."""

from __future__ import annotations

from collections.abc import Sequence

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
    label_and_unit,
    sections,
    target_text,
)
from deskmetrics_reporters.report_sections import markdown_sections


class MarkdownReporter(deskmetrics.Reporter):
    name = "markdown"
    description = "Markdown tables (KPIs, targets, breakdowns, series) for e-mail or a wiki."
    extension = "md"

    def render(self, report: deskmetrics.Report) -> str:
        parts = [_header(report)]
        if report.targets:
            parts.append(_targets(report))
        for title, ids in sections(report):
            parts.append(_kpis(report, title, ids))
        columns = compact_columns(report)
        for dimension, entries in report.breakdowns.items():
            parts.append(_breakdown(report, dimension, entries, columns))
        if report.series is not None:
            parts.append(_series(report, columns))
        parts += markdown_sections(report)
        legend = f"{LOW} n below {report.min_sample} (low sample)"
        if report.series is not None:
            legend += f"; {SIGNIFICANT} significant change from the previous bucket (5 %)"
        parts.append(f"_{legend}_\n")
        return "\n".join(parts)


def _header(report: deskmetrics.Report) -> str:
    start = report.start.strftime("%Y-%m-%d")
    end = report.end.strftime("%Y-%m-%d")
    lines = [
        "# deskmetrics report",
        "",
        f"**Period:** {start} → {end} (end exclusive, {report.timezone}) · "
        f"**as of** {report.as_of.strftime('%Y-%m-%d %H:%M')} UTC",
    ]
    notes = filter_notes(report)
    if notes:
        lines += ["", "**Filters:** " + _escape(", ".join(notes))]
    for note in report.notes:
        lines += ["", "**Note:** " + _escape(note)]
    return "\n".join(lines) + "\n"


def _targets(report: deskmetrics.Report) -> str:
    rows = []
    for metric_id, result in report.targets.items():
        label, unit = label_and_unit(report, metric_id)
        rows.append([
            label,
            humanize.number(result.actual, unit),
            target_text(result.target, unit),
            STATUS_MARKS[result.met],
        ])  # fmt: skip
    return "## Targets\n\n" + _table(["KPI", "Actual", "Target", "Status"], rows, right={1})


def _kpis(report: deskmetrics.Report, title: str, ids: list[str]) -> str:
    targets = report.targets
    head = ["KPI", "Value", "n", "Median", "P90", "95 % CI"] + (["Target"] if targets else [])
    rows = []
    for metric_id in ids:
        value = report.metrics[metric_id]
        extra = value.extra
        row = [
            report.definitions[metric_id].label,
            cell(value),
            f"{value.n:,}",
            humanize.number(extra["median"], value.unit) if "median" in extra else "",
            humanize.number(extra["p90"], value.unit) if "p90" in extra else "",
            humanize.interval(extra.get("ci_low"), extra.get("ci_high"), value.unit),
        ]
        if targets:
            result = targets.get(metric_id)
            row.append(
                ""
                if result is None
                else f"{target_text(result.target, value.unit)} {STATUS_MARKS[result.met]}"
            )
        rows.append(row)
    return f"## {title}\n\n" + _table(head, rows, right={1, 2, 3, 4, 5})


def _breakdown(
    report: deskmetrics.Report,
    dimension: str,
    entries: list[deskmetrics.BreakdownEntry],
    columns: list[str],
) -> str:
    layout = breakdown_table(report, dimension, entries, columns)
    head = [layout.heading, *layout.labels]
    rows = []
    for row in layout.rows:
        # Markdown collapses leading spaces; a visible marker keeps the nesting readable.
        label = "↳ " * row.depth + row.entry.label
        rows.append([label, *("" if value is None else cell(value) for value in row.values)])
    return f"## {layout.title}\n\n" + _table(head, rows, right=set(range(1, len(head))))


def _series(report: deskmetrics.Report, columns: list[str]) -> str:
    series = report.series
    assert series is not None
    head = ["From"] + [report.definitions[m].label for m in columns]
    rows = []
    for bucket in series.buckets:
        cells = [bucket.start.strftime("%Y-%m-%d")]
        for metric_id in columns:
            value = bucket.metrics[metric_id]
            text = cell(value)
            if value.change is not None:
                text += f" ({humanize.change(value.change, value.unit)})"
            if value.significant:
                text += SIGNIFICANT
            cells.append(text)
        rows.append(cells)
    return f"## Series by {series.grain}\n\n" + _table(head, rows, right=set(range(1, len(head))))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    """A pipe table; the ``right`` columns (numbers) are right-aligned, the others left."""
    align = ["--:" if i in right else ":--" for i in range(len(head))]
    lines = [_row(head), _row(align)] + [_row(row) for row in rows]
    return "\n".join(lines) + "\n"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_escape(c) for c in cells) + " |"


def _escape(text: str) -> str:
    return deskmetrics.escape_markdown(text)

"""The ``csv`` reporter: the report in tidy long form, one row per metric × key × bucket.

Numbers stay raw (seconds, percent 0–100) so a spreadsheet or pandas can compute with them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import deskmetrics
from deskmetrics_reporters.breakdown_table import walk_paths
from deskmetrics_reporters.report_sections import csv_section_rows

COLUMNS = (
    "scope", "dimension", "key", "label", "bucket_start", "bucket_end", "metric", "unit",
    "value", "n", "median", "p90", "ci_low", "ci_high", "low_sample", "change", "significant",
    "target", "target_met",
)  # fmt: skip
NESTING = ">"
"""Joins nested dimensions (``group>agent``) and the keys of their path (``g1>a1``)."""


class CsvReporter(deskmetrics.Reporter):
    name = "csv"
    description = "Tidy CSV: one row per metric, breakdown key and series bucket."
    extension = "csv"

    def render(self, report: deskmetrics.Report) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_rows(report))
        writer.writerows(csv_section_rows(report, len(COLUMNS)))
        return buffer.getvalue()


def _rows(report: deskmetrics.Report) -> Iterator[list[str]]:
    start, end = deskmetrics.to_iso(report.start), deskmetrics.to_iso(report.end)
    targets = report.targets
    for metric_id, value in report.metrics.items():
        target = targets.get(metric_id)
        judged = ["", ""]
        if target is not None:
            spec = target.target
            judged = [f"{spec.stat} {spec.op} {_text(spec.target)}", _text(target.met)]
        yield ["overall", "", "", "", start, end, metric_id, *_numbers(value), *judged]
    for dimension, entries in report.breakdowns.items():
        for path in walk_paths(entries):
            entry = path[-1]
            dims = NESTING.join([dimension, *_child_dimensions(path)])
            key = NESTING.join(_text(e.key) for e in path)
            for metric_id, value in entry.metrics.items():
                yield ["breakdown", dims, deskmetrics.escape_spreadsheet(key),
                       deskmetrics.escape_spreadsheet(entry.label), start, end, metric_id,
                       *_numbers(value), "", ""]  # fmt: skip
    if report.series is not None:
        grain = report.series.grain
        for bucket in report.series.buckets:
            for metric_id, value in bucket.metrics.items():
                start, end = deskmetrics.to_iso(bucket.start), deskmetrics.to_iso(bucket.end)
                yield ["series", grain, "", "", start, end, metric_id,
                       *_numbers(value), "", ""]  # fmt: skip


def _child_dimensions(path: tuple[deskmetrics.BreakdownEntry, ...]) -> list[str]:
    # Each ancestor holds exactly one nested dimension: the name its children are listed under.
    return [next(iter(parent.breakdowns)) for parent in path[:-1]]


def _numbers(value: deskmetrics.MetricValue) -> list[str]:
    extra = value.extra
    return [
        value.unit,
        _text(value.value),
        str(value.n),
        *(_text(extra.get(name)) for name in ("median", "p90", "ci_low", "ci_high")),
        _text(value.low_sample),
        _text(value.change),
        _text(value.significant),
    ]


def _text(item: Any) -> str:
    """Empty for null, ``true``/``false`` for flags, shortest round-trip form for numbers."""
    if item is None:
        return ""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    return str(item)

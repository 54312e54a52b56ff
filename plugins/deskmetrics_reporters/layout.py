"""What every reporter lays out the same way: KPI sections, compact columns, marks, targets."""

from __future__ import annotations

from collections.abc import Iterator

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


def filter_notes(report: deskmetrics.Report) -> list[str]:
    """What narrowed the report, for its header: ``channel=email``, ``business hours: support``."""
    notes = [f"{f.field}={f.value}" for f in report.filters]
    if report.schedule:
        notes.append(f"business hours: {report.schedule}")
    return notes


def sections(report: deskmetrics.Report) -> Iterator[tuple[str, list[str]]]:
    """(title, metric ids) per section, known sections first, in the report's metric order."""
    by_section: dict[str, list[str]] = {}
    for metric_id in report.metrics:
        section = report.definitions[metric_id].section
        by_section.setdefault(section, []).append(metric_id)
    order = [s for s in SECTION_TITLES if s in by_section]
    order += [s for s in by_section if s not in SECTION_TITLES]
    for section in order:
        yield SECTION_TITLES.get(section, section.title()), by_section[section]


def compact_columns(report: deskmetrics.Report) -> list[str]:
    present = report.definitions
    columns = [m for m in COMPACT_METRICS if m in present]
    return columns + [m for m in present if m not in SPEC_METRICS]


def label_and_unit(report: deskmetrics.Report, metric_id: str) -> tuple[str, str]:
    """A target's KPI may be missing from the report (a business variant without a schedule)."""
    definition = report.definitions.get(metric_id)
    return (definition.label, definition.unit) if definition else (metric_id, "")


def target_text(target: deskmetrics.Target, unit: str) -> str:
    """``p90 ≤ 4 h 0 m`` or ``≥ 85.0 %``: a target as people read it."""
    op = "≤" if target.op == "<=" else "≥"
    stat = "" if target.stat == "value" else f"{target.stat} "
    return f"{stat}{op} {humanize.number(target.target, unit)}"


STATUS_MARKS = {True: "✔ met", False: "✘ missed", None: "no data"}
LOW = "°"
SIGNIFICANT = "!"


def cell(value: deskmetrics.MetricValue) -> str:
    """The humanized value with the low-sample mark."""
    return humanize.number(value.value, value.unit) + (LOW if is_low(value) else "")


def is_low(value: deskmetrics.MetricValue) -> bool:
    """Marked as a low sample: an estimate (not a count, which is exact) with n too small."""
    return value.low_sample and value.unit != "count"

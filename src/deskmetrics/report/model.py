"""Report: the computed result reporters render; ``to_dict()`` is the JSON shape of spec §9."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskmetrics.metrics.definition import Metric
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.value import MetricValue
from deskmetrics.report.period import to_iso
from deskmetrics.report.section import ReportSection
from deskmetrics.report.targets import Target, TargetResult, evaluate_targets


def _metrics_dict(metrics: dict[str, MetricValue]) -> dict[str, Any]:
    return {metric_id: value.to_dict() for metric_id, value in metrics.items()}


@dataclass
class BreakdownEntry:
    """One key of a breakdown; ``breakdowns`` holds the next level of a nested ``--by``."""

    key: str | None
    label: str
    metrics: dict[str, MetricValue]
    breakdowns: dict[str, list[BreakdownEntry]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "metrics": _metrics_dict(self.metrics),
        }
        if self.breakdowns:
            data["breakdowns"] = _breakdowns_dict(self.breakdowns)
        return data


def _breakdowns_dict(breakdowns: dict[str, list[BreakdownEntry]]) -> dict[str, Any]:
    return {dim: [entry.to_dict() for entry in entries] for dim, entries in breakdowns.items()}


@dataclass
class Bucket:
    start: datetime
    end: datetime
    metrics: dict[str, MetricValue]

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": to_iso(self.start),
            "end": to_iso(self.end),
            "metrics": _metrics_dict(self.metrics),
        }


@dataclass
class Series:
    grain: str
    buckets: list[Bucket]

    def to_dict(self) -> dict[str, Any]:
        return {"grain": self.grain, "buckets": [b.to_dict() for b in self.buckets]}


@dataclass
class Report:
    """Everything one ``deskmetrics report`` run computed.

    ``definitions`` maps each reported metric id to its :class:`Metric` (labels, units and
    sections for reporters). ``breakdowns`` is empty and ``series`` None unless requested.
    """

    as_of: datetime
    start: datetime
    end: datetime
    timezone: str
    metrics: dict[str, MetricValue]
    definitions: dict[str, Metric]
    breakdowns: dict[str, list[BreakdownEntry]] = field(default_factory=dict)
    series: Series | None = None
    filters: tuple[Filter, ...] = ()
    schedule: str | None = None
    min_sample: int = 30
    target_specs: tuple[Target, ...] = ()
    """The configured ``[targets]``; ``targets`` evaluates them on the overall metrics."""
    notes: list[str] = field(default_factory=list)
    """What a reader must know to read the report right, e.g. a breakdown left out of a KPI."""
    sections: list[ReportSection] = field(default_factory=list)
    """Plugin-provided sections (``register_report_sections``), in registration order."""

    @property
    def targets(self) -> dict[str, TargetResult]:
        return evaluate_targets(self)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "as_of": to_iso(self.as_of),
            "period": {
                "start": to_iso(self.start),
                "end": to_iso(self.end),
                "timezone": self.timezone,
            },
            "metrics": _metrics_dict(self.metrics),
            "breakdowns": _breakdowns_dict(self.breakdowns),
            "series": None if self.series is None else self.series.to_dict(),
        }
        # Only with targets configured, so the §9 shape is unchanged without them.
        if self.target_specs:
            data["targets"] = {mid: r.to_dict() for mid, r in self.targets.items()}
        if self.notes:
            data["notes"] = list(self.notes)
        # Likewise only when a plugin provided one.
        if self.sections:
            data["sections"] = [section.to_dict() for section in self.sections]
        return data

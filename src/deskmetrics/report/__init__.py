"""The report: period handling, breakdowns, series and significance, as one Report object."""

from deskmetrics.report.build import build_report
from deskmetrics.report.model import BreakdownEntry, Bucket, Report, Series
from deskmetrics.report.period import to_iso
from deskmetrics.report.targets import Target, TargetResult, evaluate_targets, target_stat

__all__ = [
    "BreakdownEntry",
    "Bucket",
    "Report",
    "Series",
    "Target",
    "TargetResult",
    "build_report",
    "evaluate_targets",
    "target_stat",
    "to_iso",
]

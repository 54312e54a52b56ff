"""The report: period handling, breakdowns, series and significance, as one Report object."""

from typing import TYPE_CHECKING

from deskmetrics.lazy_names import lazy_exports

if TYPE_CHECKING:
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

# Imported on first use: commands that only escape text (report.safe_text) or read the grains
# (report.period), `sync` and `report --help` among them, never import the report builder.
__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "build_report": "deskmetrics.report.build",
        "BreakdownEntry": "deskmetrics.report.model",
        "Bucket": "deskmetrics.report.model",
        "Report": "deskmetrics.report.model",
        "Series": "deskmetrics.report.model",
        "to_iso": "deskmetrics.report.period",
        "Target": "deskmetrics.report.targets",
        "TargetResult": "deskmetrics.report.targets",
        "evaluate_targets": "deskmetrics.report.targets",
        "target_stat": "deskmetrics.report.targets",
    },
)

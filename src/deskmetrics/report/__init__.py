"""The report: period handling, breakdowns, series and significance, as one Report object."""

from deskmetrics.report.build import build_report
from deskmetrics.report.model import BreakdownEntry, Bucket, Report, Series

__all__ = ["BreakdownEntry", "Bucket", "Report", "Series", "build_report"]

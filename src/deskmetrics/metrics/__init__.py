"""The metrics engine: metric definitions, statistics, scopes (SQL) and the built-in KPIs."""

from deskmetrics.metrics.definition import SECTIONS, Metric
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.scope import Scope
from deskmetrics.metrics.value import MetricValue

__all__ = ["SECTIONS", "Filter", "Metric", "MetricValue", "Scope"]

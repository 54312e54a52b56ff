"""The metrics engine: metric definitions, statistics, scopes (SQL) and the built-in KPIs."""

from deskmetrics.metrics.definition import SECTIONS, Metric
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.requests import CountRequest, ValuesRequest
from deskmetrics.metrics.scope import Key as ScopeKey
from deskmetrics.metrics.scope import Scope, seconds_between
from deskmetrics.metrics.value import MetricValue

__all__ = [
    "SECTIONS",
    "CountRequest",
    "Filter",
    "Metric",
    "MetricValue",
    "Scope",
    "ScopeKey",
    "ValuesRequest",
    "seconds_between",
]

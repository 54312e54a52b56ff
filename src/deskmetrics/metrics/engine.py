"""Running metrics over a scope: applicability, empty keys and the low-sample flag."""

from __future__ import annotations

from collections.abc import Iterable

from deskmetrics.metrics.definition import Metric
from deskmetrics.metrics.scope import Key, Scope
from deskmetrics.metrics.value import MetricValue


def applies(metric: Metric, scope: Scope) -> bool:
    """Whether ``metric`` can be computed with the scope's schedule, dimensions and filters."""
    if metric.requires_schedule and scope.schedule is None:
        return False
    return scope.applies(metric.subject)


def compute(metric: Metric, scope: Scope, min_sample: int) -> dict[Key, MetricValue]:
    """The metric's values by key, each flagged ``low_sample`` when n < ``min_sample``."""
    results = dict(metric.compute(scope))
    for value in results.values():
        value.low_sample = value.n < min_sample
    return results


def compute_all(
    metrics: dict[str, Metric], scope: Scope, min_sample: int
) -> dict[str, dict[Key, MetricValue]]:
    """Every metric's values, after fetching their declared requests together."""
    scope.prefetch(request for metric in metrics.values() for request in metric.requests)
    return {metric_id: compute(metric, scope, min_sample) for metric_id, metric in metrics.items()}


def value_for(
    metric: Metric, results: dict[Key, MetricValue], key: Key, min_sample: int
) -> MetricValue:
    """The value at ``key``, or the metric's empty value when no row had that key."""
    found = results.get(key)
    if found is not None:
        return found
    empty = metric.empty_value()
    empty.low_sample = empty.n < min_sample
    return empty


def keys_of(results: Iterable[dict[Key, MetricValue]]) -> set[Key]:
    found: set[Key] = set()
    for result in results:
        found.update(result)
    return found

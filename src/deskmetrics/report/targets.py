"""KPI targets: the ``[targets]`` config section, and how a computed report meets them.

Evaluating is a comparison of numbers the report already holds; nothing is recomputed. Targets
apply to the report's overall metrics; the html reporter also draws them on each series bucket.
A target for one channel or priority (``channel.chat = { p90 = "5m" }``) applies to that row of
the report's breakdown by that dimension, and has no data when the report has no such breakdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from deskmetrics.config.report_settings import ReportSettings
from deskmetrics.errors import ConfigError

if TYPE_CHECKING:
    from deskmetrics.metrics.value import MetricValue
    from deskmetrics.report.model import Report

DURATION_STATS = ("value", "median", "p90")
"""For a duration lower is better, so each of these reads "at most"."""
BOUNDS = {"min": ">=", "max": "<="}
SCOPES = ("channel", "priority")
"""Dimensions a target can be given per value of."""


@dataclass(frozen=True)
class Target:
    """One configured target: ``stat`` of metric ``metric`` must be ``op`` (<= or >=) ``target``."""

    metric: str
    stat: str
    op: str
    target: float
    dimension: str | None = None
    """For one breakdown row only: the dimension (``channel``/``priority``) and its ``key``."""
    key: str | None = None

    @property
    def scope(self) -> str:
        """``channel=chat``, or ``""`` for an overall target."""
        return "" if self.dimension is None else f"{self.dimension}={self.key}"

    def met_by(self, actual: float | None) -> bool | None:
        """True/False, or None ("no data") when the metric has no value."""
        if actual is None:
            return None
        return actual <= self.target if self.op == "<=" else actual >= self.target


@dataclass(frozen=True)
class TargetResult:
    target: Target
    actual: float | None
    met: bool | None

    @property
    def status(self) -> str:
        return {True: "met", False: "missed", None: "no data"}[self.met]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.target.dimension is not None:
            data = {
                "metric": self.target.metric,
                "dimension": self.target.dimension,
                "key": self.target.key,
            }
        data.update(
            stat=self.target.stat,
            op=self.target.op,
            target=self.target.target,
            actual=self.actual,
            met=self.met,
        )
        return data


def parse_targets(settings: ReportSettings, metrics: Mapping[str, Any]) -> list[Target]:
    """The ``[targets]`` of ``settings``, checked against the known metrics (id → Metric).

    The configuration loader checked each value's type; which bounds a metric takes depends on
    its unit, so that is checked here. Raises ConfigError listing every problem, one a line.
    """
    targets: list[Target] = []
    problems: list[str] = []
    for metric_id, given in settings.targets.items():
        key = f"targets.{metric_id}"
        try:
            targets += _targets(metric_id, given, metrics, key)
        except ValueError as exc:
            problems.append(f"{settings.where}: {exc}")
    if problems:
        raise ConfigError("\n".join(problems))
    return targets


def _targets(
    metric_id: str, given: Mapping[str, Any], metrics: Mapping[str, Any], key: str
) -> list[Target]:
    """The overall target (when a bound is given, or nothing per value is) and one target per
    channel / priority value given."""
    bounds = {name: value for name, value in given.items() if name not in SCOPES}
    scoped = [(scope, value, b) for scope in SCOPES for value, b in given.get(scope, {}).items()]
    found = []
    if bounds or not scoped:
        found.append(_target(metric_id, bounds, metrics, key))
    for scope, value, scoped_bounds in scoped:
        target = _target(metric_id, scoped_bounds, metrics, f"{key}.{scope}.{value}")
        found.append(replace(target, dimension=scope, key=value))
    return found


def _target(
    metric_id: str, given: Mapping[str, float], metrics: Mapping[str, Any], key: str
) -> Target:
    if metric_id not in metrics:
        raise ValueError(f"{key}: unknown metric (known: {', '.join(sorted(metrics))})")
    allowed = DURATION_STATS if metrics[metric_id].unit == "seconds" else tuple(BOUNDS)
    for name in given:
        if name not in allowed:
            raise ValueError(f"{key}.{name}: unknown key (known: {', '.join(allowed)})")
    if len(given) != 1:
        raise ValueError(f"{key}: give exactly one of {', '.join(allowed)}")
    ((name, number),) = given.items()
    if name in BOUNDS:
        return Target(metric_id, "value", BOUNDS[name], number)
    return Target(metric_id, name, "<=", number)


def target_stat(value: MetricValue, stat: str) -> float | None:
    """The number a target compares: the value, or an extra field such as ``p90``."""
    return value.value if stat == "value" else value.extra.get(stat)


def evaluate_targets(
    report: Report, targets: Iterable[Target] | None = None
) -> dict[str, TargetResult]:
    """Each target against the report's overall metrics (``report.target_specs`` by default).

    A metric the report does not hold (e.g. a business-hours variant without a schedule) or
    whose value is null gives "no data": neither met nor missed.
    """
    results = {}
    for target in report.target_specs if targets is None else targets:
        if target.dimension is not None:
            continue  # a breakdown row's target: evaluate_breakdown_targets
        value = report.metrics.get(target.metric)
        actual = None if value is None else target_stat(value, target.stat)
        results[target.metric] = TargetResult(target, actual, target.met_by(actual))
    return results


def evaluate_breakdown_targets(
    report: Report, targets: Iterable[Target] | None = None
) -> list[TargetResult]:
    """Each channel / priority target against its row of the report's breakdown by that
    dimension (top level). No such breakdown (no ``--by channel``), no such row, or a null value
    gives "no data", as for overall targets."""
    results = []
    for target in report.target_specs if targets is None else targets:
        if target.dimension is None:
            continue
        entries = report.breakdowns.get(target.dimension, [])
        row = next((entry for entry in entries if entry.key == target.key), None)
        value = None if row is None else row.metrics.get(target.metric)
        actual = None if value is None else target_stat(value, target.stat)
        results.append(TargetResult(target, actual, target.met_by(actual)))
    return results


def missed(results: Mapping[str, TargetResult]) -> list[TargetResult]:
    return [r for r in results.values() if r.met is False]

"""KPI targets: the ``[targets]`` config section, and how a computed report meets them.

Evaluating is a comparison of numbers the report already holds; nothing is recomputed. Targets
apply to the report's overall metrics; the html reporter also draws them on each series bucket.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deskmetrics.config.durations import parse_duration
from deskmetrics.config.loading import Config

if TYPE_CHECKING:
    from deskmetrics.metrics.value import MetricValue
    from deskmetrics.report.model import Report

DURATION_STATS = ("value", "median", "p90")
"""For a duration lower is better, so each of these reads "at most"."""
BOUNDS = {"min": ">=", "max": "<="}


@dataclass(frozen=True)
class Target:
    """One configured target: ``stat`` of metric ``metric`` must be ``op`` (<= or >=) ``target``."""

    metric: str
    stat: str
    op: str
    target: float

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
        return {
            "stat": self.target.stat,
            "op": self.target.op,
            "target": self.target.target,
            "actual": self.actual,
            "met": self.met,
        }


def parse_targets(config: Config, metrics: Mapping[str, Any]) -> list[Target]:
    """The ``[targets]`` section, validated against the known metrics (id → Metric)."""
    section = config.data.get("targets", {})
    targets = []
    for metric_id, table in section.items():
        key = f"targets.{metric_id}"
        if metric_id not in metrics:
            known = ", ".join(sorted(metrics))
            raise config.error(key, f"unknown metric (known: {known})")
        unit = metrics[metric_id].unit
        if not isinstance(table, dict):
            example = '{ p90 = "4h" }' if unit == "seconds" else "{ min = 85 }"
            raise config.error(key, f"must be a table, e.g. {metric_id} = {example}")
        allowed = DURATION_STATS if unit == "seconds" else tuple(BOUNDS)
        for name in table:
            if name not in allowed:
                raise config.error(f"{key}.{name}", f"unknown key (known: {', '.join(allowed)})")
        if len(table) != 1:
            raise config.error(key, f"give exactly one of {', '.join(allowed)}")
        ((name, raw),) = table.items()
        if unit == "seconds":
            targets.append(Target(metric_id, name, "<=", _seconds(config, f"{key}.{name}", raw)))
        else:
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise config.error(f"{key}.{name}", "must be a number")
            targets.append(Target(metric_id, "value", BOUNDS[name], float(raw)))
    return targets


def _seconds(config: Config, key: str, raw: Any) -> float:
    try:
        return parse_duration(raw)
    except ValueError:
        raise config.error(
            key, 'must be seconds or a duration like "4h", "30m" or "1h30m"'
        ) from None


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
        value = report.metrics.get(target.metric)
        actual = None if value is None else target_stat(value, target.stat)
        results[target.metric] = TargetResult(target, actual, target.met_by(actual))
    return results


def missed(results: Mapping[str, TargetResult]) -> list[TargetResult]:
    return [r for r in results.values() if r.met is False]

"""One-touch and two-touch resolution (issue #18 item 4), next to first-contact resolution.

A touch is a public agent reply written up to the ticket's first solve (an agent-written
opening message and private notes are not touches). Among resolved tickets with at least one
touch, one-touch = exactly one touch and never reopened; two-touch = exactly two and never
reopened. docs/metrics.md compares this with Zendesk's rule.
"""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope
from deskmetrics_explore.thread import RESOLVED_THREADS, TOUCHES_SQL, threads

Key = deskmetrics.ScopeKey


def _touch_rate(touches: int) -> Callable[[Scope], dict[Key, MetricValue]]:
    def compute(scope: Scope) -> dict[Key, MetricValue]:
        result = {}
        for key, found in threads(scope).items():
            touched = [(t.touches(), t.reopens) for t in found]
            among = [(count, reopens) for count, reopens in touched if count >= 1]
            if among:
                hits = sum(1 for count, reopens in among if count == touches and reopens == 0)
                result[key] = MetricValue.proportion(hits, len(among))
        return result

    return compute


def _touch_metric(touches: int, name: str) -> Metric:
    return Metric(
        id=f"{name}_touch_resolution",
        label=f"{name.capitalize()}-touch resolution",
        unit="percent",
        compute=_touch_rate(touches),
        cohort="resolved",
        section="quality",
        test="proportion",
        description=(
            f"Resolved tickets with exactly {touches} public agent repl"
            f"{'y' if touches == 1 else 'ies'} before the first solve and no reopen, among "
            "those with at least one."
        ),
        empty=lambda: MetricValue.proportion(0, 0),
        requests=(RESOLVED_THREADS,),
        members=deskmetrics.Members(
            "tickets", "resolved", among=f"{TOUCHES_SQL} >= 1",
            met=f"{TOUCHES_SQL} = {touches} AND t.reopens = 0",
        ),
    )  # fmt: skip


def touch_metrics() -> list[Metric]:
    return [_touch_metric(1, "one"), _touch_metric(2, "two")]

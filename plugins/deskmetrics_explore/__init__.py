"""Built-in plugin: the KPIs support leads compare with Zendesk Explore (issue #18): every reply
(reply time, next reply time, replies to resolve), one- and two-touch resolution, workload
(tickets solved, customers helped, an agent workload table), when work arrives (weekday × hour),
first response and backlog-age distributions, time in status and routing (from the metric set,
else the stored history, with a cross-check of the two). See docs/metrics.md.

Only the public ``deskmetrics`` API is used; metrics share the engine's one-scan requests.
"""

from __future__ import annotations

import deskmetrics


@deskmetrics.hookimpl
def register_metrics(register: deskmetrics.RegisterMetric) -> None:
    from deskmetrics_explore.replies import reply_metrics
    from deskmetrics_explore.routing import routing_metrics
    from deskmetrics_explore.time_in_status import time_in_status_metrics
    from deskmetrics_explore.touches import touch_metrics
    from deskmetrics_explore.workload import workload_metrics

    for metric in [
        *workload_metrics(), *reply_metrics(), *touch_metrics(),
        *time_in_status_metrics(), *routing_metrics(),
    ]:  # fmt: skip
        register(metric)


@deskmetrics.hookimpl
def register_report_sections(register: deskmetrics.RegisterReportSection) -> None:
    from deskmetrics_explore.history_check import HistoryCheckSection
    from deskmetrics_explore.section import ExploreSection
    from deskmetrics_explore.target_rows import TargetRowsSection

    register(ExploreSection())
    register(TargetRowsSection())
    register(HistoryCheckSection())

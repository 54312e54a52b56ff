"""Every reply, not only the first (issue #18 item 3): reply time, next reply time, reply time
per ticket, replies to resolve, each over the resolved cohort's stored public conversations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import deskmetrics
from deskmetrics import Metric, MetricValue, Scope
from deskmetrics_explore.thread import RESOLVED_THREADS, THREAD_SQL, Thread, parse, threads

Key = deskmetrics.ScopeKey
Seconds = Callable[[Thread, datetime, datetime], float | None]


def _business(scope: Scope) -> Seconds:
    choice = scope.schedule
    assert choice is not None  # requires_schedule: only computed with one

    def seconds(thread: Thread, start: datetime, end: datetime) -> float | None:
        schedule = choice.for_source(thread.source)
        return None if schedule is None else schedule.business_seconds(start, end)

    return seconds


def _reply_seconds(thread: Thread, seconds: Seconds | None, skip_first: bool) -> list[float]:
    """The thread's reply times: calendar ones (``seconds`` None, kept by the thread) or as
    ``seconds`` counts them."""
    first = 1 if skip_first else 0
    if seconds is None:
        return thread.calendar_reply_seconds()[first:]
    pairs = thread.reply_pairs()[first:]
    found = (seconds(thread, waiting, reply) for waiting, reply in pairs)
    return [value for value in found if value is not None]


def _distribution(
    per_ticket: Callable[[Thread, Seconds | None], list[float]],
    business: bool,
    average: bool = False,
) -> Callable[[Scope], dict[Key, MetricValue]]:
    def compute(scope: Scope) -> dict[Key, MetricValue]:
        seconds = _business(scope) if business else None
        result = {}
        for key, found in threads(scope).items():
            values: list[float] = []
            for thread in found:
                ticket_values = per_ticket(thread, seconds)
                if average and ticket_values:
                    values.append(sum(ticket_values) / len(ticket_values))
                elif not average:
                    values.extend(ticket_values)
            if values:
                result[key] = MetricValue.distribution(sorted(values), "seconds")
        return result

    return compute


def _every(thread: Thread, seconds: Seconds | None) -> list[float]:
    return _reply_seconds(thread, seconds, skip_first=False)


def _next(thread: Thread, seconds: Seconds | None) -> list[float]:
    return _reply_seconds(thread, seconds, skip_first=True)


def _reply_metric(
    id: str, label: str, per_ticket: Callable[[Thread, Seconds | None], list[float]],
    description: str,
    *, business: bool = False, average: bool = False,
) -> Metric:  # fmt: skip
    return Metric(
        id=id + ("_business" if business else ""),
        label=label + (" (business hours)" if business else ""),
        unit="seconds",
        compute=_distribution(per_ticket, business, average),
        cohort="resolved",
        section="speed",
        requires_schedule=business,
        description=description + (" Working hours only." if business else ""),
        empty=lambda: MetricValue.distribution([], "seconds"),
        # No declared request: its n counts customer turns, not tickets, so its members cannot
        # be listed as tickets (a single declared request would make them listable). The
        # threads still come from the shared request replies_to_resolve and the touch rates
        # declare, cached in the scope (read on its own when this metric is alone).
        requests=(),
    )


def _replies_up_to_resolution(thread: Thread) -> float:
    return float(sum(1 for at in thread.agent_replies() if at <= thread.resolved_at))


def _replies_of_row(_scope: Scope, row: tuple[object, ...]) -> float | None:
    """A listed ticket's replies to resolve; None (not a member) without stored messages."""
    (text,) = row
    return _replies_up_to_resolution(parse(text)) if isinstance(text, str) else None


def _replies_to_resolve(scope: Scope) -> dict[Key, MetricValue]:
    result = {}
    for key, found in threads(scope).items():
        counts = sorted(_replies_up_to_resolution(t) for t in found)
        if counts:
            result[key] = MetricValue.distribution(counts, "replies", p90=False)
    return result


REPLY_TIME = (
    "Every customer turn answered by an agent: agent reply − first waiting customer message."
)


def reply_metrics() -> list[Metric]:
    metrics = []
    for business in (False, True):
        metrics += [
            _reply_metric("reply_time", "Reply time", _every, REPLY_TIME, business=business),
            _reply_metric(
                "next_reply_time", "Next reply time", _next,
                "Reply time of every customer turn after the first reply.", business=business,
            ),
            _reply_metric(
                "reply_time_per_ticket", "Reply time per ticket", _every,
                "Mean reply time of each resolved ticket, then mean/median/p90 over tickets.",
                business=business, average=True,
            ),
        ]  # fmt: skip
    metrics.append(
        Metric(
            id="replies_to_resolve",
            label="Replies to resolve",
            unit="replies",
            compute=_replies_to_resolve,
            cohort="resolved",
            section="volume",
            description="Public agent replies up to the latest resolution, from stored messages.",
            empty=lambda: MetricValue.distribution([], "replies", p90=False),
            requests=(RESOLVED_THREADS,),
            members=deskmetrics.Members(
                "tickets", "resolved", extra=(THREAD_SQL,), convert=_replies_of_row
            ),
        )
    )
    return metrics

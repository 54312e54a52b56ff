"""SLA deadlines from ticket metric events (``/api/v2/incremental/ticket_metric_events``).

For the first instance of a metric (``instance_id`` 1):

* a ``breach`` event that is not ``deleted`` is the deadline itself, computed by Zendesk with
  the policy's business hours and pauses;
* an ``apply_sla`` event with a calendar-time target gives ``time + target`` minutes; a
  business-hours target needs the account's schedule (``business_deadline``), without which
  only a later breach event supplies the deadline.

``reply_time`` gives ``first_response_due_at``; the first metric of ``resolution_metrics`` the
ticket has gives ``resolution_due_at``. Events are applied in time order, so a policy re-applied
after a priority change moves the deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import deskmetrics
from deskmetrics_zendesk.timestamps import parse_time

BusinessDeadline = Callable[[datetime, float], datetime | None]
"""(start, target minutes) → the deadline in business time, or None when unknown."""


class SlaDeadlines:
    def __init__(
        self,
        resolution_metrics: Sequence[str],
        business_deadline: BusinessDeadline | None = None,
    ) -> None:
        self.rank = {metric: index for index, metric in enumerate(resolution_metrics)}
        self.business_deadline = business_deadline

    def _deadline(self, event: Mapping[str, Any], at: datetime) -> datetime | None:
        kind = event.get("type")
        if kind == "breach":
            return at
        if kind != "apply_sla":
            return None
        sla = event.get("sla") or {}
        target = sla.get("target")
        if not isinstance(target, int | float):
            return None
        if not sla.get("business_hours"):
            return at + timedelta(minutes=target)
        return self.business_deadline(at, target) if self.business_deadline else None

    def updates(self, events: Iterable[Mapping[str, Any]]) -> list[deskmetrics.TicketUpdate]:
        """One TicketUpdate per ticket that has a deadline among ``events``."""
        first_response: dict[str, datetime] = {}
        resolution: dict[str, tuple[int, datetime]] = {}
        ordered = sorted(
            (e for e in events if not e.get("deleted") and e.get("instance_id") == 1),
            key=lambda e: (e.get("time") or "", e.get("id") or 0),
        )
        for event in ordered:
            at = parse_time(event.get("time"))
            ticket = event.get("ticket_id")
            if at is None or ticket is None:
                continue
            metric = event.get("metric")
            due = self._deadline(event, at)
            if due is None:
                continue
            key = str(ticket)
            if metric == "reply_time":
                first_response[key] = due
            elif metric in self.rank:
                rank = self.rank[metric]
                # A more preferred metric's deadline is not replaced by a less preferred one.
                if key not in resolution or rank <= resolution[key][0]:
                    resolution[key] = (rank, due)
        result = []
        for key in dict.fromkeys([*first_response, *resolution]):
            data: dict[str, Any] = {"id": key}
            if key in first_response:
                data["first_response_due_at"] = first_response[key]
            if key in resolution:
                data["resolution_due_at"] = resolution[key][1]
            result.append(deskmetrics.TicketUpdate.build(data))
        return result

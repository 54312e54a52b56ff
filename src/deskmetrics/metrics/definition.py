"""Metric: the public type a KPI is declared with, built-in or from a plugin.

A metric has an ``id`` (the JSON key), a ``label``, a ``unit``, the ``cohort`` it counts, the
report ``section`` it belongs to, and a ``compute`` callable that receives a
:class:`~deskmetrics.metrics.scope.Scope` and returns ``{key: MetricValue}``. The constructors
cover the common shapes in one call each::

    refund_share = Metric.proportion(
        id="refund_share",
        label="Tickets tagged refund",
        cohort="created",
        where="EXISTS (SELECT 1 FROM ticket_tags tg2 WHERE tg2.source = t.source "
        "AND tg2.ticket_id = t.id AND tg2.tag = 'refund')",
    )

``where`` / ``among`` / expressions are SQL over the ticket alias ``t`` (see scope.py for every
alias and parameter).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from deskmetrics.metrics.members import Members
from deskmetrics.metrics.requests import CountRequest, Request, ValuesRequest
from deskmetrics.metrics.scope import Key, Scope, seconds_between
from deskmetrics.metrics.value import MetricValue

Compute = Callable[[Scope], Mapping[Key, MetricValue]]
SECTIONS = ("speed", "quality", "satisfaction", "volume", "customers")
"""Report sections, in display order; a metric with another section is shown after them."""


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str
    compute: Compute = field(repr=False)
    cohort: str = "created"
    """Which records it counts: created, resolved, backlog, surveys, customers … (for docs)."""
    section: str = "volume"
    description: str = ""
    subject: Literal["tickets", "surveys", "customers"] = "tickets"
    """The table it counts; decides which breakdowns and filters apply."""
    test: Literal["proportion", "nps"] | None = None
    """Significance test between series buckets (spec §8), if any."""
    requires_schedule: bool = False
    """Only computed when the report has a business-hours schedule."""
    empty: Callable[[], MetricValue] | None = field(default=None, repr=False)
    """The value for a period or key with no rows (default: null value, n = 0)."""
    requests: tuple[Request, ...] = field(default=(), repr=False)
    """Data ``compute`` will ask the scope for; declared so metrics can share queries."""
    members: Members | None = field(default=None, repr=False)
    """Which rows make up the value (members.py); derived from ``requests`` when not given."""

    def __post_init__(self) -> None:
        if not self.id or not self.id.replace("_", "").isalnum():
            raise ValueError(f"metric id {self.id!r} must be letters, digits and underscores")

    @property
    def can_list_members(self) -> bool:
        """Whether ``list_members`` can list the records behind its value (members.py)."""
        from deskmetrics.metrics.members import members_of

        return members_of(self) is not None

    def empty_value(self) -> MetricValue:
        if self.empty is not None:
            return self.empty()
        return MetricValue(None, self.unit, 0)

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def count(
        cls,
        *,
        id: str,
        label: str,
        cohort: str = "created",
        where: str | None = None,
        section: str = "volume",
        description: str = "",
    ) -> Metric:
        """Tickets of ``cohort`` matching ``where``; ``n`` is the cohort's size."""
        request = CountRequest(cohort, where)

        def compute(scope: Scope) -> dict[Key, MetricValue]:
            return {
                key: MetricValue.count(found, n)
                for key, (n, found) in scope.counts(request).items()
            }

        return cls(
            id=id,
            label=label,
            unit="count",
            compute=compute,
            cohort=cohort,
            section=section,
            description=description,
            empty=lambda: MetricValue.count(0, 0),
            requests=(request,),
        )

    @classmethod
    def proportion(
        cls,
        *,
        id: str,
        label: str,
        where: str,
        cohort: str = "created",
        among: str | None = None,
        section: str = "quality",
        description: str = "",
    ) -> Metric:
        """Percent of the ``cohort`` tickets (that match ``among``) that match ``where``."""
        request = CountRequest(cohort, where, among)

        def compute(scope: Scope) -> dict[Key, MetricValue]:
            return {
                key: MetricValue.proportion(hits, n)
                for key, (n, hits) in scope.counts(request).items()
                # A key whose cohort rows all fall outside ``among`` has no sample: the empty value.
                if n > 0
            }

        return cls(
            id=id,
            label=label,
            unit="percent",
            compute=compute,
            cohort=cohort,
            section=section,
            description=description,
            test="proportion",
            empty=lambda: MetricValue.proportion(0, 0),
            requests=(request,),
        )

    @classmethod
    def mean(
        cls,
        *,
        id: str,
        label: str,
        expr: str,
        unit: str,
        cohort: str = "created",
        where: str | None = None,
        p90: bool = True,
        section: str = "speed",
        description: str = "",
    ) -> Metric:
        """Mean (value), median and p90 of a per-ticket SQL expression; nulls are skipped."""
        request = ValuesRequest(cohort, expr, where)

        def compute(scope: Scope) -> dict[Key, MetricValue]:
            return {
                key: MetricValue.distribution(values, unit, p90=p90)
                for key, values in scope.values(request).items()
            }

        return cls(
            id=id,
            label=label,
            unit=unit,
            compute=compute,
            cohort=cohort,
            section=section,
            description=description,
            empty=lambda: MetricValue.distribution([], unit, p90=p90),
            requests=(request,),
        )

    @classmethod
    def duration(
        cls,
        *,
        id: str,
        label: str,
        end: str,
        start: str = "t.created_at",
        cohort: str = "created",
        where: str | None = None,
        section: str = "speed",
        description: str = "",
    ) -> Metric:
        """Seconds from ``start`` to ``end`` (timestamp columns); null ends are left out."""
        return cls.mean(
            id=id,
            label=label,
            expr=seconds_between(start, end),
            unit="seconds",
            cohort=cohort,
            where=where,
            section=section,
            description=description,
        )

"""Data requests a metric declares up front, so metrics over one cohort share one query.

Counts and per-ticket values are what most KPIs need. A metric built with ``Metric.count``,
``Metric.proportion``, ``Metric.mean`` or ``Metric.duration`` lists its requests; before
computing, the engine hands all requests of a scope to :meth:`Scope.prefetch`, which reads each
cohort once for all of them (one column per value request, the count requests as bits of one
more column), instead of once per metric.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CountRequest:
    """Per key: (tickets of ``cohort`` matching ``among``, of which matching ``where``)."""

    cohort: str
    where: str | None = None
    among: str | None = None


@dataclass(frozen=True)
class ValuesRequest:
    """Per key: the ascending non-null values of ``expr`` over ``cohort`` rows with ``where``.

    ``ordered=False`` leaves them in no particular order, for values that are only counted or
    parsed (requester ids, conversation texts): sorting is most of their cost in Python (~0.04 s
    per 200 k texts, once per bucket, total and breakdown key of a series)."""

    cohort: str
    expr: str
    where: str | None = None
    ordered: bool = True


Request = CountRequest | ValuesRequest

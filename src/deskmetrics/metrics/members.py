"""Members: which tickets, survey answers or customers make up a metric's value.

A metric's value is an aggregate over rows of one subject; its *members* are those rows. A
``Members`` declaration names the same cohort and conditions the metric computes with, so the
listing cannot drift from the number:

- ``among``: a row belongs to the sample (its count is the KPI's ``n``);
- ``met``: of those, the row counts in the numerator (a proportion's successes, a count's value);
- ``value``: what the row contributes (a duration, a score); rows where it is NULL are left out
  when ``value_required`` (a mean skips nulls, so they are not in its ``n`` either).

Metrics built with ``Metric.count``/``proportion``/``mean``/``duration`` need no declaration:
their data requests (requests.py) already say all of this, and :func:`members_of` derives it.
Other metrics set ``Metric.members``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from deskmetrics.metrics.requests import CountRequest, ValuesRequest
from deskmetrics.metrics.scope import COHORT_TIMES, Key, Scope, response_order

if TYPE_CHECKING:
    from deskmetrics.metrics.definition import Metric

Condition = Callable[[Scope], tuple[str, dict[str, Any]] | None]
"""An ``among`` computed per scope: (SQL, its named parameters), or None when no row qualifies."""
Convert = Callable[[Scope, tuple[Any, ...]], float | None]
"""Turns a row's ``extra`` columns into its value (None: not a member), for values SQL can't."""


@dataclass(frozen=True)
class Members:
    subject: Literal["tickets", "surveys", "customers"] = "tickets"
    cohort: str = "created"
    """Tickets: the cohort (created, resolved, backlog); surveys: the kind (csat, nps, ces)."""
    among: str | None = None
    met: str | None = None
    value: str | None = None
    value_required: bool = False
    answered_only: bool = True
    """Surveys: only each ticket's latest answered response (else its latest response)."""
    condition: Condition | None = field(default=None, compare=False)
    """A further ``among`` that depends on the data (e.g. sources that record survey offers)."""
    extra: tuple[str, ...] = ()
    convert: Convert | None = field(default=None, compare=False)


@dataclass(frozen=True)
class MemberRow:
    """One member: the record, its breakdown key, what it contributed and whether it met."""

    key: Key
    source: str
    id: str
    ticket_id: str | None
    value: float | None
    met: bool | None


def members_of(metric: Metric) -> Members | None:
    """The metric's declaration, or the one its data requests imply (None: it cannot list)."""
    if metric.members is not None:
        return metric.members
    if len(metric.requests) != 1:
        return None
    request = metric.requests[0]
    if isinstance(request, CountRequest):
        # Without ``where`` every row of the cohort is a hit (CountRequest: hits = among).
        met = request.where or "1"
        return Members("tickets", request.cohort, among=request.among, met=met)
    assert isinstance(request, ValuesRequest)
    return Members(
        "tickets", request.cohort, among=request.where, value=request.expr, value_required=True
    )


def _flag(condition: str | None) -> str:
    return "NULL" if condition is None else f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def member_rows(members: Members, scope: Scope) -> Iterator[MemberRow]:
    """Every member in the scope, per key (period and breakdown keys, as the metric's)."""
    among = members.among
    params: dict[str, Any] = {}
    if members.condition is not None:
        found = members.condition(scope)
        if found is None:
            return
        dynamic, params = found
        among = dynamic if among is None else f"({among}) AND ({dynamic})"
    columns = [_flag(members.met), members.value or "NULL", *members.extra]
    if members.value_required and members.value:
        among = f"({members.value}) IS NOT NULL" + (f" AND ({among})" if among else "")
    if members.subject == "customers":
        yield from _customer_rows(members, scope, among, columns)
        return
    if members.subject == "tickets":
        select = ", ".join(["t.source", "t.id", "t.id", *columns])
        # In the cohort's time order (its index order), ties by record: the same on every store.
        order = f"{COHORT_TIMES.get(members.cohort, 't.created_at')}, t.source, t.id"
        sql, sql_params = scope.ticket_sql(select, members.cohort, among, group=False, order=order)
        sql_params.update(params)
    else:
        select = ", ".join(["s.source", "s.id", "s.ticket_id", *columns])
        sql, sql_params = scope.survey_sql(
            members.cohort, select, among, answered_only=members.answered_only, group=False,
            params=params, any_order=True,
        )  # fmt: skip
        # The latest responses' order, stated: the table need not be sorted for a listing.
        sql += f" ORDER BY {', '.join(scope._keys('surveys'))}, {response_order('s')}"
    for key, (source, id_, ticket_id, met, value, *extra) in scope.rows(sql, sql_params):
        if members.convert is not None:
            value = members.convert(scope, tuple(extra))
            if value is None:
                continue
        yield MemberRow(key, source, id_, ticket_id, value, None if met is None else bool(met))


def _customer_rows(
    members: Members, scope: Scope, among: str | None, columns: list[str]
) -> Iterator[MemberRow]:
    # customer_sql groups by key: each key's members come back as one JSON array.
    row = ", ".join(["c.source", "c.id", *columns[:2]])
    sql, params = scope.customer_sql(f"json_group_array(json_array({row}))", among)
    for key, (found,) in scope.aggregate(sql, params).items():
        # Sorted: an aggregate's order is the scan's, which differs between stores.
        for source, id_, met, value in sorted(json.loads(found), key=lambda row: row[:2]):
            yield MemberRow(key, source, id_, None, value, None if met is None else bool(met))

"""Scope: what one metric query covers, and the SQL builder every metric goes through.

A scope holds a list of periods (the report period, and the series buckets), the breakdown
dimensions, the filters and the report's ``as_of``. A ticket query is::

    WITH p(k, lo, hi) AS (VALUES …)            -- one row per period, bounds as UTC text
    SELECT p.k, <dimension keys>, <your columns>
    FROM tickets t CROSS JOIN p …               -- one index range scan covering every period;
    WHERE <cohort bounds> AND <row in period p>  -- each row then joins the periods it lies in
      AND <not a tombstone> AND <filters> AND <your condition>
    GROUP BY p.k, <dimension keys>

so a metric written once is computed for the whole period, for every series bucket and for every
breakdown key, one query each, with SQLite doing the grouping. Results are keyed by tuples:
``(period key, *dimension keys)``. Metrics that declare their data as requests (requests.py) share
one query per cohort; survey metrics share one temp table of latest responses per kind.

Aliases a metric's SQL can use: ``t`` (tickets; for survey metrics the survey's ticket, possibly
NULL), ``s`` (surveys), ``c`` (customers), ``p.lo`` / ``p.hi`` (the period, ``p.hi`` exclusive),
and the parameters ``:as_of`` and ``:overdue_seconds``.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.metrics.dimensions import Dimension
from deskmetrics.metrics.filters import Filter, filter_conditions
from deskmetrics.metrics.requests import CountRequest, Request, ValuesRequest

_TEMP_NAMES = itertools.count()

Key = tuple[str | None, ...]
"""(period key, *dimension keys)."""

NOT_TOMBSTONE = "t.status NOT IN ('deleted', 'spam')"
RESOLVED = "t.status IN ('solved', 'closed')"

TICKET_COHORTS: dict[str, tuple[str, str]] = {
    # (outer, per period): the outer condition bounds one index range scan covering every
    # period; the per-period condition then places each row in its periods (overall and bucket),
    # so a series does not read the tickets twice.
    "created": (
        "t.created_at >= :min_lo AND t.created_at < :max_hi",
        "t.created_at >= p.lo AND t.created_at < p.hi",
    ),
    "resolved": (
        f"t.resolved_at >= :min_lo AND t.resolved_at < :max_hi AND {RESOLVED}",
        "t.resolved_at >= p.lo AND t.resolved_at < p.hi",
    ),
    # Open at a period's end (spec §4 backlog): created before it, not resolved before it. The
    # unary + keeps SQLite off the created_at index (nearly every ticket is created before the
    # end); the resolved_at index finds the few unresolved ones instead.
    "backlog": (
        "+t.created_at < :max_hi AND (t.resolved_at IS NULL OR t.resolved_at >= :min_hi)",
        "t.created_at < p.hi AND (t.resolved_at IS NULL OR t.resolved_at >= p.hi)",
    ),
}


def seconds_between(start: str, end: str) -> str:
    """SQL for ``end − start`` in seconds, exact to the microsecond.

    SQLite's date functions round to milliseconds (``…59.999999`` would become the next second)
    and julianday arithmetic is off by up to ~50 µs at today's dates. So: whole seconds from the
    julianday difference of the first 19 characters, rounded (exact: the error is far below half
    a second, and julianday is cheaper than strftime), plus the six fraction digits of the text
    (cast, so PostgreSQL reads them as numbers too), in integer microseconds with one division
    at the end.
    """
    return (
        f"((CAST(round((julianday(substr({end}, 1, 19)) - julianday(substr({start}, 1, 19)))"
        f" * 86400) AS INTEGER) * 1000000 + CAST(substr({end}, 21, 6) AS INTEGER)"
        f" - CAST(substr({start}, 21, 6) AS INTEGER)) / 1000000.0)"
    )


STORED_DURATIONS: dict[str, str] = {
    seconds_between("t.created_at", f"t.{end}"): f"(t.{column} / 1000000.0)"
    for end, column in (
        ("first_response_at", "first_response_us"),
        ("resolved_at", "resolution_us"),
        ("first_resolved_at", "first_resolution_us"),
    )
}
"""Durations the store keeps as integer microseconds (schema 3), by the SQL they replace.

The stored integer is the numerator of ``seconds_between``, so dividing it here gives the same
float; reading it skips parsing two timestamps per ticket, and the cohort indexes cover it."""


def stored(expr: str) -> str:
    """``expr``, reading a stored duration column wherever it computes one the store keeps
    (also inside a condition, such as a distribution's bucket bounds on first response time)."""
    for computed, column in STORED_DURATIONS.items():
        if computed in expr:
            expr = expr.replace(computed, column)
    return expr


def _since_start(columns: str) -> str:
    """SQL (parameters: kind, start, kind, start, start): ``columns`` of the survey responses
    of a kind created or answered since ``start``, each once, read through the two time
    indexes (a filter on ``kind`` alone would read every response the store holds)."""
    return (
        f"SELECT {columns} FROM surveys WHERE kind = ? AND created_at >= ?"
        f" UNION ALL SELECT {columns} FROM surveys WHERE kind = ? AND answered_at >= ?"
        " AND created_at < ?"
    )


def response_order(alias: str = "") -> str:
    """SQL ordering survey responses (of table alias ``alias``) in RESPONSE_ORDER."""
    a = f"{alias}." if alias else ""
    return (
        f"{a}source, {a}ticket_id IS NULL, COALESCE({a}ticket_id, {a}id), {a}created_at DESC, "
        f"{a}id DESC"
    )


RESPONSE_ORDER = response_order()
"""The order of a kind's latest responses for order-dependent reads (one total order: by
ticket, newest first; responses without a ticket last, by id), as the window sorts them."""


_READS_TICKET = re.compile(r"\bt\.")
"""SQL that reads the ticket alias ``t`` (not ``ta.``, ``tb.`` or ``s.ticket_id``)."""

COHORT_TIMES = {"created": "t.created_at", "resolved": "t.resolved_at"}
"""The time that places a ticket of the cohort in a period (the cohort index's first column)."""

_RIDING_COUNTS = 31
"""Count requests answered inside a cohort's value scan: two bits each of one 62-bit column."""


def _count_conditions(request: CountRequest) -> tuple[str, str]:
    """SQL conditions for a count request's (n, hits): among its tickets, and also ``where``."""
    among = stored(request.among or "TRUE")  # TRUE, not 1: a condition on PostgreSQL too
    return among, f"({among}) AND ({stored(request.where)})" if request.where else among


def _count_bits(counts: list[CountRequest]) -> str:
    """SQL for one integer whose bits say which count conditions a row meets.

    Bit 2i: the row is among request i's tickets; bit 2i+1: it also meets its ``where``. A
    Counter of these integers per key then gives every count, instead of one column (or one
    more scan of the cohort) per count.
    """
    terms = []
    for i, request in enumerate(counts):
        among, hits = _count_conditions(request)
        terms.append(f"(CASE WHEN {among} THEN {1 << (2 * i)} ELSE 0 END)")
        terms.append(f"(CASE WHEN {hits} THEN {1 << (2 * i + 1)} ELSE 0 END)")
    return " | ".join(terms)


@dataclass(frozen=True)
class Scope:
    conn: sqlite3.Connection
    periods: tuple[tuple[str, str, str], ...]
    """(key, lo, hi): UTC text bounds of each period, hi exclusive."""
    as_of: str
    dimensions: tuple[Dimension, ...] = ()
    filters: tuple[Filter, ...] = ()
    multi_source: bool = False
    backlog_overdue_hours: float = 72.0
    schedule: ScheduleChoice | None = None
    """Business-hours schedules by source, for the ``*_business`` variants."""
    first_is_union: bool = False
    """The first period is exactly the union of the others (a report and its series buckets)."""
    companion: Dimension | None = None
    """The breakdown the report computes after its series, over the first period: the series'
    time-ordered value scan also groups its values by it, so the breakdown does not read the
    cohort's values again (see _values_by_bucket)."""
    customer_table: str = "customers"
    """What customer metrics count (``metrics.retention_unit.customer_table``)."""
    shared: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False, compare=False)
    """State all scopes of one report share (``replace`` copies the reference): temp tables."""
    _cache: dict[Request, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Prefetched request results; a derived scope (dataclasses.replace) starts empty."""

    @property
    def start(self) -> str:
        return min(lo for _k, lo, _hi in self.periods)

    @property
    def end(self) -> str:
        return max(hi for _k, _lo, hi in self.periods)

    def applies(self, subject: str) -> bool:
        """Whether metrics over ``subject`` can be computed with these dimensions and filters."""
        if any(not d.supports(subject) for d in self.dimensions):
            return False
        return filter_conditions(self.filters, subject, {}) is not None

    # -- SQL -------------------------------------------------------------------------------

    def _head(self, params: dict[str, Any]) -> str:
        values = []
        for i, (key, lo, hi) in enumerate(self.periods):
            params[f"k{i}"], params[f"lo{i}"], params[f"hi{i}"] = key, lo, hi
            values.append(f"(:k{i}, :lo{i}, :hi{i})")
        params["as_of"] = self.as_of
        params["overdue_seconds"] = self.backlog_overdue_hours * 3600.0
        params["min_lo"] = self.start
        params["max_hi"] = self.end
        params["min_hi"] = min(hi for _k, _lo, hi in self.periods)
        return f"WITH p(k, lo, hi) AS (VALUES {', '.join(values)})"

    def _keys(self, subject: str) -> list[str]:
        return ["p.k", *(d.key_sql(subject, self.multi_source) for d in self.dimensions)]

    def _joins(self, subject: str) -> str:
        return "".join(d.join_sql(subject) for d in self.dimensions)

    def _finish(
        self,
        subject: str,
        select: str,
        source: str,
        conditions: list[str],
        params: dict[str, Any],
        group: bool,
        order: str | None,
    ) -> str:
        filters = filter_conditions(self.filters, subject, params)
        if filters is None:
            raise ValueError(f"filters do not apply to {subject}")
        keys = self._keys(subject)
        sql = (
            f"SELECT {', '.join(keys)}, {select} FROM {source}{self._joins(subject)}"
            f" WHERE {' AND '.join(f'({c})' for c in [*conditions, *filters])}"
        )
        if group:
            sql += f" GROUP BY {', '.join(keys)}"
        if order is not None:
            sql += f" ORDER BY {', '.join([*keys, order] if order else keys)}"
        return sql

    def ticket_sql(
        self,
        select: str,
        cohort: str,
        where: str | None = None,
        *,
        group: bool = True,
        order: str | None = None,
    ) -> tuple[str, dict[str, Any]]:
        """A query over the tickets of ``cohort`` (``created``, ``resolved``, ``backlog``)."""
        params: dict[str, Any] = {}
        head = self._head(params)
        outer, per_period = TICKET_COHORTS[cohort]
        conditions = [outer, per_period, NOT_TOMBSTONE]
        if where:
            conditions.append(where)
        body = self._finish(
            "tickets", select, "tickets t CROSS JOIN p", conditions, params, group, order
        )
        return f"{head} {body}", params

    def survey_sql(
        self,
        kind: str,
        select: str,
        where: str | None = None,
        *,
        answered_only: bool = True,
        group: bool = True,
        params: dict[str, Any] | None = None,
        any_order: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        """A query over the survey responses of ``kind`` answered (offered, when not
        ``answered_only``) in each period; without those times, created in it.

        Only each ticket's latest response counts (latest answered one when ``answered_only``);
        responses without a ticket count individually: the store flags them over the whole
        history (store/survey_flags.py), so the window from the earliest period start on holds
        every response a period counts.
        ``params`` adds named parameters for ``where``.

        Rows come in RESPONSE_ORDER (the order float sums such as CES's add them up in)
        unless ``any_order``: aggregates whose result does not depend on the order (counts,
        integer sums, listings with their own ORDER BY) then read a table that was not sorted,
        and a series' periods through its time indexes, each response once, instead of every
        response once per period.
        """
        params = dict(params or {})
        head = self._head(params)
        responses = self._latest_responses(kind, ordered=not any_order)
        # Answers count when answered, offers (the response rate) when offered (#13.4).
        when = "answered_time" if answered_only else "offered_time"
        # The unary + keeps SQLite off the time index: a scan in the table's order.
        at = f"s.{when}" if any_order else f"+s.{when}"
        conditions = [
            "s.latest_answered" if answered_only else "s.latest",
            f"{at} >= p.lo AND {at} < p.hi",
        ]
        source = f"p CROSS JOIN {responses} s"
        if self._reads_ticket(select, where):
            conditions.append(f"t.status IS NULL OR {NOT_TOMBSTONE}")
            source += " LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id"
        else:
            # Nothing reads the ticket but the tombstone test, made once per response when the
            # table was built (``live``).
            conditions.append("s.live")
        if where:
            conditions.append(where)
        body = self._finish("surveys", select, source, conditions, params, group, None)
        return f"{head} {body}", params

    def _reads_ticket(self, select: str, where: str | None) -> bool:
        """Whether a survey query reads its responses' tickets (alias ``t``): filters may,
        and so may the columns, the condition and the dimensions' keys and joins (the agent
        key probes the ticket only for answers without an agent: ~0.2 s per 200 k tickets
        for each survey KPI broken down by agent, when every answer was joined)."""
        if self.filters:
            return True
        texts = [select, where or ""]
        for dimension in self.dimensions:
            texts.append(dimension.key_sql("surveys", self.multi_source))
            texts.append(dimension.join_sql("surveys"))
        return any(_READS_TICKET.search(text) for text in texts)

    def _latest_responses(self, kind: str, *, ordered: bool) -> str:
        """A temp table: responses of ``kind`` since the first period start that are their
        ticket's latest (``latest``) or latest answered (``latest_answered``) response.

        Built once per report (the scopes of a report share ``shared``) for all survey metrics.
        ``ordered``: its rows in RESPONSE_ORDER (for order-dependent float sums, the order the
        window that found the latest responses before schema 12 gave them); otherwise in
        whatever order the time indexes give them: sorting the copy was most of its cost
        (~0.13 of 0.23 CPU s for 77 k CSAT responses per 200 k tickets), and only CES's
        average needs it. A sorted table also serves unordered queries.
        """
        name: str | None = self.shared.get(("surveys", kind, self.start, "sorted"))
        if name is None and not ordered:
            name = self.shared.get(("surveys", kind, self.start, "any order"))
        if name is not None:
            return name
        name = f"temp.dm_latest_{kind}_{next(_TEMP_NAMES)}"
        columns = (
            "source, id, ticket_id, agent_id, score, scale_min, scale_max, higher_is_better, "
            "created_at, COALESCE(answered_at, created_at) AS answered_time, "
            "COALESCE(offered_at, created_at) AS offered_time, "
            # Not a response to a deleted or spam ticket: one probe of the small partial index
            # of tombstones per response here, instead of one per survey query and period.
            "NOT EXISTS (SELECT 1 FROM tickets tb INDEXED BY tickets_tombstones "
            "WHERE tb.source = surveys.source AND tb.id = surveys.ticket_id "
            "AND tb.status IN ('deleted', 'spam')) AS live"
        )
        # The store keeps each response's flags (store/survey_flags.py): the table is a copy
        # of the flagged responses of the window, sorted only when asked to.
        order = f" ORDER BY {RESPONSE_ORDER}" if ordered else ""
        self.conn.execute(
            f"CREATE TABLE {name} AS SELECT {columns}, latest = 1 AS latest, "
            f"latest_answered = 1 AS latest_answered FROM ({_since_start('*')}) surveys "
            f"WHERE latest = 1 OR latest_answered = 1{order}",
            (kind, self.start, kind, self.start, self.start),
        )
        if len(self.periods) > 2:
            # A series: its any_order queries range-scan each period instead of testing every
            # response against every period. (Unqualified: the index goes with its temp table,
            # on SQLite and PostgreSQL alike.)
            table = name.removeprefix("temp.")
            for column in ("answered_time", "offered_time"):
                self.conn.execute(f"CREATE INDEX {table}_{column} ON {table} ({column})")
        self.shared[("surveys", kind, self.start, "sorted" if ordered else "any order")] = name
        return name

    def release(self) -> None:
        """Drop the report's temp tables and this scope's fetched values (call once the
        report is computed).

        Freed here, inside the report's bulk_allocations block, the value lists (millions of
        floats in lists still in the young generation) are not traversed by the collection
        that the restored threshold sets off right after it: ~0.08 s per 200 k tickets."""
        for key in [k for k in self.shared if k[0] == "surveys"]:
            self.conn.execute(f"DROP TABLE IF EXISTS {self.shared.pop(key)}")
        for key in [k for k in self.shared if k[0] == "companion"]:
            del self.shared[key]  # values no breakdown took
        self._cache.clear()

    def customer_sql(self, select: str, where: str | None = None) -> tuple[str, dict[str, Any]]:
        """A query over the customers active at each period's start (spec §6)."""
        params: dict[str, Any] = {}
        head = self._head(params)
        conditions = ["c.created_at <= p.lo AND (c.churned_at IS NULL OR c.churned_at > p.lo)"]
        if where:
            conditions.append(where)
        source = f"p CROSS JOIN {self.customer_table} c"
        body = self._finish("customers", select, source, conditions, params, True, None)
        return f"{head} {body}", params

    # -- running queries -------------------------------------------------------------------

    @property
    def key_width(self) -> int:
        return 1 + len(self.dimensions)

    def aggregate(self, sql: str, params: dict[str, Any]) -> dict[Key, tuple[Any, ...]]:
        """Run a grouped query: {key: the selected aggregates}."""
        width = self.key_width
        return {tuple(row[:width]): tuple(row[width:]) for row in self.conn.execute(sql, params)}

    def rows(self, sql: str, params: dict[str, Any]) -> Iterator[tuple[Key, tuple[Any, ...]]]:
        """Stream an ungrouped query as (key, the selected columns)."""
        width = self.key_width
        for row in self.conn.execute(sql, params):
            yield tuple(row[:width]), tuple(row[width:])

    def sorted_ticket_values(
        self, expr: str, cohort: str, where: str | None = None
    ) -> Iterator[tuple[Key, list[float]]]:
        """Per key, the ascending non-null values of ``expr`` over the cohort (for percentiles)."""
        yield from self.values(ValuesRequest(cohort, expr, where)).items()

    # -- shared requests -------------------------------------------------------------------

    def counts(self, request: CountRequest) -> dict[Key, tuple[int, int]]:
        """{key: (n, hits)} for a count request (computed with others of its cohort if known)."""
        if request not in self._cache:
            self.prefetch([request])
        found: dict[Key, tuple[int, int]] = self._cache[request]
        return found

    def values(self, request: ValuesRequest) -> dict[Key, list[float]]:
        if request not in self._cache:
            self.prefetch([request])
        found: dict[Key, list[float]] = self._cache[request]
        return found

    def prefetch(self, requests: Iterable[Request]) -> None:
        """Answer requests together: one query per cohort.

        A cohort with value requests is streamed once for all of them, and its count requests
        ride along in that pass; a cohort with only counts is one query of conditional sums.
        """
        cohorts: dict[str, tuple[list[CountRequest], list[ValuesRequest]]] = {}
        for request in dict.fromkeys(requests):
            if request not in self._cache and not self._take_companion(request):
                counts, values = cohorts.setdefault(request.cohort, ([], []))
                if isinstance(request, CountRequest):
                    counts.append(request)
                else:
                    values.append(request)
        for cohort, (counts, values) in cohorts.items():
            if values:
                riding, counts = counts[:_RIDING_COUNTS], counts[_RIDING_COUNTS:]
                self._prefetch_values(cohort, values, riding)
            if counts:
                self._prefetch_counts(cohort, counts)

    def _additive(self, cohort: str, texts: Iterable[str | None]) -> bool:
        """Whether results over the buckets add up to the report period's (see first_is_union).

        True for created/resolved cohorts when the SQL does not look at the period bounds.
        """
        period_free = all("p." not in (text or "") for text in texts)
        return self.first_is_union and cohort in ("created", "resolved") and period_free

    def _buckets(self) -> Scope:
        return replace(self, periods=self.periods[1:], first_is_union=False)

    def _prefetch_counts(self, cohort: str, batch: list[CountRequest]) -> None:
        if cohort in COHORT_TIMES and self.key_width == 1 and len(self.periods) > 1:
            # One range scan per period (the report's and each bucket's: every ticket read
            # twice) instead of testing every ticket against every period.
            for alone in self._periods_alone():
                alone._prefetch_counts(cohort, batch)
                for request in batch:
                    self._cache.setdefault(request, {}).update(alone._cache[request])
            return
        columns = []
        for r in batch:
            among, hits = _count_conditions(r)
            columns.append(f"sum(CASE WHEN {among} THEN 1 ELSE 0 END)")
            columns.append(f"sum(CASE WHEN {hits} THEN 1 ELSE 0 END)")
        if self.key_width == 1 and len(self.periods) == 1:
            # One key: no GROUP BY, whose temp B-tree would take one insert per ticket.
            sql, params = self.ticket_sql(", ".join(["count(*)", *columns]), cohort, group=False)
            _key, rows_read, *sums = self.conn.execute(sql, params).fetchone()
            key: Key = (self.periods[0][0],)
            rows = {key: tuple(sums)} if rows_read else {}
        else:
            sql, params = self.ticket_sql(", ".join(columns), cohort)
            rows = self.aggregate(sql, params)
        for i, request in enumerate(batch):
            self._cache[request] = {
                key: (int(found[2 * i]), int(found[2 * i + 1])) for key, found in rows.items()
            }

    def _periods_alone(self) -> Iterator[Scope]:
        """One scope per period (each then a single key when there are no dimensions)."""
        for period in self.periods:
            yield replace(self, periods=(period,), first_is_union=False)

    def _one_scan_for_buckets(self, cohort: str) -> bool:
        """Whether the buckets' values and counts come from one time-ordered scan
        (_values_by_bucket), which also answers counts that look at the period bounds."""
        buckets = self._buckets()
        return buckets.key_width == 1 and cohort in COHORT_TIMES and buckets._contiguous()

    def _prefetch_buckets(
        self,
        cohort: str,
        batch: list[ValuesRequest],
        counts: list[CountRequest],
        bound: list[CountRequest],
    ) -> Scope:
        """The buckets' results (as a scope holding them): one range query per bucket and
        column without dimensions, else one query over all buckets. ``bound``: counts that
        look at the period bounds, answered for the buckets and the total (only with
        _one_scan_for_buckets)."""
        buckets = self._buckets()
        if self._one_scan_for_buckets(cohort):
            # Its counts ride in the same scan: no range scan per bucket for them.
            buckets._values_by_bucket(cohort, batch, counts, bound, self.periods[0])
            return buckets
        assert not bound, "counts on the period bounds need the buckets' single scan"
        if buckets.key_width > 1:
            buckets._prefetch_values(cohort, batch, counts)
            return buckets
        for alone in buckets._periods_alone():
            alone._prefetch_values(cohort, batch, counts)
            for request, result in alone._cache.items():
                buckets._cache.setdefault(request, {}).update(result)
        return buckets

    def _contiguous(self) -> bool:
        return all(a[2] == b[1] for a, b in itertools.pairwise(self.periods))

    def _values_by_bucket(
        self,
        cohort: str,
        batch: list[ValuesRequest],
        counts: list[CountRequest],
        bound: list[CountRequest],
        total: tuple[str, str, str],
    ) -> None:
        """Contiguous periods, no dimensions: one query over their whole span (``total``) for
        every value, in the order of the cohort's time (its index order, so no sort), each chunk
        of rows cut at the bucket bounds. (One query per value read the cohort's index once per
        value: ~20 scans of the resolved cohort in a series with the explore plugin.)

        The riding ``counts`` come as bits of one more column (_count_bits), counted per bucket.
        With a ``companion`` dimension the rows also carry its key, and the values and counts
        are grouped by it too, for the breakdown over ``total`` to take (_take_companion): it
        then reads the cohort for neither (~0.4 s per 200 k tickets of grouped count queries
        in ``--by agent --grain week``).

        Counts that look at the period bounds (``bound``, e.g. resolved before ``p.hi``) take
        two columns: one over ``total`` (for it and the companion's keys), one with each row's
        bucket bounds in place of ``p.lo``/``p.hi`` (_in_buckets); they are then answered
        for every bucket and the total, instead of one range scan per period and a grouped
        query for the breakdown."""
        at = COHORT_TIMES[cohort]
        companion = self._companion_for("tickets")
        whole = replace(self, periods=(total,), dimensions=(companion,) if companion else ())
        columns = [
            f"CASE WHEN {r.where} THEN {stored(r.expr)} END" if r.where else stored(r.expr)
            for r in batch
        ]
        # Column positions after the values: the counts' bits, then the bound counts' bits
        # over the total and in each row's bucket.
        at_counts = len(columns)
        if counts:
            columns.append(_count_bits(counts))
        at_bound = len(columns)
        if bound:
            columns.append(_count_bits(bound))
            columns.append(_count_bits([_in_buckets(r, at, len(self.periods)) for r in bound]))
        select = ", ".join([f"{at} AS at", *(f"{c} AS v{i}" for i, c in enumerate(columns))])
        sql, params = whole.ticket_sql(select, cohort, group=False)
        for j, (_key, lo, hi) in enumerate(self.periods):
            params[f"blo{j}"], params[f"bhi{j}"] = lo, hi
        cursor = self.conn.execute(f"SELECT * FROM ({sql}) ORDER BY at", params)
        width = whole.key_width  # p.k and the companion's key, then at, then the values
        is_value = partial(operator.is_not, None)
        collected: list[list[list[float]]] = [[[] for _ in self.periods] for _ in batch]
        grouped: list[dict[Key, list[float]]] = [{} for _ in batch]
        bits: list[Counter[int]] = [Counter() for _ in self.periods]
        bits_by_key: dict[Key, Counter[int]] = defaultdict(Counter)
        bound_bits: list[Counter[int]] = [Counter() for _ in self.periods]
        bound_total: Counter[int] = Counter()
        bound_by_key: dict[Key, Counter[int]] = defaultdict(Counter)
        while chunk := cursor.fetchmany(20_000):
            times = list(map(operator.itemgetter(width), chunk))
            for j, (_key, lo, hi) in enumerate(self.periods):
                rows = chunk[bisect.bisect_left(times, lo) : bisect.bisect_left(times, hi)]
                if not rows:
                    continue
                transposed = list(zip(*rows, strict=True))[width + 1 :]
                for target, column in zip(collected, transposed, strict=False):
                    target[j].extend(filter(is_value, column))
                if counts:
                    bits[j].update(transposed[at_counts])
                if bound:
                    bound_bits[j].update(transposed[at_bound + 1])
            if bound:
                bound_total.update(map(operator.itemgetter(width + 1 + at_bound), chunk))
            if companion is not None:
                by_key: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
                for row in chunk:
                    by_key[row[:width]].append(row)
                for group, rows in by_key.items():
                    transposed = list(zip(*rows, strict=True))[width + 1 :]
                    for found_by_key, column in zip(grouped, transposed, strict=False):
                        found_by_key.setdefault(group, []).extend(filter(is_value, column))
                    if counts:
                        bits_by_key[group].update(transposed[at_counts])
                    if bound:
                        bound_by_key[group].update(transposed[at_bound])
        periods: list[Key] = [(key,) for key, _lo, _hi in self.periods]
        by_bucket = {key: masks for key, masks in zip(periods, bits, strict=True) if masks}
        for count, found_counts in zip(counts, _counted(counts, by_bucket), strict=True):
            self._cache[count] = found_counts
        bound_by_period = {key: m for key, m in zip(periods, bound_bits, strict=True) if m}
        if bound_total:
            bound_by_period[(total[0],)] = bound_total
        for count, found_counts in zip(bound, _counted(bound, bound_by_period), strict=True):
            self._cache[count] = found_counts
        if companion is not None:
            for requests, tallies in ((counts, bits_by_key), (bound, bound_by_key)):
                for count, by_key_counts in zip(requests, _counted(requests, tallies), strict=True):
                    self.shared[whole._companion_key(count)] = by_key_counts
        for request, by_period in zip(batch, collected, strict=True):
            found: dict[Key, list[float]] = {}
            for (key, _lo, _hi), part in zip(self.periods, by_period, strict=True):
                if part:
                    if request.ordered:
                        part.sort()
                    found[(key,)] = part
            self._cache[request] = found
        if companion is not None:
            for request, by_key_found in zip(batch, grouped, strict=True):
                self.shared[whole._companion_key(request)] = {
                    key: _arranged(request, values)
                    for key, values in by_key_found.items()
                    if values
                }

    def _companion_for(self, subject: str) -> Dimension | None:
        """The companion dimension, when one scan can group by it: one key per row (no tag
        join) and nothing to prepare before its key can be read."""
        dimension = self.companion
        if dimension is None or not dimension.supports(subject):
            return None
        if dimension.tag_join or dimension.prepare is not None:
            return None
        return dimension

    def _companion_key(self, request: Request) -> tuple[Any, ...]:
        names = tuple(d.name for d in self.dimensions)
        return ("companion", request, self.periods, names, self.multi_source, self.filters)

    def _take_companion(self, request: Request) -> bool:
        """Take a request's result from the series' scan (_values_by_bucket) when it grouped
        it for this scope; it is dropped from ``shared`` once taken."""
        if not self.dimensions:
            return False
        found = self.shared.pop(self._companion_key(request), None)
        if found is None:
            return False
        self._cache[request] = found
        return True

    def _prefetch_values(
        self, cohort: str, batch: list[ValuesRequest], counts: list[CountRequest]
    ) -> None:
        texts = [text for r in batch for text in (r.expr, r.where)]
        bound = [r for r in counts if not self._additive(cohort, [r.among, r.where])]
        riding_bound: list[CountRequest] = []
        if bound and self._additive(cohort, texts):
            # Counts that look at the period bounds must not keep the values from adding up:
            # the buckets' single scan answers them apart, else they are read on their own.
            if self._one_scan_for_buckets(cohort):
                riding_bound = bound
            else:
                self._prefetch_counts(cohort, bound)
            counts = [r for r in counts if r not in bound]
        texts += [text for r in counts for text in (r.among, r.where)]
        if self._additive(cohort, texts):
            # A ticket's values do not depend on its period here, and the buckets partition the
            # report period: read each row once (for its bucket) and merge buckets for the total.
            buckets = self._prefetch_buckets(cohort, batch, counts, riding_bound)
            for count in riding_bound:
                self._cache[count] = buckets._cache[count]  # buckets and total, as counted
            total = self.periods[0][0]
            for request in batch:
                found = buckets._cache[request]
                merged: dict[Key, list[float]] = {}
                for key, values in found.items():
                    merged.setdefault((total, *key[1:]), []).extend(values)
                self._cache[request] = {
                    **found,
                    **{key: _arranged(request, values) for key, values in merged.items()},
                }
            for count in counts:
                found_counts = buckets._cache[count]
                summed: dict[Key, tuple[int, int]] = {}
                for key, (n, hits) in found_counts.items():
                    before = summed.get((total, *key[1:]), (0, 0))
                    summed[(total, *key[1:])] = (before[0] + n, before[1] + hits)
                self._cache[count] = {**found_counts, **summed}
            return
        if not batch:  # the values were answered another way (by bucket): counts alone
            if counts:
                self._prefetch_counts(cohort, counts)
            return
        columns = [
            f"CASE WHEN {r.where} THEN {stored(r.expr)} END" if r.where else stored(r.expr)
            for r in batch
        ]
        if counts:
            columns.append(_count_bits(counts))
        select = ", ".join(f"{column} AS v{i}" for i, column in enumerate(columns))
        sql, params = self.ticket_sql(select, cohort, group=False)
        width = self.key_width
        is_value = partial(operator.is_not, None)
        collected: list[dict[Key, list[float]]] = [{} for _ in batch]
        bits: dict[Key, Counter[int]] = defaultdict(Counter)
        # One key (one period, no dimensions): every row is that key's, so no grouping.
        single = (self.periods[0][0],) if width == 1 and len(self.periods) == 1 else None
        cursor = self.conn.execute(sql, params)
        # One pass over the cohort for every value and riding count (one scan per value request
        # read the cohort's index once each: ~20 scans of the resolved cohort in a full report),
        # in chunks: rows are grouped by key, transposed into columns and their non-null values
        # appended (in C); only floats outlive a chunk.
        while chunk := cursor.fetchmany(20_000):
            by_key: dict[Key, list[tuple[Any, ...]]] = defaultdict(list)
            if single is not None:
                by_key[single] = chunk
            else:
                for row in chunk:
                    by_key[row[:width]].append(row)
            for key, rows in by_key.items():
                transposed = list(zip(*rows, strict=True))[width:]
                for target, column in zip(collected, transposed, strict=False):
                    target.setdefault(key, []).extend(filter(is_value, column))
                if counts:
                    bits[key].update(transposed[-1])
        found = [
            {key: _arranged(request, values) for key, values in result.items() if values}
            for request, result in zip(batch, collected, strict=True)
        ]
        for request, result in zip(batch, found, strict=True):
            self._cache[request] = result
        for count, found_counts in zip(counts, _counted(counts, bits), strict=True):
            self._cache[count] = found_counts


def _in_buckets(request: CountRequest, at: str, buckets: int) -> CountRequest:
    """``request`` with ``p.lo``/``p.hi`` replaced by the bounds (parameters ``blo{j}``,
    ``bhi{j}``) of the contiguous bucket the row's time ``at`` lies in."""

    def bound(side: str) -> str:
        cases = " ".join(f"WHEN {at} < :bhi{j} THEN :b{side}{j}" for j in range(buckets))
        return f"(CASE {cases} END)"

    def placed(text: str | None) -> str | None:
        if text is None:
            return None
        return re.sub(r"\bp\.(lo|hi)\b", lambda m: bound(m.group(1)), text)

    return replace(request, where=placed(request.where), among=placed(request.among))


def _counted(
    counts: list[CountRequest], bits: dict[Key, Counter[int]]
) -> Iterator[dict[Key, tuple[int, int]]]:
    """Each count request's {key: (n, hits)} from the per-key tallies of _count_bits values."""
    for i in range(len(counts)):
        among, hit = 1 << (2 * i), 1 << (2 * i + 1)
        yield {
            key: (
                sum(n for mask, n in masks.items() if mask & among),
                sum(n for mask, n in masks.items() if mask & hit),
            )
            for key, masks in bits.items()
        }


def _arranged(request: ValuesRequest, values: list[Any]) -> list[Any]:
    """A request's values as it asked for them: ascending unless ``ordered`` is off."""
    return sorted(values) if request.ordered else values

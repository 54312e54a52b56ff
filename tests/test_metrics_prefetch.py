"""Requests of one cohort answered together equal the same requests answered one by one.

Counts ride along in a cohort's value scan as bits of one column (scope.py); these tests pin
that shortcut to the plain per-request queries, with series buckets, a breakdown, more counts
than fit in one column, and conditions that look at the period bounds.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics import Status, Store, Ticket
from deskmetrics.metrics.dimensions import DIMENSIONS
from deskmetrics.metrics.requests import CountRequest, Request, ValuesRequest
from deskmetrics.metrics.scope import Scope, seconds_between, stored

START = datetime(2026, 1, 5, tzinfo=UTC)
WEEKS = [
    (
        f"w{i}",
        f"2026-01-{5 + 7 * i:02d}T00:00:00.000000Z",
        f"2026-01-{12 + 7 * i:02d}T00:00:00.000000Z",
    )
    for i in range(3)
]
TOTAL = ("all", WEEKS[0][1], WEEKS[-1][2])


def tickets(count: int, seed: int) -> list[Ticket]:
    rng = random.Random(seed)
    made = []
    for i in range(count):
        created = START - timedelta(days=2) + timedelta(minutes=rng.randrange(0, 60 * 24 * 25))
        replied = rng.random() < 0.8
        resolved = rng.random() < 0.7
        made.append(
            Ticket(
                id=str(i),
                created_at=created,
                status=Status.SOLVED if resolved else rng.choice([Status.OPEN, Status.DELETED]),
                channel=rng.choice(["email", "chat", "phone", None]),
                first_response_at=created + timedelta(seconds=rng.randrange(0, 90_000))
                if replied
                else None,
                resolved_at=created + timedelta(seconds=rng.randrange(60, 900_000))
                if resolved
                else None,
                reopens=rng.choice([0, 0, 1, 2]),
                agent_replies=rng.choice([None, 0, 1, 2, 3]),
                escalated=rng.random() < 0.2,
            )
        )
    return made


def requests(cohort: str, counts: int) -> list[Request]:
    conditions = [
        "t.reopens >= 1",
        "t.escalated = 1",
        "t.agent_replies = 1",
        "t.first_response_at IS NULL",
        "t.resolved_at IS NOT NULL AND t.resolved_at < p.hi",  # looks at the period
        None,
    ]
    among = [None, "t.agent_replies >= 1", "t.channel = 'email'"]
    made: list[Request] = [
        CountRequest(cohort, where=where, among=subset)
        for where, subset in itertools.product(conditions, among)
    ][:counts]
    # More requests, distinct in text, each true for some tickets and false for others.
    made += [
        CountRequest(cohort, where=f"t.reopens + {i} >= {i + 1 + i % 2}", among=among[i % 3])
        for i in range(len(made), counts)
    ]
    assert len(set(made)) == counts
    made.append(ValuesRequest(cohort, seconds_between("t.created_at", "t.first_response_at")))
    made.append(ValuesRequest(cohort, "t.agent_replies", where="t.escalated = 0"))
    return made


def answers(scope: Scope, wanted: list[Request], together: bool) -> dict[Request, object]:
    if together:
        scope.prefetch(wanted)
    else:
        for request in wanted:
            scope.prefetch([request])
    return {r: scope.counts(r) if isinstance(r, CountRequest) else scope.values(r) for r in wanted}


@pytest.mark.parametrize("cohort", ["created", "resolved"])
@pytest.mark.parametrize("counts", [3, 40])
@pytest.mark.parametrize("by_channel", [False, True])
def test_counts_riding_on_the_value_scan_equal_separate_queries(
    tmp_path: Path, cohort: str, counts: int, by_channel: bool
) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(400, seed=counts), source="s")

        def scope() -> Scope:
            return Scope(
                store.conn,
                periods=(TOTAL, *WEEKS),
                as_of=WEEKS[-1][2],
                dimensions=(DIMENSIONS["channel"],) if by_channel else (),
                first_is_union=True,
            )

        wanted = requests(cohort, counts)
        together = answers(scope(), wanted, together=True)
        one_by_one = answers(scope(), wanted, together=False)
    assert together == one_by_one
    # The data is not degenerate: every week has tickets, and some counts are neither 0 nor n.
    first = together[wanted[0]]
    assert {key[0] for key in first} == {"all", "w0", "w1", "w2"}
    assert any(0 < hits < n for (n, hits) in first.values())


@pytest.mark.parametrize("cohort", ["created", "resolved"])
def test_series_values_read_in_one_scan_equal_each_period_read_alone(
    tmp_path: Path, cohort: str
) -> None:
    # A series without dimensions reads all its value requests in one time-ordered scan, cut
    # at the bucket bounds; each period read on its own (a plain cohort query) must agree.
    wanted = [
        ValuesRequest(cohort, seconds_between("t.created_at", "t.first_response_at")),
        ValuesRequest(cohort, "t.agent_replies", where="t.escalated = 0"),  # NULLs and a where
        ValuesRequest(cohort, "t.reopens"),
        ValuesRequest(cohort, "t.channel", where="t.reopens >= 1"),  # text values
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(600, seed=3), source="s")
        series = Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True)
        series.prefetch(wanted)
        for period in (TOTAL, *WEEKS):
            alone = Scope(store.conn, periods=(period,), as_of=TOTAL[2])
            alone.prefetch(wanted)
            for request in wanted:
                key = (period[0],)
                assert series.values(request).get(key) == alone.values(request).get(key)
        lengths = [len(series.values(r)[(week[0],)]) for r in wanted for week in WEEKS]
    assert min(lengths) > 5  # every week holds values of every request
    first = series.values(wanted[0])[("all",)]
    assert first == sorted(first) and len(first) < len(series.values(wanted[2])[("all",)])


def test_count_conditions_on_a_stored_duration_count_as_the_computed_duration(
    tmp_path: Path,
) -> None:
    # Bucket bounds on first response time (the explore FRT table) read the stored microseconds;
    # the same bounds on the text timestamps, in a plain query, must count the same tickets.
    frt = seconds_between("t.created_at", "t.first_response_at")
    bounds = [(0.0, 3600.0), (3600.0, 14400.0), (14400.0, 86400.0), (86400.0, None)]
    wanted = [
        CountRequest(
            "created",
            f"{frt} >= {lo}" + ("" if hi is None else f" AND {frt} < {hi}"),
            "t.first_response_at IS NOT NULL",
        )
        for lo, hi in bounds
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(500, seed=5), source="s")
        scope = Scope(store.conn, periods=(TOTAL,), as_of=TOTAL[2])
        scope.prefetch(wanted)
        for request in wanted:
            n, hits = scope.counts(request)[("all",)]
            plain = store.conn.execute(
                f"SELECT count(*), sum({request.where}) FROM tickets t WHERE t.created_at >= ? "
                "AND t.created_at < ? AND t.status NOT IN ('deleted', 'spam') "
                "AND t.first_response_at IS NOT NULL",
                TOTAL[1:],
            ).fetchone()
            assert (n, hits) == plain
            assert 0 < hits < n
    rewritten = stored(wanted[0].where or "")
    assert "first_response_us" in rewritten and "julianday" not in rewritten


@pytest.mark.parametrize("cohort", ["created", "resolved"])
@pytest.mark.parametrize("counts", [5, 13])
def test_breakdown_values_taken_from_the_series_scan_equal_a_breakdown_read_alone(
    tmp_path: Path, cohort: str, counts: int
) -> None:
    # With a series and a breakdown, the series' time-ordered scan also groups its values and
    # its counts by the breakdown's dimension (Scope.companion), a count that looks at the
    # period bounds too (with 13 counts: over the report period); the breakdown reads nothing.
    channel = DIMENSIONS["channel"]
    wanted = requests(cohort, counts)
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(500, seed=11), source="s")
        series = Scope(
            store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True,
            companion=channel,
        )  # fmt: skip
        series.prefetch(wanted)
        assert any(key[0] == "companion" for key in series.shared)
        overall = replace(series, periods=(TOTAL,), first_is_union=False)
        breakdown = replace(overall, dimensions=(channel,))
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        got = answers(breakdown, wanted, together=True)
        store.conn.set_trace_callback(None)
        assert not any(key[0] == "companion" for key in series.shared)  # taken, not read again
        bound = [r for r in wanted if isinstance(r, CountRequest) and "p." in str(r.where)]
        assert len(bound) == (counts > 12)  # with 13: resolved before the period end
        assert statements == []  # neither its values nor any count read the store again
        alone = Scope(store.conn, periods=(TOTAL,), as_of=TOTAL[2], dimensions=(channel,))
        want = answers(alone, wanted, together=True)
        plain_series = Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2],
                             first_is_union=True)  # fmt: skip
        series_without = answers(plain_series, wanted, together=True)
        series_with = {r: series.counts(r) if isinstance(r, CountRequest) else series.values(r)
                       for r in wanted}  # fmt: skip
    assert got == want
    assert series_with == series_without
    values = got[wanted[-2]]
    assert len(values) >= 4 and all(values[key] == sorted(values[key]) for key in values)


@pytest.mark.parametrize("cohort", ["created", "resolved"])
def test_unordered_values_are_the_ordered_values_left_unsorted(tmp_path: Path, cohort: str) -> None:
    # ValuesRequest(ordered=False) skips the sort (explore's requester ids and threads, only
    # counted or parsed): per key the same values, in every path (one period, a series' buckets
    # and their merged total, a breakdown, the breakdown taken from the series' scan).
    channel = DIMENSIONS["channel"]
    exprs = [("t.channel", "t.reopens >= 1"), ("t.id", None), ("t.agent_replies", None)]
    ordered = [ValuesRequest(cohort, expr, where) for expr, where in exprs]
    unordered = [replace(request, ordered=False) for request in ordered]
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(600, seed=13), source="s")
        scopes = [
            Scope(store.conn, periods=(TOTAL,), as_of=TOTAL[2]),
            Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True),
            Scope(store.conn, periods=(TOTAL,), as_of=TOTAL[2], dimensions=(channel,)),
        ]
        series = Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True,
                       companion=channel)  # fmt: skip
        series.prefetch([*ordered, *unordered])
        taken = replace(series, periods=(TOTAL,), first_is_union=False, dimensions=(channel,))
        unsorted_seen = []
        for scope in [*scopes, taken]:
            scope.prefetch([*ordered, *unordered])
            unsorted_seen.append(False)
            for sorted_request, request in zip(ordered, unordered, strict=True):
                want, got = scope.values(sorted_request), scope.values(request)
                assert want and {k: sorted(v) for k, v in got.items()} == want
                assert all(v == sorted(v) for v in want.values())
                unsorted_seen[-1] |= any(v != sorted(v) for v in got.values())
        assert not any(key[0] == "companion" for key in series.shared)  # taken, not read again
    assert all(unsorted_seen)  # in every path the sort was skipped, not merely harmless


@pytest.mark.parametrize("cohort", ["created", "resolved"])
def test_counts_on_the_period_bounds_ride_in_the_series_scan(tmp_path: Path, cohort: str) -> None:
    # A count that looks at p.lo/p.hi (resolved before the period end) is counted in the
    # series' one scan with each row's bucket bounds, and over the report period for the
    # total: one query in all, equal to each period read alone.
    wanted: list[Request] = [
        ValuesRequest(cohort, seconds_between("t.created_at", "t.first_response_at")),
        CountRequest(cohort, "t.resolved_at IS NOT NULL AND t.resolved_at < p.hi"),
        CountRequest(cohort, "t.reopens >= 1", among="t.created_at >= p.lo"),
        CountRequest(cohort, "t.escalated = 1"),
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(600, seed=17), source="s")
        series = Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True)
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        series.prefetch(wanted)
        store.conn.set_trace_callback(None)
        for period in (TOTAL, *WEEKS):
            alone = Scope(store.conn, periods=(period,), as_of=TOTAL[2])
            want = answers(alone, wanted, together=False)
            for request in wanted[1:]:
                assert isinstance(request, CountRequest)
                assert series.counts(request)[(period[0],)] == want[request][(period[0],)]
    assert len(statements) == 1
    hits = [series.counts(wanted[1])[(key,)][1] for key, _lo, _hi in (TOTAL, *WEEKS)]
    # The bound matters for created tickets: fewer are resolved before their week's end than
    # before the report's end (a resolved ticket always is, within its own period).
    assert sum(hits[1:]) < hits[0] if cohort == "created" else sum(hits[1:]) == hits[0] > 0


def test_release_frees_the_fetched_values_and_a_later_request_reads_them_again(
    tmp_path: Path,
) -> None:
    # A report releases its scope inside its bulk-allocation block, so the value lists are
    # freed there; a scope used again afterwards reads the same values afresh.
    request = ValuesRequest("created", seconds_between("t.created_at", "t.first_response_at"))
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(300, seed=19), source="s")
        scope = Scope(store.conn, periods=(TOTAL, *WEEKS), as_of=TOTAL[2], first_is_union=True)
        first = {key: list(values) for key, values in scope.values(request).items()}
        scope.release()
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        again = scope.values(request)
        store.conn.set_trace_callback(None)
    assert len(first[("all",)]) > 100 and again == first
    assert len(statements) == 1  # read again, not kept

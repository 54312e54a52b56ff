"""Property test: the explore plugin's reply, touch and workload KPIs against a plain-Python
oracle on random tickets and conversations (overall, per week bucket, and by agent).

The oracle shares no code with the plugin: it reads each ticket's interactions as written in
docs/metrics.md (turns between public agent messages, the outbound opening, touches up to the
first solve) with its own loops. Datasets are small but awkward: equal timestamps, private notes,
system events, agent-opened tickets, replies after the solve, tombstones, unknown requesters.
"""

from __future__ import annotations

import math
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import AuthorRole, Interaction, Record, Status, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics_explore.replies import reply_metrics
from deskmetrics_explore.touches import touch_metrics
from deskmetrics_explore.workload import workload_metrics

LO = datetime(2026, 1, 5, tzinfo=UTC)
MID = datetime(2026, 1, 12, tzinfo=UTC)
HI = datetime(2026, 1, 19, tzinfo=UTC)
Z = 1.96
MIN_SAMPLE = 3
METRICS = {m.id: m for m in [*workload_metrics(), *reply_metrics(), *touch_metrics()]}
CALENDAR = {mid: m for mid, m in METRICS.items() if not m.requires_schedule}
RESOLVED = (Status.SOLVED, Status.CLOSED)

hours = st.integers(-24, 24 * 14).map(lambda h: LO + timedelta(hours=h))
roles = st.sampled_from(["agent", "customer", "customer", "agent", "system"])
public = st.sampled_from([True, True, True, False])


@st.composite
def ticket_with_thread(draw: st.DrawFn, id: str) -> list[Record]:
    created = draw(hours)
    after = st.integers(0, 72).map(lambda h: created + timedelta(hours=h))
    bounds = [x for x in (LO, MID, HI) if x >= created] or [created]
    resolved = draw(st.one_of(after, after, st.none(), st.sampled_from(bounds)))
    first = draw(st.one_of(st.none(), after))
    status = [Status.SOLVED, Status.CLOSED, Status.SOLVED, Status.OPEN, Status.SPAM]
    ticket = Ticket(
        id=id,
        created_at=created,
        status=draw(st.sampled_from(status)),
        resolved_at=resolved,
        first_resolved_at=first,
        reopens=draw(st.integers(0, 1)),
        assignee_id=draw(st.sampled_from([None, "a1", "a2"])),
        requester_id=draw(st.sampled_from([None, "r1", "r2", "r3"])),
    )
    # Hourly times from just before creation: equal timestamps (ties by id) are common.
    when = st.integers(-1, 72).map(lambda h: created + timedelta(hours=h))
    messages = draw(st.lists(st.tuples(roles, public, when), min_size=1, max_size=8))
    return [ticket] + [
        Interaction(id=f"{id}-{i}", ticket_id=id, author_id=role[0], author_role=AuthorRole(role),
                    public=is_public, created_at=at)
        for i, (role, is_public, at) in enumerate(messages)
    ]  # fmt: skip


datasets = st.integers(1, 10).flatmap(
    lambda n: st.tuples(*(ticket_with_thread(f"t{i}") for i in range(n)))
)

# -- the oracle --------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    pos = (len(values) - 1) * q / 100
    i = int(pos)
    j = min(i + 1, len(values) - 1)
    return values[i] + (values[j] - values[i]) * (pos - i)


def dist(values: list[float], p90: bool = True) -> dict[str, Any]:
    values = sorted(values)
    out: dict[str, Any] = {"n": len(values), "value": None, "median": None}
    if p90:
        out["p90"] = None
    if values:
        out.update(value=sum(values) / len(values), median=pct(values, 50))
        if p90:
            out["p90"] = pct(values, 90)
    return out


def prop(k: int, n: int) -> dict[str, Any]:
    if n == 0:
        return {"value": None, "n": 0, "ci_low": None, "ci_high": None}
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return {"value": 100 * p, "n": n, "ci_low": 100 * max(0.0, centre - half),
            "ci_high": 100 * min(1.0, centre + half)}  # fmt: skip


def thread_facts(t: Ticket, thread: list[Interaction]) -> tuple[list[float], int, int]:
    """(reply seconds of each answered turn, replies up to the latest solve, touches)."""
    ordered = sorted(thread, key=lambda i: (i.created_at, i.id))
    is_reply = [i.public and i.author_role == AuthorRole.AGENT for i in ordered]
    replies = [i for i, flag in zip(ordered, is_reply, strict=True) if flag]
    if is_reply[0]:
        replies = replies[1:]  # an outbound opening answers nobody
    # A turn: the public customer messages between two consecutive public agent messages.
    seconds, previous = [], -1
    for index, flag in enumerate(is_reply):
        if not flag:
            continue
        turn = [
            i for i in ordered[previous + 1 : index]
            if i.public and i.author_role == AuthorRole.CUSTOMER
        ]  # fmt: skip
        if turn:
            seconds.append((ordered[index].created_at - turn[0].created_at).total_seconds())
        previous = index
    assert t.resolved_at is not None
    first_solve = t.first_resolved_at or t.resolved_at
    up_to_solve = sum(1 for i in replies if i.created_at <= t.resolved_at)
    touches = sum(1 for i in replies if i.created_at <= first_solve)
    return seconds, up_to_solve, touches


def expected(tickets: list[Ticket], threads: dict[str, list[Interaction]],
             lo: datetime, hi: datetime) -> dict[str, dict[str, Any]]:  # fmt: skip
    cohort = [
        t for t in tickets
        if t.status in RESOLVED and t.resolved_at is not None and lo <= t.resolved_at < hi
    ]  # fmt: skip
    every: list[float] = []
    following: list[float] = []
    per_ticket: list[float] = []
    to_resolve: list[float] = []
    touched: list[tuple[int, int]] = []
    for t in cohort:
        if not threads.get(t.id):
            continue
        seconds, up_to_solve, touches = thread_facts(t, threads[t.id])
        every += seconds
        following += seconds[1:]
        if seconds:
            per_ticket.append(sum(seconds) / len(seconds))
        to_resolve.append(float(up_to_solve))
        if touches:
            touched.append((touches, t.reopens))
    requesters = [t.requester_id for t in cohort if t.requester_id is not None]
    return {
        "tickets_solved": {"value": len(cohort), "n": len(cohort)},
        "customers_helped": {"value": len(set(requesters)), "n": len(requesters)},
        "reply_time": dist(every),
        "next_reply_time": dist(following),
        "reply_time_per_ticket": dist(per_ticket),
        "replies_to_resolve": dist(to_resolve, p90=False),
        "one_touch_resolution": prop(sum(1 for x in touched if x == (1, 0)), len(touched)),
        "two_touch_resolution": prop(sum(1 for x in touched if x == (2, 0)), len(touched)),
    }


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def check(engine: dict[str, Any], wanted: dict[str, dict[str, Any]], where: str) -> None:
    assert set(engine) == set(wanted), where
    for metric_id, fields in wanted.items():
        got = engine[metric_id]
        for name, value in fields.items():
            assert same(got[name], value), f"{where} {metric_id}.{name}: {got[name]} != {value}"
        assert got["low_sample"] == (got["n"] < MIN_SAMPLE), f"{where} {metric_id}"


@settings(
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=datasets)
def test_explore_kpis_match_the_oracle(data: tuple[list[Record], ...]) -> None:
    records = [record for group in data for record in group]
    tickets = [r for r in records if isinstance(r, Ticket)]
    live = [t for t in tickets if t.status != Status.SPAM]
    threads: dict[str, list[Interaction]] = {}
    for r in records:
        if isinstance(r, Interaction):
            threads.setdefault(r.ticket_id, []).append(r)
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "x.db") as store:
        store.write(records, source="s")
        report = build_report(
            store, parse_config({"report": {"min_sample": MIN_SAMPLE}}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19), as_of=HI, grain="week",
            by=["agent"], metrics=CALENDAR,
        ).to_dict()  # fmt: skip
    check(report["metrics"], expected(live, threads, LO, HI), "overall")
    for bucket, (lo, hi) in zip(report["series"]["buckets"], [(LO, MID), (MID, HI)], strict=True):
        check(bucket["metrics"], expected(live, threads, lo, hi), f"bucket {lo:%m-%d}")
    for entry in report["breakdowns"].get("agent", []):
        mine = [t for t in live if t.assignee_id == entry["key"]]
        check(entry["metrics"], expected(mine, threads, LO, HI), f"agent {entry['key']}")

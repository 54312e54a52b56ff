"""Property test: the SQL engine against a plain-Python oracle, for every KPI, on random data.

The oracle below loops over the records with the spec's definitions written as directly as
possible; it shares no code with the engine (not even the statistics). Datasets are small but
full of the awkward cases: nulls, tombstones, timestamps exactly on the period, bucket and
as_of boundaries, superseded survey answers, responses without tickets.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import (
    Channel,
    Customer,
    Record,
    Status,
    Store,
    SurveyKind,
    SurveyResponse,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config
from deskmetrics.metrics.builtin import BUILTIN_METRICS

LO = datetime(2026, 1, 5, tzinfo=UTC)
MID = datetime(2026, 1, 12, tzinfo=UTC)
HI = datetime(2026, 1, 19, tzinfo=UTC)
AS_OF = datetime(2026, 1, 16, 12, tzinfo=UTC)
MIN_SAMPLE = 3
Z = 1.96
SPECIAL = [LO, MID, HI, AS_OF, LO - timedelta(microseconds=1), HI - timedelta(microseconds=1)]

# -- strategies --------------------------------------------------------------------------

instants = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(0, 24 * 24).map(lambda h: datetime(2025, 12, 31, tzinfo=UTC) + timedelta(hours=h)),
)
delays = st.one_of(
    st.just(timedelta(0)),
    st.integers(1, 10 * 24 * 60).map(lambda m: timedelta(minutes=m)),
)


def later(base: datetime) -> st.SearchStrategy[datetime | None]:
    return st.one_of(st.none(), delays.map(lambda d: base + d))


@st.composite
def tickets(draw: st.DrawFn, id: str) -> Ticket:
    created = draw(instants)
    return Ticket(
        id=id,
        created_at=created,
        status=draw(st.sampled_from(list(Status))),
        channel=draw(st.sampled_from([None, Channel.EMAIL, Channel.CHAT])),
        assignee_id=draw(st.sampled_from([None, "a1", "a2"])),
        first_response_at=draw(later(created)),
        first_resolved_at=draw(later(created)),
        resolved_at=draw(
            st.one_of(
                later(created), st.sampled_from([x for x in SPECIAL if x >= created] or [created])
            )
        ),
        reopens=draw(st.integers(0, 2)),
        agent_replies=draw(st.one_of(st.none(), st.integers(0, 3))),
        escalated=draw(st.booleans()),
        handle_seconds=draw(st.one_of(st.none(), st.integers(0, 5000).map(float))),
        first_response_due_at=draw(st.one_of(later(created), st.just(AS_OF))),
        resolution_due_at=draw(later(created)),
        tags=draw(st.lists(st.sampled_from(["refund", "vip"]), unique=True, max_size=2)),
    )


@st.composite
def surveys(draw: st.DrawFn, id: str, ticket_ids: list[str]) -> SurveyResponse:
    kind = draw(st.sampled_from(list(SurveyKind)))
    low, high = {
        SurveyKind.CSAT: draw(st.sampled_from([(1, 5), (0, 1)])),
        SurveyKind.NPS: (0, 10),
        SurveyKind.CES: draw(st.sampled_from([(1, 7), (1, 5)])),
    }[kind]
    return SurveyResponse(
        id=id,
        kind=kind,
        score=draw(st.one_of(st.none(), st.integers(low, high).map(float))),
        scale_min=low,
        scale_max=high,
        higher_is_better=draw(st.booleans()),
        ticket_id=draw(st.sampled_from([None, "unknown", *ticket_ids])),
        agent_id=draw(st.sampled_from([None, "a1", "a3"])),
        created_at=draw(instants),
    )


@st.composite
def customers(draw: st.DrawFn, id: str) -> Customer:
    created = draw(instants)
    return Customer(id=id, created_at=created, churned_at=draw(later(created)))


@st.composite
def datasets(draw: st.DrawFn) -> tuple[list[Ticket], list[SurveyResponse], list[Customer]]:
    """Tickets, survey responses and customers."""
    ticket_list = [draw(tickets(f"t{i}")) for i in range(draw(st.integers(0, 12)))]
    ids = [t.id for t in ticket_list]
    survey_list = [draw(surveys(f"s{i}", ids)) for i in range(draw(st.integers(0, 10)))]
    customer_list = [draw(customers(f"c{i}")) for i in range(draw(st.integers(0, 5)))]
    return ticket_list, survey_list, customer_list


# -- the oracle --------------------------------------------------------------------------

TOMBSTONES = {Status.DELETED, Status.SPAM}
RESOLVED = {Status.SOLVED, Status.CLOSED}


def pct(sorted_values: list[float], q: float) -> float:
    pos = (len(sorted_values) - 1) * q / 100
    i = int(pos)
    j = min(i + 1, len(sorted_values) - 1)
    return sorted_values[i] + (sorted_values[j] - sorted_values[i]) * (pos - i)


def count(k: int, n: int) -> dict[str, Any]:
    return {"value": k, "n": n}


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
    return {
        "value": 100 * p,
        "n": n,
        "ci_low": 100 * max(0.0, centre - half),
        "ci_high": 100 * min(1.0, centre + half),
        "_k": k,
    }


def seconds(a: datetime, b: datetime) -> float:
    return (b - a).total_seconds()


def ticket_kpis(ts: list[Ticket], lo: datetime, hi: datetime) -> dict[str, dict[str, Any]]:
    live = [t for t in ts if t.status not in TOMBSTONES]
    created = [t for t in live if lo <= t.created_at < hi]
    resolved = [
        t for t in live if t.resolved_at and lo <= t.resolved_at < hi and t.status in RESOLVED
    ]
    backlog = [t for t in live if t.created_at < hi and (not t.resolved_at or t.resolved_at >= hi)]
    replied = [t for t in resolved if t.agent_replies is not None and t.agent_replies >= 1]

    def overdue(t: Ticket) -> bool:
        if t.resolution_due_at is not None:
            return t.resolution_due_at < hi
        return seconds(t.created_at, hi) > 72 * 3600

    def sla(done: str, due: str) -> dict[str, Any]:
        judged = [
            t
            for t in created
            if getattr(t, due) is not None
            and not (getattr(t, done) is None and getattr(t, due) >= AS_OF)
        ]
        met = [
            t
            for t in judged
            if getattr(t, done) is not None and getattr(t, done) <= getattr(t, due)
        ]
        return prop(len(met), len(judged))

    return {
        "ticket_volume": count(len(created), len(created)),
        "first_response_time": dist(
            [seconds(t.created_at, t.first_response_at) for t in created if t.first_response_at]
        ),
        "unreplied_tickets": count(
            sum(1 for t in created if not t.first_response_at or t.first_response_at > AS_OF),
            len(created),
        ),
        "resolution_time": dist([seconds(t.created_at, t.resolved_at) for t in resolved]),  # type: ignore[arg-type]
        "first_resolution_time": dist(
            [seconds(t.created_at, t.first_resolved_at) for t in resolved if t.first_resolved_at]
        ),
        "handle_time": dist([t.handle_seconds for t in resolved if t.handle_seconds is not None]),
        "first_contact_resolution": prop(
            sum(1 for t in replied if t.agent_replies == 1 and t.reopens == 0), len(replied)
        ),
        "solved_without_reply": count(
            sum(1 for t in resolved if t.agent_replies == 0), len(resolved)
        ),
        "reopen_rate": prop(sum(1 for t in resolved if t.reopens >= 1), len(resolved)),
        "escalation_rate": prop(sum(1 for t in created if t.escalated), len(created)),
        "resolution_rate": prop(
            sum(1 for t in created if t.resolved_at and t.resolved_at < hi), len(created)
        ),
        "backlog": count(len(backlog), len(backlog)),
        "backlog_overdue": count(sum(1 for t in backlog if overdue(t)), len(backlog)),
        "interactions_per_ticket": dist(
            [t.agent_replies for t in resolved if t.agent_replies is not None], p90=False
        ),
        "sla_first_response": sla("first_response_at", "first_response_due_at"),
        "sla_resolution": sla("resolved_at", "resolution_due_at"),
    }


def latest(rows: list[SurveyResponse]) -> list[SurveyResponse]:
    """Each ticket's latest row (by time, then id); rows without a ticket all stay."""
    best: dict[str, SurveyResponse] = {}
    alone = []
    for r in rows:
        if r.ticket_id is None:
            alone.append(r)
        elif r.ticket_id not in best or (r.created_at, r.id) > (
            best[r.ticket_id].created_at,
            best[r.ticket_id].id,
        ):
            best[r.ticket_id] = r
    return alone + list(best.values())


def survey_kpis(
    ss: list[SurveyResponse],
    ts: list[Ticket],
    lo: datetime,
    hi: datetime,
    records_offers: bool,
    keep: Callable[[SurveyResponse], bool] = lambda s: True,
) -> dict[str, dict[str, Any]]:
    """``records_offers``: the source stores unanswered CSAT offers (a property of the source).

    ``keep`` selects a breakdown key's responses, after the latest-per-ticket rule (which looks at
    every response of the ticket, whatever its key).
    """
    by_id = {t.id: t for t in ts}

    def counted(rows: list[SurveyResponse]) -> list[SurveyResponse]:
        return [
            r
            for r in latest(rows)
            if lo <= r.created_at < hi
            and (r.ticket_id not in by_id or by_id[r.ticket_id].status not in TOMBSTONES)
            and keep(r)
        ]

    def answered(kind: SurveyKind) -> list[SurveyResponse]:
        return counted([s for s in ss if s.kind == kind and s.score is not None])

    csat = answered(SurveyKind.CSAT)
    all_csat = [s for s in ss if s.kind == SurveyKind.CSAT]
    offers = counted(all_csat) if records_offers else []
    nps = [s.score for s in answered(SurveyKind.NPS)]
    ces = answered(SurveyKind.CES)

    out = {
        "csat": prop(
            sum(1 for s in csat if s.score > (s.scale_min + s.scale_max) / 2),
            len(csat),  # type: ignore[operator]
        ),
        "csat_response_rate": prop(sum(1 for s in offers if s.score is not None), len(offers)),
    }
    if nps:
        n = len(nps)
        promoters = sum(1 for x in nps if x >= 9) / n  # type: ignore[operator]
        detractors = sum(1 for x in nps if x <= 6) / n  # type: ignore[operator]
        score = 100 * (promoters - detractors)
        margin = Z * 100 * math.sqrt((promoters + detractors - (promoters - detractors) ** 2) / n)
        out["nps"] = {
            "value": score,
            "n": n,
            "ci_low": max(-100, score - margin),
            "ci_high": min(100, score + margin),
            "promoters": 100 * promoters,
            "passives": 100 * (1 - promoters - detractors),
            "detractors": 100 * detractors,
            "_v": promoters + detractors - (promoters - detractors) ** 2,
        }
    else:
        out["nps"] = {"value": None, "n": 0, "ci_low": None, "ci_high": None}
    if ces:
        raw = [s.score for s in ces]
        mean = statistics.fmean(raw)  # type: ignore[arg-type]
        half = Z * statistics.stdev(raw) / math.sqrt(len(raw)) if len(raw) > 1 else 0.0  # type: ignore[arg-type]
        normalized = [
            100
            * ((s.score - s.scale_min) if s.higher_is_better else (s.scale_max - s.score))  # type: ignore[operator]
            / (s.scale_max - s.scale_min)
            for s in ces
        ]
        scales = {(s.scale_min, s.scale_max) for s in ces}
        scale = scales.pop() if len(scales) == 1 else (None, None)
        out["ces"] = {
            "value": mean,
            "n": len(raw),
            "ci_low": mean - half,
            "ci_high": mean + half,
            "normalized": statistics.fmean(normalized),
            "scale_min": scale[0],
            "scale_max": scale[1],
        }
    else:
        out["ces"] = {"value": None, "n": 0, "ci_low": None, "normalized": None}
    return out


def customer_kpis(cs: list[Customer], lo: datetime, hi: datetime) -> dict[str, dict[str, Any]]:
    active = [c for c in cs if c.created_at <= lo and (c.churned_at is None or c.churned_at > lo)]
    lost = sum(1 for c in active if c.churned_at is not None and c.churned_at < hi)
    return {
        "customer_retention_rate": prop(len(active) - lost, len(active)),
        "customer_churn_rate": prop(lost, len(active)),
    }


def oracle(
    ts: list[Ticket], ss: list[SurveyResponse], cs: list[Customer], lo: datetime, hi: datetime
) -> dict[str, dict[str, Any]]:
    return {
        **ticket_kpis(ts, lo, hi),
        **survey_kpis(ss, ts, lo, hi, records_offers(ss)),
        **customer_kpis(cs, lo, hi),
    }


def records_offers(ss: list[SurveyResponse]) -> bool:
    return any(s.kind == SurveyKind.CSAT and s.score is None for s in ss)


# -- comparison --------------------------------------------------------------------------


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def check(engine: dict[str, Any], expected: dict[str, dict[str, Any]], where: str) -> None:
    assert set(engine) == set(expected), where
    for metric_id, fields in expected.items():
        got = engine[metric_id]
        for name, value in fields.items():
            if name.startswith("_"):
                continue
            assert same(got[name], value), f"{where} {metric_id}.{name}: {got[name]} != {value}"
        assert got["low_sample"] == (got["n"] < MIN_SAMPLE), f"{where} {metric_id}"


def z_significant(before: dict[str, Any], after: dict[str, Any], nps: bool) -> bool | None:
    if before["value"] is None or after["value"] is None:
        return None
    if nps:
        spread = before["_v"] / before["n"] + after["_v"] / after["n"]
        diff = (after["value"] - before["value"]) / 100
        if spread == 0:
            return diff != 0
        z = diff / math.sqrt(spread)
    else:
        k1, n1, k2, n2 = before["_k"], before["n"], after["_k"], after["n"]
        pooled = (k1 + k2) / (n1 + n2)
        spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        if spread == 0:
            return False
        z = (k2 / n2 - k1 / n1) / math.sqrt(spread)
    return abs(z) > 1.959963984540054


def key_functions(
    dimension: str, ts: list[Ticket]
) -> tuple[Callable[[Ticket], list[str | None]], Callable[[SurveyResponse], list[str | None]]]:
    """The breakdown keys of a ticket and of a survey response (a tag breakdown: several)."""
    by_id = {t.id: t for t in ts}

    def of_ticket(t: Ticket | None) -> list[str | None]:
        if t is None:
            return [None]
        if dimension == "channel":
            return [t.channel.value if t.channel is not None else None]
        if dimension == "agent":
            return [t.assignee_id]
        return list(t.tags) or [None]

    def of_survey(s: SurveyResponse) -> list[str | None]:
        ticket = by_id.get(s.ticket_id) if s.ticket_id else None
        if dimension == "agent":
            return [s.agent_id or (ticket.assignee_id if ticket else None)]
        return of_ticket(ticket)

    return of_ticket, of_survey


@settings(
    # ORACLE_EXAMPLES=5000 for a long bug hunt; the default keeps the suite fast.
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=datasets(), dimension=st.sampled_from(["channel", "agent", "tag"]))
@pytest.mark.slow
def test_engine_matches_oracle(
    data: tuple[list[Ticket], list[SurveyResponse], list[Customer]], dimension: str
) -> None:
    ts, ss, cs = data
    records: list[Record] = [*ts, *ss, *cs]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "x.db") as store:
        store.write(records, source="s")
        built = build_report(
            store,
            parse_config({"report": {"min_sample": MIN_SAMPLE}}, None).report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 19),
            as_of=AS_OF,
            grain="week",
            by=[dimension],
            # The oracle knows the built-in KPIs; installed plugins (feedback) add their own.
            metrics={m.id: m for m in BUILTIN_METRICS},
        )
        report = built.to_dict()
    # A survey KPI whose answers all lack the dimension leaves the breakdown, with a note
    # (issue #17), instead of a "(none)" row holding all of it.
    dropped = {
        mid
        for mid, definition in built.definitions.items()
        if f"{definition.label} is not broken down by {dimension}: no survey answer carries one"
        in built.notes
    }

    check(report["metrics"], oracle(ts, ss, cs, LO, HI), "overall")

    weeks = [oracle(ts, ss, cs, LO, MID), oracle(ts, ss, cs, MID, HI)]
    buckets = report["series"]["buckets"]
    for i, (bucket, expected) in enumerate(zip(buckets, weeks, strict=True)):
        check(bucket["metrics"], expected, f"week {i}")
    for metric_id, after in weeks[1].items():
        got = buckets[1]["metrics"][metric_id]
        before = weeks[0][metric_id]
        if before["value"] is None or after["value"] is None:
            assert got["change"] is None
        else:
            assert same(got["change"], after["value"] - before["value"]), metric_id
        if "_k" in after or metric_id == "nps":
            expected_sig = z_significant(before, after, nps=metric_id == "nps")
            assert got["significant"] == expected_sig, metric_id

    # The breakdown: ticket and survey KPIs per key, customers left out.
    ticket_keys, survey_keys = key_functions(dimension, ts)
    entries = {e["key"]: e for e in report["breakdowns"][dimension]}
    expected_keys: set[str | None] = set()
    live = [t for t in ts if t.status not in TOMBSTONES]
    offers = records_offers(ss)
    candidates = {k for t in ts for k in ticket_keys(t)} | {k for s in ss for k in survey_keys(s)}
    for key in candidates:
        part_t = [t for t in ts if key in ticket_keys(t)]
        expected = {
            **ticket_kpis(part_t, LO, HI),
            **survey_kpis(ss, ts, LO, HI, offers, keep=lambda s, key=key: key in survey_keys(s)),
        }
        for mid in dropped:
            assert key is None or expected[mid]["n"] == 0, (mid, key)
            del expected[mid]
        has_rows = any(
            (LO <= t.created_at < HI)
            or (t.created_at < HI and (not t.resolved_at or t.resolved_at >= HI))
            or (t.resolved_at and LO <= t.resolved_at < HI and t.status in RESOLVED)
            for t in live
            if key in ticket_keys(t)
        ) or any(
            expected[m]["n"] > 0
            for m in ("csat", "csat_response_rate", "nps", "ces")
            if m not in dropped
        )
        if has_rows:
            expected_keys.add(key)
            check(entries[key]["metrics"], expected, f"{dimension} {key}")
    assert set(entries) == expected_keys

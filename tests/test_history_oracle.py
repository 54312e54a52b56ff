"""Property test: the time-in-status and routing KPIs against a plain-Python oracle on random
tickets (overall, per week bucket, and by agent). The oracle shares no code with the plugin:
it reads docs/metrics.md's rules (resolved cohort, null is not zero, agent work = requester wait
− on-hold unless on-hold is larger, reassignment among tickets with ≥ 1 assignee station)."""

from __future__ import annotations

import math
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import Status, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics_explore.routing import routing_metrics
from deskmetrics_explore.time_in_status import time_in_status_metrics

LO = datetime(2026, 1, 5, tzinfo=UTC)
MID = datetime(2026, 1, 12, tzinfo=UTC)
HI = datetime(2026, 1, 19, tzinfo=UTC)
Z = 1.96
MIN_SAMPLE = 3
METRICS = {m.id: m for m in [*time_in_status_metrics(), *routing_metrics()]}
CALENDAR = {mid: m for mid, m in METRICS.items() if not m.requires_schedule}
RESOLVED = (Status.SOLVED, Status.CLOSED)
WAITS = ("requester_wait", "agent_wait", "on_hold")

hours = st.integers(-24, 24 * 14).map(lambda h: LO + timedelta(hours=h))
# Few distinct values, so ties and on-hold > requester wait both happen often.
seconds = st.one_of(st.none(), st.sampled_from([0.0, 60.0, 600.0, 3600.0, 7200.0, 90000.0]))
stations = st.one_of(st.none(), st.integers(0, 3))


@st.composite
def a_ticket(draw: st.DrawFn, id: str) -> Ticket:
    created = draw(hours)
    after = st.integers(0, 72).map(lambda h: created + timedelta(hours=h))
    bounds = [x for x in (LO, MID, HI) if x >= created] or [created]
    status = [Status.SOLVED, Status.CLOSED, Status.SOLVED, Status.OPEN, Status.DELETED]
    figures = {
        f"{name}{clock}_seconds": draw(seconds) for name in WAITS for clock in ("", "_business")
    }
    return Ticket(
        id=id, created_at=created, status=draw(st.sampled_from(status)),
        resolved_at=draw(st.one_of(after, after, st.none(), st.sampled_from(bounds))),
        assignee_id=draw(st.sampled_from([None, "a1", "a2"])),
        assignee_stations=draw(stations), group_stations=draw(stations),
        first_assigned_at=draw(st.one_of(st.none(), after)), **figures,
    )  # fmt: skip


datasets = st.integers(1, 12).flatmap(lambda n: st.tuples(*(a_ticket(f"t{i}") for i in range(n))))


def pct(values: list[float], q: float) -> float:
    pos = (len(values) - 1) * q / 100
    i = int(pos)
    j = min(i + 1, len(values) - 1)
    return values[i] + (values[j] - values[i]) * (pos - i)


def dist(found: list[float | None], p90: bool = True) -> dict[str, Any]:
    values = sorted(v for v in found if v is not None)
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


def work(t: Ticket, clock: str) -> float | None:
    wait = getattr(t, f"requester_wait{clock}_seconds")
    hold = getattr(t, f"on_hold{clock}_seconds")
    if wait is None or hold is None or hold > wait:
        return None
    return float(wait - hold)


def expected(tickets: list[Ticket], lo: datetime, hi: datetime) -> dict[str, dict[str, Any]]:
    cohort = [
        t for t in tickets
        if t.status in RESOLVED and t.resolved_at is not None and lo <= t.resolved_at < hi
    ]  # fmt: skip
    wanted: dict[str, dict[str, Any]] = {}
    for name in WAITS:
        for clock in ("", "_business"):
            wanted[f"{name}_time{clock}"] = dist(
                [getattr(t, f"{name}{clock}_seconds") for t in cohort]
            )
    wanted["agent_work_time"] = dist([work(t, "") for t in cohort])
    wanted["agent_work_time_business"] = dist([work(t, "_business") for t in cohort])
    wanted["assignee_stations"] = dist([t.assignee_stations for t in cohort], p90=False)
    wanted["group_stations"] = dist([t.group_stations for t in cohort], p90=False)
    assigned = [t for t in cohort if t.assignee_stations is not None and t.assignee_stations >= 1]
    wanted["reassignment_rate"] = prop(
        sum(1 for t in assigned if (t.assignee_stations or 0) > 1), len(assigned)
    )
    wanted["time_to_first_assignment"] = dist(
        [(t.first_assigned_at - t.created_at).total_seconds() if t.first_assigned_at else None
         for t in cohort]
    )  # fmt: skip
    return wanted


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
def test_time_in_status_and_routing_match_the_oracle(data: tuple[Ticket, ...]) -> None:
    tickets = list(data)
    live = [t for t in tickets if t.status != Status.DELETED]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "x.db") as store:
        store.write(tickets, source="s")
        report = build_report(
            store, parse_config({"report": {"min_sample": MIN_SAMPLE}}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19), as_of=HI, grain="week",
            by=["agent"], metrics=CALENDAR,
        ).to_dict()  # fmt: skip
    check(report["metrics"], expected(live, LO, HI), "overall")
    for bucket, (lo, hi) in zip(report["series"]["buckets"], [(LO, MID), (MID, HI)], strict=True):
        check(bucket["metrics"], expected(live, lo, hi), f"bucket {lo:%m-%d}")
    for entry in report["breakdowns"].get("agent", []):
        mine = [t for t in live if t.assignee_id == entry["key"]]
        check(entry["metrics"], expected(mine, LO, HI), f"agent {entry['key']}")

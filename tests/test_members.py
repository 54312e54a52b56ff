"""The records behind a number: for every built-in KPI, the listing's size is the KPI's n and its
met rows are the numerator, overall, for a breakdown key and under a filter (demo data)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from deskmetrics import (
    Filter,
    MemberList,
    Metric,
    MetricValue,
    Schedule,
    Store,
    build_report,
    list_members,
)
from deskmetrics.config.report_settings import ReportSettings
from deskmetrics.metrics.builtin import BUILTIN_METRICS
from deskmetrics.testing import DemoSpec, demo_records

END = datetime(2026, 3, 2, tzinfo=UTC)
OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
SETTINGS = ReportSettings()
PERIOD = {"start": date(2026, 2, 2), "end": date(2026, 3, 2), "as_of": END}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    with Store(path) as store:
        store.write(demo_records(DemoSpec(tickets=1500, weeks=8, end=END)), source="demo")
        yield store


def numerator(value: MetricValue) -> int | None:
    """The count of met rows the value implies (None: a mean, which has no numerator)."""
    if value.unit == "count":
        return int(value.value or 0)
    if value.unit == "percent":
        return round(value.successes or 0)
    if "promoters" in value.extra:  # NPS: its met rows are the promoters
        return round((value.extra["promoters"] or 0) * value.n / 100)
    return None


def check(listed: MemberList) -> None:
    assert listed.n == listed.value.n
    expected = numerator(listed.value)
    if expected is not None:
        assert listed.met == expected
    else:
        assert listed.met is None


IDS = [m.id for m in BUILTIN_METRICS]


@pytest.mark.parametrize("metric_id", IDS)
def test_listing_matches_the_kpi_overall(store: Store, metric_id: str) -> None:
    listed = list_members(store, metric_id, SETTINGS, schedule=_office(), **PERIOD)  # type: ignore[arg-type]
    check(listed)
    assert listed.n > 0, "the demo data has members for every built-in KPI"


@pytest.mark.parametrize("metric_id", IDS)
def test_listing_matches_the_kpi_for_a_key_and_a_filter(store: Store, metric_id: str) -> None:
    if metric_id.startswith("customer_"):
        # Customers have no group or channel: only the source breaks them down or filters them.
        key, filters = [("source", "demo")], [Filter("source", "demo")]
    else:
        key, filters = [("group", "Billing")], [Filter("channel", "email")]
    listed = list_members(
        store,
        metric_id,
        SETTINGS,
        key=key,
        filters=filters,
        schedule=_office(),
        **PERIOD,  # type: ignore[arg-type]
    )
    check(listed)
    assert listed.key[0][1] in ("Billing", "demo")


def test_members_say_what_they_contributed(store: Store) -> None:
    frt = list_members(store, "first_response_time", SETTINGS, **PERIOD)  # type: ignore[arg-type]
    durations = sorted(m.value for m in frt.members if m.value is not None)
    assert len(durations) == frt.n
    assert frt.value.value == pytest.approx(sum(durations) / len(durations))
    csat = list_members(store, "csat", SETTINGS, **PERIOD)  # type: ignore[arg-type]
    unhappy = [m for m in csat.members if not m.met]
    assert unhappy and all(m.subject == "surveys" and m.ticket_id for m in unhappy)
    assert all(m.value is not None and m.value <= 3 for m in unhappy)


def test_nested_key_and_links(store: Store) -> None:
    whole = list_members(store, "ticket_volume", SETTINGS, key=[("group", "Billing")], **PERIOD)  # type: ignore[arg-type]
    agents = {
        agent
        for (agent,) in store.conn.execute(
            "SELECT DISTINCT a.name FROM tickets t JOIN agents a ON a.id = t.assignee_id "
            "JOIN groups g ON g.id = t.group_id WHERE g.name = 'Billing'"
        )
    }
    total = 0
    for agent in agents:
        part = list_members(
            store, "ticket_volume", SETTINGS, key=[("group", "Billing"), ("agent", agent)],
            links=lambda source, ticket: f"https://help.example/{source}/{ticket}", **PERIOD,  # type: ignore[arg-type]
        )  # fmt: skip
        check(part)
        assert all(m.url == f"https://help.example/demo/{m.id}" for m in part.members)
        total += part.n
    unassigned = list_members(
        store,
        "ticket_volume",
        SETTINGS,
        key=[("group", "Billing"), ("agent", "(none)")],
        **PERIOD,  # type: ignore[arg-type]
    )
    assert total + unassigned.n == whole.n


def test_bad_requests_are_one_line(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown KPI 'frt'"):
        list_members(store, "frt", SETTINGS, **PERIOD)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown dimension 'team'"):
        list_members(store, "csat", SETTINGS, key=[("team", "x")], **PERIOD)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="does not apply"):
        list_members(store, "customer_churn_rate", SETTINGS, key=[("agent", "x")], **PERIOD)  # type: ignore[arg-type]


def _office() -> object:
    from deskmetrics.calendar.schedule_choice import ScheduleChoice

    return ScheduleChoice(default=OFFICE)


REFUNDS = Metric.proportion(
    id="refund_share",
    label="Tickets tagged refund",
    cohort="created",
    where="EXISTS (SELECT 1 FROM ticket_tags tg2 WHERE tg2.source = t.source "
    "AND tg2.ticket_id = t.id AND tg2.tag = 'refund')",
)
WEEKEND_FRT = Metric.duration(
    id="weekend_frt", label="Weekend FRT", end="t.first_response_at",
    where="strftime('%w', t.created_at) IN ('0', '6')",
)  # fmt: skip


@pytest.mark.parametrize("metric", [REFUNDS, WEEKEND_FRT], ids=lambda m: m.id)
def test_plugin_metrics_from_the_constructors_list_their_members(
    store: Store, metric: Metric
) -> None:
    metrics = {metric.id: metric}
    listed = list_members(store, metric.id, SETTINGS, metrics=metrics, **PERIOD)  # type: ignore[arg-type]
    check(listed)
    assert listed.n > 0 and metric.can_list_members
    report = build_report(store, SETTINGS, metrics=metrics, **PERIOD)  # type: ignore[arg-type]
    assert report.metrics[metric.id].n == listed.n


def test_a_general_metric_without_members_says_so(store: Store) -> None:
    opaque = Metric(id="opaque", label="Opaque", unit="count",
                    compute=lambda scope: {})  # fmt: skip
    assert not opaque.can_list_members
    with pytest.raises(ValueError, match="does not declare which records"):
        list_members(store, "opaque", SETTINGS, metrics={"opaque": opaque}, **PERIOD)  # type: ignore[arg-type]

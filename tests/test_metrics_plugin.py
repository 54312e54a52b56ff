"""A third-party metric, declared in a few lines, flows into totals, breakdowns and series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics import Agent, Metric, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry


class RefundPlugin:
    """What a user writes to report the share of tickets tagged refund."""

    @deskmetrics.hookimpl
    def register_metrics(self, register: Callable[[Metric], None]) -> None:
        register(
            Metric.proportion(
                id="refund_share",
                label="Tagged refund",
                cohort="created",
                where=(
                    "EXISTS (SELECT 1 FROM ticket_tags tg2 WHERE tg2.source = t.source "
                    "AND tg2.ticket_id = t.id AND tg2.tag = 'refund')"
                ),
            )
        )


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 1, day, hour, tzinfo=UTC)


def test_plugin_metric_in_report_breakdown_and_series(tmp_path: Path, register_plugin: Any) -> None:
    register_plugin(RefundPlugin(), "test-refund-share")
    assert get_registry().metrics["refund_share"].unit == "percent"
    records = [
        Agent(id="a1", name="Ann Lee"),
        Ticket(id="1", created_at=at(5), assignee_id="a1", tags=["refund"]),
        Ticket(id="2", created_at=at(5), assignee_id="a1", tags=["refund", "vip"]),
        Ticket(id="3", created_at=at(6), assignee_id="a2"),
        Ticket(id="4", created_at=at(6), assignee_id="a2", tags=["vip"]),
        Ticket(id="5", created_at=at(7)),
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        report = build_report(
            store, parse_config({}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 8),
            as_of=at(8, 0), by=["agent"], grain="day",
        ).to_dict()  # fmt: skip
    share = report["metrics"]["refund_share"]
    assert (share["value"], share["n"], share["unit"]) == (40.0, 5, "percent")
    assert share["ci_low"] is not None
    by_agent = {e["label"]: e["metrics"]["refund_share"] for e in report["breakdowns"]["agent"]}
    assert {k: (v["value"], v["n"]) for k, v in by_agent.items()} == {
        "a2": (0.0, 2),
        "Ann Lee": (100.0, 2),
        "(none)": (0.0, 1),
    }
    days = [b["metrics"]["refund_share"] for b in report["series"]["buckets"]]
    assert [(d["value"], d["n"]) for d in days] == [(100.0, 2), (0.0, 2), (0.0, 1)]
    assert days[1]["change"] == pytest.approx(-100.0)


def test_the_plugin_leaves_with_its_registration(register_plugin: Any) -> None:
    assert "refund_share" not in get_registry().metrics
    assert "ticket_volume" in get_registry().metrics


def test_metric_ids_are_checked() -> None:
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        Metric.count(id="refund share", label="x")


def weekend_share(scope: deskmetrics.Scope) -> dict[Any, deskmetrics.MetricValue]:
    """The general form of docs/metrics.md, verbatim."""
    sql, params = scope.ticket_sql(
        "count(*), sum(strftime('%w', t.created_at) IN ('0', '6'))", "created"
    )
    return {
        key: deskmetrics.MetricValue.proportion(hits or 0, n)
        for key, (n, hits) in scope.aggregate(sql, params).items()
    }


class WeekendPlugin:
    @deskmetrics.hookimpl
    def register_metrics(self, register: Callable[[Metric], None]) -> None:
        register(
            Metric(
                id="weekend_share",
                label="Created at the weekend",
                unit="percent",
                compute=weekend_share,
                test="proportion",
                empty=lambda: deskmetrics.MetricValue.proportion(0, 0),
            )
        )


def test_general_form_metric(tmp_path: Path, register_plugin: Any) -> None:
    register_plugin(WeekendPlugin(), "test-weekend-share")
    records = [
        Ticket(id="sat", created_at=at(10)),  # 2026-01-10 is a Saturday
        Ticket(id="sun", created_at=at(11)),
        Ticket(id="mon", created_at=at(12)),
        Ticket(id="tue", created_at=at(13)),
    ]
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        report = build_report(
            store, parse_config({}, None).report_settings(),
            start=date(2026, 1, 5), end=date(2026, 1, 19),
            as_of=at(19, 0), grain="week", by=["channel"],
        ).to_dict()  # fmt: skip
    share = report["metrics"]["weekend_share"]
    assert (share["value"], share["n"], share["low_sample"]) == (50.0, 4, True)
    first, second = report["series"]["buckets"]
    assert (
        first["metrics"]["weekend_share"]["value"],
        second["metrics"]["weekend_share"]["value"],
    ) == (100.0, 0.0)
    # 2 of 2 against 0 of 2: pooled 0.5, z = −1 / sqrt(0.25 × (1/2 + 1/2)) = −2.0, p = 0.046
    assert second["metrics"]["weekend_share"]["significant"] is True
    (none,) = report["breakdowns"]["channel"]
    assert none["metrics"]["weekend_share"]["n"] == 4

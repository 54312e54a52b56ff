"""Ticket KPIs of spec §4 on small hand-made datasets, every figure computed by hand.

The period is the ISO week 2026-01-05 (Mon) … 2026-01-12 (exclusive), UTC, as_of its end unless
a test says otherwise.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import ConfigError, Record, Status, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config

START, END = date(2026, 1, 5), date(2026, 1, 12)
AS_OF = datetime(2026, 1, 12, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ticket(id: str, created: str, **fields: Any) -> Ticket:
    for name, value in list(fields.items()):
        if name.endswith("_at") and isinstance(value, str):
            fields[name] = at(value)
    return Ticket(id=id, created_at=at(created), **fields)


def metrics(
    tmp_path: Path, records: list[Record], *, report: dict[str, Any] | None = None, **options: Any
) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        config = parse_config({"report": {"min_sample": 1, **(report or {})}}, None)
        options = {"start": START, "end": END, "as_of": AS_OF, **options}
        return build_report(store, config.report_settings(), **options).to_dict()["metrics"]


def test_volume_is_half_open_and_ignores_tombstones(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        [
            ticket("at-start", "2026-01-05 00:00"),
            ticket("last-instant", "2026-01-11 23:59:59.999999"),
            ticket("at-end", "2026-01-12 00:00"),
            ticket("before", "2026-01-04 23:59:59"),
            ticket("deleted", "2026-01-06 10:00", status=Status.DELETED),
            ticket("spam", "2026-01-06 10:00", status=Status.SPAM),
        ],
    )
    assert m["ticket_volume"] == {"value": 2, "unit": "count", "n": 2, "low_sample": False}


def test_first_response_time_skips_nulls_and_keeps_zero(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        [
            ticket("a", "2026-01-05 09:00", first_response_at="2026-01-05 10:00"),  # 3600
            ticket("b", "2026-01-06 09:00", first_response_at="2026-01-06 09:00"),  # 0
            ticket("c", "2026-01-07 09:00"),  # no response: null, not zero
            ticket("d", "2026-01-08 09:00", first_response_at="2026-01-08 11:30"),  # 9000
            ticket(
                "e", "2026-01-08 09:00", first_response_at="2026-01-09 09:00", status=Status.SPAM
            ),
            ticket("f", "2026-01-04 09:00", first_response_at="2026-01-05 09:00"),  # not created
        ],
    )
    frt = m["first_response_time"]
    # [0, 3600, 9000]: mean 4200; p90 at position 1.8 → 3600 + 0.8 × 5400
    assert frt == {
        "value": pytest.approx(4200),
        "unit": "seconds",
        "n": 3,
        "median": pytest.approx(3600),
        "p90": pytest.approx(7920),
        "low_sample": False,
    }


def test_durations_are_exact_to_the_microsecond(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        [ticket("a", "2026-01-05 09:00:00.250000", first_response_at="2026-01-05 09:00:01.000001")],
    )
    assert m["first_response_time"]["value"] == pytest.approx(0.750001, abs=1e-9)


RESOLVED = [
    # created before the period, resolved in it: 5 days
    ticket(
        "r1", "2026-01-01 00:00", resolved_at="2026-01-06 00:00", status=Status.SOLVED,
        agent_replies=1, handle_seconds=600,
    ),
    ticket(
        "r2", "2026-01-05 10:00", resolved_at="2026-01-05 12:00", status=Status.CLOSED,
        first_resolved_at="2026-01-05 11:00", agent_replies=0,
    ),
    # resolved_at in the period but reopened since: not in the resolved cohort
    ticket("r3", "2026-01-05 10:00", resolved_at="2026-01-07 00:00", status=Status.OPEN,
           agent_replies=1),
    # resolved exactly at the period end: outside
    ticket("r4", "2026-01-05 10:00", resolved_at="2026-01-12 00:00", status=Status.SOLVED,
           agent_replies=1),
    ticket(
        "r5", "2026-01-10 00:00", resolved_at="2026-01-11 00:00", status=Status.SOLVED,
        first_resolved_at="2026-01-10 06:00", agent_replies=3, reopens=1, handle_seconds=1200,
    ),
    ticket("r6", "2026-01-05 10:00", resolved_at="2026-01-06 00:00", status=Status.SPAM,
           agent_replies=1),
    ticket("r7", "2026-01-06 10:00", resolved_at="2026-01-06 11:00", status=Status.SOLVED),
]  # fmt: skip


def test_resolved_cohort_kpis(tmp_path: Path) -> None:
    m = metrics(tmp_path, RESOLVED)
    # r1 432000 s, r2 7200 s, r5 86400 s, r7 3600 s
    assert m["resolution_time"]["n"] == 4
    assert m["resolution_time"]["value"] == pytest.approx((432000 + 7200 + 86400 + 3600) / 4)
    assert m["resolution_time"]["median"] == pytest.approx((7200 + 86400) / 2)
    # sorted [3600, 7200, 86400, 432000], position 2.7 → 86400 + 0.7 × 345600
    assert m["resolution_time"]["p90"] == pytest.approx(328320)
    # first_resolved_at only on r2 (3600) and r5 (21600)
    fres = m["first_resolution_time"]
    assert (fres["n"], fres["value"], fres["median"]) == (2, 12600, 12600)
    assert fres["p90"] == pytest.approx(19800)
    # handle_seconds logged on r1 (600) and r5 (1200) only
    aht = m["handle_time"]
    assert (aht["n"], aht["value"], aht["median"], aht["p90"]) == (2, 900, 900, 1140)


def test_fcr_excludes_tickets_without_replies(tmp_path: Path) -> None:
    m = metrics(tmp_path, RESOLVED)
    # Denominator: r1 (1 reply, no reopen: success), r5 (3 replies, reopened); r2 (0 replies)
    # and r7 (replies unknown) are left out.
    fcr = m["first_contact_resolution"]
    assert (fcr["value"], fcr["n"]) == (50.0, 2)
    assert fcr["ci_low"] == pytest.approx(9.45, abs=0.01)
    assert fcr["ci_high"] == pytest.approx(90.55, abs=0.01)
    assert m["solved_without_reply"] == {"value": 1, "unit": "count", "n": 4, "low_sample": False}
    assert (m["reopen_rate"]["value"], m["reopen_rate"]["n"]) == (25.0, 4)
    # agent_replies 1, 0, 3 (r7 unknown): mean 4/3, median 1
    ipt = m["interactions_per_ticket"]
    assert ipt == {
        "value": pytest.approx(4 / 3),
        "unit": "replies",
        "n": 3,
        "median": 1,
        "low_sample": False,
    }


def test_escalation_and_resolution_rate(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        [
            ticket("e1", "2026-01-05 10:00", escalated=True, resolved_at="2026-01-06 00:00",
                   status=Status.SOLVED),
            ticket("e2", "2026-01-06 10:00", resolved_at="2026-01-12 00:00", status=Status.SOLVED),
            ticket("e3", "2026-01-07 10:00"),
            ticket("e4", "2026-01-08 10:00", resolved_at="2026-01-09 00:00", status=Status.CLOSED),
            # resolved in the period but created before it: no effect on the cohort rate
            ticket("e5", "2025-12-01 10:00", resolved_at="2026-01-09 00:00", status=Status.SOLVED),
        ],
    )  # fmt: skip
    assert (m["escalation_rate"]["value"], m["escalation_rate"]["n"]) == (25.0, 4)
    assert (m["resolution_rate"]["value"], m["resolution_rate"]["n"]) == (50.0, 4)


BACKLOG = [
    ticket("b1", "2026-01-11 00:00"),  # 24 h old at the end
    ticket("b2", "2026-01-08 00:00"),  # 96 h: overdue by age
    ticket("b3", "2026-01-09 00:00"),  # exactly 72 h: not older than 72 h
    ticket("b4", "2026-01-11 00:00", resolution_due_at="2026-01-11 12:00"),  # past its deadline
    ticket("b5", "2026-01-01 00:00", resolution_due_at="2026-01-20 00:00"),  # old, deadline ahead
    # resolved exactly at the end: still open at the end; 10 days old
    ticket("b6", "2026-01-02 00:00", resolved_at="2026-01-12 00:00", status=Status.SOLVED),
    ticket("b7", "2026-01-03 00:00", resolved_at="2026-01-11 00:00", status=Status.SOLVED),
    ticket("b8", "2026-01-12 00:00"),  # created at the end: not yet
    ticket("b9", "2026-01-03 00:00", status=Status.DELETED),
]


def test_backlog_and_overdue(tmp_path: Path) -> None:
    m = metrics(tmp_path, BACKLOG)
    assert m["backlog"] == {"value": 6, "unit": "count", "n": 6, "low_sample": False}
    assert m["backlog_overdue"] == {"value": 3, "unit": "count", "n": 6, "low_sample": False}


def test_backlog_overdue_age_comes_from_config(tmp_path: Path) -> None:
    m = metrics(tmp_path, BACKLOG, report={"backlog_overdue_hours": 24})
    # b1 is exactly 24 h old (not older); b2, b3, b4 (deadline) and b6 are overdue
    assert m["backlog_overdue"]["value"] == 4


SLA = [
    ticket("s1", "2026-01-05 09:00", first_response_due_at="2026-01-05 10:00",
           first_response_at="2026-01-05 09:30"),
    ticket("s2", "2026-01-05 09:00", first_response_due_at="2026-01-05 10:00",
           first_response_at="2026-01-05 10:00"),  # on the deadline: achieved
    ticket("s3", "2026-01-05 09:00", first_response_due_at="2026-01-05 10:00",
           first_response_at="2026-01-05 10:01"),
    ticket("s4", "2026-01-06 09:00", first_response_due_at="2026-01-06 10:00"),  # overdue
    ticket("s5", "2026-01-11 09:00", first_response_due_at="2026-01-12 00:00"),  # due at as_of
    ticket("s6", "2026-01-11 09:00", first_response_due_at="2026-01-13 00:00"),
    ticket("s7", "2026-01-11 09:00"),  # no SLA
    ticket("x1", "2026-01-05 09:00", resolution_due_at="2026-01-06 09:00",
           resolved_at="2026-01-06 08:00", status=Status.SOLVED),
    ticket("x2", "2026-01-05 09:00", resolution_due_at="2026-01-06 09:00",
           resolved_at="2026-01-07 08:00", status=Status.SOLVED),
    ticket("x3", "2026-01-05 09:00", resolution_due_at="2026-01-15 09:00"),
]  # fmt: skip


def test_sla_leaves_running_tickets_out(tmp_path: Path) -> None:
    m = metrics(tmp_path, SLA)
    # achieved s1, s2; breached s3, s4; running s5 (due == as_of), s6
    frs = m["sla_first_response"]
    assert (frs["value"], frs["n"]) == (50.0, 4)
    # achieved x1, breached x2, running x3
    res = m["sla_resolution"]
    assert (res["value"], res["n"]) == (50.0, 2)


def test_sla_as_of_later_turns_running_into_breached(tmp_path: Path) -> None:
    m = metrics(tmp_path, SLA, as_of=datetime(2026, 1, 20, tzinfo=UTC))
    frs = m["sla_first_response"]
    assert (frs["n"], frs["value"]) == (6, pytest.approx(100 * 2 / 6))
    res = m["sla_resolution"]
    assert (res["n"], res["value"]) == (3, pytest.approx(100 / 3))


def test_unreplied_is_judged_at_as_of(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        [
            ticket("u1", "2026-01-05 09:00"),
            ticket("u2", "2026-01-10 09:00", first_response_at="2026-01-13 09:00"),  # after as_of
            ticket("u3", "2026-01-05 09:00", first_response_at="2026-01-06 09:00"),
            ticket("u4", "2026-01-11 09:00", first_response_at="2026-01-12 00:00"),  # at as_of
        ],
    )
    assert m["unreplied_tickets"] == {"value": 2, "unit": "count", "n": 4, "low_sample": False}


def test_no_data_gives_null_not_zero(tmp_path: Path) -> None:
    m = metrics(tmp_path, [])
    assert m["ticket_volume"] == {"value": 0, "unit": "count", "n": 0, "low_sample": True}
    assert m["first_response_time"] == {
        "value": None,
        "unit": "seconds",
        "n": 0,
        "median": None,
        "p90": None,
        "low_sample": True,
    }
    assert m["escalation_rate"] == {
        "value": None,
        "unit": "percent",
        "n": 0,
        "ci_low": None,
        "ci_high": None,
        "low_sample": True,
    }
    for metric_id in ("csat", "nps", "ces", "customer_retention_rate", "resolution_rate"):
        assert m[metric_id]["value"] is None
        assert m[metric_id]["n"] == 0


def test_low_sample_flag_follows_min_sample(tmp_path: Path) -> None:
    m = metrics(tmp_path, RESOLVED, report={"min_sample": 3})
    assert m["resolution_time"]["low_sample"] is False  # n = 4
    assert m["first_contact_resolution"]["low_sample"] is True  # n = 2


def test_business_variants_need_a_schedule(tmp_path: Path) -> None:
    m = metrics(tmp_path, RESOLVED)
    assert "first_response_time_business" not in m
    assert "resolution_time_business" not in m
    assert list(m)[:3] == ["ticket_volume", "first_response_time", "unreplied_tickets"]


@pytest.mark.parametrize("hours", ["72", 0, -1, True])
def test_backlog_overdue_hours_must_be_a_positive_number(tmp_path: Path, hours: Any) -> None:
    with pytest.raises(ConfigError, match=r"report\.backlog_overdue_hours: must be a number"):
        metrics(tmp_path, [], report={"backlog_overdue_hours": hours})

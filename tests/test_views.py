"""The browsable views (schema V2): ticket_facts, survey_facts, daily_volume, on hand-made data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics import (
    Agent,
    Group,
    Organization,
    Status,
    Store,
    SurveyResponse,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config
from deskmetrics.store import SCHEMA_VERSION

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
H = timedelta(hours=1)
PAST = datetime(2026, 1, 6, tzinfo=UTC)  # deadlines long gone by "now"
FUTURE = datetime(2999, 1, 1, tzinfo=UTC)  # a deadline still running whenever the test runs


def csat(sid: str, ticket: str | None, score: float | None, at: datetime) -> SurveyResponse:
    return SurveyResponse(id=sid, ticket_id=ticket, kind="csat", score=score, scale_min=1,
                          scale_max=5, created_at=at)  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    records = [
        Group(id="g1", name="Billing"),
        Agent(id="a1", name="Ann Lee", group_id="g1"),
        Organization(id="o1", name="Acme"),
        # 1: replied after 1 h 0.5 s, solved after 2 h with one reply: FCR, SLA met.
        Ticket(id="1", created_at=AT, assignee_id="a1", group_id="g1", organization_id="o1",
               channel="email",
               status=Status.SOLVED, first_response_at=AT + H + timedelta(microseconds=500_000),
               first_resolved_at=AT + 2 * H, resolved_at=AT + 2 * H, agent_replies=1,
               first_response_due_at=AT + 4 * H, resolution_due_at=AT + 8 * H),
        # 2: replied late, solved twice (reopened once) the next day: not FCR, SLA breached.
        Ticket(id="2", created_at=AT, status=Status.CLOSED, channel="chat",
               first_response_at=AT + 5 * H, first_resolved_at=AT + 6 * H,
               resolved_at=AT + 30 * H, reopens=1, agent_replies=3, escalated=True,
               first_response_due_at=AT + 4 * H, resolution_due_at=AT + 24 * H),
        # 3: open, never answered; its first-response deadline passed (breached), its
        #    resolution deadline still running (null).
        Ticket(id="3", created_at=AT + 24 * H, status=Status.OPEN,
               first_response_due_at=PAST, resolution_due_at=FUTURE),
        # 4: solved without any reply: resolved, but outside FCR.
        Ticket(id="4", created_at=AT + 24 * H, status=Status.SOLVED, resolved_at=AT + 25 * H,
               agent_replies=0),
        # 5: spam, a tombstone: in no view.
        Ticket(id="5", created_at=AT, status=Status.SPAM),
        # CSAT: ticket 1 re-rated 2 → 5 (latest counts: satisfied), ticket 2 rated 3 (neutral:
        # not satisfied), a response without a ticket, one offered-only, one on the spam ticket.
        csat("s1", "1", 2, AT + 3 * H),
        csat("s2", "1", 5, AT + 4 * H),
        csat("s3", "2", 3, AT + 31 * H),
        csat("s4", None, 4, AT + 3 * H),
        csat("s5", "4", None, AT + 26 * H),
        csat("s6", "5", 5, AT + 3 * H),
        SurveyResponse(id="n1", ticket_id="1", kind="nps", score=9, scale_min=0, scale_max=10,
                       created_at=AT + 3 * H),
        SurveyResponse(id="n2", ticket_id="2", kind="nps", score=6, scale_min=0, scale_max=10,
                       created_at=AT + 31 * H),
    ]  # fmt: skip
    with Store(tmp_path / "x.db") as opened:
        opened.write(records, source="s")
        yield opened


def rows(store: Store, sql: str) -> list[tuple]:
    return [tuple(r) for r in store.conn.execute(sql).fetchall()]


def test_the_views_arrive_with_schema_2(store: Store) -> None:
    assert SCHEMA_VERSION == store.schema_version >= 2
    names = rows(store, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
    assert names == [("daily_volume",), ("survey_facts",), ("ticket_facts",)]


def test_ticket_facts(store: Store) -> None:
    assert rows(store, """
        SELECT id, agent_name, group_name, organization_name, first_response_seconds,
               resolution_seconds, first_resolution_seconds, replied, resolved, reopened,
               escalated, fcr, sla_first_response_met, sla_resolution_met
        FROM ticket_facts ORDER BY id""") == [
        ("1", "Ann Lee", "Billing", "Acme", 3600.5, 7200.0, 7200.0, 1, 1, 0, 0, 1, 1, 1),
        ("2", None, None, None, 18000.0, 108000.0, 21600.0, 1, 1, 1, 1, 0, 0, 0),
        ("3", None, None, None, None, None, None, 0, 0, 0, 0, None, 0, None),
        ("4", None, None, None, None, 3600.0, None, 0, 1, 0, 0, None, None, None),
    ]  # fmt: skip


def test_survey_facts_keep_each_tickets_latest_answer(store: Store) -> None:
    assert rows(store, """
        SELECT id, ticket_id, kind, score, agent_name, satisfied, promoter, detractor
        FROM survey_facts ORDER BY kind, id""") == [
        ("s2", "1", "csat", 5.0, "Ann Lee", 1, None, None),
        ("s3", "2", "csat", 3.0, None, 0, None, None),
        ("s4", None, "csat", 4.0, None, 1, None, None),
        ("n1", "1", "nps", 9.0, "Ann Lee", None, 1, 0),
        ("n2", "2", "nps", 6.0, None, None, 0, 1),
    ]  # fmt: skip


def test_daily_volume(store: Store) -> None:
    assert rows(store, "SELECT * FROM daily_volume ORDER BY day") == [
        ("s", "2026-01-05", 2, 1),  # tickets 1, 2 created (spam left out); 1 resolved
        ("s", "2026-01-06", 2, 2),  # tickets 3, 4 created; 2 and 4 resolved
    ]


def test_views_agree_with_the_report(store: Store) -> None:
    report = build_report(
        store, parse_config({}, None).report_settings(),
        start=date(2026, 1, 5), end=date(2026, 1, 12),
        as_of=datetime(2026, 1, 12, tzinfo=UTC),
    ).metrics  # fmt: skip
    fcr, frt, csat_share = rows(
        store,
        """
        SELECT (SELECT 100.0 * avg(fcr) FROM ticket_facts),
               (SELECT avg(first_response_seconds) FROM ticket_facts),
               (SELECT 100.0 * avg(satisfied) FROM survey_facts WHERE kind = 'csat')""",
    )[0]
    assert fcr == report["first_contact_resolution"].value == 50.0
    assert frt == report["first_response_time"].value == (3600.5 + 18000) / 2
    assert csat_share == pytest.approx(report["csat"].value) == pytest.approx(200 / 3)

"""Breakdowns (spec §8): keys and names, tags, nesting, survey attribution, filters, sources."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import (
    Agent,
    Channel,
    Customer,
    Filter,
    Group,
    Record,
    Status,
    Store,
    SurveyKind,
    SurveyResponse,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config

START, END = date(2026, 1, 5), date(2026, 1, 12)
AS_OF = datetime(2026, 1, 12, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ticket(id: str, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=at("2026-01-06 09:00"), **fields)


def csat(id: str, score: float, **fields: Any) -> SurveyResponse:
    return SurveyResponse(
        id=id, kind=SurveyKind.CSAT, score=score, created_at=at("2026-01-07 09:00"), **fields
    )


RECORDS: list[Record] = [
    Agent(id="a1", name="Ann Lee"),
    Agent(id="a2", name="Bo Chan"),
    Group(id="g1", name="Billing"),
    ticket("t1", assignee_id="a1", group_id="g1", channel=Channel.EMAIL, tags=["refund", "vip"],
           first_response_at=at("2026-01-06 10:00")),
    ticket("t2", assignee_id="a1", channel=Channel.CHAT, tags=["refund"],
           first_response_at=at("2026-01-06 12:00")),
    ticket("t3", assignee_id="a2", group_id="g1", channel=Channel.EMAIL),
    ticket("t4", assignee_id="a9"),  # an agent the store has no record of
    ticket("t5"),  # unassigned
    csat("c1", 5, ticket_id="t1"),  # attributed to t1's assignee, a1
    csat("c2", 1, ticket_id="t3", agent_id="a1"),  # the survey names its agent: a1, not a2
    csat("c3", 5, agent_id="a2"),  # no ticket
    Customer(id="k1", created_at=at("2025-01-01 00:00")),
]  # fmt: skip


def build(tmp_path: Path, records: list[Record] = RECORDS, **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        config = parse_config({"report": {"min_sample": 1}}, None)
        options = {"start": START, "end": END, "as_of": AS_OF, **options}
        return build_report(store, config.report_settings(), **options).to_dict()


def entries(report: dict[str, Any], dimension: str) -> list[tuple[Any, str, Any]]:
    return [
        (e["key"], e["label"], e["metrics"]["ticket_volume"]["value"])
        for e in report["breakdowns"][dimension]
    ]


def test_agent_breakdown_shows_names_and_falls_back_to_ids(tmp_path: Path) -> None:
    report = build(tmp_path, by=["agent"])
    assert entries(report, "agent") == [
        ("a9", "a9", 1),
        ("a1", "Ann Lee", 2),
        ("a2", "Bo Chan", 1),
        (None, "(none)", 1),
    ]
    ann = report["breakdowns"]["agent"][1]["metrics"]
    assert ann["first_response_time"]["value"] == pytest.approx(7200)  # 1 h and 3 h
    assert (ann["csat"]["value"], ann["csat"]["n"]) == (50.0, 2)  # c1 and c2
    bo = report["breakdowns"]["agent"][2]["metrics"]
    assert (bo["csat"]["value"], bo["csat"]["n"]) == (100.0, 1)  # c3, without a ticket
    # A key without rows for a metric gets that metric's empty value, never a missing field.
    assert report["breakdowns"]["agent"][0]["metrics"]["csat"]["value"] is None


def test_customer_metrics_only_break_down_by_source(tmp_path: Path) -> None:
    by_agent = build(tmp_path, by=["agent"])
    for entry in by_agent["breakdowns"]["agent"]:
        assert "customer_churn_rate" not in entry["metrics"]
    assert "customer_churn_rate" in by_agent["metrics"]
    by_source = build(tmp_path, by=["source"])
    (only,) = by_source["breakdowns"]["source"]
    assert (only["key"], only["label"]) == ("s", "s")
    assert only["metrics"]["customer_retention_rate"]["n"] == 1


def test_tag_breakdown_counts_a_ticket_under_each_tag(tmp_path: Path) -> None:
    report = build(tmp_path, by=["tag"])
    assert entries(report, "tag") == [
        ("refund", "refund", 2),
        ("vip", "vip", 1),
        (None, "(none)", 3),
    ]


def test_channel_and_group_breakdowns(tmp_path: Path) -> None:
    report = build(tmp_path, by=["channel"])
    assert entries(report, "channel") == [
        ("chat", "chat", 1),
        ("email", "email", 2),
        (None, "(none)", 2),
    ]
    report = build(tmp_path, by=["group"])
    assert entries(report, "group") == [("g1", "Billing", 2), (None, "(none)", 3)]


def test_nested_breakdown(tmp_path: Path) -> None:
    report = build(tmp_path, by=["group", "agent"])
    billing, no_group = report["breakdowns"]["group"]
    assert (billing["label"], billing["metrics"]["ticket_volume"]["value"]) == ("Billing", 2)
    agents = [
        (e["label"], e["metrics"]["ticket_volume"]["value"]) for e in billing["breakdowns"]["agent"]
    ]
    assert agents == [("Ann Lee", 1), ("Bo Chan", 1)]
    nested = {e["label"]: e["metrics"] for e in no_group["breakdowns"]["agent"]}
    assert list(nested) == ["a9", "Ann Lee", "Bo Chan", "(none)"]
    # Bo Chan has no ungrouped ticket, only the ticketless survey c3.
    assert nested["Bo Chan"]["ticket_volume"]["value"] == 0
    assert nested["Bo Chan"]["csat"]["n"] == 1


@pytest.mark.parametrize(
    ("filters", "volume"),
    [
        ([Filter("channel", "email")], 2),
        ([Filter("tag", "refund")], 2),
        ([Filter("agent", "Ann Lee")], 2),  # by name
        ([Filter("agent", "a1")], 2),  # or by id
        ([Filter("group", "Billing")], 2),
        ([Filter("channel", "email"), Filter("channel", "chat")], 3),  # same field: either
        ([Filter("channel", "email"), Filter("tag", "refund")], 1),  # different fields: both
        ([Filter("source", "s")], 5),
        ([Filter("source", "other")], 0),
    ],
)
def test_filters(tmp_path: Path, filters: list[Filter], volume: int) -> None:
    report = build(tmp_path, filters=filters)
    assert report["metrics"]["ticket_volume"]["value"] == volume


def test_filters_reach_surveys_through_their_ticket(tmp_path: Path) -> None:
    m = build(tmp_path, filters=[Filter("channel", "email")])["metrics"]
    # c1 (t1, 5) and c2 (t3, 1); c3 has no ticket, so no channel
    assert (m["csat"]["value"], m["csat"]["n"]) == (50.0, 2)
    # Customers have no channel: their metrics do not apply under this filter.
    assert "customer_retention_rate" not in m
    m = build(tmp_path, filters=[Filter("source", "s")])["metrics"]
    assert m["customer_retention_rate"]["n"] == 1


def test_filter_parsing() -> None:
    assert Filter.parse("channel=email") == Filter("channel", "email")
    assert Filter.parse("agent = Ann Lee") == Filter("agent", "Ann Lee")
    with pytest.raises(ValueError, match="FIELD=VALUE"):
        Filter.parse("channel")
    with pytest.raises(ValueError, match="unknown field 'colour'"):
        Filter.parse("colour=red")


def test_several_sources_keep_their_agents_apart(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write([Agent(id="a1", name="Zoe (zd)"), ticket("1", assignee_id="a1")], source="zd")
        store.write([Agent(id="a1", name="Finn (fd)"), ticket("1", assignee_id="a1"),
                     ticket("2", assignee_id="a1")], source="fd")  # fmt: skip
        config = parse_config({}, None)
        report = build_report(
            store, config.report_settings(), start=START, end=END, as_of=AS_OF, by=["agent"]
        )
        found = entries(report.to_dict(), "agent")
        assert found == [("fd/a1", "Finn (fd)", 2), ("zd/a1", "Zoe (zd)", 1)]
        one = build_report(
            store, config.report_settings(), start=START, end=END, as_of=AS_OF, by=["agent"],
            filters=[Filter("source", "zd")],
        )  # fmt: skip
        assert entries(one.to_dict(), "agent") == [("a1", "Zoe (zd)", 1)]


def test_unknown_dimension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown dimension 'colour'"):
        build(tmp_path, by=["colour"])


def test_survey_kpis_by_agent_probe_the_ticket_only_for_answers_without_an_agent(
    tmp_path: Path,
) -> None:
    # The agent key reads the ticket's assignee only when the answer names no agent, and the
    # tombstone test is the latest-responses table's own: no survey query joins every answer
    # to its ticket. An answer on a deleted ticket still counts for nobody.
    records = [
        *RECORDS,
        ticket("t6", assignee_id="a2", status=Status.DELETED),
        csat("c4", 1, ticket_id="t6", agent_id="a2"),
        csat("c5", 1, ticket_id="t6"),
    ]
    statements: list[str] = []
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        store.conn.set_trace_callback(statements.append)
        config = parse_config({"report": {"min_sample": 1}}, None)
        report = build_report(store, config.report_settings(), start=START, end=END,
                              as_of=AS_OF, by=["agent"]).to_dict()  # fmt: skip
        store.conn.set_trace_callback(None)
    agents = {e["key"]: e["metrics"]["csat"] for e in report["breakdowns"]["agent"]}
    assert (agents["a1"]["value"], agents["a1"]["n"]) == (50.0, 2)  # c1 (t1's assignee), c2
    assert (agents["a2"]["value"], agents["a2"]["n"]) == (100.0, 1)  # c3; not c4 (deleted)
    survey_queries = [sql for sql in statements if "dm_latest_csat" in sql and "p.k" in sql]
    assert survey_queries
    assert not any("JOIN tickets t ON" in sql for sql in survey_queries)
    by_channel = build(tmp_path / "c", records, by=["channel"])  # the channel is the ticket's
    channels = {e["key"]: e["metrics"]["csat"]["n"] for e in by_channel["breakdowns"]["channel"]}
    assert channels == {"email": 2, "chat": 0, None: 1}  # c1, c2 on email tickets; c3

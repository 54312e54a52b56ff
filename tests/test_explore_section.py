"""The explore plugin's "Workload and arrivals" section (issue #18 items 6 and 7): weekday × hour
grid in the report time zone, first response and backlog-age buckets, the agent workload table,
and how every reporter shows them. Every count below is worked out by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from deskmetrics import (
    Agent,
    AuthorRole,
    Interaction,
    Record,
    Report,
    Status,
    Store,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry

HOURS = [f"{hour:02d}:00" for hour in range(24)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def build(tmp_path: Path, records: list[Record], **options: Any) -> Report:
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        options = {"start": date(2026, 1, 5), "end": date(2026, 1, 12), **options}
        return build_report(store, settings, as_of=at("2026-01-12 00:00"), **options)


def tables(report: Report) -> dict[str, dict[str, Any]]:
    [section] = [s for s in report.to_dict()["sections"] if s["id"] == "explore"]
    return {table["title"].split(" (")[0]: table for table in section["tables"]}


def grid(report: Report) -> dict[tuple[str, str], int]:
    table = tables(report)["Created tickets by weekday and hour"]
    days = table["columns"][1:]
    cells = (
        (row[0], day, n) for row in table["rows"] for day, n in zip(days, row[1:], strict=True)
    )
    return {(hour, day): n for hour, day, n in cells if n}


def test_weekday_hour_grid_in_the_report_time_zone(tmp_path: Path) -> None:
    report = build(
        tmp_path,
        [
            # Sunday 23:30 UTC is Monday 00:30 in Berlin (inside the Berlin week)
            Ticket(id="1", created_at=at("2026-01-04 23:30")),
            Ticket(id="2", created_at=at("2026-01-05 08:59:59")),  # Mon 09:59 Berlin
            Ticket(id="3", created_at=at("2026-01-05 09:00")),  # Mon 10:00 Berlin
            Ticket(id="4", created_at=at("2026-01-05 09:14")),  # same local hour
            Ticket(id="5", created_at=at("2026-01-11 22:59")),  # Sun 23:59 Berlin, last hour
            Ticket(id="6", created_at=at("2026-01-11 23:00")),  # Mon 00:00 Berlin: period end
            Ticket(id="7", created_at=at("2026-01-07 12:00"), status=Status.SPAM),
        ],
        timezone="Europe/Berlin",
    )
    assert grid(report) == {
        ("00:00", "Mon"): 1, ("09:00", "Mon"): 1, ("10:00", "Mon"): 2, ("23:00", "Sun"): 1,
    }  # fmt: skip
    table = tables(report)["Created tickets by weekday and hour"]
    assert table["title"] == "Created tickets by weekday and hour (Europe/Berlin)"
    assert table["heatmap"] is True
    assert [row[0] for row in table["rows"]] == HOURS
    days = {row[0]: row[1:] for row in tables(report)["Created tickets by weekday"]["rows"]}
    assert days["Mon"] == [4, 80.0] and days["Sun"] == [1, 20.0] and days["Tue"] == [0, 0.0]


def test_quarter_hour_offsets_and_dst_changes(tmp_path: Path) -> None:
    # Kathmandu is UTC+05:45: 03:10 UTC is 08:55 local, 03:20 UTC is 09:05 local.
    kathmandu = build(
        tmp_path,
        [
            Ticket(id="1", created_at=at("2026-01-05 03:10")),
            Ticket(id="2", created_at=at("2026-01-05 03:20")),
        ],
        timezone="Asia/Kathmandu",
    )
    assert grid(kathmandu) == {("08:00", "Mon"): 1, ("09:00", "Mon"): 1}
    # Berlin moves to summer time at 01:00 UTC on Sunday 2026-03-29.
    (tmp_path / "dst").mkdir()
    dst = build(
        tmp_path / "dst",
        [
            Ticket(id="1", created_at=at("2026-03-29 00:30")),  # 01:30 CET
            Ticket(id="2", created_at=at("2026-03-29 01:30")),  # 03:30 CEST
        ],
        timezone="Europe/Berlin", start=date(2026, 3, 23), end=date(2026, 3, 30),
    )  # fmt: skip
    assert grid(dst) == {("01:00", "Sun"): 1, ("03:00", "Sun"): 1}


def test_first_response_buckets_include_their_lower_bound(tmp_path: Path) -> None:
    created = "2026-01-06 00:00"
    replies = [
        "2026-01-06 00:00",  # 0 s: < 1 h
        "2026-01-06 00:59:59.999999",  # < 1 h
        "2026-01-06 01:00",  # exactly 1 h: 1–4 h
        "2026-01-06 04:00",  # exactly 4 h: 4–8 h
        "2026-01-06 23:59:59",  # 8–24 h
        "2026-01-07 00:00",  # exactly 24 h: > 24 h
    ]
    records: list[Record] = [
        Ticket(id=str(i), created_at=at(created), first_response_at=at(reply))
        for i, reply in enumerate(replies)
    ]
    records.append(Ticket(id="unreplied", created_at=at(created)))
    records.append(Ticket(id="old", created_at=at("2026-01-01 00:00"),
                          first_response_at=at("2026-01-06 00:00")))  # fmt: skip
    rows = tables(build(tmp_path, records))["First response time distribution"]["rows"]
    assert rows == [
        ["< 1 h", 2, 33.3, 33.3], ["1–4 h", 1, 16.7, 50.0], ["4–8 h", 1, 16.7, 66.7],
        ["8–24 h", 1, 16.7, 83.3], ["> 24 h", 1, 16.7, 100.0],
    ]  # fmt: skip


def test_the_grid_and_the_buckets_come_from_one_read_of_the_created_cohort(
    tmp_path: Path,
) -> None:
    records: list[Record] = [
        Ticket(id="a", created_at=at("2026-01-06 09:10"), first_response_at=at("2026-01-06 09:40")),
        Ticket(id="b", created_at=at("2026-01-06 09:50"), first_response_at=at("2026-01-06 12:00")),
        Ticket(id="d", created_at=at("2026-01-07 15:05")),
    ]  # fmt: skip
    with Store(tmp_path / "x.db") as store:
        store.write(records, source="s")
        report = build_report(store, start=date(2026, 1, 5), end=date(2026, 1, 12),
                              as_of=at("2026-01-12 00:00"))  # fmt: skip
        section = next(s for s in get_registry().report_sections.values() if s.name == "explore")
        statements: list[str] = []
        store.conn.set_trace_callback(statements.append)
        built = section.build(store, report)
        store.conn.set_trace_callback(None)
    assert built is not None
    created_reads = [sql for sql in statements if "t.created_at >= p.lo" in sql]
    assert len(created_reads) == 1
    by_title = {table.title.split(" (")[0]: table.rows for table in built.tables}
    assert by_title["First response time distribution"] == [
        ["< 1 h", 1, 50.0, 50.0], ["1–4 h", 1, 50.0, 100.0], ["4–8 h", 0, 0.0, 100.0],
        ["8–24 h", 0, 0.0, 100.0], ["> 24 h", 0, 0.0, 100.0],
    ]  # fmt: skip
    assert by_title["Created tickets by weekday"][:3] == [
        ["Mon", 0, 0.0], ["Tue", 2, 66.7], ["Wed", 1, 33.3],
    ]  # fmt: skip


def test_backlog_by_age_at_the_period_end(tmp_path: Path) -> None:
    end = "2026-01-12 00:00"
    records: list[Record] = [
        Ticket(id="half-day", created_at=at("2026-01-11 12:00")),  # 0–1 d
        Ticket(id="one-day", created_at=at("2026-01-11 00:00")),  # exactly 1 d: 1–3 d
        Ticket(id="six-days", created_at=at("2026-01-06 00:00")),  # 3–7 d
        Ticket(id="29-days", created_at=at("2025-12-14 00:00")),  # 7–30 d
        Ticket(id="30-days", created_at=at("2025-12-13 00:00")),  # exactly 30 d: > 30 d
        # resolved after the end: still in the backlog at the end (3–7 d)
        Ticket(id="later", created_at=at("2026-01-08 00:00"), resolved_at=at("2026-01-13 00:00"),
               status=Status.SOLVED),
        # resolved before the end, created after it, or a tombstone: not in the backlog
        Ticket(id="done", created_at=at("2026-01-08 00:00"), resolved_at=at("2026-01-09 00:00"),
               status=Status.SOLVED),
        Ticket(id="future", created_at=at(end)),
        Ticket(id="spam", created_at=at("2026-01-08 00:00"), status=Status.SPAM),
    ]  # fmt: skip
    report = build(tmp_path, records)
    rows = tables(report)["Backlog by age at period end"]["rows"]
    assert [row[:2] for row in rows] == [
        ["0–1 d", 1], ["1–3 d", 1], ["3–7 d", 2], ["7–30 d", 1], ["> 30 d", 1],
    ]  # fmt: skip
    assert report.metrics["backlog"].value == 6  # the buckets add up to the backlog KPI


def reply(id: str, ticket: str, when: str, author: str, role: str = "agent", **more: Any) -> Any:
    return Interaction(
        id=id, ticket_id=ticket, author_id=author, author_role=AuthorRole(role),
        created_at=at(when), **more,
    )  # fmt: skip


WORKLOAD: list[Record] = [
    Agent(id="x", name="Xena"),
    Agent(id="y", name="=HYPERLINK(1)"),
    # Xena solves A (Mon) and C (Wed) for requesters r1, r2 and writes 3 replies on A (Mon)
    # and 1 on C (Wed): 2 working days.
    Ticket(id="A", created_at=at("2026-01-05 09:00"), resolved_at=at("2026-01-05 15:00"),
           status=Status.SOLVED, assignee_id="x", requester_id="r1"),
    reply("a0", "A", "2026-01-05 09:00", "r1", "customer"),
    reply("a1", "A", "2026-01-05 10:00", "x"),
    reply("a2", "A", "2026-01-05 13:00", "x"),
    reply("a3", "A", "2026-01-05 13:10", "x"),
    reply("a4", "A", "2026-01-05 12:00", "x", public=False),  # a private note: not a reply
    Ticket(id="C", created_at=at("2026-01-07 09:00"), resolved_at=at("2026-01-07 10:00"),
           status=Status.SOLVED, assignee_id="x", requester_id="r2"),
    reply("c0", "C", "2026-01-07 09:00", "r2", "customer"),
    reply("c1", "C", "2026-01-07 09:20", "x"),
    # Y opened B itself (an outbound opening: not a reply), replied Tue, Xena helped on Wed
    # (counted for Xena), Y solved it on Wed; Y also solved G on Fri with one reply.
    Ticket(id="B", created_at=at("2026-01-06 09:00"), resolved_at=at("2026-01-07 12:00"),
           status=Status.SOLVED, assignee_id="y", requester_id="r1"),
    reply("b0", "B", "2026-01-06 09:00", "y"),
    reply("b1", "B", "2026-01-06 10:00", "r1", "customer"),
    reply("b2", "B", "2026-01-06 10:30", "y"),
    reply("b3", "B", "2026-01-07 09:00", "x"),
    reply("b4", "B", "2026-01-08 09:00", "y"),  # after the resolution: not counted
    Ticket(id="G", created_at=at("2026-01-09 09:00"), resolved_at=at("2026-01-09 12:00"),
           status=Status.SOLVED, assignee_id="y", requester_id="r1"),
    reply("g0", "G", "2026-01-09 09:00", "r1", "customer"),
    reply("g1", "G", "2026-01-09 12:00", "y"),  # at the resolution: counted
    # Unassigned, and unresolved tickets: in no agent's row.
    Ticket(id="D", created_at=at("2026-01-07 09:00"), resolved_at=at("2026-01-07 10:00"),
           status=Status.SOLVED),
    Ticket(id="F", created_at=at("2026-01-08 09:00"), assignee_id="y"),
    reply("f1", "F", "2026-01-08 09:05", "y"),
]  # fmt: skip


def test_agent_workload_table(tmp_path: Path) -> None:
    table = tables(build(tmp_path, WORKLOAD, by=["agent"]))["Agent workload"]
    assert table["columns"] == [
        "agent", "tickets solved", "replies", "working days", "solved per working day",
        "replies per working day", "customers helped",
    ]  # fmt: skip
    assert table["rows"] == [
        ["Xena", 2, 5, 2, 1.0, 2.5, 2],
        # solved B (Wed) and G (Fri), replies Tue and Fri: 3 working days
        ["=HYPERLINK(1)", 2, 2, 3, 0.67, 0.67, 1],
    ]


def test_agent_names_appear_only_with_the_agent_breakdown(tmp_path: Path) -> None:
    report = build(tmp_path, WORKLOAD)
    assert "Agent workload" not in tables(report)
    assert "Xena" not in json.dumps(report.to_dict())


def test_every_reporter_shows_the_section_and_html_shades_the_grid(tmp_path: Path) -> None:
    report = build(tmp_path, WORKLOAD, by=["agent"])
    reporters = get_registry().reporters
    rendered = {name: reporters[name]().render(report) for name in reporters}
    for name in ("table", "markdown", "html"):
        assert "Workload and arrivals" in rendered[name], name
        assert "Backlog by age at period end" in rendered[name], name
    # Wednesday 09:00 (C and D) is the grid's largest count, 2: full colour; a 1 is half.
    assert 'class="heat" style="background: rgba(37, 99, 235, 1.00)">2<' in rendered["html"]
    assert 'class="heat" style="background: rgba(37, 99, 235, 0.50)">1<' in rendered["html"]
    rows = list(csv.DictReader(io.StringIO(rendered["csv"])))
    cells = [r for r in rows if r["scope"] == "section" and r["key"].startswith("Agent workload")]
    assert {r["value"] for r in cells if r["metric"] == "agent"} == {"Xena", "'=HYPERLINK(1)"}


def test_no_section_without_the_explore_metrics(tmp_path: Path) -> None:
    from deskmetrics.metrics.builtin import ticket_volume

    report = build(tmp_path, WORKLOAD, metrics={"ticket_volume": ticket_volume})
    assert "sections" not in report.to_dict()


def test_nested_agent_breakdown_also_shows_the_agent_table(tmp_path: Path) -> None:
    report = build(tmp_path, WORKLOAD, by=["channel", "agent"])
    assert "Agent workload" in tables(report)


def test_filters_apply_to_every_table(tmp_path: Path) -> None:
    from deskmetrics import Channel, Filter

    records: list[Record] = [
        Ticket(id="chat", created_at=at("2026-01-05 09:00"), channel=Channel.CHAT,
               first_response_at=at("2026-01-05 09:10")),
        Ticket(id="mail", created_at=at("2026-01-05 09:00"), channel=Channel.EMAIL,
               first_response_at=at("2026-01-05 12:00")),
        Ticket(id="open-mail", created_at=at("2026-01-01 09:00"), channel=Channel.EMAIL),
    ]  # fmt: skip
    report = build(tmp_path, records, filters=(Filter("channel", "email"),))
    assert grid(report) == {("09:00", "Mon"): 1}
    frt = tables(report)["First response time distribution"]["rows"]
    assert [row[1] for row in frt] == [0, 1, 0, 0, 0]
    backlog = tables(report)["Backlog by age at period end"]["rows"]
    # mail (6.6 days old at the end, never resolved) and open-mail (10.6 days); chat filtered out
    assert [row[1] for row in backlog] == [0, 0, 1, 1, 0]


def test_two_sources_keep_agents_and_customers_apart(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        for source in ("eu", "us"):
            store.write([
                Agent(id="x", name="Xena"),
                Ticket(id="1", created_at=at("2026-01-05 09:00"), status=Status.SOLVED,
                       resolved_at=at("2026-01-05 10:00"), assignee_id="x", requester_id="r1"),
            ], source=source)  # fmt: skip
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        report = build_report(
            store, settings, start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=at("2026-01-12 00:00"), by=["agent"],
        )  # fmt: skip
    # the same requester id in two helpdesks is two customers
    assert report.metrics["customers_helped"].value == 2
    rows = tables(report)["Agent workload"]["rows"]
    assert [row[:2] for row in rows] == [["eu/Xena", 1], ["us/Xena", 1]]


def test_an_empty_period_has_no_section(tmp_path: Path) -> None:
    # created after the period and resolved: nothing created, replied or open in it
    later = Ticket(id="1", created_at=at("2026-02-01 09:00"), status=Status.SOLVED,
                   resolved_at=at("2026-02-01 10:00"))  # fmt: skip
    assert "sections" not in build(tmp_path, [later]).to_dict()

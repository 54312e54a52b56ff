"""Every-reply and touch KPIs of the explore plugin (issue #18 items 3, 4, 6) on a hand-built
week of tickets and their stored interactions, every figure worked out by hand below.

Period: 2026-01-05 (Mon) … 2026-01-12 (exclusive), UTC. Interactions: (kind, time, author)
with kind c = public customer message, a = public agent message, n = private agent note.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import (
    Agent,
    AuthorRole,
    Interaction,
    Record,
    Schedule,
    Status,
    Store,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config

OFFICE = Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ()))
"""Monday to Friday, 09:00–17:00 UTC."""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def conversation(ticket: str, *messages: tuple[str, str, str | None]) -> list[Interaction]:
    found = []
    for i, (kind, when, author) in enumerate(messages):
        role = AuthorRole.CUSTOMER if kind == "c" else AuthorRole.AGENT
        found.append(
            Interaction(
                id=f"{ticket}-{i}", ticket_id=ticket, author_id=author, author_role=role,
                public=kind != "n", created_at=at(when),
            )
        )  # fmt: skip
    return found


def solved(id: str, created: str, resolved: str, **fields: Any) -> Ticket:
    first = fields.pop("first_resolved_at", None)
    return Ticket(
        id=id, created_at=at(created), resolved_at=at(resolved), status=Status.SOLVED,
        first_resolved_at=at(first) if first else None, **fields,
    )  # fmt: skip


RECORDS: list[Record] = [
    Agent(id="x", name="Xena"),
    Agent(id="y", name="Yuri"),
    # A: two customer turns (the second of two messages, timed from the first), a follow-up
    # that answers nothing, a private note; 3 touches before the solve.
    solved("A", "2026-01-05 09:00", "2026-01-05 15:00", assignee_id="x", requester_id="r1"),
    *conversation(
        "A",
        ("c", "2026-01-05 09:00", "r1"),
        ("a", "2026-01-05 10:00", "x"),  # 3600
        ("c", "2026-01-05 11:00", "r1"),
        ("c", "2026-01-05 11:30", "r1"),
        ("n", "2026-01-05 12:00", "x"),
        ("a", "2026-01-05 13:00", "x"),  # 7200
        ("a", "2026-01-05 13:10", "x"),
    ),
    # B: outbound (agent-written opening, not a reply), solved, reopened, solved again.
    solved(
        "B",
        "2026-01-06 09:00",
        "2026-01-07 12:00",
        first_resolved_at="2026-01-06 11:00",
        reopens=1,
        assignee_id="y",
        requester_id="r1",
    ),
    *conversation(
        "B",
        ("a", "2026-01-06 09:00", "y"),
        ("c", "2026-01-06 10:00", "r1"),
        ("a", "2026-01-06 10:30", "y"),  # 1800
        ("c", "2026-01-06 15:00", "r1"),
        ("a", "2026-01-07 09:00", "y"),  # 64800 (7200 business)
    ),
    # C: one touch, never reopened.
    solved("C", "2026-01-07 09:00", "2026-01-07 10:00", assignee_id="x", requester_id="r2"),
    *conversation("C", ("c", "2026-01-07 09:00", "r2"), ("a", "2026-01-07 09:20", "x")),  # 1200
    # D: resolved without stored interactions: no reply data, left out (not zero replies).
    solved("D", "2026-01-07 09:00", "2026-01-07 10:00"),
    # E: solved without any agent reply: 0 replies to resolve, not in the touch rates.
    solved("E", "2026-01-08 09:00", "2026-01-08 10:00", requester_id="r3"),
    *conversation("E", ("c", "2026-01-08 09:00", "r3")),
    # F: not resolved: outside the resolved cohort.
    Ticket(id="F", created_at=at("2026-01-08 09:00")),
    *conversation("F", ("c", "2026-01-08 09:00", "r4"), ("a", "2026-01-08 09:05", "x")),
    # G: two touches, the second exactly at the solve (counts: at or before).
    solved("G", "2026-01-09 09:00", "2026-01-09 12:00", assignee_id="y", requester_id="r2"),
    *conversation(
        "G",
        ("c", "2026-01-09 09:00", "r2"),
        ("a", "2026-01-09 09:30", "y"),  # 1800
        ("c", "2026-01-09 10:00", "r2"),
        ("a", "2026-01-09 12:00", "y"),  # 7200
    ),
    # H: spam with a conversation: a tombstone, excluded everywhere.
    Ticket(
        id="H",
        created_at=at("2026-01-09 09:00"),
        resolved_at=at("2026-01-09 10:00"),
        status=Status.SPAM,
    ),
    *conversation("H", ("c", "2026-01-09 09:00", "r5"), ("a", "2026-01-09 09:01", "x")),
]


def report(tmp_path: Path, **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(RECORDS, source="s")
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        options = {"start": date(2026, 1, 5), "end": date(2026, 1, 12), **options}
        return build_report(store, settings, as_of=at("2026-01-12 00:00"), **options).to_dict()


def test_reply_time_counts_every_answered_customer_turn(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # [1200, 1800, 1800, 3600, 7200, 7200, 64800]; p90 at position 5.4 → 7200 + 0.4 × 57600
    assert m["reply_time"] == {
        "value": pytest.approx(87600 / 7), "unit": "seconds", "n": 7,
        "median": pytest.approx(3600), "p90": pytest.approx(30240), "low_sample": False,
    }  # fmt: skip


def test_next_reply_time_leaves_out_each_tickets_first_reply(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A 7200, B 64800, G 7200 (C has no second turn); p90 at 1.8 → 7200 + 0.8 × 57600
    nrt = m["next_reply_time"]
    assert (nrt["n"], nrt["value"], nrt["median"]) == (3, pytest.approx(26400), 7200)
    assert nrt["p90"] == pytest.approx(53280)


def test_reply_time_per_ticket_averages_within_each_ticket_first(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A 5400, B 33300, C 1200, G 4500; p90 at 2.7 → 5400 + 0.7 × 27900
    per = m["reply_time_per_ticket"]
    assert (per["n"], per["value"], per["median"]) == (4, 11100, 4950)
    assert per["p90"] == pytest.approx(24930)


def test_replies_to_resolve_counts_zero_but_not_unknown(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # A 3, B 2 (the opening is not a reply), C 1, E 0, G 2; D has no interactions
    assert m["replies_to_resolve"] == {
        "value": pytest.approx(1.6), "unit": "replies", "n": 5, "median": 2, "low_sample": False,
    }  # fmt: skip


def test_one_and_two_touch_resolution(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    # Among A (3 touches), B (1 touch before its first solve, but reopened), C (1), G (2):
    # one-touch C, two-touch G. E (no touch) and D (no interactions) are left out.
    for metric in ("one_touch_resolution", "two_touch_resolution"):
        assert (m[metric]["value"], m[metric]["n"]) == (25.0, 4)
        assert m[metric]["ci_low"] == pytest.approx(4.5587, abs=1e-3)
        assert m[metric]["ci_high"] == pytest.approx(69.9358, abs=1e-3)


def test_workload_counts(tmp_path: Path) -> None:
    m = report(tmp_path)["metrics"]
    assert m["tickets_solved"] == {"value": 6, "unit": "count", "n": 6, "low_sample": False}
    # requesters r1 (A, B), r2 (C, G), r3 (E); D has none
    assert m["customers_helped"] == {"value": 3, "unit": "count", "n": 5, "low_sample": False}


def test_scorecard_is_the_agent_breakdown(tmp_path: Path) -> None:
    rows = {e["label"]: e["metrics"] for e in report(tmp_path, by=["agent"])["breakdowns"]["agent"]}
    xena, yuri = rows["Xena"], rows["Yuri"]
    assert (xena["one_touch_resolution"]["value"], xena["one_touch_resolution"]["n"]) == (50.0, 2)
    assert xena["one_touch_resolution"]["ci_low"] == pytest.approx(9.4531, abs=1e-3)
    assert (yuri["two_touch_resolution"]["value"], yuri["one_touch_resolution"]["value"]) == (
        50.0,
        0.0,
    )
    # Xena: A 3600, 7200 and C 1200; Yuri: B 1800, 64800 and G 1800, 7200
    assert (xena["reply_time"]["n"], xena["reply_time"]["value"]) == (3, 4000)
    assert (yuri["reply_time"]["n"], yuri["reply_time"]["value"]) == (4, 18900)
    assert (xena["customers_helped"]["value"], yuri["customers_helped"]["value"]) == (2, 2)
    assert (xena["tickets_solved"]["value"], yuri["tickets_solved"]["value"]) == (2, 2)


def test_series_buckets_add_up(tmp_path: Path) -> None:
    data = report(tmp_path, grain="day")
    buckets = {b["start"][:10]: b["metrics"] for b in data["series"]["buckets"]}
    # Monday: A only (3600, 7200); Wednesday: B (resolved Wed) and C
    assert buckets["2026-01-05"]["reply_time"]["n"] == 2
    assert buckets["2026-01-07"]["reply_time"]["value"] == pytest.approx((1800 + 64800 + 1200) / 3)
    assert buckets["2026-01-10"]["reply_time"]["n"] == 0
    assert data["metrics"]["reply_time"]["n"] == 7


def test_business_hours_variants(tmp_path: Path) -> None:
    m = report(tmp_path, schedule=OFFICE)["metrics"]
    # B's Tue 15:00 → Wed 09:00 wait is 2 working hours; every other wait is inside hours
    assert m["reply_time_business"]["n"] == 7
    assert m["reply_time_business"]["value"] == pytest.approx(30000 / 7)
    assert m["next_reply_time_business"]["value"] == pytest.approx((7200 * 3) / 3)
    # per ticket: A 5400, B (1800 + 7200) / 2, C 1200, G 4500
    per = m["reply_time_per_ticket_business"]
    assert (per["value"], per["median"]) == (pytest.approx(3900), pytest.approx(4500))
    assert "reply_time_business" not in report(tmp_path)["metrics"]


def test_tickets_without_interactions_give_empty_values(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write([solved("D", "2026-01-07 09:00", "2026-01-07 10:00")], source="s")
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        m = build_report(
            store, settings, start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=at("2026-01-12 00:00"),
        ).to_dict()["metrics"]  # fmt: skip
    assert m["reply_time"] == {
        "value": None, "unit": "seconds", "n": 0, "median": None, "p90": None, "low_sample": True,
    }  # fmt: skip
    assert m["one_touch_resolution"]["value"] is None
    assert m["one_touch_resolution"]["n"] == 0
    assert m["customers_helped"]["value"] == 0


def test_listable_kpis_list_exactly_their_tickets(tmp_path: Path) -> None:
    from deskmetrics import list_members
    from deskmetrics.plugin.registry import get_registry

    settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
    period = {"start": date(2026, 1, 5), "end": date(2026, 1, 12), "as_of": at("2026-01-12")}
    with Store(tmp_path / "x.db") as store:
        store.write(RECORDS, source="s")
        listed = {
            mid: list_members(store, mid, settings, **period)  # type: ignore[arg-type]
            for mid in ("one_touch_resolution", "two_touch_resolution", "replies_to_resolve",
                        "customers_helped", "tickets_solved")
        }  # fmt: skip
        by_agent = list_members(store, "one_touch_resolution", settings, key=[("agent", "Xena")],
                                **period)  # type: ignore[arg-type]  # fmt: skip
    ids = {mid: sorted(m.id for m in found.members) for mid, found in listed.items()}
    assert ids["one_touch_resolution"] == ["A", "B", "C", "G"]  # n = 4 tickets with a touch
    assert [m.id for m in listed["one_touch_resolution"].members if m.met] == ["C"]
    assert [m.id for m in listed["two_touch_resolution"].members if m.met] == ["G"]
    replies = {m.id: m.value for m in listed["replies_to_resolve"].members}
    assert replies == {"A": 3, "B": 2, "C": 1, "E": 0, "G": 2}  # D has no interactions
    assert ids["customers_helped"] == ["A", "B", "C", "E", "G"]  # n: those with a requester
    assert ids["tickets_solved"] == ["A", "B", "C", "D", "E", "G"]
    assert sorted(m.id for m in by_agent.members) == ["A", "C"]
    # Reply times count customer turns, not tickets: they do not claim a ticket list.
    metrics = get_registry().metrics
    assert not any(metrics[mid].can_list_members for mid in ("reply_time", "next_reply_time",
                                                             "reply_time_per_ticket"))  # fmt: skip

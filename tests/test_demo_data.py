"""The seeded synthetic helpdesk: deterministic, valid, realistic, streaming, usable as files."""

from __future__ import annotations

import csv
import re
import statistics
import tomllib
import tracemalloc
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest

from deskmetrics.config.loading import load_config
from deskmetrics.demo.data import (
    CSV_COLUMNS,
    DemoSpec,
    current_week_start,
    demo_records,
    write_demo_config,
    write_demo_csv,
)
from deskmetrics.models import (
    RESOLVED_STATUSES,
    TOMBSTONE_STATUSES,
    Agent,
    AuthorRole,
    Channel,
    Customer,
    Group,
    Interaction,
    Organization,
    Priority,
    Record,
    Status,
    SurveyKind,
    SurveyResponse,
    Ticket,
)
from deskmetrics.store import Store

END = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
SPEC = DemoSpec(end=END)
START = END - timedelta(weeks=SPEC.weeks)
SMALL = DemoSpec(tickets=400, end=END)

R = TypeVar("R", bound=Record)


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(demo_records(SPEC))


@pytest.fixture(scope="module")
def tickets(records: list[Record]) -> list[Ticket]:
    return [r for r in records if isinstance(r, Ticket)]


@pytest.fixture(scope="module")
def live(tickets: list[Ticket]) -> list[Ticket]:
    """Tickets every KPI counts (tombstones excluded)."""
    return [t for t in tickets if t.status not in TOMBSTONE_STATUSES]


@pytest.fixture(scope="module")
def resolved(live: list[Ticket]) -> list[Ticket]:
    return [t for t in live if t.status in RESOLVED_STATUSES]


def of_type(records: list[Record], model: type[R]) -> list[R]:
    return [r for r in records if isinstance(r, model)]


def share(part: int, whole: int) -> float:
    return 100 * part / whole


def hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


# -- spec, determinism, counts ---------------------------------------------------------------


def test_same_spec_gives_identical_records_and_another_seed_differs() -> None:
    first = [r.model_dump() for r in demo_records(SMALL)]
    again = [r.model_dump() for r in demo_records(SMALL)]
    other = [r.model_dump() for r in demo_records(DemoSpec(tickets=400, end=END, seed=7))]
    assert first == again
    assert len(first) > 1900
    assert first != other
    assert [r["created_at"] for r in first if "status" in r] != [
        r["created_at"] for r in other if "status" in r
    ]


def test_switching_off_interactions_and_surveys_keeps_the_same_tickets() -> None:
    full = [r for r in demo_records(SMALL) if isinstance(r, Ticket)]
    bare = list(demo_records(DemoSpec(tickets=400, end=END, interactions=False, surveys=False)))
    assert not any(isinstance(r, Interaction | SurveyResponse) for r in bare)
    assert [r for r in bare if isinstance(r, Ticket)] == full


def test_end_defaults_to_monday_midnight_utc_of_the_current_week() -> None:
    start, end = DemoSpec().window()
    now = datetime.now(UTC)
    assert (end.weekday(), end.hour, end.minute, end.second) == (0, 0, 0, 0)
    assert end.tzinfo is UTC
    assert end <= now < end + timedelta(days=7)
    assert end - start == timedelta(weeks=12)
    assert current_week_start(datetime(2026, 1, 7, 15, 30, tzinfo=UTC)) == END
    # Sunday 23:30 in New York is already Monday in UTC.
    new_york = timezone(timedelta(hours=-5))
    assert current_week_start(datetime(2026, 1, 11, 23, 30, tzinfo=new_york)) == datetime(
        2026, 1, 12, tzinfo=UTC
    )


def test_spec_rejects_impossible_values() -> None:
    with pytest.raises(ValueError, match="tickets"):
        DemoSpec(tickets=-1)
    with pytest.raises(ValueError, match="weeks"):
        DemoSpec(weeks=0)
    with pytest.raises(ValueError, match="agents"):
        DemoSpec(agents=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        DemoSpec(end=datetime(2026, 1, 5))


def test_counts_and_order(records: list[Record]) -> None:
    counts = Counter(type(r).__name__ for r in records)
    assert counts["Group"] == 4
    assert counts["Agent"] == 12
    assert counts["Customer"] == 1200
    assert counts["Ticket"] == 6000
    assert counts["Interaction"] > 3 * 6000
    # Directory first, then each ticket followed by its own messages and surveys, NPS last.
    kinds = [type(r) for r in records]
    assert kinds[:4] == [Group] * 4
    assert kinds[4:16] == [Agent] * 12
    assert kinds[16:24] == [Organization] * 8
    assert kinds[24:1224] == [Customer] * 1200
    assert kinds[1224] is Ticket
    current = None
    for record in records[1224:]:
        if isinstance(record, Ticket):
            current = record.id
        elif isinstance(record, Interaction | SurveyResponse) and record.ticket_id is not None:
            assert record.ticket_id == current
    nps_start = next(i for i, r in enumerate(records) if getattr(r, "kind", None) == "nps")
    assert all(getattr(r, "kind", None) == SurveyKind.NPS for r in records[nps_start:])


@pytest.mark.parametrize(
    ("tickets", "agents", "weeks"), [(0, 12, 12), (7, 1, 1), (999, 3, 2), (250, 40, 30)]
)
def test_unusual_specs_give_exactly_the_tickets_asked_for(
    tickets: int, agents: int, weeks: int
) -> None:
    spec = DemoSpec(tickets=tickets, agents=agents, weeks=weeks, end=END)
    records = list(demo_records(spec))
    made = of_type(records, Ticket)
    assert len(made) == tickets
    assert len(of_type(records, Agent)) == agents
    assert len({a.name for a in of_type(records, Agent)}) == agents
    assert all(END - timedelta(weeks=weeks) <= t.created_at < END for t in made)
    agent_ids = {a.id for a in of_type(records, Agent)}
    assert {t.assignee_id for t in made} - {None} <= agent_ids


def test_an_end_off_the_hour_is_respected_to_the_microsecond() -> None:
    end = datetime(2026, 1, 7, 13, 27, 15, 500_000, tzinfo=timezone(timedelta(hours=2)))
    records = list(demo_records(DemoSpec(tickets=300, weeks=1, end=end)))
    created = [t.created_at for t in of_type(records, Ticket)]
    assert end - timedelta(weeks=1) <= min(created) and max(created) < end
    for record in records:
        for name, value in record:
            if isinstance(value, datetime) and not name.endswith("_due_at"):
                assert value < end


def test_ids_are_unique_per_record_type(records: list[Record]) -> None:
    by_type: dict[str, list[str]] = defaultdict(list)
    for record in records:
        by_type[type(record).__name__].append(record.id)
    for name, ids in by_type.items():
        assert len(ids) == len(set(ids)), name


def test_every_record_validates(records: list[Record]) -> None:
    for record in records:
        assert type(record).model_validate(record.model_dump()) == record


def test_store_accepts_the_records(tmp_path: Path) -> None:
    records = list(demo_records(DemoSpec(tickets=500, end=END)))
    expected = Counter(type(r).table for r in records)
    with Store(tmp_path / "d.db") as store:
        counts = store.write(records, source="demo")
        assert counts == expected
        assert store.count("tickets", "demo") == 500
        tags = store.conn.execute("SELECT count(*) FROM ticket_tags").fetchone()[0]
    assert tags == sum(len(t.tags) for t in of_type(records, Ticket))


# -- time ------------------------------------------------------------------------------------


def test_nothing_happens_at_or_after_the_end(records: list[Record]) -> None:
    deadlines = {"first_response_due_at", "resolution_due_at"}
    for record in records:
        for name, value in record:
            if isinstance(value, datetime) and name not in deadlines:
                assert value < END, (record.label(), name)
                assert value.tzinfo is UTC


def test_tickets_fill_the_window_with_seasonality_and_growth(tickets: list[Ticket]) -> None:
    created = [t.created_at for t in tickets]
    assert created == sorted(created)
    assert START <= created[0] < START + timedelta(hours=12)
    assert END - timedelta(hours=12) <= created[-1] < END
    per_weekday = Counter(c.weekday() for c in created)
    weekday_mean = sum(per_weekday[d] for d in range(5)) / 5
    weekend_mean = (per_weekday[5] + per_weekday[6]) / 2
    assert weekday_mean > 2.5 * weekend_mean
    assert per_weekday[0] > per_weekday[4]  # Mondays catch up on the weekend
    business = sum(8 <= c.hour < 18 for c in created)
    assert 65 < share(business, len(created)) < 85
    first_month = sum(c < START + timedelta(weeks=4) for c in created)
    last_month = sum(c >= END - timedelta(weeks=4) for c in created)
    assert 1.08 < last_month / first_month < 1.35


# -- ticket realism --------------------------------------------------------------------------


def test_channel_and_priority_mix(tickets: list[Ticket]) -> None:
    channels = Counter(t.channel for t in tickets)
    expected = {
        Channel.EMAIL: 45,
        Channel.WEB: 20,
        Channel.CHAT: 20,
        Channel.PHONE: 10,
        Channel.SOCIAL: 3,
        Channel.API: 2,
    }
    for channel, percent in expected.items():
        assert abs(share(channels[channel], len(tickets)) - percent) < 2.5, channel
    priorities = Counter(t.priority for t in tickets)
    expected_priorities = {
        Priority.LOW: 20,
        Priority.NORMAL: 55,
        Priority.HIGH: 20,
        Priority.URGENT: 5,
    }
    for priority, percent in expected_priorities.items():
        assert abs(share(priorities[priority], len(tickets)) - percent) < 2.5, priority


def test_statuses_depend_on_age(live: list[Ticket], tickets: list[Ticket]) -> None:
    assert set(Counter(t.status for t in tickets)) == set(Status)
    tombstones = len(tickets) - len(live)
    assert 0.2 < share(tombstones, len(tickets)) < 1.0
    old = [t for t in live if t.created_at < END - timedelta(weeks=4)]
    last_week = [t for t in live if t.created_at >= END - timedelta(weeks=1)]
    assert share(sum(t.status in RESOLVED_STATUSES for t in old), len(old)) > 98
    unresolved = [t for t in last_week if t.status not in RESOLVED_STATUSES]
    assert 8 < share(len(unresolved), len(last_week)) < 30
    assert {t.status for t in unresolved} == {
        Status.NEW,
        Status.OPEN,
        Status.PENDING,
        Status.ON_HOLD,
    }
    # Solved tickets close four days later: old ones are closed, the last days' merely solved.
    assert all(t.status == Status.CLOSED for t in old if t.status in RESOLVED_STATUSES)
    assert all(t.assignee_id is None for t in live if t.status == Status.NEW)


def test_resolution_fields_are_consistent(live: list[Ticket]) -> None:
    for t in live:
        resolved = t.status in RESOLVED_STATUSES
        assert (t.resolved_at is not None) == resolved, t.id
        if t.first_resolved_at is not None and t.resolved_at is not None:
            assert t.first_resolved_at <= t.resolved_at
        if resolved and t.reopens:
            assert t.first_resolved_at < t.resolved_at
        assert 0 <= t.agent_replies <= 6
        assert (t.first_response_at is None) == (t.agent_replies == 0)
        assert t.updated_at is not None and t.updated_at >= t.created_at
        assert t.product
        assert t.subject


def test_lifecycle_rates(live: list[Ticket], resolved: list[Ticket]) -> None:
    replied = [t for t in resolved if t.agent_replies >= 1]
    fcr = sum(t.agent_replies == 1 and t.reopens == 0 for t in replied)
    assert 60 < share(fcr, len(replied)) < 70  # 63.2 %
    assert 4 < share(len(resolved) - len(replied), len(resolved)) < 8  # 5.9 % without reply
    assert 6 < share(sum(t.reopens > 0 for t in resolved), len(resolved)) < 10  # 8.5 %
    assert 8 < share(sum(t.escalated for t in live), len(live)) < 12  # 10.4 %
    assert all(t.escalated == ("escalated" in t.tags) for t in live)
    logged = [t.handle_seconds for t in resolved if t.handle_seconds is not None]
    assert 85 < share(len(logged), len(resolved)) < 95
    assert 4 * 60 < statistics.median(logged) < 15 * 60
    assert all(h >= 30 and h == int(h) for h in logged)


def test_response_and_resolution_times(live: list[Ticket], resolved: list[Ticket]) -> None:
    def median_hours(channel: Channel) -> float:
        return statistics.median(
            hours(t.first_response_at - t.created_at)
            for t in live
            if t.channel == channel and t.first_response_at is not None
        )

    assert median_hours(Channel.CHAT) < 5 / 60
    assert median_hours(Channel.PHONE) < 2 / 60
    assert 1 < median_hours(Channel.EMAIL) < 4
    resolution = [hours(t.resolved_at - t.created_at) for t in resolved]
    assert 3 < statistics.median(resolution) < 24
    assert 36 < statistics.quantiles(resolution, n=10)[-1] < 120  # p90: days
    assert max(resolution) > 14 * 24


def test_some_agents_are_much_faster_than_others(live: list[Ticket]) -> None:
    per_agent: dict[str, list[float]] = defaultdict(list)
    for t in live:
        if t.first_response_at is not None and t.assignee_id is not None:
            per_agent[t.assignee_id].append(hours(t.first_response_at - t.created_at))
    medians = sorted(statistics.median(v) for v in per_agent.values())
    assert len(medians) == 12
    assert medians[-1] > 2.5 * medians[0]


def test_sla_deadlines_by_priority_mostly_met(live: list[Ticket]) -> None:
    first_targets = {Priority.URGENT: 1, Priority.HIGH: 4, Priority.NORMAL: 8, Priority.LOW: 24}
    resolution_targets = {
        Priority.URGENT: 8,
        Priority.HIGH: 24,
        Priority.NORMAL: 72,
        Priority.LOW: 120,
    }
    with_sla = [t for t in live if t.first_response_due_at is not None]
    assert 87 < share(len(with_sla), len(live)) < 93
    for t in with_sla:
        assert t.priority is not None and t.resolution_due_at is not None
        assert hours(t.first_response_due_at - t.created_at) == first_targets[t.priority]
        assert hours(t.resolution_due_at - t.created_at) == resolution_targets[t.priority]

    def met(due: str, done: str) -> tuple[int, int, int]:
        achieved = breached = running = 0
        for t in with_sla:
            deadline, at = getattr(t, due), getattr(t, done)
            if at is not None:
                achieved += at <= deadline
                breached += at > deadline
            elif deadline < END:
                breached += 1
            else:
                running += 1
        return achieved, breached, running

    achieved, breached, running = met("first_response_due_at", "first_response_at")
    assert 80 < share(achieved, achieved + breached) < 90  # 83.5 %
    assert running > 0  # a few tickets are still within their first-response SLA at the end
    achieved, breached, running = met("resolution_due_at", "resolved_at")
    assert 80 < share(achieved, achieved + breached) < 92  # 86.7 %
    assert running > 20


def test_unreplied_recent_tickets(live: list[Ticket]) -> None:
    recent = [t for t in live if t.created_at >= END - timedelta(days=14)]
    unreplied = [t for t in recent if t.first_response_at is None]
    assert 4 < share(len(unreplied), len(recent)) < 15
    waiting = [t for t in unreplied if t.status not in RESOLVED_STATUSES]
    assert len(waiting) > 20


def test_tags_organizations_and_requesters(records: list[Record], tickets: list[Ticket]) -> None:
    vocabulary = Counter(tag for t in tickets for tag in t.tags)
    assert {"billing", "refund", "bug", "how-to", "account", "feature-request", "vip"} <= set(
        vocabulary
    )
    assert all(len(t.tags) == len(set(t.tags)) for t in tickets)
    with_org = [t.organization_id for t in tickets if t.organization_id is not None]
    assert 55 < share(len(with_org), len(tickets)) < 65
    assert 4 <= len(set(with_org)) <= 8
    customers = {c.id: c for c in of_type(records, Customer)}
    for t in tickets:
        assert t.requester_id in customers
        assert customers[t.requester_id].created_at <= t.created_at
    groups = {g.id for g in of_type(records, Group)}
    assert {t.group_id for t in tickets} - {None} == groups


def test_groups_and_agents(records: list[Record]) -> None:
    groups = of_type(records, Group)
    agents = of_type(records, Agent)
    assert [g.name for g in groups] == ["Billing", "Technical Support", "Accounts", "Onboarding"]
    assert Counter(a.group_id for a in agents) == {"g1": 4, "g2": 5, "g3": 2, "g4": 1}
    for agent in agents:
        assert agent.name and " " in agent.name
        assert agent.email and re.fullmatch(r"[a-z]+\.[a-z]+@support\.example\.com", agent.email)


def test_customers_sign_up_and_churn(records: list[Record]) -> None:
    customers = of_type(records, Customer)
    assert all(END - timedelta(days=548) <= c.created_at < END for c in customers)
    churned = [c for c in customers if c.churned_at is not None]
    assert all(c.created_at < c.churned_at < END for c in churned)
    for month in range(3):
        period_start = END - timedelta(days=30 * (month + 1))
        period_end = period_start + timedelta(days=30)
        active = [c for c in customers if c.created_at <= period_start < (c.churned_at or END)]
        lost = [c for c in active if c.churned_at is not None and c.churned_at < period_end]
        assert 1 < share(len(lost), len(active)) < 4.5, month


# -- interactions ----------------------------------------------------------------------------


def test_interactions_match_their_tickets(records: list[Record], tickets: list[Ticket]) -> None:
    messages: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in of_type(records, Interaction):
        messages[interaction.ticket_id].append(interaction)
    assert set(messages) == {t.id for t in tickets}
    for t in tickets:
        thread = messages[t.id]
        assert [m.created_at for m in thread] == sorted(m.created_at for m in thread)
        opening = thread[0]
        assert (opening.author_role, opening.author_id, opening.public) == (
            AuthorRole.CUSTOMER,
            t.requester_id,
            True,
        )
        assert opening.created_at == t.created_at
        replies = [m for m in thread if m.author_role == AuthorRole.AGENT and m.public]
        assert len(replies) == t.agent_replies, t.id
        if replies:
            assert replies[0].created_at == t.first_response_at
            assert {m.author_id for m in replies} == {t.assignee_id}
        assert all(t.created_at <= m.created_at < END for m in thread)
    roles = Counter((m.author_role, m.public) for m in of_type(records, Interaction))
    assert roles[AuthorRole.CUSTOMER, True] > len(tickets)  # openings plus follow-ups
    assert roles[AuthorRole.AGENT, False] > 300  # private notes
    assert roles[AuthorRole.SYSTEM, True] > 300  # automatic acknowledgements
    assert roles[AuthorRole.SYSTEM, False] > 300  # escalation routing


# -- surveys ---------------------------------------------------------------------------------


def test_csat_offered_answered_and_mostly_satisfied(
    records: list[Record], resolved: list[Ticket]
) -> None:
    csat = [s for s in of_type(records, SurveyResponse) if s.kind == SurveyKind.CSAT]
    tickets = {t.id: t for t in resolved}
    assert 35 < share(len(csat), len(resolved)) < 45  # 40.6 %
    answered = [s for s in csat if s.score is not None]
    assert 55 < share(len(answered), len(csat)) < 65
    satisfied = sum(s.score > 3 for s in answered)
    assert 80 < share(satisfied, len(answered)) < 90
    assert {s.score for s in answered} == {1, 2, 3, 4, 5}
    assert sum(s.comment is not None for s in answered) > 100
    for survey in csat:
        ticket = tickets[survey.ticket_id]
        assert (survey.scale_min, survey.scale_max) == (1, 5)
        assert ticket.resolved_at < survey.created_at < END
        assert survey.agent_id == ticket.assignee_id
        assert survey.customer_id == ticket.requester_id


def test_ces_and_nps(records: list[Record], resolved: list[Ticket]) -> None:
    surveys = of_type(records, SurveyResponse)
    ces = [s for s in surveys if s.kind == SurveyKind.CES]
    assert 8 < share(len(ces), len(resolved)) < 12
    assert all(s.score is not None and 1 <= s.score <= 7 for s in ces)
    assert 4.5 < statistics.mean(s.score for s in ces) < 6
    nps = [s for s in surveys if s.kind == SurveyKind.NPS]
    customers = of_type(records, Customer)
    assert 10 < share(len(nps), len(customers)) < 20
    scores = [s.score for s in nps]
    promoters, detractors = sum(x >= 9 for x in scores), sum(x <= 6 for x in scores)
    assert 15 < share(promoters - detractors, len(scores)) < 45  # 21 with n = 167
    assert all(s.ticket_id is None and s.customer_id and START <= s.created_at < END for s in nps)


# -- streaming -------------------------------------------------------------------------------


@pytest.mark.slow
def test_generation_streams_in_bounded_memory() -> None:
    spec = DemoSpec(tickets=50_000, end=END, interactions=False, surveys=False)
    tracemalloc.start()
    try:
        made = sum(isinstance(r, Ticket) for r in demo_records(spec))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert made == 50_000
    # Holding 50k tickets in a list takes about 200 MB; streaming needs under 1 MB.
    assert peak < 8_000_000


# -- files -----------------------------------------------------------------------------------


def test_csv_files_have_canonical_headers_and_counted_rows(tmp_path: Path) -> None:
    counts = write_demo_csv(tmp_path, SMALL)
    expected = Counter(type(r).__name__ for r in demo_records(SMALL))
    assert counts == {
        "groups.csv": expected["Group"],
        "agents.csv": expected["Agent"],
        "organizations.csv": expected["Organization"],
        "customers.csv": expected["Customer"],
        "tickets.csv": 400,
        "interactions.csv": expected["Interaction"],
        "surveys.csv": expected["SurveyResponse"],
        "ticket_events.csv": expected["TicketEvent"],
    }
    # Metrics specification §10, in its order, plus the one custom field and issue #18's columns.
    assert CSV_COLUMNS["tickets.csv"] == (
        *("id", "created_at", "updated_at", "status", "priority", "channel", "requester_id"),
        *("assignee_id", "group_id", "organization_id", "first_response_at"),
        *("first_resolved_at", "resolved_at", "reopens", "agent_replies", "escalated"),
        *("handle_seconds", "first_response_due_at", "resolution_due_at", "tags", "product"),
        # The optional time-in-status and routing columns (issue #18).
        *("requester_wait_seconds", "requester_wait_business_seconds", "agent_wait_seconds"),
        *("agent_wait_business_seconds", "on_hold_seconds", "on_hold_business_seconds"),
        *("assignee_stations", "group_stations", "first_assigned_at"),
    )
    assert CSV_COLUMNS["surveys.csv"] == (
        *("id", "ticket_id", "customer_id", "agent_id", "kind", "score", "scale_min"),
        *("scale_max", "higher_is_better", "created_at", "comment"),
    )
    for name, count in counts.items():
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "\r" not in text
        rows = list(csv.reader(text.splitlines()))
        assert tuple(rows[0]) == CSV_COLUMNS[name]
        assert len(rows) - 1 == count
        assert all(len(row) == len(rows[0]) for row in rows)


def test_csv_cells_follow_the_conventions(tmp_path: Path) -> None:
    write_demo_csv(tmp_path, SMALL)
    records = list(demo_records(SMALL))
    with (tmp_path / "tickets.csv").open(encoding="utf-8", newline="") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for ticket in of_type(records, Ticket):
        row = rows[ticket.id]
        assert iso.fullmatch(row["created_at"])
        assert row["created_at"] == ticket.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert row["resolved_at"] == (
            ticket.resolved_at.strftime("%Y-%m-%dT%H:%M:%SZ") if ticket.resolved_at else ""
        )
        assert row["escalated"] == ("true" if ticket.escalated else "false")
        assert row["tags"].split(",") == ticket.tags if ticket.tags else row["tags"] == ""
        assert row["reopens"] == str(ticket.reopens)
        assert row["handle_seconds"] == (
            str(int(ticket.handle_seconds)) if ticket.handle_seconds is not None else ""
        )
        assert row["status"] == ticket.status.value
        assert row["organization_id"] == (ticket.organization_id or "")
        assert row["product"] == ticket.product
    with (tmp_path / "surveys.csv").open(encoding="utf-8", newline="") as f:
        surveys = list(csv.DictReader(f))
    csat_cells = {s["score"] for s in surveys if s["kind"] == "csat"}
    assert {"", "5", "4"} <= csat_cells <= {"", "1", "2", "3", "4", "5"}
    assert {(s["scale_min"], s["scale_max"]) for s in surveys if s["kind"] == "nps"} == {
        ("0", "10")
    }
    assert {s["higher_is_better"] for s in surveys} == {"true"}
    customers = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    assert re.search(r"[éëöüøá]", customers)  # non-ASCII names survive as UTF-8


def test_config_points_at_the_data(tmp_path: Path) -> None:
    path = write_demo_config(tmp_path, data_dir=tmp_path / "data", database=tmp_path / "demo.db")
    assert path == tmp_path / "deskmetrics.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count("#") >= 3
    data = tomllib.loads(text)
    assert data == {
        "database": {"path": "demo.db"},
        "report": {"timezone": "UTC"},
        "connections": {"demo": {"connector": "csv", "path": "data"}},
    }
    config = load_config(path)
    assert config.database == tmp_path / "demo.db"
    assert config.timezone == "UTC"
    assert config.connections["demo"].options == {"path": "data"}


def test_config_keeps_outside_paths_absolute(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared folder" / 'odd "name"'
    path = write_demo_config(tmp_path / "demo", data_dir=elsewhere, database=Path("x.db"))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["connections"]["demo"]["path"] == elsewhere.as_posix()
    assert Path(data["database"]["path"]).is_absolute()

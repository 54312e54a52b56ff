"""End to end: a local fake Zendesk serving thousands of tickets, synced into a real store.

The expected rows are computed here from the served payloads with the rules of the metrics
spec (§2, §3, §5) and docs/connectors/zendesk.md, independently of the connector's mapper.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Store
from deskmetrics.store import to_db_time
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from zendesk_fake import FakeAccount, Faults, ZendeskHandler
from zendesk_fake.account import (
    CHANGED_RATING_TICKET,
    CUSTOM_STATUSES,
    DELETED_ORGANIZATION,
    epoch,
)
from zendesk_fake.handler import ORGANIZATIONS, TICKETS, cursor_for
from zendesk_fake.testkit import connector, table

SIZE = 2000
STATUS_LABELS = {status["id"]: status["agent_label"] for status in CUSTOM_STATUSES}
ORGANIZATION_PAGE = 7
CHANNELS = {
    "email": "email",
    "web": "web",
    "web_form": "web",
    "chat": "chat",
    "voice": "phone",
    "api": "api",
    "twitter": "social",
    "rule": "other",
}
LABELS = {
    101: {"hw_printer": "Printer", "hw_scanner": "Scanner", "sw_driver": "Driver"},
    104: {"eu": "Europe", "us": "United States", "apac": "Asia Pacific"},
}


def when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def db(value: datetime | None) -> str | None:
    return None if value is None else to_db_time(value)


def text_id(value: Any) -> str | None:
    return None if value is None else str(value)


def expected_custom_fields(ticket: dict[str, Any]) -> dict[str, Any]:
    values = {item["id"]: item["value"] for item in ticket["custom_fields"]}
    if not values:
        return {}
    time_spent = values[102]
    return {
        "Product": None if values[101] is None else LABELS[101][values[101]],
        "Total time spent (sec)": None if time_spent is None else int(time_spent),
        "VIP": values[103],
        "Regions": [LABELS[104][v] for v in values[104]],
    }


def expected_deadlines(account: FakeAccount) -> dict[str, dict[str, str | None]]:
    """Per ticket: the latest non-deleted first-instance deadline of each kind."""
    reply: dict[str, datetime] = {}
    resolution: dict[str, datetime] = {}
    for event in account.metric_events:  # already in time order
        if event.get("deleted") or event["instance_id"] != 1:
            continue
        at = when(event["time"])
        assert at is not None
        key = str(event["ticket_id"])
        if event["type"] == "breach":
            due = at
        elif event["type"] == "apply_sla" and not event["sla"]["business_hours"]:
            due = at + timedelta(minutes=event["sla"]["target"])
        else:
            continue
        if event["metric"] == "reply_time":
            reply[key] = due
        elif event["metric"] == "requester_wait_time":
            resolution[key] = due
    return {
        key: {
            "first_response_due_at": db(reply.get(key)),
            "resolution_due_at": db(resolution.get(key)),
        }
        for key in {str(t["id"]) for t in account.tickets}
    }


TIME_IN_STATUS_COLUMNS = (
    "requester_wait_seconds", "requester_wait_business_seconds", "agent_wait_seconds",
    "agent_wait_business_seconds", "on_hold_seconds", "on_hold_business_seconds",
    "assignee_stations", "group_stations", "first_assigned_at",
)  # fmt: skip


def expected_ticket(ticket: dict[str, Any], deadlines: dict[str, str | None]) -> dict[str, Any]:
    created = when(ticket["created_at"])
    assert created is not None
    status = {"hold": "on_hold"}.get(ticket["status"], ticket["status"])
    fields = expected_custom_fields(ticket)
    row: dict[str, Any] = {
        "id": str(ticket["id"]),
        "source": "zd",
        "created_at": db(created),
        "updated_at": db(when(ticket["updated_at"])),
        "status": status,
        "priority": ticket["priority"],
        "channel": CHANNELS[ticket["via"]["channel"]],
        "subject": ticket.get("subject"),
        "requester_id": text_id(ticket["requester_id"]),
        "assignee_id": text_id(ticket["assignee_id"]),
        "group_id": text_id(ticket["group_id"]),
        "organization_id": text_id(ticket["organization_id"]),
        "tags": ticket["tags"],
        "custom_fields": fields,
        "raw": None,
        "first_response_at": None,
        "first_resolved_at": None,
        "resolved_at": None,
        "resolved_at_estimated": 0,
        "reopens": 0,
        "agent_replies": None,
        "escalated": int("escalated" in ticket["tags"]),
        "handle_seconds": None,
        **deadlines,
        # Dimensions (#13.3): labels from the custom statuses, brands and forms served.
        "type": ticket.get("type"),
        "custom_status": STATUS_LABELS.get(ticket.get("custom_status_id")),
        "brand": "Acme Support" if "brand_id" in ticket else None,
        "ticket_form": "Printer problem" if "ticket_form_id" in ticket else None,
        "via_detail": ticket.get("recipient"),  # via.source.to is empty: the recipient
        "product": None,
        "mailbox": None,
        "language": None,
        **dict.fromkeys(TIME_IN_STATUS_COLUMNS),
    }
    if fields.get("Total time spent (sec)") is not None:
        row["handle_seconds"] = float(fields["Total time spent (sec)"])
    metrics = ticket.get("metric_set")
    if metrics is None:
        return row  # deleted: a tombstone with what the export said
    replies, reopens = metrics["replies"], metrics["reopens"]
    row["agent_replies"] = replies
    row["reopens"] = reopens
    row["escalated"] = int(row["escalated"] or metrics["group_stations"] > 1)
    if replies:
        minutes = metrics["reply_time_in_minutes"]["calendar"]
        row["first_response_at"] = db(created + timedelta(minutes=minutes))
    resolved = status in ("solved", "closed")
    solved_at = when(metrics["solved_at"])
    resolved_at = (solved_at or when(metrics["status_updated_at"])) if resolved else None
    first_minutes = metrics["first_resolution_time_in_minutes"]["calendar"]
    if reopens == 0 and resolved_at is not None:
        first = resolved_at
    elif first_minutes is not None:
        first = created + timedelta(minutes=first_minutes)
    else:
        first = resolved_at
    row["resolved_at"] = db(resolved_at)
    row["first_resolved_at"] = db(first)
    # Time in status and routing (issue #18): the fake states 20 / 10 / 0 minutes, business //3.
    for column, minutes in (("requester_wait", 20), ("agent_wait", 10), ("on_hold", 0)):
        row[f"{column}_seconds"] = minutes * 60.0
        row[f"{column}_business_seconds"] = minutes // 3 * 60.0
    row["assignee_stations"] = metrics["assignee_stations"]
    row["group_stations"] = metrics["group_stations"]
    row["first_assigned_at"] = db(when(metrics["initially_assigned_at"]))
    return row


def expected_survey(rating: dict[str, Any]) -> dict[str, Any] | None:
    score = {"good": 1.0, "bad": 0.0, "offered": None}
    if rating["score"] not in score:
        return None
    extra = {"rating_id": rating["id"]}
    extra.update({k: rating[k] for k in ("reason", "reason_id") if rating.get(k) is not None})
    return {
        "id": str(rating["ticket_id"]),
        "source": "zd",
        "ticket_id": str(rating["ticket_id"]),
        "customer_id": str(rating["requester_id"]),
        "agent_id": text_id(rating["assignee_id"]),
        "kind": "csat",
        "score": score[rating["score"]],
        "scale_min": 0.0,
        "scale_max": 1.0,
        "higher_is_better": 1,
        "created_at": db(when(rating["created_at"])),
        "comment": rating["comment"],
        "group_id": text_id(rating["group_id"]),  # a survey keeps its group (#13.3)
        # Offered when created, answered when updated (#13.4).
        "offered_at": db(when(rating["created_at"])),
        "answered_at": None if score[rating["score"]] is None else db(when(rating["updated_at"])),
        "custom_fields": extra,
        "raw": None,
    }


def expected_organization(organization: dict[str, Any]) -> dict[str, Any]:
    custom = dict(organization["organization_fields"])
    if organization["deleted_at"] is not None:
        custom["deleted_at"] = organization["deleted_at"]
    return {
        "id": str(organization["id"]),
        "source": "zd",
        "name": organization["name"],
        "domain": (organization["domain_names"] or [None])[0],
        "created_at": db(when(organization["created_at"])),
        "custom_fields": custom,
        "raw": None,
        "churned_at": None,  # no organization_churn_field
    }


@pytest.fixture
def account() -> FakeAccount:
    return FakeAccount(SIZE)


@pytest.fixture
def handler(account: FakeAccount) -> ZendeskHandler:
    faults = Faults(too_many_at={2}, retry_after=7, server_error_at={4}, empty_page_after=1200)
    handler = ZendeskHandler(account, faults=faults)
    # Pages smaller than the 32 organizations, with update seconds shared across page ends.
    handler.organizations_per_page = ORGANIZATION_PAGE
    return handler


@pytest.fixture
def server(handler: ZendeskHandler) -> Iterator[FakeServer]:
    with FakeServer(handler) as running:
        yield running


def sync_once(server: FakeServer, fake_time: FakeClock, path: Path) -> Any:
    zendesk = connector(
        fake_time,
        base_url=server.url,
        access_token="good-token",
        per_page=400,
        handle_time_field="Total time spent (sec)",
        # The 10/min export budget has its own test; here the waits must be the Retry-After.
        incremental_requests_per_minute=1000,
    )
    with Store(path) as store:
        result = sync_connector(store, zendesk)
    assert result.status == "succeeded", result.error
    return result


def test_store_matches_what_was_served(
    tmp_path: Path, account: FakeAccount, server: FakeServer
) -> None:
    fake_time = FakeClock()
    result = sync_once(server, fake_time, tmp_path / "zd.db")
    path = tmp_path / "zd.db"

    # 429 → waited exactly its Retry-After (through the account budget); 500 → one back-off.
    assert fake_time.sleeps == [7.0, 1.0]
    assert result.warnings == []

    tickets = table(path, "tickets")
    deadlines = expected_deadlines(account)
    expected = {str(t["id"]): expected_ticket(t, deadlines[str(t["id"])]) for t in account.tickets}
    assert len(tickets) == SIZE
    mismatched = [key for key in expected if tickets[key] != expected[key]]
    assert mismatched == [], (tickets[mismatched[0]], expected[mismatched[0]])
    assert sum(row["status"] == "deleted" for row in tickets.values()) == SIZE // 97
    holds = sum(t["status"] == "hold" for t in account.tickets)
    assert sum(row["status"] == "on_hold" for row in tickets.values()) == holds > 200

    with Store(path) as store:
        pairs = set(store.conn.execute("SELECT ticket_id, tag FROM ticket_tags").fetchall())
    assert pairs == {(str(t["id"]), tag) for t in account.tickets for tag in t["tags"]}

    assert table(path, "groups") == {
        str(g["id"]): {
            "id": str(g["id"]),
            "source": "zd",
            "name": g["name"],
            "custom_fields": {},
            "raw": None,
        }
        for g in account.groups()
    }
    agents = table(path, "agents")
    assert len(agents) == 20  # end users are requesters, not agents
    assert agents["1"] == {
        "id": "1",
        "source": "zd",
        "name": "Ann Lee",
        "email": "agent1@acme.test",
        "group_id": "2",
        "custom_fields": {},
        "raw": None,
    }

    organizations = table(path, "organizations")
    assert organizations == {str(o["id"]): expected_organization(o) for o in account.organizations}
    assert organizations[str(DELETED_ORGANIZATION)]["name"] == "Org 31 Inc."  # kept, named
    assert organizations["507"]["domain"] is None  # no domain_names
    assert organizations["501"]["domain"] == "org1.example"  # the first of two
    # Every organization a ticket names has its row, so breakdowns show names.
    named = {row["organization_id"] for row in tickets.values()} - {None}
    assert named and named <= organizations.keys()

    # End users are customers (#13.1): every requester has its row, linked to its organization.
    customers = table(path, "customers")
    assert len(customers) == 500
    assert customers["10007"] == {
        "id": "10007",
        "source": "zd",
        "name": "Customer 7",
        "created_at": db(when(account.users()[27]["created_at"])),
        "churned_at": None,  # no churn_field configured: no churn source
        "email": "c7@example.test",  # lower case: the join key of a customers file
        "external_id": "crm-7",
        "organization_id": "507",
        "language": "en-US",
        "custom_fields": {},  # null user fields are not stored
        "raw": None,
    }
    requesters = {row["requester_id"] for row in tickets.values()} - {None}
    assert requesters <= customers.keys()
    assert {row["organization_id"] for row in customers.values()} <= organizations.keys()

    surveys = table(path, "surveys")
    wanted = {s["id"]: s for r in account.ratings if (s := expected_survey(r)) is not None}
    assert surveys == wanted
    scores = [row["score"] for row in surveys.values()]
    assert scores.count(None) == sum(r["score"] == "offered" for r in account.ratings) > 0
    assert not any(
        r["score"] == "unoffered" and str(r["ticket_id"]) in surveys for r in account.ratings
    )

    with Store(path) as store:
        assert store.count("pending_updates") == 0
        assert store.count("rejected_rows") == 0
        state = store.get_state("zd", "tickets")
        organization_state = store.get_state("zd", "organizations")
        requests = [r for r in server.requests if r.path == TICKETS]
        organization_requests = [r for r in server.requests if r.path == ORGANIZATIONS]
    # One start_time request, then the cursor; 5 pages of 400, one empty page, a 429, a 500.
    assert [r.param("start_time") is not None for r in requests] == [True] + [False] * 7
    assert [r.param("per_page") for r in requests] == ["400"] * 8
    assert {r.param("include") for r in requests} == {"metric_sets"}
    last = max(account.tickets, key=lambda t: (t["generated_timestamp"], t["id"]))
    assert state == {"cursor": cursor_for(last["generated_timestamp"], last["id"])}

    # From 0 whatever start_date says, then from each page's end_time. Three organizations share
    # each update second; a page of 7 ends on a whole second, so it spans three seconds and the
    # next page reads its last second again: pages end at seconds 2, 4, 6, 8 and 10 (the last).
    starts = [int(r.param("start_time") or -1) for r in organization_requests]
    seconds = sorted(
        {epoch(datetime.fromisoformat(o["updated_at"])) for o in account.organizations}
    )
    assert len(seconds) == 11
    assert starts == [0, seconds[2], seconds[4], seconds[6], seconds[8]]
    assert organization_state == {"start_time": seconds[-1]}


def test_second_sync_follows_the_cursor_and_a_changed_rating_replaces_the_old(
    tmp_path: Path, account: FakeAccount, server: FakeServer
) -> None:
    path = tmp_path / "zd.db"
    sync_once(server, FakeClock(), path)
    before = table(path, "surveys")
    assert before[str(CHANGED_RATING_TICKET)]["score"] == 0.0
    assert before[str(CHANGED_RATING_TICKET)]["comment"] == "Took too long"

    account.change_rating()
    account.touch(42, minutes_later=60 * 24 * 400)
    account.rename_organization(503, "Org Three Renamed")
    first_new_request = len(server.requests)
    sync_once(server, FakeClock(), path)

    after = table(path, "surveys")
    assert len(after) == len(before)
    changed = after[str(CHANGED_RATING_TICKET)]
    assert (changed["score"], changed["comment"]) == (1.0, "Fixed after all")
    assert changed["custom_fields"] == {"rating_id": 900_000 + CHANGED_RATING_TICKET}
    assert {k: v for k, v in after.items() if k != str(CHANGED_RATING_TICKET)} == {
        k: v for k, v in before.items() if k != str(CHANGED_RATING_TICKET)
    }

    tickets = table(path, "tickets")
    assert tickets["42"]["subject"] == "Printer on fire #42 (updated)"
    organizations = table(path, "organizations")
    assert organizations["503"]["name"] == "Org Three Renamed"
    assert len(organizations) == len(account.organizations)
    later = [r for r in server.requests[first_new_request:] if r.path == TICKETS]
    # The fake's fault counters are spent; the second run asks with the saved cursor only.
    assert all(r.param("start_time") is None and r.param("cursor") for r in later)
    ratings = [
        r
        for r in server.requests[first_new_request:]
        if r.path.endswith("satisfaction_ratings.json")
    ]
    assert int(ratings[0].param("start_time") or 0) > 0

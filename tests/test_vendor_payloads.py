"""The vendors' documented example payloads (tests/vendor_payloads): each parses, SOURCES.md
says where each came from, their ids point at each other, and today's connectors read them end
to end through a local server on 127.0.0.1.

The end-to-end checks hold the parts of the mapping that are right today and must stay right;
what comes out wrong or empty is recorded in tests/vendor_payloads/GAPS.md (issues #13, #18).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import vendor_payloads
from deskmetrics.store import Store, to_db_time
from deskmetrics.sync.engine import sync_connector, sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from deskmetrics_freshdesk import FreshdeskConnector, FreshdeskOptions
from vendor_payloads import ROOT, VENDORS, load, names, path_of, servers
from zendesk_fake.testkit import connector, table

FIXTURES = [(vendor, name) for vendor in VENDORS for name in names(vendor)]
SOURCE_ROW = re.compile(r"^\| `(?P<file>[a-z]+/[a-z_]+\.json)` \| (?P<url>\S+) \|", re.MULTILINE)
ZENDESK_STREAMS = (
    "groups",
    "agents",
    "organizations",
    "customers",
    "tickets",
    "satisfaction_ratings",
    "sla",
    "ticket_events",
)
"""Every Zendesk stream; the documented metric-event page (no end_of_stream) ends ``sla`` too."""


def db(year: int, month: int, day: int, hour: int, minute: int, second: int) -> str:
    return to_db_time(datetime(year, month, day, hour, minute, second, tzinfo=UTC))


def by_id(items: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {item["id"]: item for item in items}


ZENDESK_TICKET: dict[str, Any] = {
    "created_at": db(2009, 7, 20, 22, 55, 29),
    "updated_at": db(2011, 5, 5, 10, 38, 52),
    "status": "open",
    "priority": "high",
    "channel": "web",
    "subject": "Help, my printer is on fire!",
    "requester_id": "20978392",
    "assignee_id": "235323",
    "group_id": "98738",
    "organization_id": "509974",
    # The metric set: first reply after reply_time_in_seconds 143460 (its minutes agree), first
    # resolution after 2391 minutes: the same instant. The ticket is open: no current resolution.
    "first_response_at": db(2009, 7, 22, 14, 46, 29),
    "first_resolved_at": db(2009, 7, 22, 14, 46, 29),
    "resolved_at": None,
    "reopens": 55,
    "agent_replies": 322,
    "escalated": 1,  # group_stations 7: passed through more than one group
    "tags": ["enterprise", "other_tag"],
    # Dimensions (#13.3), labelled from custom_statuses.json, brands.json, ticket_forms.json.
    "type": "incident",
    "custom_status": "Responding quickly",
    "brand": "Brand 1",
    "ticket_form": "Snowboard Problem",
    "via_detail": "support@company.com",  # via is only {"channel": "web"}: the recipient
    "resolved_at_estimated": 0,
    # Fields 27642 and 27648 are defined nowhere: kept under their ids, since they hold values.
    "custom_fields": {"field 27642": "745", "field 27648": "yes"},
}

FRESHDESK_TICKET: dict[str, Any] = {
    "created_at": db(2015, 8, 17, 12, 2, 50),
    "updated_at": db(2015, 8, 17, 12, 2, 51),
    "status": "open",
    "priority": "low",
    "channel": "web",  # source 2, Portal
    "subject": "Please help",
    "requester_id": "2",
    "assignee_id": "1",
    "group_id": "2",
    "organization_id": "8",
    "first_response_at": None,
    "resolved_at": None,
    "reopens": 0,
    "escalated": 0,
    "first_response_due_at": db(2015, 8, 18, 11, 30, 0),
    "resolution_due_at": db(2015, 8, 20, 11, 30, 0),
    "handle_seconds": None,  # the only time entry's timer is still running
    # Dimensions (#13.3): labels from ticket_fields.json and mailboxes.json.
    "type": "Lead",
    "custom_status": "Open",
    "via_detail": "Portal",
    "product": "ddd",
    "mailbox": "Test Account",
    "resolved_at_estimated": 0,
}


# -- the fixtures themselves -----------------------------------------------------------------


def test_both_vendors_have_fixtures() -> None:
    assert len(names("zendesk")) == 15
    assert len(names("freshdesk")) == 14


@pytest.mark.parametrize(("vendor", "name"), FIXTURES, ids=[f"{v}/{n}" for v, n in FIXTURES])
def test_every_fixture_parses_and_is_pretty_printed(vendor: str, name: str) -> None:
    data = load(vendor, name)
    assert isinstance(data, dict | list) and data
    text = path_of(vendor, name).read_text(encoding="utf-8")
    assert text == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_sources_lists_every_fixture_with_a_documentation_url() -> None:
    rows = {m["file"]: m["url"] for m in SOURCE_ROW.finditer((ROOT / "SOURCES.md").read_text())}
    assert sorted(rows) == sorted(f"{vendor}/{name}.json" for vendor, name in FIXTURES)
    wrong = {file: url for file, url in rows.items() if not url.startswith("https://")}
    assert not wrong


def test_load_gives_a_new_object_each_time() -> None:
    first = load("zendesk", "search_count")
    first["count"] = 0
    assert load("zendesk", "search_count") == {"count": 6}


def test_an_unknown_fixture_or_vendor_is_named_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"no fixture zendesk/ticket\.json .*: .*tickets_count"):
        load("zendesk", "ticket")
    with pytest.raises(
        ValueError, match=r"no vendor 'helpscout' .*: choose one of zendesk, freshdesk"
    ):
        load("helpscout", "tickets")


def test_a_broken_fixture_is_reported_with_its_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zendesk").mkdir()
    (tmp_path / "zendesk" / "broken.json").write_text('{\n  "a": 1\n  "b": 2\n}\n')
    monkeypatch.setattr(vendor_payloads, "ROOT", tmp_path)
    with pytest.raises(ValueError, match=r"broken\.json: line 3: not valid JSON"):
        load("zendesk", "broken")


def test_zendesk_fixtures_point_at_each_other() -> None:
    ticket = load("zendesk", "tickets_cursor_metric_sets")["tickets"][0]
    users = by_id(load("zendesk", "users_cursor")["users"])
    requester, assignee = users[ticket["requester_id"]], users[ticket["assignee_id"]]
    assert (requester["role"], assignee["role"]) == ("end-user", "agent")
    assert requester["organization_id"] == ticket["organization_id"]
    assert ticket["organization_id"] in by_id(
        load("zendesk", "organizations_incremental")["organizations"]
    )
    assert ticket["metric_set"] == load("zendesk", "ticket_metric_set")
    assert ticket["metric_set"]["ticket_id"] == ticket["id"]
    assert ticket["custom_status_id"] in by_id(
        load("zendesk", "custom_statuses")["custom_statuses"]
    )
    brand = by_id(load("zendesk", "brands")["brands"])[ticket["brand_id"]]
    form = by_id(load("zendesk", "ticket_forms")["ticket_forms"])[ticket["ticket_form_id"]]
    assert form["id"] in brand["ticket_form_ids"] and brand["id"] in form["restricted_brand_ids"]

    rating = load("zendesk", "satisfaction_ratings")["satisfaction_ratings"][0]
    assert ticket["satisfaction_rating"]["id"] == rating["id"]
    assert [rating[k] for k in ("ticket_id", "requester_id", "assignee_id", "group_id")] == [
        ticket[k] for k in ("id", "requester_id", "assignee_id", "group_id")
    ]
    events = load("zendesk", "ticket_metric_events")["ticket_metric_events"]
    assert {event["ticket_id"] for event in events} == {ticket["id"]}
    (ticket_event,) = load("zendesk", "ticket_events_comment_events")["ticket_events"]
    assert ticket_event["ticket_id"] == ticket["id"]
    assert [users[child["author_id"]]["role"] for child in ticket_event["child_events"]] == [
        "agent"
    ]


def test_freshdesk_fixtures_point_at_each_other() -> None:
    ticket = load("freshdesk", "tickets_include_stats")[0]
    contact = by_id(load("freshdesk", "contacts"))[ticket["requester_id"]]
    assert contact["company_id"] == ticket["company_id"]
    assert ticket["company_id"] in by_id(load("freshdesk", "companies"))
    assert ticket["product_id"] in by_id(load("freshdesk", "products"))
    assert ticket["email_config_id"] in by_id(load("freshdesk", "email_configs"))
    mailbox = by_id(load("freshdesk", "mailboxes"))[ticket["email_config_id"]]
    assert mailbox["product_id"] == ticket["product_id"]
    for name in ("conversations", "satisfaction_ratings", "time_entries"):
        assert {row["ticket_id"] for row in load("freshdesk", name)} == {ticket["id"]}, name
    ratings = load("freshdesk", "satisfaction_ratings")
    assert {(r["user_id"], r["agent_id"]) for r in ratings} == {
        (ticket["requester_id"], ticket["responder_id"])
    }
    assert {r["survey_id"] for r in ratings} <= set(by_id(load("freshdesk", "surveys")))
    assert {c["user_id"] for c in load("freshdesk", "conversations")} == {ticket["responder_id"]}


# -- today's connectors, end to end ----------------------------------------------------------


def test_zendesk_connector_stores_the_documented_payloads(tmp_path: Path) -> None:
    path = tmp_path / "zendesk.db"
    with FakeServer(servers.zendesk) as server, Store(path) as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="documented-token")
        results = [sync_stream(store, zendesk, stream) for stream in ZENDESK_STREAMS]
    assert [(r.stream, r.status, r.rejected) for r in results] == [
        (stream, "succeeded", 0) for stream in ZENDESK_STREAMS
    ]
    ticket = table(path, "tickets")["35436"]
    assert {key: ticket[key] for key in ZENDESK_TICKET} == ZENDESK_TICKET
    organization = table(path, "organizations")["509974"]
    assert (organization["name"], organization["domain"], organization["created_at"]) == (
        "Groablet Enterprises",
        "remain.com",
        db(2018, 11, 14, 0, 14, 52),
    )
    agent = table(path, "agents")["235323"]
    assert (agent["name"], agent["email"]) == ("Johnny Agent", "johnny@example.com")
    surveys = table(path, "surveys")
    rating = surveys["35436"]
    assert (rating["ticket_id"], rating["customer_id"], rating["agent_id"]) == (
        "35436",
        "20978392",
        "235323",
    )
    assert (rating["score"], rating["comment"]) == (1.0, "Awesome support!")
    assert rating["group_id"] == "98738"  # a survey keeps its group
    # The second documented rating names a ticket no fixture has: stored, not dropped.
    assert surveys["209"]["ticket_id"] == "209"
    # The end user of the user export is the ticket's requester, in its organization (#13.1).
    assert table(path, "customers") == {
        "20978392": {
            "id": "20978392",
            "source": "zd",
            "name": "Johnny Agent",
            "created_at": db(2009, 7, 20, 22, 55, 29),
            "churned_at": None,
            "email": "johnny@example.com",
            "external_id": "sai989sur98w9",
            "organization_id": "509974",
            "language": "en-US",
            "custom_fields": {
                "user_date": "2012-07-23T00:00:00Z",
                "user_decimal": 5.1,
                "user_dropdown": "option_1",
            },
            "raw": None,
        }
    }


def test_zendesk_metric_event_page_without_end_of_stream_ends_the_stream(tmp_path: Path) -> None:
    # The documented page has next_page and end_time but no end_of_stream, and a server answering
    # it again for start_time=end_time repeats the same events: the stream must stop, not loop.
    with FakeServer(servers.zendesk) as server, Store(tmp_path / "zendesk.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="documented-token")
        sync_stream(store, zendesk, "tickets")
        sync_stream(store, zendesk, "sla")
        asked = [r.param("start_time") for r in server.requests if "metric_events" in r.path]
        deadlines = store.conn.execute(
            "SELECT count(*) FROM tickets WHERE first_response_due_at IS NOT NULL"
            " OR resolution_due_at IS NOT NULL"
        ).fetchone()[0]
    assert asked[:2] == ["0", "1603716792"] and len(asked) <= 3
    assert deadlines == 0  # the example has activate and measure events, no apply_sla or breach


def test_freshdesk_connector_stores_the_documented_payloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_time = FakeClock()
    path = tmp_path / "freshdesk.db"
    options = {"base_url": "", "api_key": "documented-key", "conversations": "all"}
    with FakeServer(servers.freshdesk) as server, Store(path) as store:
        options["base_url"] = server.url
        freshdesk = FreshdeskConnector(
            FreshdeskOptions.model_validate(options),
            connection="fd",
            runtime=fake_time.runtime(),
        )
        result = sync_connector(store, freshdesk)
    assert (result.status, result.error) == ("succeeded", None)

    tickets = table(path, "tickets")
    assert {key: tickets["18"][key] for key in FRESHDESK_TICKET} == FRESHDESK_TICKET
    assert (tickets["17"]["requester_id"], tickets["17"]["organization_id"]) == ("1", None)
    # The ticket's only conversation is a private note: no agent reply, no first response.
    (note,) = table(path, "interactions").values()
    assert (note["id"], note["ticket_id"], note["author_id"], note["author_role"]) == (
        "3",
        "18",
        "1",
        "agent",
    )
    assert (note["public"], note["created_at"]) == (0, db(2015, 8, 24, 11, 59, 5))
    assert tickets["18"]["agent_replies"] == 0

    companies = table(path, "organizations")
    # Created "2014-01-08T09:08:53+05:30" on the page: stored in UTC.
    assert (companies["8"]["name"], companies["8"]["created_at"]) == (
        "Super Nova",
        db(2014, 1, 8, 3, 38, 53),
    )
    assert companies["9"]["domain"] == "poseidon"
    rating = table(path, "surveys")["102"]
    assert (rating["ticket_id"], rating["customer_id"], rating["agent_id"], rating["score"]) == (
        "18",
        "2",
        "1",
        7.0,  # 103, Extremely Happy, on the 1–7 scale
    )
    assert rating["group_id"] is None  # the documented rating's group_id is null
    # Rating 112's documented created_at "2015-08-28T010:08:16Z" is no timestamp: rejected.
    rejected = [row["location"] for row in table(path, "rejected_rows").values()]
    assert rejected == ["satisfaction rating 112"]
    # Contacts are customers (#13.1): ticket 18's requester Rachel, in its company 8.
    customers = table(path, "customers")
    assert sorted(customers) == ["2", "432", "434"]
    assert customers["2"] == {
        "id": "2",
        "source": "fd",
        "name": "Rachel",
        "created_at": db(2015, 8, 18, 16, 18, 14),
        "churned_at": None,  # no churn_field configured
        "email": "rachel@freshdesk.com",
        "external_id": None,
        "organization_id": "8",
        "language": "en",
        "custom_fields": {"department": "Admin", "permanent": True},
        "raw": None,
    }


def test_verify_counts_from_the_documented_search_answers(tmp_path: Path) -> None:
    # The documented count (6) and total (49) against the one ticket each store holds.
    from deskmetrics.audit.helpdesk_counts import compare

    with FakeServer(servers.zendesk) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="documented-token")
        sync_stream(store, zendesk, "tickets")
        finding = compare(store.conn, "zd", zendesk)
    assert (finding.status, finding.count) == ("fail", 5)
    assert finding.detail.endswith("store 1, helpdesk 6")
    options = {"base_url": "", "api_key": "documented-key"}
    with FakeServer(servers.freshdesk) as server, Store(tmp_path / "fd.db") as store:
        options["base_url"] = server.url
        freshdesk = FreshdeskConnector(
            FreshdeskOptions.model_validate(options), connection="fd", runtime=FakeClock().runtime()
        )
        sync_stream(store, freshdesk, "tickets")
        finding = compare(store.conn, "fd", freshdesk)
    assert (finding.status, finding.detail.rsplit(": ", 1)[1]) == ("fail", "store 2, helpdesk 49")

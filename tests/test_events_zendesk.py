"""Zendesk comments and status/assignment history from the incremental ticket event export
(issue #18 item 1): the mapping, the documented payloads, and a sync + report through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import deskmetrics
from config_files import toml_config
from deskmetrics.cli import cli
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from deskmetrics_zendesk.ticket_events import EventMapper
from vendor_payloads import load, servers
from zendesk_fake.account import FakeAccount
from zendesk_fake.handler import ZendeskHandler
from zendesk_fake.testkit import connector, table

AGENT, REQUESTER = 235323, 20978392


def mapped(*children: dict[str, Any], **event: Any) -> list[tuple[Any, ...]]:
    records = EventMapper({str(AGENT)}).records({
        "id": 1, "ticket_id": 35436, "created_at": "2026-01-05T10:00:00Z", "updater_id": AGENT,
        "child_events": list(children), **event,
    })  # fmt: skip
    rows = []
    for record in records:
        if isinstance(record, deskmetrics.Interaction):
            rows.append(("comment", record.id, record.author_id, record.author_role.value,
                         record.public, record.created_at.isoformat()))  # fmt: skip
        else:
            assert isinstance(record, deskmetrics.TicketEvent)
            rows.append((record.field.value, record.id, record.value, record.previous_value,
                         record.author_id, record.created_at.isoformat()))  # fmt: skip
    return rows


def test_comments_become_interactions_with_the_author_role() -> None:
    rows = mapped(
        {"id": 11, "event_type": "Comment", "author_id": AGENT, "public": True,
         "created_at": "2026-01-05T10:00:01Z"},
        {"id": 12, "event_type": "Comment", "author_id": AGENT, "public": False},
        {"id": 13, "event_type": "Comment", "author_id": REQUESTER, "public": True},
        {"id": 14, "event_type": "Comment", "author_id": -1, "public": True},
    )  # fmt: skip
    assert rows == [
        ("comment", "11", "235323", "agent", True, "2026-01-05T10:00:01+00:00"),
        ("comment", "12", "235323", "agent", False, "2026-01-05T10:00:00+00:00"),
        ("comment", "13", "20978392", "customer", True, "2026-01-05T10:00:00+00:00"),
        ("comment", "14", "-1", "system", True, "2026-01-05T10:00:00+00:00"),
    ]


def test_changes_of_status_assignee_and_group_in_both_shapes() -> None:
    rows = mapped(
        # The audit events reference's shape ...
        {"id": 21, "event_type": "Create", "field_name": "status", "value": "new"},
        {"id": 22, "type": "Change", "field_name": "status", "value": "hold",
         "previous_value": "open"},
        {"id": 23, "type": "Change", "field_name": "assignee_id", "value": "235323",
         "previous_value": None},
        # ... and the field named as the key.
        {"id": 24, "event_type": "Change", "group_id": 98738, "previous_value": 44},
        {"id": 25, "event_type": "Change", "status": "solved", "previous_value": "hold"},
        # Not history the KPIs need: left alone.
        {"id": 26, "event_type": "Change", "field_name": "priority", "value": "high"},
        {"id": 27, "event_type": "Change", "tags": ["vip"], "previous_value": []},
        {"id": 28, "event_type": "Notification", "subject": "Hi"},
    )  # fmt: skip
    at = "2026-01-05T10:00:00+00:00"
    assert rows == [
        ("status", "21", "new", None, "235323", at),
        ("status", "22", "on_hold", "open", "235323", at),
        ("assignee", "23", "235323", None, "235323", at),
        ("group", "24", "98738", "44", "235323", at),
        ("status", "25", "solved", "on_hold", "235323", at),
    ]


def test_a_system_update_has_no_author_and_the_documented_time_key_is_read() -> None:
    rows = mapped(
        {"id": 31, "event_type": "Change", "status": "closed", "previous_value": "solved"},
        updater_id=-1, created_at=None, time="2020-10-26T12:53:12Z",
    )  # fmt: skip
    assert rows == [("status", "31", "closed", "solved", None, "2020-10-26T12:53:12+00:00")]


def test_an_unknown_status_is_refused_by_name() -> None:
    with pytest.raises(deskmetrics.RecordError) as caught:
        mapped({"id": 41, "event_type": "Change", "status": "waiting", "previous_value": "open"})
    assert "ticketevent 41" in str(caught.value)
    assert "value 'waiting' is not a status" in " ".join(caught.value.problems)


def test_the_documented_comment_event_is_stored_as_an_agent_reply(tmp_path: Path) -> None:
    path = tmp_path / "zendesk.db"
    with FakeServer(servers.zendesk) as server, Store(path) as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="documented-token")
        result = sync_stream(store, zendesk, "ticket_events")
    assert (result.status, result.records, result.rejected) == ("succeeded", 1, 0)
    (child,) = load("zendesk", "ticket_events_comment_events")["ticket_events"][0]["child_events"]
    assert table(path, "interactions") == {
        str(child["id"]): {
            "id": "91048994488", "source": "zd", "ticket_id": "35436", "author_id": "235323",
            "author_role": "agent", "public": 1, "created_at": "2009-06-25T10:15:18.000000Z",
            "custom_fields": {}, "raw": None,
        }
    }  # fmt: skip
    assert table(path, "ticket_events") == {}  # the documented event changes no field


def test_a_malformed_event_is_rejected_and_the_page_goes_on(tmp_path: Path) -> None:
    account = FakeAccount(size=8)
    broken = account.ticket_events[0]
    broken["child_events"][0]["created_at"] = "yesterday"
    path = tmp_path / "zd.db"
    with FakeServer(ZendeskHandler(account)) as server, Store(path) as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token")
        result = sync_stream(store, zendesk, "ticket_events")
        (reason,) = store.conn.execute("SELECT location FROM rejected_rows").fetchall()
    assert result.status == "succeeded" and result.rejected == 1
    assert reason == (f"ticket event {broken['id']} (ticket {broken['ticket_id']})",)


def test_sync_and_report_through_the_cli_give_zendesk_reply_kpis(tmp_path: Path) -> None:
    # Eight tickets (tests/zendesk_fake): 4, 5 and 6 are resolved. Each opens with a requester
    # comment; ticket 5's agent answers 10 minutes later, ticket 6's after 11 (5 + n % 90),
    # ticket 4 has no agent reply (replies = n % 4 = 0).
    account = FakeAccount(size=8)
    with FakeServer(ZendeskHandler(account)) as server:
        config = toml_config(
            tmp_path / "deskmetrics.toml",
            {"zd": {"connector": "zendesk", "base_url": server.url, "access_token": "good-token"}},
            db=str(tmp_path / "dm.db"),
        )
        synced = CliRunner().invoke(cli, ["--config", str(config), "sync", "zd"])
    assert synced.exit_code == 0, synced.output
    report = CliRunner().invoke(cli, [
        "--config", str(config), "report", "--format", "json",
        "--from", "2024-01-01", "--to", "2024-01-08", "--timezone", "UTC",
    ])  # fmt: skip
    assert report.exit_code == 0, report.output
    data = json.loads(report.output)
    metrics = data["metrics"]
    assert (metrics["reply_time"]["n"], metrics["reply_time"]["value"]) == (2, 630.0)
    # The fake's metric sets state 20 min requester wait, 10 min agent wait, no hold; its
    # history says 4: new 2 min + open to the solve at 64 min; 5: 2 + 68; 6: 2 + 64; no pending.
    # Ticket 5 states 2 assignee stations (n % 5 == 0), its history names one assignee.
    (check,) = [s["tables"][0] for s in data["sections"] if s["id"] == "history_check"]
    assert check["rows"] == [
        ["Requester wait", 3, 3, "50 min", "zd/4, zd/5, zd/6"],
        ["Agent wait", 3, 3, "10 min", "zd/4, zd/5, zd/6"],
        ["On-hold", 3, 0, "", ""],
        ["Assignee stations", 3, 1, "1", "zd/5"],
        ["Group stations", 3, 0, "", ""],
    ]
    assert metrics["replies_to_resolve"]["value"] == pytest.approx(2 / 3)  # (0 + 1 + 1) / 3
    with Store(tmp_path / "dm.db") as store:
        history = store.conn.execute(
            "SELECT field, value, previous_value FROM ticket_events WHERE ticket_id = '3'"
            " ORDER BY created_at, id"
        ).fetchall()
    # Ticket 3 is on hold: created new, assigned two minutes in and opened, then held.
    assert history == [
        ("status", "new", None),
        ("assignee", "4", None),
        ("group", "4", None),
        ("status", "open", "new"),
        ("status", "on_hold", "open"),
    ]


def test_the_documented_create_and_change_events_become_history() -> None:
    (event,) = load("zendesk", "ticket_events_changes")["ticket_events"]
    records = EventMapper({str(AGENT)}).records(event)
    assert [
        (r.id, r.field.value, r.value, r.previous_value, r.author_id)
        for r in records
        if isinstance(r, deskmetrics.TicketEvent)
    ] == [
        ("1274", "status", "new", None, "235323"),
        ("1275", "status", "open", "new", "235323"),
        ("1276", "assignee", "235323", None, "235323"),
    ]  # the subject change is not history the KPIs need
    assert len(records) == 3


def test_the_export_is_asked_with_comment_events_in_pages_of_500(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(size=8))
    asked: list[tuple[str | None, ...]] = []

    def recording(request: Any) -> Any:
        if request.path == "/api/v2/incremental/ticket_events.json":
            asked.append(tuple(request.param(k) for k in ("include", "per_page", "start_time")))
        return handler(request)

    with FakeServer(recording) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token")
        result = sync_stream(store, zendesk, "ticket_events")
        kinds = store.conn.execute(
            "SELECT author_role, public, count(*) FROM interactions GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    assert result.status == "succeeded"
    assert asked == [("comment_events", "500", "0")]
    # Eight tickets open with a requester comment; 1, 2, 3, 5, 6 and 7 have replies
    # (n % 4 > 0, ticket 8 is new), each a public reply and a private note.
    assert kinds == [("agent", 0, 6), ("agent", 1, 6), ("customer", 1, 8)]


def test_a_forbidden_export_skips_the_stream_with_a_warning(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(size=8))
    handler.forbidden.add("/api/v2/incremental/ticket_events.json")
    with FakeServer(handler) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token")
        result = sync_stream(store, zendesk, "ticket_events")
        assert store.count("interactions") == 0
    assert result.status == "succeeded"
    assert any("ticket_events skipped" in warning for warning in zendesk.warnings)

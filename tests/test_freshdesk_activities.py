"""The Freshdesk ticket-activities export (issue #18 item 1): the optional ``ticket_activities``
stream reads each day's file links, downloads the files without the API key, stores status,
assignee and group changes as the history, and gives time in status and routing in a report
through the CLI. A plan without the export skips the stream with a warning; a bad activity is a
rejected row naming it and its ticket; the cursor is the next day to read.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from config_files import toml_config
from deskmetrics.cli import cli
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer, Handler
from deskmetrics_freshdesk import FreshdeskConnector, FreshdeskOptions
from deskmetrics_freshdesk.activities import ActivityError, ActivityMapper, performed_at
from deskmetrics_freshdesk.tickets import STATUSES
from vendor_payloads import load, servers

KEY = "documented-key"


def resolved_ticket_18(request: FakeRequest) -> FakeResponse:
    """The documented account, with ticket 18 resolved when its last activity says so."""
    answer = servers.freshdesk(request)
    if request.path == "/api/v2/tickets" and request.param("filter") is None:
        for ticket in answer.body:
            if ticket["id"] == 18:
                ticket["status"] = 4
                ticket["stats"]["resolved_at"] = "2015-08-24T12:02:50Z"
                ticket["stats"]["status_updated_at"] = "2015-08-24T12:02:50Z"
    return answer


def history(path: Path) -> list[tuple[Any, ...]]:
    with Store(path) as store:
        return store.conn.execute(
            "SELECT ticket_id, created_at, field, value, author_id FROM ticket_events"
            " ORDER BY created_at, field"
        ).fetchall()


def test_the_export_gives_time_in_status_and_routing_through_the_cli(tmp_path: Path) -> None:
    with FakeServer(resolved_ticket_18) as server:
        config = toml_config(
            tmp_path / "deskmetrics.toml",
            {
                "fd": {
                    "connector": "freshdesk",
                    "base_url": server.url,
                    "api_key": KEY,
                    "ticket_activities": True,
                    "ticket_activities_days": 1,
                }
            },
            db=str(tmp_path / "dm.db"),
        )
        synced = CliRunner().invoke(cli, ["--config", str(config), "sync"])
        assert synced.exit_code == 0, synced.output
        files = [r for r in server.requests if r.path == servers.FRESHDESK_EXPORT_FILE]
    # One day read (yesterday): its links, then its file, fetched without credentials.
    assert len(files) == 1
    assert "documented-signature" not in synced.output
    assert history(tmp_path / "dm.db") == [
        ("18", "2015-08-17T12:02:50.000000Z", "status", "open", "2"),
        ("18", "2015-08-17T12:30:50.000000Z", "assignee", "1", "1"),
        ("18", "2015-08-17T12:30:50.000000Z", "group", "2", "1"),
        ("18", "2015-08-17T13:02:50.000000Z", "status", "pending", "1"),
        ("18", "2015-08-18T09:02:50.000000Z", "status", "open", None),  # an automation
        ("18", "2015-08-18T10:00:00.000000Z", "assignee", "5", "1"),
        ("18", "2015-08-24T12:02:50.000000Z", "status", "solved", "5"),
    ]
    report = CliRunner().invoke(cli, [
        "--config", str(config), "report", "--format", "json",
        "--from", "2015-08-17", "--to", "2015-08-31", "--timezone", "UTC",
    ])  # fmt: skip
    assert report.exit_code == 0, report.output
    m = json.loads(report.output)["metrics"]
    # Created 17 Aug 12:02:50 and open at once; open 1 h, pending 20 h (to 18 Aug 09:02:50),
    # open again 6 d 3 h until the resolution on 24 Aug 12:02:50.
    open_seconds = 3600 + 6 * 86400 + 3 * 3600
    assert (m["requester_wait_time"]["value"], m["requester_wait_time"]["n"]) == (
        open_seconds,
        1,
    )
    assert m["agent_wait_time"]["value"] == 20 * 3600
    assert m["on_hold_time"]["value"] == 0
    assert m["agent_work_time"]["value"] == open_seconds
    # Assigned 28 min after creation, to agent 1 and then agent 5; one group throughout.
    assert m["time_to_first_assignment"]["value"] == 28 * 60
    assert m["assignee_stations"]["value"] == 2
    assert m["group_stations"]["value"] == 1
    assert m["reassignment_rate"]["value"] == 100.0  # percent


def sync_activities(
    path: Path, handler: Handler, clock: FakeClock, **options: Any
) -> tuple[Any, list[str], FakeServer]:
    with FakeServer(handler) as server, Store(path) as store:
        connector = FreshdeskConnector(
            FreshdeskOptions.model_validate(
                {
                    "base_url": server.url,
                    "api_key": KEY,
                    "ticket_activities": True,
                    **options,
                }
            ),
            connection="fd",
            runtime=clock.runtime(),
        )
        result = sync_stream(store, connector, "ticket_activities")
    return result, connector.warnings, server


def _state(path: Path) -> Any:
    with Store(path) as store:
        return store.get_state("fd", "ticket_activities")


@pytest.mark.parametrize("status", [403, 404])
def test_a_plan_without_the_export_skips_the_stream_with_a_warning(
    tmp_path: Path, status: int
) -> None:
    def handler(request: FakeRequest) -> FakeResponse:
        if request.path == servers.FRESHDESK_EXPORT:
            return FakeResponse(status, {"code": "access_denied"})
        return servers.freshdesk(request)

    result, warnings, _ = sync_activities(tmp_path / "fd.db", handler, FakeClock())
    assert (result.status, result.error) == ("succeeded", None)
    assert warnings == [
        f"ticket_activities: {status} from /api/v2/export/ticket_activities (the plan has no "
        "ticket activity export, it is not turned on, or the key is not an admin's); no status "
        "or assignment history for this account"
    ]
    assert history(tmp_path / "fd.db") == []
    assert _state(tmp_path / "fd.db") is None


def test_malformed_activities_are_rejected_rows_naming_activity_and_ticket(
    tmp_path: Path,
) -> None:
    file = load("freshdesk", "ticket_activities")
    file["activities_data"][3]["activity"]["status"] = "Waiting on Santa"
    file["activities_data"][5]["performed_at"] = "yesterday"
    file["activities_data"].append("not an activity")

    def handler(request: FakeRequest) -> FakeResponse:
        if request.path == servers.FRESHDESK_EXPORT_FILE:
            return FakeResponse(200, file)
        return servers.freshdesk(request)

    result, _, _ = sync_activities(
        tmp_path / "fd.db", handler, FakeClock(), ticket_activities_days=1
    )
    assert result.status == "succeeded"
    with Store(tmp_path / "fd.db") as store:
        rejected = store.conn.execute(
            "SELECT location, reason FROM rejected_rows ORDER BY location"
        ).fetchall()
    assert rejected == [
        (
            "ticket activity 3 of 2027-01-14 file 1 (ticket 18)",
            # The documented ticket_fields name two custom statuses.
            "status 'Waiting on Santa' is no status label of the account (closed, open, "
            "pending, resolved, waiting on customer, waiting on third party)",
        ),
        (
            "ticket activity 5 of 2027-01-14 file 1 (ticket 18)",
            "performed_at 'yesterday' is not a time (e.g. 15-01-2018 11:01:57 +0000)",
        ),
        (
            "ticket activity 7 of 2027-01-14 file 1 (ticket None)",
            "an activity is an object, not str",
        ),
    ]
    assert len(history(tmp_path / "fd.db")) == 5  # the other activities are stored


def test_days_are_read_incrementally_and_the_cursor_moves_with_the_data(tmp_path: Path) -> None:
    clock = FakeClock()  # 2027-01-15 08:00 UTC
    path = tmp_path / "fd.db"
    _, _, server = sync_activities(path, servers.freshdesk, clock, ticket_activities_days=3)
    asked = [r.param("created_at") for r in server.requests if r.path == servers.FRESHDESK_EXPORT]
    assert asked == ["2027-01-12", "2027-01-13", "2027-01-14"]  # never today
    assert _state(path) == {"next_day": "2027-01-15"}
    # The same file served for every day: the same rows, not copies.
    assert len(history(path)) == 7

    clock.now += 2 * 86400
    _, _, server = sync_activities(path, servers.freshdesk, clock, ticket_activities_days=3)
    asked = [r.param("created_at") for r in server.requests if r.path == servers.FRESHDESK_EXPORT]
    assert asked == ["2027-01-15", "2027-01-16"]
    assert _state(path) == {"next_day": "2027-01-17"}
    assert len(history(path)) == 7


def test_a_recent_day_without_a_file_waits_and_an_old_one_is_passed(tmp_path: Path) -> None:
    def handler(request: FakeRequest) -> FakeResponse:
        if request.path == servers.FRESHDESK_EXPORT and request.param("created_at") in (
            "2027-01-10",
            "2027-01-13",
        ):
            return FakeResponse(200, {"export": []})
        return servers.freshdesk(request)

    path = tmp_path / "fd.db"
    _, _, server = sync_activities(path, handler, FakeClock(), ticket_activities_days=5)
    asked = [r.param("created_at") for r in server.requests if r.path == servers.FRESHDESK_EXPORT]
    # 10 Jan (5 days ago) has no file: passed. 13 Jan (2 days ago) has none yet: wait for it.
    assert asked == ["2027-01-10", "2027-01-11", "2027-01-12", "2027-01-13"]
    assert _state(path) == {"next_day": "2027-01-13"}


def test_the_file_host_never_sees_the_key(tmp_path: Path) -> None:
    _, _, server = sync_activities(
        tmp_path / "fd.db", servers.freshdesk, FakeClock(), ticket_activities_days=1
    )
    (file,) = [r for r in server.requests if r.path == servers.FRESHDESK_EXPORT_FILE]
    assert "authorization" not in {name.lower() for name in file.headers}
    (links,) = [r for r in server.requests if r.path == servers.FRESHDESK_EXPORT]
    assert "authorization" in {name.lower() for name in links.headers}


def test_status_labels_map_through_the_account_and_status_map() -> None:
    custom = {6: "Waiting on Customer"}
    mapper = ActivityMapper(custom, lambda code: {**STATUSES, 6: STATUSES[3]}[code])
    ids: Counter[str] = Counter()
    activity = {
        "ticket_id": 9, "performed_at": "15-01-2018 11:01:57 +0530", "performer_type": "user",
        "performer_id": 4, "activity": {"status": "waiting on customer", "responder_id": None},
    }  # fmt: skip
    status, assignee = mapper.events(activity, ids)
    assert (status.field.value, status.value, assignee.field.value, assignee.value) == (
        "status", "pending", "assignee", None,  # unassigned
    )  # fmt: skip
    assert status.created_at == datetime(2018, 1, 15, 5, 31, 57, tzinfo=UTC)
    # The same activity again in the same file: a second row, numbered apart.
    again, _ = mapper.events(activity, ids)
    assert (status.id, again.id) == (
        "activity:9:1515994317:status:1", "activity:9:1515994317:status:2",
    )  # fmt: skip
    assert performed_at("2018-01-15T05:31:57Z") == status.created_at
    with pytest.raises(ActivityError, match="no ticket_id"):
        mapper.events({"performed_at": "15-01-2018 11:01:57 +0000", "activity": {}}, ids)

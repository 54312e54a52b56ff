"""End to end: the Freshdesk connector against a fake Freshdesk on 127.0.0.1, into a real store.

The fake serves thousands of tickets at a small page size (so listings pass the 300-page cap),
Link headers, include=stats credits, companies, deleted and spam tickets, conversations, ratings
and time entries, and injects a 429 with Retry-After, a 500 and a 403 on surveys. The store must
then hold exactly what was served (tests/freshdesk_fake/expected.py).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store import Store
from deskmetrics.sync.engine import ConnectionResult, sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeResponse
from freshdesk_fake import API_KEY, FakeFreshdesk, expected, serve
from freshdesk_fake import connection_options as fake_connection_options
from store_tables import RECORD_TABLES, store_rows
from subprocess_env import DESKMETRICS_BIN, clean_env


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    return fake


def connection_options(url: str, **extra: Any) -> dict[str, Any]:
    return fake_connection_options(
        url, status_map={"6": "pending"}, conversation_concurrency=8, **extra
    )


def run_sync(db: Path, url: str, clock: FakeClock, **extra: Any) -> ConnectionResult:
    config = parse_config({"connections": {"fd": connection_options(url, **extra)}}, None)
    connector = build_connector(config, config.connections["fd"], get_registry().connectors)
    connector.runtime = clock.runtime()
    with Store(db) as store:
        return sync_connector(store, connector)


SKIPPED = (
    "source", "id", "synced_at",
    "first_response_us", "resolution_us", "first_resolution_us", "first_assignment_us",
)  # fmt: skip
"""Not compared with what was served: keys, write time, durations derived from compared times."""


def table(db: Path, name: str) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = {}
        for row in conn.execute(f'SELECT * FROM "{name}"'):
            data = {k: row[k] for k in row.keys() if k not in SKIPPED}  # noqa: SIM118
            for key in ("tags", "custom_fields", "raw"):
                if isinstance(data.get(key), str):
                    data[key] = json.loads(data[key])
            rows[row["id"]] = data
        return rows
    finally:
        conn.close()


def assert_same(stored: dict[str, dict[str, Any]], wanted: dict[str, dict[str, Any]]) -> None:
    assert stored.keys() == wanted.keys()
    wrong = {key: (stored[key], wanted[key]) for key in wanted if stored[key] != wanted[key]}
    assert not wrong, f"{len(wrong)} rows differ, e.g. {next(iter(wrong.items()))}"


@pytest.mark.slow
def test_full_sync_stores_exactly_what_was_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_time: FakeClock
) -> None:
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)
    account = FakeFreshdesk.generate(1600)
    # Request 5 is the 4th agents page, request 21 the 2nd tickets page (after 11 companies
    # pages, company_fields and ticket_fields): a 429 and a 500 on the way.
    account.faults = {
        5: FakeResponse(429, {"message": "slow down"}, {"Retry-After": "7"}),
        21: FakeResponse(500, {"message": "oops"}),
    }
    account.surveys_status = 403
    db = tmp_path / "fd.db"
    with serve(account) as server:
        result = run_sync(db, server.url, fake_time)

    assert result.status == "succeeded", result.error
    assert [s.status for s in result.streams] == ["succeeded"] * 11  # ticket_activities off
    # The 429 waited exactly its Retry-After; the 500 the client's first backoff step.
    assert fake_time.sleeps == [7.0, 1.0]
    assert any("403" in w and "no CSAT" in w for w in result.warnings)
    assert any("custom status 7 (Waiting on Third Party)" in w for w in result.warnings)

    # handle_seconds skips running timers: the account has some.
    assert sum(e["timer_running"] for e in account.time_entries) == 2
    assert_same(table(db, "tickets"), expected.tickets(account))
    assert_same(table(db, "interactions"), expected.interactions(account))
    assert_same(table(db, "organizations"), expected.organizations(account))
    assert table(db, "surveys") == {}
    assert len(table(db, "agents")) == 20
    assert table(db, "groups")["201"]["name"] == "Tier 1"
    assert table(db, "agents")["5001"]["group_id"] == "202"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM pending_updates").fetchone() == (0,)
        # Every company a ticket names is stored, so breakdowns show names, not ids.
        orphans = conn.execute(
            "SELECT count(*) FROM tickets t WHERE organization_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM organizations o WHERE o.source = t.source AND o.id = t.organization_id)"
        ).fetchone()
        assert orphans == (0,)
        # Every requester is a stored customer (#13.1), and every customer's company too.
        orphans = conn.execute(
            "SELECT count(*) FROM tickets t WHERE requester_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM customers c WHERE c.source = t.source AND c.id = t.requester_id)"
        ).fetchone()
        assert orphans == (0,)
    customers = table(db, "customers")
    assert len(customers) == 1000
    assert customers["7010"] == {
        "name": "Contact 10",
        "created_at": "2023-03-06T14:00:00.000000Z",
        "churned_at": None,  # no churn_field configured
        "email": "contact10@example.test",
        "external_id": None,
        "organization_id": "310",
        "language": "en",
        "custom_fields": {"cf_churned_on": "2024-01-11T00:00:00Z", "cf_cancelled": False},
        "raw": None,
    }
    assert customers["7050"]["email"] is None and customers["7051"]["external_id"] == "crm-51"
    org = table(db, "organizations")
    assert {c["organization_id"] for c in customers.values()} <= org.keys()
    assert len(org) == 53
    # Company 300 is listed as created at 2022-11-27T05:30:00+05:30: midnight UTC.
    assert org["300"]["created_at"] == "2022-11-27T00:00:00.000000Z"
    assert org["305"]["domain"] == "company5.test"
    assert org["305"]["custom_fields"]["Website"] == "https://company5.test"
    assert org["305"]["custom_fields"]["legacy_id"] == "L-5"
    # Companies: the whole list (first sync), 11 pages of 5; labels read once.
    company_calls = [r for r in server.requests if r.path == "/api/v2/companies"]
    assert [r.param("page", "1") for r in company_calls] == [str(n) for n in range(1, 12)]
    assert company_calls[0].query == {"per_page": ["5"]}
    assert [r.path for r in server.requests].count("/api/v2/company_fields") == 1
    assert server.requests[20].path == "/api/v2/tickets"  # the request the 500 answered

    # 1,546 active tickets at 5 a page are 310 pages: the listing hit the 300-page cap and
    # restarted from the last updated_at seen, never asking for page 301.
    listings = [
        r for r in server.requests if r.path == "/api/v2/tickets" and r.param("filter") is None
    ]
    pages = [int(r.param("page", "1")) for r in listings]
    assert max(pages) == 300
    first_pages = [r for r in listings if r.param("page") is None]
    assert len(first_pages) == 4  # tickets and conversations listings, each restarted once
    first = first_pages[0]
    assert first.query == {
        "updated_since": ["2023-12-01T00:00:00Z"],
        "order_by": ["updated_at"],
        "order_type": ["asc"],
        "per_page": ["5"],
        "include": ["stats"],
    }
    restart = first_pages[1].param("updated_since")
    tickets_before_restart = sorted((t["updated_at"], t["id"]) for t in account.active())[: 300 * 5]
    assert restart == tickets_before_restart[-1][0]
    assert {r.param("filter") for r in server.requests if r.param("filter")} == {
        "deleted",
        "spam",
    }
    # Conversations: one call per resolved ticket, none for the others.
    conversation_calls = [r for r in server.requests if r.path.endswith("/conversations")]
    assert len(conversation_calls) == expected.resolved_count(account) == 1098


def test_incremental_sync_reads_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_time: FakeClock
) -> None:
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)
    account = FakeFreshdesk.generate(600)
    db = tmp_path / "fd.db"
    with serve(account) as server:
        first = run_sync(db, server.url, fake_time, per_page=100)
        assert first.status == "succeeded", first.error
        assert_same(table(db, "surveys"), expected.surveys(account))
        cursor = max(t["updated_at"] for t in account.active())
        hour_before = (
            datetime.fromisoformat(cursor.replace("Z", "+00:00")) - timedelta(minutes=60)
        ).strftime("%Y-%m-%dT%H:%M:%SZ")
        in_lookback = [t for t in account.active() if t["updated_at"] >= hour_before]
        touched = account.touch(0.01)
        companies_latest = max(datetime.fromisoformat(c["updated_at"]) for c in account.companies)
        renamed = account.companies[10]
        renamed["name"], renamed["updated_at"] = "Company Ten Ltd", "2024-06-01T09:00:00Z"
        account.calls.clear()
        second = run_sync(db, server.url, fake_time, per_page=100)
        assert second.status == "succeeded", second.error

    assert len(touched) == 6
    # Tickets: the touched ones, plus those the 60-minute lookback re-reads before the cursor.
    assert len(in_lookback) == 1
    tickets_stream = next(s for s in second.streams if s.stream == "tickets")
    assert tickets_stream.records == 6 + 1
    # Conversations: exactly the changed tickets, now all resolved.
    assert account.calls["tickets/{id}/conversations"] == 6
    assert account.calls["tickets"] == 2 + 2  # tickets + conversations, deleted + spam
    assert_same(table(db, "tickets"), expected.tickets(account))
    assert_same(table(db, "interactions"), expected.interactions(account))
    assert_same(table(db, "surveys"), expected.surveys(account))

    # Companies: one call for those updated since the latest seen minus the 60-minute lookback:
    # the renamed one and company 352, the latest (its neighbours are days older).
    [company_call] = [r for r in server.requests if r.path == "/api/v2/companies"][1:]
    since = companies_latest.astimezone(UTC) - timedelta(minutes=60)
    assert company_call.param("updated_since") == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    companies_stream = next(s for s in second.streams if s.stream == "companies")
    assert companies_stream.records == 2
    assert table(db, "organizations")["310"]["name"] == "Company Ten Ltd"
    assert_same(table(db, "organizations"), expected.organizations(account))


def _records_committed(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            row = conn.execute("SELECT coalesce(sum(records), 0) FROM sync_runs").fetchone()
            return int(row[0])
    except sqlite3.OperationalError:
        return 0  # schema not created yet, or briefly locked


def _write_config(path: Path, db: str, url: str, per_page: int = 5) -> Path:
    path.write_text(
        f"""
[database]
path = "{db}"

[connections.fd]
connector = "freshdesk"
base_url = "{url}"
api_key = "${{FRESHDESK_API_KEY}}"
start_date = "2023-12-01"
per_page = {per_page}
status_map = {{ "6" = "pending" }}
""",
        encoding="utf-8",
    )
    return path


def _sync_cli(config: Path) -> subprocess.Popen[str]:
    env = clean_env(FRESHDESK_API_KEY=API_KEY, DESKMETRICS_LOAD_PLUGINS="freshdesk")
    return subprocess.Popen(
        [str(DESKMETRICS_BIN), "--config", str(config), "sync"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.slow
def test_killed_sync_resumes_to_the_same_store(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(640)
    account.page_delay = 0.01  # slow enough to be killed mid-listing
    with serve(account) as server:
        killed = _write_config(tmp_path / "killed.toml", "killed.db", server.url)
        proc = _sync_cli(killed)
        deadline = time.monotonic() + 30
        while _records_committed(tmp_path / "killed.db") < 150:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no pages committed in 30 s"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        partial = len(store_rows(tmp_path / "killed.db", "tickets"))
        assert 0 < partial < len(account.tickets)

        account.page_delay = 0.0
        # The resumed sync and an uninterrupted one into a fresh store, side by side.
        resumed = _sync_cli(killed)
        whole = _sync_cli(_write_config(tmp_path / "clean.toml", "clean.db", server.url))
        for proc in (resumed, whole):
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err

    for name in RECORD_TABLES:
        assert store_rows(tmp_path / "killed.db", name) == store_rows(
            tmp_path / "clean.db", name
        ), name
    assert len(store_rows(tmp_path / "clean.db", "tickets")) == len(account.tickets)
    with sqlite3.connect(tmp_path / "killed.db") as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM sync_runs ORDER BY id")]
    assert "interrupted" in statuses


def test_cli_check_proves_the_key_with_one_call(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(10)
    with serve(account) as server:
        config = _write_config(tmp_path / "dm.toml", "dm.db", server.url)
        env = clean_env(FRESHDESK_API_KEY=API_KEY, DESKMETRICS_LOAD_PLUGINS="freshdesk")
        ok = subprocess.run(
            [str(DESKMETRICS_BIN), "--config", str(config), "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert ok.returncode == 0, ok.stderr
        host = server.url.removeprefix("http://")
        assert f"ok   fd (freshdesk): {host}: authenticated as Ann Lee" in ok.stdout
        assert [r.path for r in server.requests] == ["/api/v2/agents/me"]

        wrong = "wrong-key-123456"
        env["FRESHDESK_API_KEY"] = wrong
        bad = subprocess.run(
            [str(DESKMETRICS_BIN), "--config", str(config), "check"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert bad.returncode == 1
    assert "FAIL fd (freshdesk): GET /api/v2/agents/me: 401 Unauthorized" in bad.stdout
    assert wrong not in bad.stdout + bad.stderr


def test_business_hours_import_as_schedules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)
    account = FakeFreshdesk.generate(10)
    with serve(account) as server:
        config = parse_config({"connections": {"fd": connection_options(server.url)}}, None)
        connector = build_connector(config, config.connections["fd"], get_registry().connectors)
        try:
            us, eu = connector.schedules()
        finally:
            connector.close()
        env = clean_env(FRESHDESK_API_KEY=API_KEY, DESKMETRICS_LOAD_PLUGINS="freshdesk")
        toml = _write_config(tmp_path / "dm.toml", "dm.db", server.url)
        imported = subprocess.run(
            [str(DESKMETRICS_BIN), "--config", str(toml), "schedules", "import", "fd"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (us.name, us.timezone) == ("US support", "America/New_York")
    assert us.weekly == (((480, 1020),),) * 5 + ((), ())
    assert (eu.name, eu.timezone) == ("EU weekend", "Europe/Berlin")
    assert eu.weekly == ((), (), (), (), (), ((0, 1440),), ((630, 840),))
    # Nine hours on a Monday in New York (EST, UTC-5): 13:00-22:00 UTC.
    monday = datetime(2024, 1, 8, tzinfo=UTC)
    assert us.business_seconds(monday, monday + timedelta(days=1)) == 9 * 3600
    assert imported.returncode == 0, imported.stderr
    assert "[schedules.fd-us-support]" in imported.stdout
    assert 'timezone = "America/New_York"' in imported.stdout

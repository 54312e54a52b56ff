"""``deskmetrics verify`` (#13.7): store consistency checks and counts against the helpdesk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from config_files import toml_config
from deskmetrics import Customer, Interaction, Record, Store, SurveyKind, SurveyResponse, Ticket
from deskmetrics.cli import cli
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer

DAY0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def ticket(id: str, day: int = 0, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=DAY0 + timedelta(days=day), **fields)


def project(tmp_path: Path, connections: dict[str, dict[str, Any]] | None = None) -> Path:
    conns = connections or {"desk": {"connector": "csv", "path": "data"}}
    (tmp_path / "data").mkdir(exist_ok=True)
    return toml_config(tmp_path / "deskmetrics.toml", conns)


def write(tmp_path: Path, records: list[Record], source: str = "desk") -> None:
    with Store(tmp_path / "dm.db") as store:
        store.write(records, source=source)


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "verify", *args])


def findings(result: Result) -> dict[str, dict[str, Any]]:
    return {f["check"]: f for f in json.loads(result.output)["findings"]}


def test_a_clean_store_passes(tmp_path: Path) -> None:
    config = project(tmp_path)
    write(tmp_path, [Customer(id="c1", created_at=DAY0), ticket("1", requester_id="c1")])
    result = run(config, "--offline", "--json")
    assert result.exit_code == 0, result.output
    assert {f["status"] for f in findings(result).values()} == {"ok"}
    table = run(config, "--offline")
    assert table.exit_code == 0 and "all checks passed" in table.output


def test_each_problem_is_named_with_ids_and_a_fix(tmp_path: Path) -> None:
    config = project(tmp_path)
    write(tmp_path, [
        ticket("1", resolved_at_estimated=True, status="solved", resolved_at=DAY0),
        ticket("2", requester_id="nobody"),
        ticket("7"),
        Interaction(id="m1", ticket_id="404", author_role="agent", created_at=DAY0),
        SurveyResponse(id="s1", ticket_id="405", kind=SurveyKind.CSAT, score=5, created_at=DAY0),
    ])  # fmt: skip
    write(tmp_path, [ticket("7")], source="desk-copy")  # the same helpdesk, connected twice
    with Store(tmp_path / "dm.db") as store:  # written by another tool: validation bypassed
        store.conn.execute(
            "INSERT INTO tickets (source, id, created_at, status, resolved_at, first_response_at,"
            " synced_at) VALUES ('desk', '9', '2026-01-05T10:00:00.000000Z', 'solved',"
            " '2026-01-05T09:00:00.000000Z', '2026-01-05T08:00:00.000000Z', 'x')"
        )
    result = run(config, "--offline", "--json")
    assert result.exit_code == 1
    found = findings(result)
    assert found["resolved before created"]["ids"] == ["desk/9"]
    assert found["first response before created"]["ids"] == ["desk/9"]
    assert found["replies without a ticket"]["ids"] == ["desk/m1"]
    assert found["surveys without a ticket"]["ids"] == ["desk/s1"]
    assert found["duplicate tickets across connections"]["ids"] == ["desk-copy/7", "desk/7"]
    assert found["estimated resolutions"] == {**found["estimated resolutions"],
                                              "status": "info", "ids": ["desk/1"]}  # fmt: skip
    requesters = found["requesters without a customer"]
    assert (requesters["status"], requesters["count"], requesters["ids"]) == ("info", 1, ["desk/2"])
    assert all(f["fix"] for f in found.values() if f["status"] != "ok")
    table = run(config, "--offline")
    assert table.exit_code == 1
    assert "5 check(s) failed" in table.output


def test_one_connection_only(tmp_path: Path) -> None:
    config = project(tmp_path, {"desk": {"connector": "csv", "path": "data"},
                                "other": {"connector": "csv", "path": "data"}})  # fmt: skip
    write(tmp_path, [Interaction(id="m1", ticket_id="404", author_role="agent", created_at=DAY0)])
    assert run(config, "other", "--offline").exit_code == 0
    assert run(config, "desk", "--offline").exit_code == 1
    unknown = run(config, "nope")
    assert unknown.exit_code == 2 and "no connection 'nope'" in unknown.output


def test_a_gap_in_a_busy_range_is_found(tmp_path: Path) -> None:
    config = project(tmp_path)
    busy = [ticket(f"{d}-{n}", day=d) for d in (0, 1, 3, 4) for n in range(13)]  # no day 2
    write(tmp_path, busy)
    found = findings(run(config, "--offline", "--json"))
    assert found["days with no tickets in a busy range"]["ids"] == ["desk/2026-01-07"]
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    write(quiet, [ticket("1"), ticket("2", day=5)])  # two tickets a week: gaps are normal
    assert findings(run(project(quiet), "--offline", "--json"))[
        "days with no tickets in a busy range"]["status"] == "ok"  # fmt: skip


class CountingZendesk:
    """Answers the search count; remembers the query."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.queries: list[str] = []

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/api/v2/search/count.json":
            self.queries.append(request.param("query") or "")
            return FakeResponse(200, {"count": self.count})
        return FakeResponse(404, {"error": "InvalidEndpoint"})


@pytest.mark.parametrize(("count", "code"), [(3, 0), (5, 1)])
def test_zendesk_counts_are_compared_for_the_synced_days(
    tmp_path: Path, count: int, code: int
) -> None:
    handler = CountingZendesk(count)
    with FakeServer(handler) as server:
        config = project(tmp_path, {"zd": {"connector": "zendesk", "base_url": server.url,
                                           "access_token": "tok"}})  # fmt: skip
        write(tmp_path, [ticket("1"), ticket("2", day=1), ticket("3", day=2),
                         ticket("4", day=2, status="deleted")], source="zd")  # fmt: skip
        result = run(config, "--json")
    assert result.exit_code == code, result.output
    check = findings(result)["ticket count matches the helpdesk"]
    assert check["detail"] == (
        f"2026-01-05 to 2026-01-08 (UTC days, end excluded): store 3, helpdesk {count}"
    )
    assert handler.queries == ["type:ticket created>2026-01-04 created<2026-01-08"]
    if code:
        assert check["fix"].startswith("deskmetrics sync zd --full-refresh")


def test_freshdesk_counts_come_from_the_search_total(tmp_path: Path) -> None:
    queries: list[str] = []

    def handle(request: FakeRequest) -> FakeResponse:
        queries.append(request.param("query") or "")
        return FakeResponse(200, {"total": 49, "results": []})

    with FakeServer(handle) as server:
        config = project(tmp_path, {"fd": {"connector": "freshdesk", "base_url": server.url,
                                           "api_key": "key"}})  # fmt: skip
        write(tmp_path, [ticket("1")], source="fd")
        result = run(config, "--json")
    assert result.exit_code == 1
    assert findings(result)["ticket count matches the helpdesk"]["count"] == 48
    assert queries == ["\"created_at:>'2026-01-05' AND created_at:<'2026-01-05'\""]


def test_a_helpdesk_that_cannot_answer_is_a_failed_check_not_a_traceback(tmp_path: Path) -> None:
    with FakeServer(lambda request: FakeResponse(403, {"error": "Forbidden"})) as server:
        config = project(tmp_path, {"zd": {"connector": "zendesk", "base_url": server.url,
                                           "access_token": "secret-tok-123"}})  # fmt: skip
        write(tmp_path, [ticket("1")], source="zd")
        result = run(config, "--json")
    assert result.exit_code == 1
    check = findings(result)["ticket count matches the helpdesk"]
    assert check["status"] == "fail" and "403" in check["detail"]
    assert "secret-tok-123" not in result.output

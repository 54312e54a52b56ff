"""The pytest fixtures deskmetrics ships for plugin authors work as documented."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

import deskmetrics
from deskmetrics.testing import (
    ConnectorConformance,
    FakeClock,
    FakeRequest,
    FakeResponse,
    FakeServer,
)


def test_deskmetrics_store_fixture_is_an_empty_migrated_store(
    deskmetrics_store: deskmetrics.Store,
) -> None:
    assert deskmetrics_store.count("tickets") == 0
    deskmetrics_store.write(
        [deskmetrics.Ticket(id="1", created_at=datetime(2026, 1, 5, tzinfo=UTC))], source="t"
    )
    assert deskmetrics_store.count("tickets", source="t") == 1


def test_fake_server_fixture_serves_and_records(
    fake_server: Callable[[Callable[[FakeRequest], FakeResponse]], FakeServer],
) -> None:
    server = fake_server(lambda request: FakeResponse(201, {"path": request.path}))
    response = httpx.get(f"{server.url}/api/x?a=1")
    assert (response.status_code, response.json()) == (201, {"path": "/api/x"})
    assert server.requests[0].query == {"a": ["1"]}


def test_demo_and_generator_need_no_test_dependencies() -> None:
    import subprocess
    import sys

    # A plain `pip install deskmetrics` has no pytest: blocking it must not break the demo path.
    code = (
        "import sys; sys.modules['pytest'] = None\n"
        "import deskmetrics.cli.demo_commands\n"
        "from deskmetrics.testing import DemoSpec, demo_records, write_demo_csv\n"
        "print(sum(1 for _ in demo_records(DemoSpec(tickets=120, weeks=2))) > 120)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (result.returncode, result.stdout) == (0, "True\n"), result.stderr


def test_conformance_takes_the_secret_options_from_the_options_model(tmp_path: Path) -> None:
    class ZendeskSuite(ConnectorConformance):
        connector = "zendesk"
        http = True

    suite = ZendeskSuite()
    options = {"subdomain": "acme", "access_token": "t0ken", "per_page": 50}
    assert suite.secret_options(options) == ["access_token"]
    # Valid options without any Secret field filled: an HTTP connector fails, never skips.
    with pytest.raises(pytest.fail.Exception, match=r"typed deskmetrics\.Secret"):
        suite.test_missing_secret_variable_is_named(tmp_path / "x.toml", {"subdomain": "acme"})


def test_the_fake_clock_fixture_moves_only_when_slept(
    fake_clock: FakeClock,
) -> None:
    runtime = fake_clock.runtime()
    budget = runtime.budget("acct")
    budget.limit("default", 1)
    budget.acquire()
    budget.acquire()  # the second request of the minute waits for the window
    assert fake_clock.sleeps == [60.0]
    assert runtime.now() == fake_clock.START + 60.0

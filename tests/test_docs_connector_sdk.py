"""The "Writing a connector" example of docs/plugins.md runs: executed against a local server."""

from __future__ import annotations

import re
import types
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock, FakeRequest, FakeResponse, FakeServer

DOC = Path(__file__).parent.parent / "docs" / "plugins.md"
TOKEN = "hd-s3cret-token"


def example() -> types.ModuleType:
    section = DOC.read_text(encoding="utf-8").split("## Writing a connector", 1)[1]
    code = re.search(r"^```python\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    assert code is not None, "the section has a python block"
    module = types.ModuleType("deskmetrics_helpdesk_example")
    exec(compile(code.group(1), "<docs/plugins.md>", "exec", dont_inherit=True), module.__dict__)
    return module


class Helpdesk:
    """Three tickets, two per page, updated_since filtering; comments per ticket."""

    def __init__(self) -> None:
        self.tickets = [
            {"id": str(n), "created_at": f"2026-01-0{n}T09:00:00Z", "updated_at": updated}
            for n, updated in ((1, "2026-01-05T10:00:00Z"), (2, "2026-01-06T11:00:00Z"))
        ] + [
            {"id": "3", "created_at": "2026-01-03T09:00:00Z", "updated_at": "2026-01-07T12:00:00Z"}
        ]
        self.listings: list[str | None] = []
        self.url = ""

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return FakeResponse(401, {"error": "unauthorized"})
        if request.path == "/api/me":
            return FakeResponse(200, {"name": "Ada"})
        if request.path == "/api/tickets":
            since = request.param("updated_since")
            page = int(request.param("page", "1") or 1)
            if page == 1:
                self.listings.append(since)
            wanted = [t for t in self.tickets if since is None or t["updated_at"] >= since[:19]]
            headers = {}
            if len(wanted) > page * 2:
                query = f"page={page + 1}" + (f"&updated_since={since}" if since else "")
                headers["Link"] = f'<{self.url}/api/tickets?{query}>; rel="next"'
            return FakeResponse(200, wanted[(page - 1) * 2 : page * 2], headers)
        ticket = request.path.split("/")[3]
        comments = [
            {"id": f"{ticket}-c1", "author_role": "customer", "created_at": "2026-01-05T09:00:00Z"},
            {"id": f"{ticket}-c2", "author_role": "agent", "created_at": "2026-01-05T09:30:00Z"},
        ]
        return FakeResponse(200, comments)


@pytest.fixture
def helpdesk() -> Any:
    api = Helpdesk()
    with FakeServer(api) as server:
        api.url = server.url
        yield api


def test_the_documented_connector_syncs_incrementally(tmp_path: Path, helpdesk: Helpdesk) -> None:
    module = example()
    cls = module.HelpdeskConnector
    assert cls.streams == ("tickets", "interactions")
    assert deskmetrics.secret_fields(cls.Options) == ("token",)
    clock = FakeClock()
    options = cls.Options(base_url=helpdesk.url, token=TOKEN, lookback_minutes=5)

    def sync() -> deskmetrics.Store:
        connector = cls(options, connection="hd", runtime=clock.runtime())
        assert connector.check() == "authenticated as Ada"
        store = deskmetrics.Store(tmp_path / "hd.db")
        result = sync_connector(store, connector)
        assert result.status == "succeeded", result.error
        return store

    with sync() as store:
        assert store.count("tickets") == 3
        assert store.count("interactions") == 6
        assert store.get_state("hd", "tickets") == {"updated_since": "2026-01-07T12:00:00Z"}
    with sync() as store:
        assert store.count("tickets") == 3
    # The second sync of each stream lists from the saved cursor minus the 5-minute lookback.
    again = "2026-01-07T11:55:00+00:00"
    assert helpdesk.listings == [None, None, again, again]
    assert clock.sleeps == []

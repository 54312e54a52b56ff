"""The pytest fixtures deskmetrics ships for plugin authors work as documented."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

import deskmetrics
from deskmetrics.testing import FakeRequest, FakeResponse, FakeServer


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

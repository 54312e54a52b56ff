"""The Freshdesk connector passes the connector conformance suite, against the fake Freshdesk."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import pytest

from deskmetrics.testing import ConnectorConformance
from deskmetrics.testing.conformance import FakeSource, FaultInjector
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from freshdesk_fake import API_KEY, FakeFreshdesk, serve


class TestFreshdeskConformance(ConnectorConformance):
    connector = "freshdesk"
    http = True
    invalid_options = [
        ({"per_page": 101}, "per_page"),
        ({"conversations": "sometimes"}, "conversations"),
        ({"status_map": {"6": "deleted"}}, "status_map"),
    ]

    @cached_property
    def account(self) -> FakeFreshdesk:
        return FakeFreshdesk.generate(80)

    def serve(self, request: FakeRequest) -> FakeResponse:
        return self.account.handle(request)

    @pytest.fixture
    def fake_source(self) -> Iterator[FakeSource]:
        faults = FaultInjector(self.serve)
        server = serve(self.account)  # the fake's server: Link headers name its own URL
        server.handler = faults
        with server:
            yield FakeSource(server, faults)

    def http_options(self, fake_source: FakeSource) -> dict[str, Any]:
        return {
            "base_url": fake_source.url,
            "api_key": API_KEY,
            "start_date": "2023-12-01",
            "per_page": 20,
        }

    @pytest.fixture
    def connection_options(self, fake_source: FakeSource) -> dict[str, Any]:
        return self.http_options(fake_source)

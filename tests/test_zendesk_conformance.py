"""The Zendesk connector passes the connector conformance suite, against the fake Zendesk."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pytest

from deskmetrics.testing import ConnectorConformance
from deskmetrics.testing.conformance import FakeSource
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from zendesk_fake import FakeAccount, ZendeskHandler


class TestZendeskConformance(ConnectorConformance):
    connector = "zendesk"
    http = True
    invalid_options = [
        ({"per_page": 2000}, "per_page"),
        ({"escalation": ["vibes"]}, "escalation"),
        ({"base_url": "ftp://acme"}, "base_url"),
    ]

    @cached_property
    def handler(self) -> ZendeskHandler:
        handler = ZendeskHandler(FakeAccount(80))
        # Several organization pages, so interruptions also land inside that export.
        handler.organizations_per_page = 10
        return handler

    def serve(self, request: FakeRequest) -> FakeResponse:
        return self.handler(request)

    def http_options(self, fake_source: FakeSource) -> dict[str, Any]:
        return {
            "base_url": fake_source.url,
            "access_token": "good-token",
            "per_page": 50,
            # The conformance suite records sleeps; the 10/min cap has its own test.
            "incremental_requests_per_minute": 1000,
        }

    @pytest.fixture
    def connection_options(self, fake_source: FakeSource) -> dict[str, Any]:
        return self.http_options(fake_source)

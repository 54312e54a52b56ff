"""Serving the fake account on 127.0.0.1."""

from __future__ import annotations

from deskmetrics.testing.fake_server import FakeServer
from freshdesk_fake.account import FakeFreshdesk


def serve(account: FakeFreshdesk) -> FakeServer:
    """A FakeServer answering for ``account``; its Link headers name the server's own URL."""
    server = FakeServer(account.handle)
    account.base_url = server.url
    return server

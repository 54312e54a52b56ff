"""A fake Freshdesk account and API for the connector's tests and benchmark.

``FakeFreshdesk.generate(n)`` builds a deterministic account (tickets with stats, deleted and
spam tickets, conversations, ratings, time entries, agents, groups, companies);
``account.handle`` answers API v2 requests the way Freshdesk does (Link pagination, the 300-page
cap, ``include=stats`` credits, the 30-day default, Basic auth) and can inject faults. Serve it with
``deskmetrics.testing.fake_server.FakeServer(account.handle)``.
"""

from freshdesk_fake.account import API_KEY, FakeFreshdesk
from freshdesk_fake.connection import connection_options
from freshdesk_fake.serving import serve

__all__ = ["API_KEY", "FakeFreshdesk", "connection_options", "serve"]

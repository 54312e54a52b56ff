"""A local fake Zendesk for the connector's tests and benchmark: generated data, real HTTP."""

from zendesk_fake.account import FakeAccount
from zendesk_fake.handler import Faults, ZendeskHandler

__all__ = ["FakeAccount", "Faults", "ZendeskHandler"]

"""deskmetrics: honest customer-service KPIs, with connectors, metrics and reporters as plugins.

Everything a plugin needs is importable from here::

    import deskmetrics

    class MyConnector(deskmetrics.Connector):
        name = "myhelpdesk"
        streams = ("tickets",)

        def read(self, stream, state):
            yield deskmetrics.Batch([deskmetrics.Ticket(id="1", created_at=...)], state={...})

    @deskmetrics.hookimpl
    def register_connectors(register):
        register(MyConnector)
"""

import pluggy

from deskmetrics.config import Config, ConnectionConfig, load_config
from deskmetrics.connector import Batch, Connector, ConnectorOptions, Secret, State
from deskmetrics.errors import (
    ConfigError,
    ConnectorError,
    DeskmetricsError,
    RecordError,
    StoreError,
    describe_validation_error,
)
from deskmetrics.http_client import (
    HttpClient,
    HttpError,
    RequestTimeout,
    retry_after_seconds,
    standard_rate_headers,
)
from deskmetrics.models import (
    RESOLVED_STATUSES,
    TOMBSTONE_STATUSES,
    Agent,
    AuthorRole,
    Channel,
    Customer,
    Group,
    Interaction,
    Priority,
    Record,
    Status,
    SurveyKind,
    SurveyResponse,
    Ticket,
    UTCDateTime,
)
from deskmetrics.rate_budget import RateBudget, budget_for
from deskmetrics.store import RejectedRow, Store

hookimpl = pluggy.HookimplMarker("deskmetrics")
"""Decorator for plugin hook implementations: ``@deskmetrics.hookimpl``."""

__version__ = "0.1.0"

__all__ = [
    "RESOLVED_STATUSES",
    "TOMBSTONE_STATUSES",
    "Agent",
    "AuthorRole",
    "Batch",
    "Channel",
    "Config",
    "ConfigError",
    "ConnectionConfig",
    "Connector",
    "ConnectorError",
    "ConnectorOptions",
    "Customer",
    "DeskmetricsError",
    "Group",
    "HttpClient",
    "HttpError",
    "Interaction",
    "Priority",
    "RateBudget",
    "Record",
    "RecordError",
    "RejectedRow",
    "RequestTimeout",
    "Secret",
    "State",
    "Status",
    "Store",
    "StoreError",
    "SurveyKind",
    "SurveyResponse",
    "Ticket",
    "UTCDateTime",
    "budget_for",
    "describe_validation_error",
    "hookimpl",
    "load_config",
    "retry_after_seconds",
    "standard_rate_headers",
]

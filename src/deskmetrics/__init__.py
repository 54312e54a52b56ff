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
from deskmetrics.metrics import Filter, Metric, MetricValue, Scope
from deskmetrics.metrics.business_hours import Schedule
from deskmetrics.models import (
    RESOLVED_STATUSES,
    TOMBSTONE_STATUSES,
    Agent,
    AuthorRole,
    Channel,
    Customer,
    Group,
    Interaction,
    Organization,
    Priority,
    Record,
    Status,
    SurveyKind,
    SurveyResponse,
    Ticket,
    TicketUpdate,
    UTCDateTime,
)
from deskmetrics.rate_budget import RateBudget, budget_for
from deskmetrics.report import BreakdownEntry, Bucket, Report, Series, build_report
from deskmetrics.reporter import Reporter
from deskmetrics.store import RejectedRow, Store
from deskmetrics.timezones import to_iana

hookimpl = pluggy.HookimplMarker("deskmetrics")
"""Decorator for plugin hook implementations: ``@deskmetrics.hookimpl``."""

__version__ = "0.1.0"

__all__ = [
    "RESOLVED_STATUSES",
    "TOMBSTONE_STATUSES",
    "Agent",
    "AuthorRole",
    "Batch",
    "BreakdownEntry",
    "Bucket",
    "Channel",
    "Config",
    "ConfigError",
    "ConnectionConfig",
    "Connector",
    "ConnectorError",
    "ConnectorOptions",
    "Customer",
    "DeskmetricsError",
    "Filter",
    "Group",
    "HttpClient",
    "HttpError",
    "Interaction",
    "Metric",
    "MetricValue",
    "Organization",
    "Priority",
    "RateBudget",
    "Record",
    "RecordError",
    "RejectedRow",
    "Report",
    "Reporter",
    "RequestTimeout",
    "Schedule",
    "Scope",
    "Secret",
    "Series",
    "State",
    "Status",
    "Store",
    "StoreError",
    "SurveyKind",
    "SurveyResponse",
    "Ticket",
    "TicketUpdate",
    "UTCDateTime",
    "budget_for",
    "build_report",
    "describe_validation_error",
    "hookimpl",
    "load_config",
    "retry_after_seconds",
    "standard_rate_headers",
    "to_iana",
]

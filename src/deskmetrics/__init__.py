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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pluggy

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.calendar.timezones import to_iana
from deskmetrics.config.loading import Config, ConnectionConfig, load_config
from deskmetrics.connect.connector import Batch, Connector, ConnectorOptions, Secret, State
from deskmetrics.connect.cursors import TimeCursor, TokenCursor, UpdatedSince
from deskmetrics.connect.lazy_exports import lazy_exports
from deskmetrics.connect.runtime import Runtime
from deskmetrics.connect.secrets import secret_fields
from deskmetrics.connect.streams import Stream, stream
from deskmetrics.errors import (
    ConfigError,
    ConnectorError,
    DeskmetricsError,
    RecordError,
    StoreError,
    describe_validation_error,
)
from deskmetrics.metrics import Filter, Metric, MetricValue, Scope
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
from deskmetrics.report import BreakdownEntry, Bucket, Report, Series, build_report
from deskmetrics.report.reporter import Reporter
from deskmetrics.store import RejectedRow, Store

if TYPE_CHECKING:
    from deskmetrics.connect.children import ChildFetches
    from deskmetrics.connect.http_client import (
        HttpClient,
        HttpError,
        RequestTimeout,
        retry_after_seconds,
        standard_rate_headers,
    )
    from deskmetrics.connect.paging import link_pages, next_link
    from deskmetrics.connect.rate_budget import RateBudget, budget_for

# Only HTTP connectors need these, and httpx and tenacity cost a good share of the CLI's
# start-up: they are imported on first use (PEP 562) so that `deskmetrics report` never pays.
_LAZY: dict[str, str] = {
    "HttpClient": "deskmetrics.connect.http_client",
    "HttpError": "deskmetrics.connect.http_client",
    "RequestTimeout": "deskmetrics.connect.http_client",
    "retry_after_seconds": "deskmetrics.connect.http_client",
    "standard_rate_headers": "deskmetrics.connect.http_client",
    "RateBudget": "deskmetrics.connect.rate_budget",
    "budget_for": "deskmetrics.connect.rate_budget",
    "ChildFetches": "deskmetrics.connect.children",
    "link_pages": "deskmetrics.connect.paging",
    "next_link": "deskmetrics.connect.paging",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


hookimpl = pluggy.HookimplMarker("deskmetrics")
"""Decorator for plugin hook implementations: ``@deskmetrics.hookimpl``."""

__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 (sorted within blocks; one block per helper keeps merges easy)
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
    # connector SDK
    "ChildFetches",
    "Runtime",
    "Stream",
    "TimeCursor",
    "TokenCursor",
    "UpdatedSince",
    "lazy_exports",
    "link_pages",
    "next_link",
    "secret_fields",
    "stream",
]

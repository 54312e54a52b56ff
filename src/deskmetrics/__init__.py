"""deskmetrics: honest customer-service KPIs, with connectors, metrics and reporters as plugins.

Everything a plugin needs is importable from here::

    import deskmetrics

    class MyConnector(deskmetrics.Connector):
        name = "myhelpdesk"
        streams = ("tickets",)

        def read(self, stream, state):
            yield deskmetrics.Batch([deskmetrics.Ticket(id="1", created_at=...)], state={...})

    @deskmetrics.hookimpl
    def register_connectors(register: deskmetrics.RegisterConnector) -> None:
        register(MyConnector)

These names (``__all__``, listed in docs/plugins.md) and ``deskmetrics.testing`` are the public
API; every other ``deskmetrics.<module>`` is private and may move between releases.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskmetrics.calendar.business_hours import Schedule
    from deskmetrics.calendar.timezones import to_iana
    from deskmetrics.config.loading import Config, load_config
    from deskmetrics.config.report_settings import ReportSettings
    from deskmetrics.config.timezone import TimeZone
    from deskmetrics.connect.children import ChildFetches
    from deskmetrics.connect.connector import Batch, Connector, ConnectorOptions, Secret, State
    from deskmetrics.connect.cursors import TimeCursor, TokenCursor, UpdatedSince
    from deskmetrics.connect.http_client import (
        HttpClient,
        HttpError,
        RequestTimeout,
        retry_after_seconds,
        standard_rate_headers,
    )
    from deskmetrics.connect.paging import link_pages, next_link
    from deskmetrics.connect.prefetch import prefetched
    from deskmetrics.connect.rate_budget import RateBudget, budget_for
    from deskmetrics.connect.runtime import Runtime
    from deskmetrics.connect.secrets import secret_fields
    from deskmetrics.connect.streams import Stream, stream
    from deskmetrics.errors import (
        ConfigError,
        ConnectorError,
        DeskmetricsError,
        RecordError,
        StoreError,
    )
    from deskmetrics.lazy_names import lazy_exports
    from deskmetrics.metrics import (
        CountRequest,
        Filter,
        Metric,
        MetricValue,
        Scope,
        ScopeKey,
        ValuesRequest,
        seconds_between,
    )
    from deskmetrics.metrics.dimensions import Dimension
    from deskmetrics.metrics.member_links import ticket_links
    from deskmetrics.metrics.members import Members
    from deskmetrics.metrics.members_listing import Member, MemberList, TicketLink, list_members
    from deskmetrics.models import (
        RESOLVED_STATUSES,
        TOMBSTONE_STATUSES,
        Agent,
        AuthorRole,
        Channel,
        Customer,
        EventField,
        Group,
        Interaction,
        Organization,
        Priority,
        Record,
        Status,
        SurveyKind,
        SurveyResponse,
        Ticket,
        TicketEvent,
        TicketUpdate,
        UTCDateTime,
    )
    from deskmetrics.plugin.marker import hookimpl
    from deskmetrics.plugin.register import (
        RegisterConnector,
        RegisterDimension,
        RegisterMetric,
        RegisterReporter,
        RegisterReportSection,
    )
    from deskmetrics.report import (
        BreakdownEntry,
        Bucket,
        Report,
        Series,
        Target,
        TargetResult,
        build_report,
        evaluate_targets,
        target_stat,
        to_iso,
    )
    from deskmetrics.report.reporter import Reporter, ReporterOptions
    from deskmetrics.report.safe_text import (
        escape_markdown,
        escape_rich,
        escape_spreadsheet,
        escape_terminal,
    )
    from deskmetrics.report.section import ReportSection, SectionTable
    from deskmetrics.store import RejectedRow, Store, from_db_time, to_db_time
    from deskmetrics.store.history_summary import timeline as status_timeline

# Every name is imported on first use (PEP 562): `import deskmetrics` alone costs almost
# nothing, so a command pays only for what it touches (`deskmetrics report --help` imports
# neither the store, sqlite_utils, pydantic nor the HTTP stack). The TYPE_CHECKING imports
# above give type checkers the same names; tests/test_lazy_imports.py keeps the two in step.
_MODULES: dict[str, tuple[str, ...]] = {
    "deskmetrics.calendar.business_hours": ("Schedule",),
    "deskmetrics.calendar.timezones": ("to_iana",),
    "deskmetrics.config.loading": ("Config", "load_config"),
    "deskmetrics.config.report_settings": ("ReportSettings",),
    "deskmetrics.config.timezone": ("TimeZone",),
    "deskmetrics.connect.children": ("ChildFetches",),
    "deskmetrics.connect.connector": ("Batch", "Connector", "ConnectorOptions", "Secret", "State"),
    "deskmetrics.connect.cursors": ("TimeCursor", "TokenCursor", "UpdatedSince"),
    "deskmetrics.connect.http_client": (
        "HttpClient",
        "HttpError",
        "RequestTimeout",
        "retry_after_seconds",
        "standard_rate_headers",
    ),
    "deskmetrics.lazy_names": ("lazy_exports",),
    "deskmetrics.connect.paging": ("link_pages", "next_link"),
    "deskmetrics.connect.prefetch": ("prefetched",),
    "deskmetrics.connect.rate_budget": ("RateBudget", "budget_for"),
    "deskmetrics.connect.runtime": ("Runtime",),
    "deskmetrics.connect.secrets": ("secret_fields",),
    "deskmetrics.connect.streams": ("Stream", "stream"),
    "deskmetrics.errors": (
        "ConfigError",
        "ConnectorError",
        "DeskmetricsError",
        "RecordError",
        "StoreError",
    ),
    "deskmetrics.metrics": (
        "CountRequest",
        "Filter",
        "Metric",
        "MetricValue",
        "Scope",
        "ScopeKey",
        "ValuesRequest",
        "seconds_between",
    ),
    "deskmetrics.metrics.dimensions": ("Dimension",),
    "deskmetrics.metrics.member_links": ("ticket_links",),
    "deskmetrics.metrics.members": ("Members",),
    "deskmetrics.metrics.members_listing": ("Member", "MemberList", "TicketLink", "list_members"),
    "deskmetrics.models": (
        "RESOLVED_STATUSES",
        "TOMBSTONE_STATUSES",
        "Agent",
        "AuthorRole",
        "Channel",
        "Customer",
        "EventField",
        "Group",
        "Interaction",
        "Organization",
        "Priority",
        "Record",
        "Status",
        "SurveyKind",
        "SurveyResponse",
        "Ticket",
        "TicketEvent",
        "TicketUpdate",
        "UTCDateTime",
    ),
    "deskmetrics.plugin.register": (
        "RegisterConnector",
        "RegisterDimension",
        "RegisterMetric",
        "RegisterReporter",
        "RegisterReportSection",
    ),
    "deskmetrics.report": (
        "BreakdownEntry",
        "Bucket",
        "Report",
        "Series",
        "Target",
        "TargetResult",
        "build_report",
        "evaluate_targets",
        "target_stat",
        "to_iso",
    ),
    "deskmetrics.report.reporter": ("Reporter", "ReporterOptions"),
    "deskmetrics.report.safe_text": (
        "escape_markdown",
        "escape_rich",
        "escape_spreadsheet",
        "escape_terminal",
    ),
    "deskmetrics.report.section": ("ReportSection", "SectionTable"),
    "deskmetrics.store": ("RejectedRow", "Store", "from_db_time", "to_db_time"),
    "deskmetrics.store.history_summary": ("status_timeline",),
    "deskmetrics.plugin.marker": ("hookimpl",),
}
_RENAMED = {"status_timeline": "timeline"}
"""Public name -> its name in its module, where the two differ."""
_LAZY: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), _RENAMED.get(name, name))
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
    "ConfigError",
    "Connector",
    "ConnectorError",
    "ConnectorOptions",
    "CountRequest",
    "Customer",
    "DeskmetricsError",
    "Dimension",
    "EventField",
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
    "RegisterConnector",
    "RegisterDimension",
    "RegisterMetric",
    "RegisterReportSection",
    "RegisterReporter",
    "RejectedRow",
    "Report",
    "ReportSection",
    "Reporter",
    "ReporterOptions",
    "RequestTimeout",
    "Schedule",
    "Scope",
    "ScopeKey",
    "Secret",
    "SectionTable",
    "Series",
    "State",
    "Status",
    "Store",
    "StoreError",
    "SurveyKind",
    "SurveyResponse",
    "Target",
    "TargetResult",
    "Ticket",
    "TicketEvent",
    "TicketUpdate",
    "UTCDateTime",
    "ValuesRequest",
    "budget_for",
    "build_report",
    "evaluate_targets",
    "from_db_time",
    "hookimpl",
    "retry_after_seconds",
    "seconds_between",
    "standard_rate_headers",
    "status_timeline",
    "target_stat",
    "to_db_time",
    "to_iana",
    "to_iso",
]
# connector SDK
__all__ += [
    "ChildFetches",
    "Runtime",
    "Stream",
    "TimeCursor",
    "TokenCursor",
    "UpdatedSince",
    "lazy_exports",
    "link_pages",
    "next_link",
    "prefetched",
    "secret_fields",
    "stream",
]
# configuration
__all__ += ["Config", "ReportSettings", "TimeZone", "load_config"]
# safe text: escaping helpers for reporters
__all__ += ["escape_markdown", "escape_rich", "escape_spreadsheet", "escape_terminal"]
# the records behind a number (docs/serve.md)
__all__ += ["Member", "MemberList", "Members", "TicketLink", "list_members", "ticket_links"]

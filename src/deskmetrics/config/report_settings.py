"""``ReportSettings``: what a report takes from the configuration, and nothing else.

``Config.report_settings()`` builds it from the file, so a library caller of ``build_report``
gets the same report as ``deskmetrics report``; ``ReportSettings()`` alone gives the defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.calendar.timezones import iana_zone
from deskmetrics.metrics.retention_unit import UNITS, RetentionUnit
from deskmetrics.sync.churn_file import ChurnFile


@dataclass(frozen=True)
class ReportSettings:
    timezone: str = "UTC"
    """IANA zone of day, week and month boundaries."""
    min_sample: int = 30
    """Metrics computed from fewer observations are marked low_sample."""
    backlog_overdue_hours: float = 72.0
    """Backlog age counted as overdue when a ticket has no deadline."""
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """``[targets]`` as written, e.g. ``{"csat": {"min": 85.0}}`` (durations in seconds), and
    per channel / priority ``{"channel": {"chat": {"p90": 300.0}}}``."""
    schedule: ScheduleChoice | None = None
    """The business-hours schedules of ``*_business`` metrics (report and per connection)."""
    retention_unit: RetentionUnit = "customers"
    """Who customer retention and churn count (``metrics.retention_unit``)."""
    churn_file: ChurnFile | None = None
    """The ``[churn]`` customers file; the report says how many customers it left unmatched."""
    where: str = "(report settings)"
    """Where the settings come from (the config file), named by error messages."""

    def __post_init__(self) -> None:
        iana_zone(self.timezone)
        if isinstance(self.min_sample, bool) or self.min_sample < 1:
            raise ValueError("min_sample must be a whole number of at least 1")
        if not self.backlog_overdue_hours > 0:
            raise ValueError("backlog_overdue_hours must be a number of hours above 0")
        if self.retention_unit not in UNITS:
            raise ValueError('retention_unit must be "customers" or "organizations"')

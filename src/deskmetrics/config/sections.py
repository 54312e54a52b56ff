"""The configuration file as pydantic models: one model per section, validated at load time.

Every value a later stage reads is checked here, so ``deskmetrics check`` lists every problem of
the file at once. Messages are the one-line reasons users see after ``file: key:``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.config.durations import parse_duration
from deskmetrics.config.problems import Problem, Problems
from deskmetrics.config.schedules import parse_schedules
from deskmetrics.config.timezone import TimeZone
from deskmetrics.jobs.timing import Cron, Every
from deskmetrics.models import Channel, Priority


def _rule(check: Callable[[Any], bool], why: str) -> BeforeValidator:
    def validate(value: Any) -> Any:
        if not check(value):
            raise ValueError(why)
        return value

    return BeforeValidator(validate)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _every(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError('must be text such as "15m"')
    Every.parse(value)
    return value


def _cron(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError('must be text such as "*/15 * * * *"')
    Cron.parse(value)
    return value


def _table(hint: str) -> BeforeValidator:
    return _rule(lambda value: isinstance(value, dict), hint)


def _strptime_format(value: Any) -> str:
    if not isinstance(value, str) or "%" not in value:
        raise ValueError('must be a strptime format such as "%d/%m/%Y"')
    return value


def _seconds(value: Any) -> float:
    try:
        return parse_duration(value)
    except ValueError:
        raise ValueError('must be seconds or a duration like "4h", "30m" or "1h30m"') from None


Flag = Annotated[bool, _rule(lambda v: isinstance(v, bool), "must be true or false")]
Text = Annotated[str, _rule(lambda v: isinstance(v, str) and bool(v), "must be a non-empty string")]
EveryText = Annotated[str, BeforeValidator(_every)]
"""An interval such as ``"15m"``, checked by :meth:`Every.parse`."""
CronText = Annotated[str, BeforeValidator(_cron)]
"""A five-field cron expression, checked by :meth:`Cron.parse`."""
Duration = Annotated[float, BeforeValidator(parse_duration)]


class Section(BaseModel):
    """A TOML table: unknown keys are errors, so typos are caught."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table_hint: ClassVar[str] = ""
    """What follows "must be a table" when the value is not one."""
    missing_hints: ClassVar[dict[str, str]] = {}
    """The message of each required key when it is missing."""


class DatabaseSection(Section):
    table_hint: ClassVar[str] = ", e.g. [database]"

    path: Text = "deskmetrics.db"
    """The SQLite file, relative to the configuration file."""
    url: Annotated[
        str | None,
        _rule(
            lambda v: (
                v is None or (isinstance(v, str) and v.startswith(("postgresql://", "postgres://")))
            ),
            'must be a PostgreSQL URL such as "postgresql://user:${PGPASSWORD}@host:5432/db"',
        ),
    ] = None
    """A PostgreSQL store instead of the SQLite file (docs/store.md); ``path`` is then unused."""
    timeout: Annotated[
        float, _rule(lambda v: _is_number(v) and v >= 0, "must be a number of seconds (0 or more)")
    ] = 30.0
    """Seconds to wait for a database another process is writing before giving up."""


class ReportSection(Section):
    table_hint: ClassVar[str] = ", e.g. [report]"

    timezone: TimeZone = "UTC"
    min_sample: Annotated[
        int,
        _rule(
            lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
            "must be a whole number of at least 1",
        ),
    ] = 30
    backlog_overdue_hours: Annotated[
        float, _rule(lambda v: _is_number(v) and v > 0, "must be a number of hours above 0")
    ] = 72.0
    schedule: Text | None = None
    """The business-hours schedule of sources without their own (a ``[schedules]`` name)."""
    retention_unit: Annotated[
        Literal["customers", "organizations"],
        _rule(lambda v: v in ("customers", "organizations"),
              'must be "customers" or "organizations"'),
    ] = "customers"  # fmt: skip
    """Who customer retention and churn count: people or organizations."""


class ChurnSection(Section):
    """``[churn]``: churn times from a customers file from billing or CRM."""

    table_hint: ClassVar[str] = ' with file = "billing/subscriptions.csv"'
    missing_hints: ClassVar[dict[str, str]] = {
        "file": 'missing: the CSV file of customers, e.g. "billing/subscriptions.csv"'
    }

    file: Text
    """The CSV file, relative to the configuration file."""
    match: Annotated[
        Literal["email", "external_id"],
        _rule(lambda v: v in ("email", "external_id"), 'must be "email" or "external_id"'),
    ] = "email"
    key_column: Text | None = None
    """The file column holding the e-mail or external id; ``match`` by default."""
    date_column: Text = "churned_at"
    date_format: Annotated[str, BeforeValidator(_strptime_format)] | None = None
    """A ``strptime`` format such as ``"%d/%m/%Y"``; ISO dates by default."""


def _priorities(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError('must be a table such as { urgent = "1h" }')
    known = ", ".join(p.value for p in Priority)
    wrong = [Problem(str(k), f"not a priority ({known})") for k in value if k not in set(Priority)]
    if wrong:
        raise Problems(wrong)
    return value


ByPriority = Annotated[dict[Priority, Duration], BeforeValidator(_priorities)]


class SlaSection(Section):
    table_hint: ClassVar[str] = " with first_response and/or resolution"

    first_response: ByPriority = Field(default_factory=dict)
    resolution: ByPriority = Field(default_factory=dict)
    business_hours: Flag = False


class ConnectionSection(Section):
    """A ``[connections.NAME]`` table: deskmetrics' own keys; the rest are the connector's."""

    model_config = ConfigDict(extra="allow", frozen=True)
    table_hint: ClassVar[str] = ' with connector = "..."'
    missing_hints: ClassVar[dict[str, str]] = {
        "connector": 'missing: say which connector, e.g. "csv"'
    }
    OWN_KEYS: ClassVar[tuple[str, ...]] = (
        "connector", "keep_raw", "schedule", "every", "cron", "sla",
    )  # fmt: skip

    connector: Annotated[
        str,
        _rule(lambda v: isinstance(v, str) and bool(v), 'missing: say which connector, e.g. "csv"'),
    ]
    keep_raw: Flag = False
    schedule: Text | None = None
    every: EveryText | None = None
    cron: CronText | None = None
    sla: SlaSection | None = None

    @model_validator(mode="after")
    def _one_timing(self) -> ConnectionSection:
        if self.every is not None and self.cron is not None:
            raise ValueError("give either every or cron, not both")
        return self

    @property
    def options(self) -> dict[str, Any]:
        """The connector's own options, as written (secrets still ``${ENV}`` references)."""
        return dict(self.model_extra or {})


class JobSection(Section):
    table_hint: ClassVar[str] = " with a command"
    missing_hints: ClassVar[dict[str, str]] = {
        "command": 'missing: the deskmetrics command to run, e.g. "report"'
    }

    command: Annotated[
        str,
        _rule(
            lambda v: isinstance(v, str) and bool(v.strip()),
            'missing: the deskmetrics command to run, e.g. "report"',
        ),
    ]
    every: EveryText | None = None
    cron: CronText | None = None
    after: Annotated[
        Literal["sync"] | None, _rule(lambda v: v in (None, "sync"), 'the only choice is "sync"')
    ] = None
    timezone: TimeZone | None = None
    """The zone of ``cron`` times; the ``[report]`` time zone by default."""

    @model_validator(mode="after")
    def _one_timing(self) -> JobSection:
        if self.every is not None and self.cron is not None:
            raise ValueError("give either every or cron, not both")
        if (self.every is None and self.cron is None) == (self.after is None):
            raise ValueError('needs exactly one of every, cron or after = "sync"')
        return self


def _target(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError('must be a table, e.g. csat = { min = 85 } or { p90 = "4h" }')
    return value


Number = Annotated[float, _rule(_is_number, "must be a number")]


class TargetBounds(Section):
    """The bound of one target; which keys a metric allows depends on its unit."""

    min: Number | None = None
    max: Number | None = None
    value: Annotated[float, BeforeValidator(_seconds)] | None = None
    median: Annotated[float, BeforeValidator(_seconds)] | None = None
    p90: Annotated[float, BeforeValidator(_seconds)] | None = None

    @property
    def bounds(self) -> dict[str, float]:
        return {
            key: value
            for key, value in self
            if key in TargetBounds.model_fields and value is not None
        }


def _scoped(known: type[Channel] | type[Priority]) -> BeforeValidator:
    """A table of per-value targets (``channel.chat = { p90 = "5m" }``) with known values only."""
    names = [member.value for member in known]

    def validate(value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError(f'must be a table, e.g. {{ {names[0]} = {{ p90 = "4h" }} }}')
        wrong = [
            Problem(str(name), f"unknown value (known: {', '.join(names)})")
            for name in value
            if name not in names
        ]
        if wrong:
            raise Problems(wrong)
        return value

    return BeforeValidator(validate)


class TargetSection(TargetBounds):
    """One ``[targets]`` entry as written: an overall bound, and/or bounds per channel and
    priority (``first_response_time = { p90 = "4h", channel.chat = { p90 = "5m" } }``)."""

    channel: Annotated[dict[str, Annotated[TargetBounds, BeforeValidator(_target)]],
                       _scoped(Channel)] | None = None  # fmt: skip
    priority: Annotated[dict[str, Annotated[TargetBounds, BeforeValidator(_target)]],
                        _scoped(Priority)] | None = None  # fmt: skip

    @property
    def given(self) -> dict[str, Any]:
        """The bounds written, e.g. ``{"p90": 14400.0, "channel": {"chat": {"p90": 300.0}}}``."""
        found: dict[str, Any] = dict(self.bounds)
        for scope in ("channel", "priority"):
            per_value = getattr(self, scope)
            if per_value:
                found[scope] = {name: bound.bounds for name, bound in per_value.items()}
        return found


def _reporter_tables(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("must be a table, e.g. [reporters.html]")
    wrong = [
        Problem(str(name), f"must be a table of the reporter's options, e.g. [reporters.{name}]")
        for name, table in value.items()
        if not isinstance(table, dict)
    ]
    if wrong:
        raise Problems(wrong)
    return value


class ConfigFile(Section):
    """The whole file. Each section is optional; a missing one takes its defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    database: DatabaseSection = Field(default_factory=DatabaseSection)
    report: ReportSection = Field(default_factory=ReportSection)
    connections: Annotated[
        dict[str, ConnectionSection], _table("must be a table, e.g. [connections.support]")
    ] = Field(default_factory=dict)
    schedules: Annotated[dict[str, Schedule], BeforeValidator(parse_schedules)] = Field(
        default_factory=dict
    )
    targets: Annotated[
        dict[str, Annotated[TargetSection, BeforeValidator(_target)]],
        _table("must be a table, e.g. [targets]"),
    ] = Field(default_factory=dict)
    jobs: Annotated[dict[str, JobSection], _table("must be a table, e.g. [jobs.nightly]")] = Field(
        default_factory=dict
    )
    reporters: Annotated[dict[str, dict[str, Any]], BeforeValidator(_reporter_tables)] = Field(
        default_factory=dict
    )
    churn: ChurnSection | None = None

    def cross_problems(self) -> list[str]:
        """Problems between sections: names of schedules that do not exist."""
        known = ", ".join(sorted(self.schedules)) or "none; add a [schedules.NAME] table"
        lines = []
        if self.report.schedule is not None and self.report.schedule not in self.schedules:
            lines.append(
                f"report.schedule: no schedule named {self.report.schedule!r} (configured: {known})"
            )
        for name, connection in self.connections.items():
            if connection.schedule is not None and connection.schedule not in self.schedules:
                lines.append(
                    f"connections.{name}.schedule: no schedule named {connection.schedule!r} "
                    f"(configured: {known})"
                )
            sla = connection.sla
            if sla is not None and sla.business_hours and connection.schedule is None:
                lines.append(
                    f"connections.{name}.sla.business_hours: needs a business-hours schedule: "
                    f'add schedule = "NAME" to [connections.{name}] and a [schedules.NAME] table'
                )
        return lines

"""Configuration: one TOML file, secrets as ``${ENV_VAR}`` references, per-connector validation.

Where the file is found: ``--config PATH``, else ``$DESKMETRICS_CONFIG``, else ``deskmetrics.toml``
in the working directory. Without any file the defaults apply (database ``deskmetrics.db``,
report time zone UTC, no connections).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.config.problems import problem_lines
from deskmetrics.config.report_settings import ReportSettings
from deskmetrics.config.sections import (
    ChurnSection,
    ConfigFile,
    ConnectionSection,
    JobSection,
    ReportSection,
    SlaSection,
)
from deskmetrics.connect.secrets import secret_fields as options_secret_fields
from deskmetrics.errors import ConfigError, describe_validation_error
from deskmetrics.sync.churn_file import ChurnFile

if TYPE_CHECKING:
    from deskmetrics.connect.connector import Connector

CONFIG_FILE = "deskmetrics.toml"
KNOWN_SECTIONS = tuple(ConfigFile.model_fields)
CONNECTION_KEYS = ConnectionSection.OWN_KEYS
"""Keys of a ``[connections.NAME]`` table that deskmetrics reads; the rest go to the connector."""

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class ConnectionConfig:
    name: str
    connector: str
    options: dict[str, Any]
    """The connector's own options, as written: secrets are still ``${ENV}`` references."""
    keep_raw: bool = False
    schedule: str | None = None
    """The ``[schedules]`` name of this source's business hours."""
    every: str | None = None
    cron: str | None = None
    sla: SlaSection | None = None


@dataclass
class Config:
    path: Path | None
    database: Path
    database_timeout: float = 30.0
    """Seconds to wait for a database another process is writing before giving up."""
    database_url: str | None = None
    """``[database] url`` as written (``${ENV}`` references unresolved): a PostgreSQL store."""
    connections: dict[str, ConnectionConfig] = field(default_factory=dict)
    report: ReportSection = field(default_factory=ReportSection)
    churn_section: ChurnSection | None = None
    """``[churn]`` as written; :attr:`churn_file` resolves it."""
    schedules: dict[str, Schedule] = field(default_factory=dict)
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``[targets]``: metric id → the bound written (``{"p90": 14400.0}``, and per channel or
    priority ``{"channel": {"chat": {"p90": 300.0}}}``), checked per metric
    by ``deskmetrics.report.targets.parse_targets``."""
    jobs: dict[str, JobSection] = field(default_factory=dict)
    reporters: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``[reporters.NAME]`` tables, validated by each reporter's own options model."""

    @property
    def churn_file(self) -> ChurnFile | None:
        """The ``[churn]`` customers file, its path relative to this file; None when unset."""
        section = self.churn_section
        if section is None:
            return None
        return ChurnFile(
            path=self.base_dir / Path(section.file).expanduser(),
            match=section.match,
            key_column=section.key_column or section.match,
            date_column=section.date_column,
            date_format=section.date_format,
            timezone=self.report.timezone,
        )

    @property
    def timezone(self) -> str:
        return self.report.timezone

    @property
    def min_sample(self) -> int:
        return self.report.min_sample

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "(default configuration)"

    def error(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.where}: {key}: {why}")

    def reporter_table(self, name: str) -> dict[str, Any]:
        """The ``[reporters.NAME]`` table as written ({} when there is none)."""
        return dict(self.reporters.get(name, {}))

    def report_settings(self) -> ReportSettings:
        """What ``build_report`` takes from this file, so the CLI and library agree."""
        return ReportSettings(
            timezone=self.report.timezone,
            min_sample=self.report.min_sample,
            backlog_overdue_hours=self.report.backlog_overdue_hours,
            retention_unit=self.report.retention_unit,
            churn_file=self.churn_file,
            targets=self.targets,
            schedule=self.schedule_choice(),
            where=self.where,
        )

    def schedule_choice(self) -> ScheduleChoice | None:
        """``[report] schedule`` and each connection's ``schedule``; None when none is set."""
        by_source = {
            name: self.schedules[c.schedule]
            for name, c in self.connections.items()
            if c.schedule is not None
        }
        default = self.schedules[self.report.schedule] if self.report.schedule else None
        if default is None and not by_source:
            return None
        return ScheduleChoice(default=default, by_source=by_source)


def find_config(explicit: str | Path | None = None) -> Path | None:
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return path
    from_env = os.environ.get("DESKMETRICS_CONFIG")
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found (named by DESKMETRICS_CONFIG)")
        return path
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def load_config(explicit: str | Path | None = None) -> Config:
    path = find_config(explicit)
    if path is None:
        return Config(path=None, database=Path.cwd() / "deskmetrics.db")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path | None) -> Config:
    """Validate every section of a parsed file; a ConfigError lists each problem on its line."""
    where = str(path) if path else "(default configuration)"
    try:
        parsed = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise _problems(where, problem_lines(exc, ConfigFile)) from None
    if crossed := parsed.cross_problems():
        raise _problems(where, crossed)
    config = Config(
        path=path,
        database=Path("deskmetrics.db"),
        database_timeout=parsed.database.timeout,
        database_url=parsed.database.url,
        report=parsed.report,
        churn_section=parsed.churn,
        schedules=dict(parsed.schedules),
        targets={metric: target.given for metric, target in parsed.targets.items()},
        jobs=dict(parsed.jobs),
        reporters={name: dict(table) for name, table in parsed.reporters.items()},
    )
    config.database = config.base_dir / Path(parsed.database.path).expanduser()
    config.connections = {
        name: ConnectionConfig(
            name,
            table.connector,
            table.options,
            table.keep_raw,
            schedule=table.schedule,
            every=table.every,
            cron=table.cron,
            sla=table.sla,
        )
        for name, table in parsed.connections.items()
    }
    return config


def _problems(where: str, lines: list[str]) -> ConfigError:
    return ConfigError("\n".join(f"{where}: {line}" for line in lines))


def resolve_env(value: Any, key: str, config: Config) -> Any:
    """Replace ``${VAR}`` references in strings (recursively) with environment values."""
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            var = match.group(1)
            if var not in os.environ:
                raise config.error(key, f"environment variable {var} is not set")
            return os.environ[var]

        return _ENV_REF.sub(lookup, value)
    if isinstance(value, dict):
        return {k: resolve_env(v, f"{key}.{k}", config) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_env(v, f"{key}[{i}]", config) for i, v in enumerate(value)]
    return value


def build_connector(
    config: Config, connection: ConnectionConfig, connectors: dict[str, type[Connector]]
) -> Connector:
    """Validate a connection's options with its connector's model and instantiate it."""
    key = f"connections.{connection.name}"
    cls = connectors.get(connection.connector)
    if cls is None:
        known = ", ".join(sorted(connectors)) or "none installed"
        raise config.error(
            f"{key}.connector",
            f"no connector named {connection.connector!r} (installed: {known}); "
            f"`deskmetrics plugins` lists them",
        )
    options = resolve_env(connection.options, key, config)
    try:
        validated = cls.Options.model_validate(options)
    except ValidationError as exc:
        secrets = secret_fields(cls)
        problems = describe_validation_error(exc, secret_fields=secrets)
        raise ConfigError(
            "\n".join(f"{config.where}: {key}.{problem}" for problem in problems)
        ) from None
    return cls(
        validated,
        connection=connection.name,
        keep_raw=connection.keep_raw,
        base_dir=config.base_dir,
    )


def secret_fields(cls: type[Connector]) -> frozenset[str]:
    """The connector's option names typed ``Secret`` (deskmetrics.connect.secrets decides)."""
    return frozenset(options_secret_fields(cls.Options))


def secret_values(connector: Connector) -> list[str]:
    """Every form of the connector's credentials (options, and what its HTTP clients sent:
    base64 of Basic credentials, bearer tokens), longest first, for scrubbing messages."""
    return connector.known_secrets()

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
from urllib.parse import quote, quote_plus
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, ValidationError

from deskmetrics.errors import ConfigError, describe_validation_error

if TYPE_CHECKING:
    from deskmetrics.connect.connector import Connector

CONFIG_FILE = "deskmetrics.toml"
KNOWN_SECTIONS = (
    "database",
    "report",
    "connections",
    "schedules",
    "targets",
    "jobs",
    "reporters",
)
CONNECTION_KEYS = ("connector", "keep_raw", "schedule", "every", "cron", "sla")
"""Keys of a ``[connections.NAME]`` table that deskmetrics reads; the rest go to the connector."""

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass
class ConnectionConfig:
    name: str
    connector: str
    options: dict[str, Any]
    keep_raw: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    """deskmetrics' own keys of this connection (schedule, every, cron, sla)."""


@dataclass
class Config:
    path: Path | None
    database: Path
    database_timeout: float = 30.0
    """Seconds to wait for a database another process is writing before giving up."""
    timezone: str = "UTC"
    min_sample: int = 30
    connections: dict[str, ConnectionConfig] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    """The whole parsed file, for sections that other parts of deskmetrics validate."""

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "(default configuration)"

    def error(self, key: str, why: str) -> ConfigError:
        return ConfigError(f"{self.where}: {key}: {why}")


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
    config = Config(path=path, database=Path("deskmetrics.db"), data=data)
    for section in data:
        if section not in KNOWN_SECTIONS:
            raise config.error(section, f"unknown section (known: {', '.join(KNOWN_SECTIONS)})")
        if not isinstance(data[section], dict):
            raise config.error(section, "must be a table, e.g. [" + section + "]")

    database = data.get("database", {})
    _only_keys(config, "database", database, ("path", "timeout"))
    timeout = database.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0:
        raise config.error("database.timeout", "must be a number of seconds (0 or more)")
    config.database_timeout = float(timeout)
    db_path = database.get("path", "deskmetrics.db")
    if not isinstance(db_path, str) or not db_path:
        raise config.error("database.path", "must be a non-empty string")
    config.database = config.base_dir / Path(db_path).expanduser()

    report = data.get("report", {})
    _only_keys(
        config, "report", report, ("timezone", "min_sample", "backlog_overdue_hours", "schedule")
    )
    config.timezone = report.get("timezone", "UTC")
    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise config.error(
            "report.timezone", f"{config.timezone!r} is not an IANA time zone (e.g. Europe/Berlin)"
        ) from None
    min_sample = report.get("min_sample", 30)
    if not isinstance(min_sample, int) or isinstance(min_sample, bool) or min_sample < 1:
        raise config.error("report.min_sample", "must be a whole number of at least 1")
    config.min_sample = min_sample

    for name, table in data.get("connections", {}).items():
        config.connections[name] = _parse_connection(config, name, table)
    return config


def _only_keys(config: Config, section: str, table: dict[str, Any], known: tuple[str, ...]) -> None:
    for key in table:
        if key not in known:
            raise config.error(f"{section}.{key}", f"unknown key (known: {', '.join(known)})")


def _parse_connection(config: Config, name: str, table: Any) -> ConnectionConfig:
    key = f"connections.{name}"
    if not isinstance(table, dict):
        raise config.error(key, 'must be a table with connector = "..."')
    connector = table.get("connector")
    if not isinstance(connector, str) or not connector:
        raise config.error(f"{key}.connector", 'missing: say which connector, e.g. "csv"')
    keep_raw = table.get("keep_raw", False)
    if not isinstance(keep_raw, bool):
        raise config.error(f"{key}.keep_raw", "must be true or false")
    settings = {k: table[k] for k in ("schedule", "every", "cron", "sla") if k in table}
    options = {k: v for k, v in table.items() if k not in CONNECTION_KEYS}
    return ConnectionConfig(name, connector, options, keep_raw, settings)


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
    return frozenset(
        name
        for name, info in cls.Options.model_fields.items()
        if "SecretStr" in repr(info.annotation)
    )


def secret_values(connector: Connector) -> list[str]:
    """The connector's secret option values, so error messages can be scrubbed of them.

    Each also in its URL-encoded forms: an HTTP library's error quotes the request URL, where a
    token with ``+``, ``/`` or ``=`` (base64) appears percent-encoded.
    """
    values: list[str] = []
    for name in secret_fields(type(connector)):
        value = getattr(connector.options, name, None)
        if isinstance(value, SecretStr) and value.get_secret_value():
            secret = value.get_secret_value()
            for form in (secret, quote(secret, safe=""), quote_plus(secret)):
                if form not in values:
                    values.append(form)
    return values

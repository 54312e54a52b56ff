"""What a reporter plugin implements: render a computed report. Reporters never compute metrics.

A reporter may declare options (an ``Options`` model) that users set in a ``[reporters.NAME]``
table, and a ``default_grain``: the series it gets when ``deskmetrics report`` is given no
``--grain`` (a trend dashboard is built around one).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError

from deskmetrics.errors import ConfigError, describe_validation_error
from deskmetrics.report.period import Grain

if TYPE_CHECKING:
    from deskmetrics.config.loading import Config
    from deskmetrics.report import Report


class ReporterOptions(BaseModel):
    """Base of a reporter's options model; unknown keys are an error naming the key."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Reporter:
    """Base class for reporters: set ``name`` (the ``--format`` choice) and implement ``render``."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    extension: ClassVar[str] = "txt"
    """File extension suggested for ``--output``."""
    default_grain: ClassVar[Grain | None] = None
    """The series grain ``deskmetrics report`` asks for when ``--grain`` is not given."""
    Options: ClassVar[type[ReporterOptions]] = ReporterOptions
    """The options model of the ``[reporters.NAME]`` table (default: no options)."""

    def __init__(self, options: ReporterOptions | None = None, **values: Any) -> None:
        """Take a validated ``Options`` instance, or its fields as keyword arguments."""
        self.options = options if options is not None else self.Options.model_validate(values)

    def render(self, report: Report) -> str:
        """Return the whole rendered report as text."""
        raise NotImplementedError(f"{type(self).__name__}.render")


def reporter_options(config: Config, name: str) -> dict[str, Any]:
    """The raw ``[reporters.NAME]`` table of the configuration (empty when there is none)."""
    return config.reporter_table(name)


def make_reporter(reporter_class: type[Reporter], config: Config) -> Reporter:
    """The reporter with its ``[reporters.NAME]`` options validated; bad ones name their key."""
    key = f"reporters.{reporter_class.name}"
    try:
        table = reporter_options(config, reporter_class.name)
        options = reporter_class.Options.model_validate(table)
    except ValidationError as exc:
        problems = describe_validation_error(exc)
        raise ConfigError("\n".join(f"{config.where}: {key}.{p}" for p in problems)) from None
    return reporter_class(options)


def check_reporter_tables(config: Config, reporters: Mapping[str, type[Reporter]]) -> None:
    """Validate every ``[reporters.NAME]`` table of an installed reporter (``deskmetrics check``).

    A table for a reporter that is not installed is left alone: the plugin may come later.
    """
    for name in config.reporters:
        if name in reporters:
            make_reporter(reporters[name], config)

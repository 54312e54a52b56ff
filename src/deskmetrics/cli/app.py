"""What every command shares: the lazily loaded config and store, and error presentation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from deskmetrics.errors import ConfigError, DeskmetricsError

if TYPE_CHECKING:
    from deskmetrics.config.loading import Config
    from deskmetrics.store.interface import StoreBackend


class App:
    """Per-invocation state, available to commands as ``ctx.obj`` (``@pass_app``)."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            # Imported here: the config pulls in the store, and `--help` needs neither.
            from deskmetrics.config.loading import load_config

            self._config = load_config(self.config_path)
        return self._config

    def open_store(self, *, create: bool = True) -> StoreBackend:
        """The configured store; ``create=False`` (read commands) never makes a file.

        Without a database yet, a read command sees an empty in-memory store instead, so
        ``status`` or ``state show`` in the wrong folder leaves no stray ``deskmetrics.db``.
        """
        from deskmetrics.store.opening import open_store

        return open_store(self.config, create=create)


pass_app = click.make_pass_decorator(App)


class ConfigProblem(click.ClickException):
    """A configuration error as the CLI reports it: one line, exit code 2 like a usage error."""

    exit_code = 2


class DeskmetricsGroup(click.Group):
    """Shows deskmetrics errors as one clear line: exit 2 for configuration, 1 otherwise."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            # A file with several problems: each on its own "Error:" line.
            raise ConfigProblem("\nError: ".join(str(exc).splitlines())) from None
        except DeskmetricsError as exc:
            raise click.ClickException(str(exc)) from None

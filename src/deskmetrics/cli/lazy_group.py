"""The top-level command group, importing a command's module only when that command runs.

Built-in commands come from the BUILT_IN table (the pattern click documents as "LazyGroup");
plugins are loaded, and their commands added, only for a name that is not built in or to list
every command (``deskmetrics --help``): ``deskmetrics report --help`` loads none.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from gettext import gettext
from typing import Any

import click

from deskmetrics.cli.app import DeskmetricsGroup
from deskmetrics.cli.built_in import BuiltIn


class LazyGroup(DeskmetricsGroup):
    def __init__(
        self,
        *args: Any,
        built_in: Mapping[str, BuiltIn],
        add_plugin_commands: Callable[[click.Group], None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.built_in = dict(built_in)
        self._add_plugin_commands = add_plugin_commands
        self._plugin_commands_added = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.built_in:
            return self.built_in_command(cmd_name)
        self.add_plugin_commands()
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self.add_plugin_commands()
        return sorted({*self.commands, *self.built_in})

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and self.get_command(ctx, click.utils.make_str(args[0])) is None:
            # A mistyped name: click suggests close ones from self.commands, so all are there.
            for name in self.built_in:
                self.built_in_command(name)
        return super().resolve_command(ctx, args)

    def built_in_command(self, name: str) -> click.Command:
        if name not in self.commands:
            family = importlib.import_module(f"deskmetrics.cli.{self.built_in[name].module}")
            family.register(self)
        return self.commands[name]

    def add_plugin_commands(self) -> None:
        """Load every plugin and add the commands they register (once)."""
        if not self._plugin_commands_added:
            self._plugin_commands_added = True
            from deskmetrics.plugin.manager import load_plugins  # pluggy: only when needed

            load_plugins()
            self._add_plugin_commands(self)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with a built-in command not imported yet shown by its table line."""
        commands = [(name, self._listed(name)) for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
        with formatter.section(gettext("Commands")):  # the heading as click translates it
            formatter.write_dl(rows)

    def _listed(self, name: str) -> click.Command:
        if name in self.commands:
            return self.commands[name]
        return click.Command(name, help=self.built_in[name].help)

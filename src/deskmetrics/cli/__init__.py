"""The ``deskmetrics`` command line. Each command family lives in its own module.

A command's module is imported only when that command runs (cli/lazy_group.py), and plugins
are loaded only when a command needs them. Plugins add commands through the
``register_commands(cli)`` hook; a plugin whose hook fails is skipped with a warning like any
other broken plugin.
"""

from __future__ import annotations

import sys

import click

from deskmetrics.cli.app import App
from deskmetrics.cli.built_in import BUILT_IN
from deskmetrics.cli.lazy_group import LazyGroup
from deskmetrics.errors import DeskmetricsError

commands_by_plugin: dict[str, list[str]] = {}
"""Commands each plugin added through register_commands (for ``deskmetrics plugins``)."""


def add_plugin_commands(group: click.Group) -> None:
    """Let every plugin's register_commands add to ``group``; a broken one is skipped."""
    from deskmetrics.plugin.manager import call_hookimpl, pm, report_broken

    # Built-in commands not imported yet are taken too: a plugin never replaces one.
    built_in = set(group.built_in) if isinstance(group, LazyGroup) else set()
    for impl in pm.hook.register_commands.get_hookimpls():
        before = dict(group.commands)
        try:
            call_hookimpl(impl, cli=group)
        except Exception as exc:
            report_broken(impl.plugin_name, exc, doing="register commands")
        for name, command in list(group.commands.items()):
            replaced = name in before and command is not before[name]
            if replaced or (name not in before and name in built_in):
                # A plugin may add commands, never silently swap out one users rely on.
                if replaced:
                    group.commands[name] = before[name]
                else:
                    del group.commands[name]
                report_broken(
                    impl.plugin_name,
                    ValueError(f"command {name!r} already exists"),
                    doing="register commands",
                )
        added = sorted(set(group.commands) - set(before))
        if added:
            commands_by_plugin[impl.plugin_name] = added


@click.group(cls=LazyGroup, built_in=BUILT_IN, add_plugin_commands=add_plugin_commands)
@click.version_option(package_name="deskmetrics")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Config file (default: ./deskmetrics.toml, or $DESKMETRICS_CONFIG).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Customer-service KPIs from your helpdesk: sync, then report."""
    ctx.obj = App(config_path)


def get_cli() -> click.Group:
    """The command group: built-in commands and plugins' are loaded as they are asked for."""
    return cli


def main() -> None:
    try:
        cli(prog_name="deskmetrics")
    except DeskmetricsError as exc:  # a plugin failing strictly while commands are listed
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)

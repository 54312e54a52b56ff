"""The ``deskmetrics`` command line. Each command family lives in its own module.

Plugins add commands through the ``register_commands(cli)`` hook; a plugin whose hook fails is
skipped with a warning like any other broken plugin.
"""

from __future__ import annotations

import sys

import click

from deskmetrics.cli import (
    business_hours_commands,
    config_commands,
    demo_commands,
    plugin_commands,
    report_commands,
    scheduler_commands,
    serve_commands,
    state_commands,
    status_commands,
    store_commands,
    sync_commands,
    tickets_commands,
    verify_commands,
)
from deskmetrics.cli.app import App, DeskmetricsGroup
from deskmetrics.errors import DeskmetricsError
from deskmetrics.plugin.manager import call_hookimpl, load_plugins, pm, report_broken


@click.group(cls=DeskmetricsGroup)
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


for family in (
    sync_commands,
    report_commands,
    tickets_commands,
    serve_commands,
    state_commands,
    status_commands,
    scheduler_commands,
    business_hours_commands,
    plugin_commands,
    config_commands,
    demo_commands,
    verify_commands,
    store_commands,
):
    family.register(cli)

_plugin_commands_added = False


def add_plugin_commands(group: click.Group) -> None:
    """Let every plugin's register_commands add to ``group``; a broken one is skipped."""
    for impl in pm.hook.register_commands.get_hookimpls():
        before = dict(group.commands)
        try:
            call_hookimpl(impl, cli=group)
        except Exception as exc:
            report_broken(impl.plugin_name, exc, doing="register commands")
        for name, command in before.items():
            if group.commands[name] is not command:
                # A plugin may add commands, never silently swap out one users rely on.
                group.commands[name] = command
                report_broken(
                    impl.plugin_name,
                    ValueError(f"command {name!r} already exists"),
                    doing="register commands",
                )
        added = sorted(set(group.commands) - set(before))
        if added:
            plugin_commands.commands_by_plugin[impl.plugin_name] = added


def get_cli() -> click.Group:
    """The command group with every plugin's commands added (once)."""
    global _plugin_commands_added
    if not _plugin_commands_added:
        _plugin_commands_added = True
        load_plugins()
        add_plugin_commands(cli)
    return cli


def main() -> None:
    try:
        command = get_cli()
    except DeskmetricsError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    command(prog_name="deskmetrics")

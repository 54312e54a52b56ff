"""``deskmetrics schedules list|import``: business-hours schedules in the config and helpdesks."""

from __future__ import annotations

import json
import re
from typing import Any

import click

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.cli.app import App, pass_app
from deskmetrics.config.loading import build_connector
from deskmetrics.config.schedules import schedule_to_config
from deskmetrics.errors import ConfigError
from deskmetrics.plugin.registry import get_registry


def register(cli: click.Group) -> None:
    cli.add_command(schedules)


@click.group()
def schedules() -> None:
    """Business-hours schedules: list the configured ones, import a helpdesk's."""


@schedules.command("list")
@pass_app
def list_schedules(app: App) -> None:
    """Show the [schedules.NAME] tables of the config, parsed."""
    found = app.config.schedules
    if not found:
        click.echo("No [schedules.NAME] tables configured.")
    for name, schedule in found.items():
        hours = schedule_to_config(schedule)["hours"]
        week = "; ".join(f"{day} {spans}" for day, spans in hours.items()) or "no working hours"
        click.echo(f"{name}: {schedule.timezone}, {schedule.weekly_seconds / 3600:g} h a week")
        click.echo(f"  {week}")
        if schedule.holidays or schedule.country:
            country = f", {schedule.country} public holidays" if schedule.country else ""
            click.echo(f"  {len(schedule.holidays)} holiday dates{country}")


def _key(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "schedule"


def _toml_value(value: Any) -> str:
    # JSON strings are valid TOML basic strings (same escapes).
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def schedules_toml(found: list[Schedule], prefix: str = "") -> str:
    """``[schedules.*]`` tables for ``found``, in the format the config reads."""
    blocks = []
    for schedule in found:
        table = schedule_to_config(schedule)
        key = _key(prefix + schedule.name)
        lines = [f"# Imported from {schedule.name!r}", f"[schedules.{key}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in table.items() if k != "hours"]
        lines += [f"hours.{day} = {_toml_value(spans)}" for day, spans in table["hours"].items()]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


@schedules.command("import")
@click.argument("connection")
@click.option("--write", is_flag=True, help="Append the tables to the config file.")
@pass_app
def import_schedules(app: App, connection: str, write: bool) -> None:
    """Print (or --write) CONNECTION's helpdesk schedules as [schedules.NAME] tables."""
    config = app.config
    if connection not in config.connections:
        known = ", ".join(config.connections) or "none"
        raise ConfigError(
            f"{config.where}: no connection named {connection!r} (configured: {known})"
        )
    connector = build_connector(config, config.connections[connection], get_registry().connectors)
    try:
        found = connector.schedules()
    finally:
        connector.close()
    if not found:
        click.echo(
            f"{connection} ({connector.name}) defines no business-hours schedules.", err=True
        )
        return
    text = schedules_toml(found, prefix=f"{connection}-")
    existing = config.schedules
    clashes = [k for k in (_key(f"{connection}-{s.name}") for s in found) if k in existing]
    if write:
        if config.path is None:
            raise click.UsageError("no config file to write to (create one with deskmetrics init)")
        if clashes:
            raise click.UsageError(f"already configured: {', '.join(clashes)}; remove them first")
        with config.path.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)
        click.echo(f"Added {len(found)} schedules to {config.path}.", err=True)
    else:
        click.echo(text, nl=False)

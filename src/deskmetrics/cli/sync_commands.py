"""``deskmetrics sync``: pull every (or the named) connection into the store."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.progress import LineProgress, LiveProgress
from deskmetrics.sync import SyncSummary, sync


def register(cli: click.Group) -> None:
    cli.add_command(sync_command)


@click.command("sync")
@click.argument("names", nargs=-1)
@click.option("--full-refresh", is_flag=True, help="Ignore saved cursors and read everything.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary on stdout.")
@pass_app
def sync_command(app: App, names: tuple[str, ...], full_refresh: bool, as_json: bool) -> None:
    """Sync all connections, or the NAMES given.

    Exits with 1 when any connection failed, so schedulers can alert on it.
    """
    err = Console(stderr=True)
    config = app.config
    with app.open_store() as store:
        progress = LiveProgress(err) if err.is_terminal and not as_json else LineProgress(err)
        with progress:
            summary = sync(config, store, list(names), full_refresh=full_refresh, observer=progress)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        print_summary(summary, err)
    if not summary.ok:
        sys.exit(1)


def print_summary(summary: SyncSummary, console: Console) -> None:
    for connection in summary.connections:
        for warning in connection.warnings:
            console.print(f"warning: {connection.connection}: {warning}", markup=False)
        if connection.status == "succeeded":
            console.print(
                f"{connection.connection}: synced {connection.records:,} records",
                markup=False,
                highlight=False,
            )
        else:
            console.print(
                f"[red]{connection.connection}: failed[/]: {connection.error}", highlight=False
            )

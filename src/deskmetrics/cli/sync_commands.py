"""``deskmetrics sync``: pull every (or the named) connection into the store."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console

from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.progress import LineProgress, LiveProgress
from deskmetrics.report.safe_text import escape_rich, escape_terminal
from deskmetrics.sync.engine import SyncSummary, sync


def register(cli: click.Group) -> None:
    cli.add_command(sync_command)


@click.command("sync")
@click.argument("names", nargs=-1)
@click.option("--full-refresh", is_flag=True, help="Ignore saved cursors and read everything.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary on stdout.")
@click.option(
    "--wait",
    "lock_wait",
    type=click.FloatRange(min=0),
    default=0,
    metavar="SECONDS",
    help="Wait this long for a connection that another process is syncing.",
)
@pass_app
def sync_command(
    app: App, names: tuple[str, ...], full_refresh: bool, as_json: bool, lock_wait: float
) -> None:
    """Sync all connections, or the NAMES given.

    Exits with 1 when any connection failed, so schedulers can alert on it.
    """
    err = Console(stderr=True)
    config = app.config
    with app.open_store() as store:
        progress = LiveProgress(err) if err.is_terminal and not as_json else LineProgress(err)
        with progress:
            summary = sync(
                config,
                store,
                list(names),
                full_refresh=full_refresh,
                observer=progress,
                lock_wait=lock_wait,
            )
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        print_summary(summary, err)
    if not summary.ok:
        sys.exit(1)


def print_summary(summary: SyncSummary, console: Console) -> None:
    # soft_wrap: a message is one line however narrow the terminal (logs get grepped); the
    # error text is escaped, not read as markup ("[connections.x]" or "[Errno 2]" would vanish),
    # and a helpdesk's error body quoted in it cannot send escape sequences to the terminal.
    for connection in summary.connections:
        for warning in connection.warnings:
            console.print(
                escape_terminal(f"warning: {connection.connection}: {warning}"),
                markup=False,
                soft_wrap=True,
            )
        if connection.status == "succeeded":
            console.print(
                escape_terminal(f"{connection.connection}: synced {connection.records:,} records"),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        else:
            console.print(
                f"[red]{escape_rich(connection.connection)}: {connection.status}[/]: "
                f"{escape_rich(connection.error or '')}",
                highlight=False,
                soft_wrap=True,
            )
    if summary.churn is not None:
        console.print(escape_terminal(summary.churn.summary()), markup=False, soft_wrap=True)
    if summary.churn_error is not None:
        console.print(f"[red]churn file: failed[/]: {escape_rich(summary.churn_error)}",
                      highlight=False, soft_wrap=True)  # fmt: skip

"""``deskmetrics state show|reset``: inspect and forget saved sync cursors."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from deskmetrics.cli.app import App, pass_app
from deskmetrics.report.safe_text import escape_rich


def register(cli: click.Group) -> None:
    cli.add_command(state)


@click.group()
def state() -> None:
    """Inspect or reset the cursors that make syncs incremental."""


@state.command("show")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: App, name: str | None, as_json: bool) -> None:
    """Show saved cursors of every connection, or of NAME."""
    with app.open_store(create=False) as store:
        rows = store.states(name)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"No saved state{' for ' + name if name else ''}.")
        return
    table = Table("connection", "stream", "state", "updated")
    for row in rows:
        # Cursors hold file names and vendor values: text, never rich markup.
        cells = (row["connection"], row["stream"], json.dumps(row["state"]), row["updated_at"])
        table.add_row(*(escape_rich(str(c)) for c in cells))
    Console().print(table)


@state.command("reset")
@click.argument("name")
@click.option("--stream", help="Reset only this stream.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def reset(app: App, name: str, stream: str | None, yes: bool) -> None:
    """Forget NAME's cursors: its next sync reads everything again (records are kept)."""
    what = f"{name}/{stream}" if stream else name
    if not yes:
        click.confirm(f"Reset the saved state of {what}?", abort=True)
    with app.open_store(create=False) as store:
        removed = store.reset_state(name, stream)
    click.echo(f"Reset {removed} stream cursor{'s' if removed != 1 else ''} of {what}.")

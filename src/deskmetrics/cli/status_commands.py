"""``deskmetrics status``: is every connection syncing? For people and for monitoring."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.table import Table

from deskmetrics.cli.app import App, pass_app
from deskmetrics.jobs.status import connection_status
from deskmetrics.report.safe_text import escape_rich, escape_terminal


def register(cli: click.Group) -> None:
    cli.add_command(status)


def _minute(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else ""


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    return f"{minutes // 1440} days"


NOT_TRIED = "; not tried: "
"""How the engine joins a stream it did not try (its host was down) to a sync's errors."""


def one_line(error: str) -> str:
    """A sync's errors with the streams it did not try said once: after a dead host or refused
    credentials every further stream repeats ``not tried: S found that …`` (the engine's text)."""
    first, *skipped = error.split(NOT_TRIED)
    if not skipped or any(text != skipped[0] for text in skipped):
        return error
    stream = skipped[0].split(" found that ")[0]
    others = f"{len(skipped)} more stream{'s' if len(skipped) > 1 else ''}"
    return f"{first}; {others} not tried ({stream} found the connection down)"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--max-failures",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Exit with 1 when a connection's last N syncs all failed.",
)
@pass_app
def status(app: App, as_json: bool, max_failures: int) -> None:
    """Show each connection's last sync, outcome, records, duration, cursor age and next run."""
    config = app.config
    with app.open_store(create=False) as store:
        rows = connection_status(config, store, datetime.now(UTC))
    failing = [row.connection for row in rows if row.consecutive_failures >= max_failures]
    if as_json:
        click.echo(
            json.dumps({"connections": [asdict(r) for r in rows], "failing": failing}, indent=2)
        )
    else:
        table = Table("connection", "last sync (UTC)", "outcome", "records", "took", "cursor age")
        table.add_column("next (UTC)")
        for row in rows:
            outcome = row.last_outcome or "never synced"
            if row.consecutive_failures > 1:
                outcome += f" ({row.consecutive_failures}× in a row)"
            table.add_row(
                escape_rich(f"{row.connection} ({row.connector})"),
                _minute(row.last_started_at),
                outcome,
                f"{row.last_records:,}",
                f"{row.last_seconds:.1f} s" if row.last_seconds is not None else "",
                _age(row.cursor_age_seconds),
                _minute(row.next_due_at) or "manual",
            )
        # Piped into a log or mail, rich would wrap at 80 columns; a row per line reads better.
        Console(width=None if sys.stdout.isatty() else 160).print(table)
        for row in rows:
            if row.last_error and row.last_outcome in ("failed", "interrupted"):
                # A helpdesk's error body may carry escape sequences: never replay them.
                line = f"{row.connection}: {one_line(row.last_error)}"
                click.echo(escape_terminal(line), err=True)
    if failing:
        sys.exit(1)

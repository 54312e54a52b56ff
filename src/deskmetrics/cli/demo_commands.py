"""``deskmetrics demo``: a synthetic helpdesk, synced through the real CSV connector, reported."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click
from rich.console import Console

from deskmetrics.cli.progress import LineProgress, LiveProgress
from deskmetrics.cli.report_commands import render_report
from deskmetrics.cli.sync_commands import print_summary
from deskmetrics.config.loading import load_config
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default="deskmetrics-demo",
    show_default=True,
    help="Where to write the CSV files, config and database.",
)
@click.option("--tickets", type=click.IntRange(min=100), default=6000, show_default=True)
@click.option("--weeks", type=click.IntRange(min=1), default=12, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same helpdesk.")
def demo(directory: Path, tickets: int, weeks: int, seed: int) -> None:
    """Generate a demo helpdesk, sync it like a real one, and print its KPI report."""
    # Imported here so that every other command starts without loading the generator.
    from deskmetrics.demo.data import DemoSpec, write_demo_config, write_demo_csv

    err = Console(stderr=True)
    refuse_foreign_folder(directory)
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    spec = DemoSpec(tickets=tickets, weeks=weeks, seed=seed)
    rows = write_demo_csv(data_dir, spec)
    config_path = write_demo_config(
        directory, data_dir=data_dir, database=directory / "deskmetrics.db"
    )
    # Plain lines: piped, rich would wrap them at 80 columns, mid-command.
    click.echo(f"Wrote {sum(rows.values()):,} rows of demo data to {data_dir}/ and {config_path}",
               err=True)  # fmt: skip
    config = load_config(config_path)
    with Store(config.database) as store:
        progress = LiveProgress(err) if err.is_terminal else LineProgress(err)
        with progress:
            summary = sync(config, store, observer=progress)
        print_summary(summary, err)
        if not summary.ok:
            sys.exit(1)
        err.print()
        click.echo(render_report(store, config), nl=False)
    click.echo(
        f"\nNext: deskmetrics --config {config_path} report --by agent --grain week\n"
        f"  (or: cd {shlex.quote(str(directory))} && deskmetrics report)",
        err=True,
    )


def refuse_foreign_folder(directory: Path) -> None:
    """``demo --dir .`` in a real project must not overwrite its config or sync into its store."""
    from deskmetrics.demo.files import CONFIG_NAME, DEMO_HEADER

    config = directory / CONFIG_NAME
    if config.is_file():
        if not config.read_text(encoding="utf-8", errors="replace").startswith(DEMO_HEADER):
            raise click.ClickException(
                f"{config}: exists and is not a demo config; choose another --dir"
            )
    elif (directory / "deskmetrics.db").exists():
        raise click.ClickException(
            f"{directory / 'deskmetrics.db'}: a database that is not the demo's; "
            "choose another --dir"
        )

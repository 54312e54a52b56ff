"""``deskmetrics store copy``: move a SQLite store to PostgreSQL without re-syncing."""

from __future__ import annotations

from pathlib import Path

import click

from deskmetrics.cli.app import App, pass_app
from deskmetrics.errors import StoreError
from deskmetrics.store.database import Store
from deskmetrics.store.opening import open_url
from deskmetrics.store.postgres.url import DatabaseUrl, is_postgres_url


def register(cli: click.Group) -> None:
    cli.add_command(store)


@click.group()
def store() -> None:
    """Move the store between databases (docs/store.md)."""


@store.command("copy")
@click.option(
    "--to",
    "to_url",
    required=True,
    metavar="URL",
    help='The PostgreSQL store, e.g. "postgresql://user:${PGPASSWORD}@host:5432/db" '
    "(single-quote it in a shell; ${VAR} is read from the environment).",
)
@click.option(
    "--from",
    "from_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The SQLite file (default: the configured [database] path).",
)
@click.option("--replace", is_flag=True, help="Delete what the target holds first.")
@pass_app
def copy(app: App, to_url: str, from_path: Path | None, replace: bool) -> None:
    """Copy the SQLite store (records, cursors, runs, rejected rows) into an empty PostgreSQL
    store; then point [database] url at it."""
    from deskmetrics.store.postgres.copy import copy_store
    from deskmetrics.store.postgres.database import PgStore

    if not is_postgres_url(to_url):
        raise click.UsageError("--to must be a postgresql:// URL")
    path = from_path or app.config.database
    if not path.is_file():
        raise StoreError(f"{path}: no SQLite store to copy")
    with Store(path) as source, open_url(to_url) as target:
        assert isinstance(target, PgStore)
        result = copy_store(
            source,
            target,
            replace=replace,
            progress=lambda table, rows: click.echo(f"{table}: {rows:,} rows", err=True),
        )
    total = sum(result.rows.values())
    shown = DatabaseUrl(to_url).shown()
    click.echo(f"Copied {total:,} rows in {len(result.rows)} tables from {path} to {shown}.")

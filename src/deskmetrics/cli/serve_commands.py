"""``deskmetrics serve``: browse the KPIs, and the tickets behind every number, in a web app.

The app is Datasette with the ``deskmetrics_web`` plugin (plugins/deskmetrics_web, the optional
``web`` extra). Bound to 127.0.0.1 unless ``--host`` says otherwise; any other address needs a
token in ``$DESKMETRICS_SERVE_TOKEN`` (read from the environment, never printed), which visitors
enter once on the sign-in page for Datasette's signed actor cookie. See docs/serve.md.
"""

from __future__ import annotations

import ipaddress
import os
from functools import partial

import click

from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.report_commands import no_database_message
from deskmetrics.errors import DeskmetricsError
from deskmetrics.store.opening import open_store
from deskmetrics.store.postgres.url import DatabaseUrl

TOKEN_ENV = "DESKMETRICS_SERVE_TOKEN"
MIN_TOKEN = 16


def register(cli: click.Group) -> None:
    cli.add_command(serve)


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_token(host: str) -> str | None:
    """The token visitors must give, or None on a loopback address; a usage error if unset."""
    if is_local(host):
        return None
    token = os.environ.get(TOKEN_ENV, "")
    if len(token) < MIN_TOKEN:
        raise click.UsageError(
            f"--host {host} serves beyond this machine: set {TOKEN_ENV} to a token of at "
            f"least {MIN_TOKEN} characters (e.g. `export {TOKEN_ENV}=$(openssl rand -hex 16)`)"
        )
    return token


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=f"Address to listen on; beyond localhost it needs ${TOKEN_ENV}.",
)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@pass_app
def serve(app: App, host: str, port: int) -> None:
    """Browse the KPIs, and the tickets behind every number, in a local web app (Datasette).

    Read-only; every KPI value, chart point and breakdown cell opens its ticket list.
    """
    token = serve_token(host)
    try:
        from deskmetrics_web.server import run
    except ImportError:
        raise click.ClickException(
            "deskmetrics serve needs Datasette: pip install 'deskmetrics[web]'"
        ) from None
    config = app.config
    if config.database_url is None and not config.database.exists():
        raise click.ClickException(no_database_message(config))
    # Opening the store once applies pending migrations, as any command would, and shows a
    # down or refusing PostgreSQL server at once; the pages then only read it.
    try:
        open_store(config).close()
    except DeskmetricsError as exc:
        raise click.ClickException(str(exc)) from None
    if config.database_url is None:
        run(config, host, port, token, echo=click.echo)
        return
    # Datasette reads SQLite only: the pages compute on the PostgreSQL store through the store
    # interface, and Datasette serves just the ticket lists.
    shown = DatabaseUrl(config.database_url).shown()
    run(config, host, port, token, echo=click.echo, opener=partial(open_store, config),
        label=shown)  # fmt: skip

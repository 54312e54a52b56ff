"""``deskmetrics serve``: the store in Datasette with the deskmetrics pages, read-only.

Bound to 127.0.0.1 unless ``--host`` says otherwise; any other address needs a token in
``$DESKMETRICS_SERVE_TOKEN`` (read from the environment, never printed), which visitors enter
once on the sign-in page for Datasette's signed actor cookie.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
from pathlib import Path

import click

import deskmetrics

TOKEN_ENV = "DESKMETRICS_SERVE_TOKEN"
MIN_TOKEN = 16
LOCAL_HOSTS = frozenset({"localhost"})


def is_local(host: str) -> bool:
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=f"Address to listen on; beyond localhost it needs ${TOKEN_ENV}.",
)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Browse the KPIs, and the tickets behind every number, in a local web app (Datasette)."""
    try:
        import uvicorn
        from datasette.app import Datasette
    except ImportError:
        raise click.ClickException(
            "deskmetrics serve needs Datasette: pip install 'deskmetrics[web]'"
        ) from None
    from deskmetrics_web.site import Site, set_site

    token = None
    if not is_local(host):
        token = os.environ.get(TOKEN_ENV, "")
        if len(token) < MIN_TOKEN:
            raise click.UsageError(
                f"--host {host} serves beyond this machine: set {TOKEN_ENV} to a token of at "
                f"least {MIN_TOKEN} characters (e.g. `export {TOKEN_ENV}=$(openssl rand -hex 16)`)"
            )
    config = deskmetrics.load_config(ctx.find_root().params.get("config_path"))
    if not config.database.exists():
        raise click.ClickException(f"{config.database}: no database yet; run `deskmetrics sync`")
    # Opening the store once applies pending migrations, as any command would; the pages then
    # only read it (Datasette opens it read-only).
    deskmetrics.Store(config.database, timeout=config.database_timeout).close()
    datasette = Datasette([str(config.database)], settings={"allow_download": False})
    site = Site(
        database=_name_of(datasette, config.database),
        path=config.database,
        settings=config.report_settings(),
        links=deskmetrics.ticket_links(config),
        token=token,
    )
    set_site(datasette, site)
    asyncio.run(datasette.invoke_startup())
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/-/deskmetrics/"
    click.echo(f"Serving {config.database} read-only at {url}")
    if token is not None:
        click.echo(f"Visitors sign in with the token in ${TOKEN_ENV}.")
    click.echo("Press Ctrl+C to stop.")
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


def _name_of(datasette: object, path: Path) -> str:
    """Datasette's name of the database at ``path`` (its file stem, made unique)."""
    for name, db in datasette.databases.items():  # type: ignore[attr-defined]
        if db.path and Path(db.path).resolve() == path.resolve():
            return str(name)
    raise click.ClickException(f"{path}: Datasette did not open it")

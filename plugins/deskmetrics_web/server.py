"""Run the web app: the store in Datasette with the deskmetrics pages (``deskmetrics serve``)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from datasette.app import Datasette

import deskmetrics
from deskmetrics_web.site import Site, set_site

PAGES = "/-/deskmetrics/"


def run(
    config: deskmetrics.Config,
    host: str,
    port: int,
    token: str | None,
    echo: Callable[[str], None] = print,
    opener: Callable[[], Any] | None = None,
    label: str | None = None,
) -> None:
    """Serve ``config``'s store until interrupted; ``token`` set: visitors must sign in.

    ``opener`` opens the configured store (default: the SQLite file). ``label`` set: the store
    is not a SQLite file Datasette can read (PostgreSQL, ``label`` its URL as shown); the pages
    compute through ``opener`` and Datasette serves only the ticket lists.
    """
    files = [] if label is not None else [str(config.database)]
    datasette = Datasette(files, settings={"allow_download": False})
    set_site(
        datasette,
        Site(
            database=None if label is not None else _name_of(datasette, config.database),
            path=None if label is not None else config.database,
            settings=config.report_settings(),
            links=deskmetrics.ticket_links(config),
            token=token,
            opener=opener,
            label=label or "",
        ),
    )
    asyncio.run(datasette.invoke_startup())
    shown = f"[{host}]" if ":" in host else host
    echo(f"Serving {label or config.database} read-only at http://{shown}:{port}{PAGES}")
    if token is not None:
        echo("Visitors sign in with the token in $DESKMETRICS_SERVE_TOKEN.")
    echo("Press Ctrl+C to stop.")
    sys.stdout.flush()  # the URL shows at once, also when stdout is a pipe or a log file
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning", lifespan="on")


def _name_of(datasette: Datasette, path: Path) -> str:
    """Datasette's name of the database at ``path`` (its file stem, made unique)."""
    for name, db in datasette.databases.items():
        if db.path and Path(db.path).resolve() == path.resolve():
            return str(name)
    raise RuntimeError(f"{path}: Datasette did not open it")

"""What the web pages know about the deskmetrics project they serve (one per Datasette).

Set by ``deskmetrics serve``; a plain ``datasette deskmetrics.db`` gets the defaults: the first
database that looks like a deskmetrics store, default report settings, no helpdesk links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import deskmetrics

LISTS = "ticket_lists"
"""The in-memory database the ticket lists are written to (the store itself stays read-only)."""
ACTOR = "deskmetrics"
"""The actor id a sign-in with the serve token gets (Datasette's signed ``ds_actor`` cookie)."""


@dataclass
class Site:
    database: str | None
    """Datasette's name of the store, e.g. ``deskmetrics``; None when Datasette does not serve
    it (a PostgreSQL store: the pages read it through ``opener`` only)."""
    path: Path | None
    settings: deskmetrics.ReportSettings = field(default_factory=deskmetrics.ReportSettings)
    links: deskmetrics.TicketLink | None = None
    token: str | None = None
    """When set, every page needs a sign-in with it (serving beyond localhost)."""
    opener: Callable[[], Any] | None = None
    """Opens the configured store (any backend); unset: the SQLite file at ``path``."""
    label: str = ""
    """How the pages name the store when Datasette does not serve it."""

    def open_store(self) -> Any:
        """A new connection to the store, for one computation in a worker thread."""
        if self.opener is not None:
            return self.opener()
        if self.path is None:
            raise RuntimeError("a site without a store path needs an opener")
        return deskmetrics.Store(self.path)

    def ticket_url(self, source: str, ticket_id: str) -> str | None:
        return self.links(source, ticket_id) if self.links else None


_SITES: WeakKeyDictionary[Any, Site] = WeakKeyDictionary()


def set_site(datasette: Any, site: Site) -> None:
    _SITES[datasette] = site


def site_of(datasette: Any) -> Site | None:
    """The site of ``datasette``; found once for a plain ``datasette`` run (None: no store)."""
    found = _SITES.get(datasette)
    if found is not None:
        return found
    for name, db in datasette.databases.items():
        if db.path and {"tickets", "sync_runs"} <= set(_tables(db.path)):
            found = Site(database=name, path=Path(db.path))
            _SITES[datasette] = found
            return found
    return None


def _tables(path: str) -> list[str]:
    import sqlite3

    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with sqlite3.connect(uri, uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM sqlite_master")]

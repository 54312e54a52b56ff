"""The Datasette plugin: routes, sign-in, read-only permissions and ticket-list cell links.

Registered through Datasette's own entry-point group (``datasette``), so a plain
``datasette deskmetrics.db`` gets the pages too; ``deskmetrics serve`` adds its configuration.
"""

from __future__ import annotations

from typing import Any

from datasette import hookimpl
from markupsafe import Markup, escape

from deskmetrics_web import pages
from deskmetrics_web.site import ACTOR, LISTS, site_of

PREFIX = "/-/deskmetrics"
_WRITES = frozenset(
    ("insert-row", "delete-row", "update-row", "create-table", "alter-table", "drop-table")
)


@hookimpl
def startup(datasette: Any) -> None:
    if LISTS not in datasette.databases:
        datasette.add_memory_database(LISTS)


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (rf"^{PREFIX}/?$", pages.dashboard),
        (rf"^{PREFIX}/tickets$", pages.ticket_list),
        (rf"^{PREFIX}/agent/(?P<source>[^/]+)/(?P<id>[^/]+)$", pages.agent),
        (rf"^{PREFIX}/ticket/(?P<source>[^/]+)/(?P<id>[^/]+)$", pages.ticket),
        (rf"^{PREFIX}/about$", pages.about),
        (rf"^{PREFIX}/sign-in$", pages.sign_in),
    ]


@hookimpl
def permission_allowed(datasette: Any, actor: Any, action: str) -> bool | None:
    """Read-only for everyone; with a serve token, nothing at all before signing in."""
    if action in _WRITES:
        return False
    site = site_of(datasette)
    signed_in = bool(actor) and actor.get("id") == ACTOR
    if site is not None and site.token is not None and not signed_in:
        return False
    return None


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    return [
        {"href": datasette.urls.path(f"{PREFIX}/"), "label": "KPI dashboard"},
        {"href": datasette.urls.path(f"{PREFIX}/about"), "label": "About this database"},
    ]


@hookimpl
def render_cell(value: Any, column: str, database: str, datasette: Any, row: Any) -> Any:
    """In a ticket list, the ticket id opens its ticket page and the helpdesk URL is a link."""
    if database != LISTS or value is None:
        return None
    if column == "ticket_id" and "source" in row.keys():  # noqa: SIM118 (a sqlite3.Row: `in` tests values)
        href = datasette.urls.path(f"{PREFIX}/ticket/{row['source']}/{value}")
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    if column == "helpdesk_url" and str(value).startswith("https://"):
        return Markup(f'<a href="{escape(value)}" rel="noreferrer">{escape(value)}</a>')
    return None

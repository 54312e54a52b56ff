"""The plugin's pages: each reads its query, computes off the event loop and renders a template.

Computations open their own store connection in a worker thread; Datasette's own connections
to the store are read-only. Bad input is one line on the page, never a traceback.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from datasette.utils.asgi import Response
from markupsafe import Markup

from deskmetrics_reporters.html_reporter import script, stylesheet
from deskmetrics_web import records
from deskmetrics_web.dashboard_page import (
    CHOICE_SQL,
    compute_report,
    form_context,
    render_dashboard,
)
from deskmetrics_web.site import ACTOR, LISTS, Site, site_of
from deskmetrics_web.store_reads import StoreReads
from deskmetrics_web.ticket_lists import FACETS, compute_list, parse_key, write_list
from deskmetrics_web.view_params import BadParams, ViewParams, parse_params

PREFIX = "/-/deskmetrics"


async def _page(datasette: Any, request: Any, name: str, status: int = 200, **context: Any) -> Any:
    context.setdefault("prefix", datasette.urls.path(PREFIX))
    # The templates ship in deskmetrics_web/datasette_plugin/templates, found by Datasette.
    html = await datasette.render_template(name, context, request=request)
    return Response.html(html, status=status)


async def _site(datasette: Any, request: Any) -> Site | Any:
    """The site, or the response to send instead (sign in first; no store served)."""
    site = site_of(datasette)
    if site is None:
        message = "None of the served databases is a deskmetrics store."
        return await _page(
            datasette, request, "deskmetrics_message.html", 404,
            title="No deskmetrics store", message=message,
        )  # fmt: skip
    if site.token is not None and (request.actor or {}).get("id") != ACTOR:
        return Response.redirect(datasette.urls.path(f"{PREFIX}/sign-in"))
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    return site


def _store(datasette: Any, site: Site) -> Any:
    """What the pages query the store with: Datasette's read-only connection to the SQLite
    file, or the store's own connections when Datasette does not serve it (PostgreSQL)."""
    if site.database is None:
        return StoreReads(site.open_store)
    return datasette.get_database(site.database)


async def _choices(datasette: Any, site: Site) -> dict[str, list[str]]:
    db = _store(datasette, site)
    found = {}
    for name, sql in CHOICE_SQL.items():
        found[name] = [row[0] for row in await db.execute(sql)]
    return found


async def _bad(datasette: Any, request: Any, exc: Exception) -> Any:
    return await _page(datasette, request, "deskmetrics_message.html", 400,
                       title="Cannot show this", message=str(exc))  # fmt: skip


async def dashboard(datasette: Any, request: Any) -> Any:
    site = await _site(datasette, request)
    if not isinstance(site, Site):
        return site
    try:
        params = parse_params(request.args._data)
        report = await asyncio.to_thread(compute_report, site, params)
    except (BadParams, ValueError) as exc:
        return await _bad(datasette, request, exc)
    return await _page(
        datasette, request, "deskmetrics_dashboard.html",
        title="KPI dashboard",
        form=form_context(params, await _choices(datasette, site)),
        body=Markup(render_dashboard(report, params, datasette.urls.path("").rstrip("/"))),
        css=Markup(stylesheet()), js=Markup(script()),
        agents=await _agent_links(datasette, site),
    )  # fmt: skip


async def _agent_links(datasette: Any, site: Site) -> list[tuple[str, str]]:
    return [
        (a["name"] or a["id"], datasette.urls.path(f"{PREFIX}/agent/{a['source']}/{a['id']}"))
        for a in await records.agents(_store(datasette, site))
    ]


async def ticket_list(datasette: Any, request: Any) -> Any:
    """Compute the list, store it as a table of ``ticket_lists`` and open Datasette's view."""
    site = await _site(datasette, request)
    if not isinstance(site, Site):
        return site
    args = request.args._data
    try:
        metric_id = (args.get("kpi") or [""])[-1]
        params = parse_params(args)
        found = await asyncio.to_thread(compute_list, site, metric_id, params, parse_key(args))
    except (BadParams, ValueError) as exc:
        return await _bad(datasette, request, exc)
    await datasette.get_database(LISTS).execute_write_fn(lambda conn: write_list(conn, found))
    facets = "&".join(f"_facet={name}" for name in FACETS)
    return Response.redirect(datasette.urls.table(LISTS, found.table) + "?" + facets)


async def agent(datasette: Any, request: Any) -> Any:
    site = await _site(datasette, request)
    if not isinstance(site, Site):
        return site
    source, agent_id = request.url_vars["source"], request.url_vars["id"]
    db = _store(datasette, site)
    found = await records.agent(db, source, agent_id)
    if found is None:
        return await _bad(datasette, request, ValueError(f"no agent {agent_id!r} in {source!r}"))
    try:
        params = parse_params(request.args._data)
        params = ViewParams(
            start=params.start, end=params.end, grain=params.grain or "week",
            filters=records.agent_filters(source, agent_id), as_of=params.as_of,
        )  # fmt: skip
        report = await asyncio.to_thread(compute_report, site, params)
    except (BadParams, ValueError) as exc:
        return await _bad(datasette, request, exc)
    tickets = (
        None
        if site.database is None
        else datasette.urls.table(site.database, "ticket_facts")
        + f"?source={source}&agent_id={agent_id}&_sort_desc=created_at"
    )
    return await _page(
        datasette, request, "deskmetrics_agent.html", title=f"Agent {found['name'] or agent_id}",
        agent=found, tickets_url=tickets,
        body=Markup(render_dashboard(report, params, datasette.urls.path("").rstrip("/"))),
        css=Markup(stylesheet()), js=Markup(script()),
    )  # fmt: skip


async def ticket(datasette: Any, request: Any) -> Any:
    site = await _site(datasette, request)
    if not isinstance(site, Site):
        return site
    source, ticket_id = request.url_vars["source"], request.url_vars["id"]
    db = _store(datasette, site)
    facts = await records.ticket_facts(db, source, ticket_id)
    if facts is None:
        return await _bad(datasette, request, ValueError(f"no ticket {ticket_id!r} in {source!r}"))
    return await _page(
        datasette, request, "deskmetrics_ticket.html", title=f"Ticket {ticket_id}",
        source=source, ticket_id=ticket_id, facts=facts,
        timeline=await records.timeline(db, source, ticket_id),
        surveys=await records.surveys(db, source, ticket_id),
        helpdesk=site.ticket_url(source, ticket_id),
        agent_url=datasette.urls.path(f"{PREFIX}/agent/{source}/{facts['agent_id']}")
        if facts.get("agent_id") else None,
    )  # fmt: skip


async def about(datasette: Any, request: Any) -> Any:
    site = await _site(datasette, request)
    if not isinstance(site, Site):
        return site
    db = _store(datasette, site)
    served = site.database is not None
    return await _page(
        datasette, request, "deskmetrics_about.html", title="About this database",
        database=site.database or site.label,
        database_url=datasette.urls.database(site.database) if served else None,
        streams=await records.last_syncs(db), counts=await records.counts(db),
        views=[(name, datasette.urls.table(site.database, name))
               for name in await db.view_names()] if served else [],
    )  # fmt: skip


async def sign_in(datasette: Any, request: Any) -> Any:
    """The serve token, once, for Datasette's signed ``ds_actor`` cookie."""
    site = site_of(datasette)
    if site is None or site.token is None:
        return Response.redirect(datasette.urls.path(f"{PREFIX}/"))
    message = ""
    if request.method == "POST":
        given = str((await request.post_vars()).get("token", ""))
        if secrets.compare_digest(given.encode(), site.token.encode()):
            response = Response.redirect(datasette.urls.path(f"{PREFIX}/"))
            response.set_cookie("ds_actor", datasette.sign({"a": {"id": ACTOR}}, "actor"),
                                httponly=True, samesite="lax")  # fmt: skip
            return response
        message = "That is not the token this server was started with."
    return await _page(datasette, request, "deskmetrics_sign_in.html",
                       403 if message else 200, title="Sign in", message=message)  # fmt: skip

"""FakeServer handlers that answer the connectors' requests with the documented examples.

Every endpoint a connector calls answers its fixture as it is, whatever the query: the
examples are single pages, so a client that follows ``next_page`` or ``end_time`` gets the same
page again, as it would from a fake that only knows the documentation. Endpoints the connectors
call but that have no documented fixture here answer an empty list (``ZENDESK_EMPTY``,
``FRESHDESK_EMPTY``), and anything else 404, so a new request a connector starts making shows
up as a failure.
"""

from __future__ import annotations

import re
from typing import Any

from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from vendor_payloads import load

ZENDESK_FIXTURES = {
    "/api/v2/incremental/tickets/cursor.json": "tickets_cursor_metric_sets",
    "/api/v2/incremental/organizations.json": "organizations_incremental",
    "/api/v2/incremental/ticket_metric_events.json": "ticket_metric_events",
    "/api/v2/incremental/ticket_events.json": "ticket_events_comment_events",
    "/api/v2/satisfaction_ratings.json": "satisfaction_ratings",
    "/api/v2/ticket_fields.json": "ticket_fields",
    "/api/v2/incremental/users/cursor.json": "users_cursor",
    "/api/v2/custom_statuses.json": "custom_statuses",
    "/api/v2/brands.json": "brands",
    "/api/v2/ticket_forms.json": "ticket_forms",
    "/api/v2/search/count.json": "search_count",
    "/api/v2/tickets/count.json": "tickets_count",
}
ZENDESK_EMPTY = {"/api/v2/groups.json": "groups"}
"""No documented fixture: an empty last page of the cursor-paginated list."""
ZENDESK_AGENTS = "/api/v2/users.json"
"""Answered with the agents and admins of users_cursor (the connector asks role[]=agent,admin)."""

FRESHDESK_FIXTURES = {
    "/api/v2/tickets": "tickets_include_stats",
    "/api/v2/ticket_fields": "ticket_fields",
    "/api/v2/companies": "companies",
    "/api/v2/surveys/satisfaction_ratings": "satisfaction_ratings",
    "/api/v2/time_entries": "time_entries",
    "/api/v2/contacts": "contacts",
    "/api/v2/email/mailboxes": "mailboxes",
    "/api/v2/search/tickets": "search_tickets",
}
FRESHDESK_EMPTY = frozenset({"/api/v2/groups", "/api/v2/agents", "/api/v2/company_fields"})
FRESHDESK_EXPORT = "/api/v2/export/ticket_activities"
"""Answers the day's file links (ticket_activities_export), pointed at this server."""
FRESHDESK_EXPORT_FILE = "/exports/ticket_activities/2015-08-17.json"
"""The export file (ticket_activities); refused when the request carries credentials, as the
file's host is not Freshdesk's and must never see the API key."""
_PER_TICKET = re.compile(r"^/api/v2/tickets/(\d+)/(conversations|time_entries)$")


def _not_found(request: FakeRequest) -> FakeResponse:
    return FakeResponse(404, {"error": "RecordNotFound", "description": f"no {request.path}"})


def zendesk(request: FakeRequest) -> FakeResponse:
    """Zendesk: the documented page of each export and list the connector reads."""
    if request.path in ZENDESK_FIXTURES:
        return FakeResponse(200, load("zendesk", ZENDESK_FIXTURES[request.path]))
    if request.path in ZENDESK_EMPTY:
        return FakeResponse(200, {ZENDESK_EMPTY[request.path]: [], "meta": {"has_more": False}})
    if request.path == ZENDESK_AGENTS:
        users = load("zendesk", "users_cursor")["users"]
        agents = [user for user in users if user["role"] in ("agent", "admin")]
        return FakeResponse(200, {"users": agents, "meta": {"has_more": False}})
    return _not_found(request)


def freshdesk(request: FakeRequest) -> FakeResponse:
    """Freshdesk: the documented list of each endpoint (deleted and spam listings are empty)."""
    if request.path == "/api/v2/tickets" and request.param("filter") is not None:
        return FakeResponse(200, [])
    if request.path in FRESHDESK_FIXTURES:
        return FakeResponse(200, load("freshdesk", FRESHDESK_FIXTURES[request.path]))
    if request.path in FRESHDESK_EMPTY:
        return FakeResponse(200, [])
    if request.path == FRESHDESK_EXPORT:
        return FakeResponse(200, _export_links(request))
    if request.path == FRESHDESK_EXPORT_FILE:
        if "authorization" in {name.lower() for name in request.headers}:
            return FakeResponse(403, {"error": "the export file's host got credentials"})
        return FakeResponse(200, load("freshdesk", "ticket_activities"))
    per_ticket = _PER_TICKET.match(request.path)
    if per_ticket is not None:
        ticket, kind = int(per_ticket.group(1)), per_ticket.group(2)
        rows: list[dict[str, Any]] = load("freshdesk", kind)
        return FakeResponse(200, [row for row in rows if row["ticket_id"] == ticket])
    return _not_found(request)


def _export_links(request: FakeRequest) -> dict[str, Any]:
    """The documented links, with the file's host made this server (same path and query)."""
    body: dict[str, Any] = load("freshdesk", "ticket_activities_export")
    host = next(value for name, value in request.headers.items() if name.lower() == "host")
    for item in body["export"]:
        item["url"] = re.sub(r"^https://[^/]+", f"http://{host}", item["url"])
    return body

"""Listing tickets past Freshdesk's 300-page cap without losing any.

``GET /api/v2/tickets`` refuses page 301 (HTTP 400). Sorted by ``updated_at`` ascending, the
listing can restart as a new window at ``updated_since = the last updated_at seen``: that filter
is inclusive, so the boundary tickets come again and the store's upserts absorb them. Adding a
second instead would skip tickets updated in the same second (Airbyte PR #4002).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.client import list_body
from deskmetrics_freshdesk.timestamps import format_time, parse_time

PAGE_CAP = 300


class MovedTickets:
    """Notices rows a listing may have skipped because a ticket moved during it.

    A ticket updated while the listing runs moves to its end and shifts every later row one
    place up, so the row at the next page boundary is never listed. Seeing a ticket again with a
    newer updated_at reveals that; the skipped row lies at or after the ticket's old updated_at,
    which ``recheck_from`` keeps (the earliest such) for the next sync to start from.
    """

    def __init__(self) -> None:
        self._first: dict[str, datetime] = {}
        self.recheck_from: datetime | None = None

    def see(self, ticket_id: str, updated: datetime) -> None:
        first = self._first.setdefault(ticket_id, updated)
        if first != updated and (self.recheck_from is None or first < self.recheck_from):
            self.recheck_from = first


def ticket_pages(
    client: deskmetrics.HttpClient,
    *,
    since: datetime,
    per_page: int,
    include_stats: bool,
    filter_: str | None = None,
    page_cap: int = PAGE_CAP,
) -> Iterator[list[dict[str, Any]]]:
    """Pages of tickets updated at or after ``since``, oldest first, across window restarts."""

    def first_page(start: datetime) -> tuple[str, dict[str, Any]]:
        params: dict[str, Any] = {
            "updated_since": format_time(start),
            "order_by": "updated_at",
            "order_type": "asc",
            "per_page": per_page,
        }
        if include_stats:
            params["include"] = "stats"
        if filter_ is not None:
            params["filter"] = filter_
        return "/api/v2/tickets", params

    window_start = since
    url, params = first_page(window_start)
    params_or_none: dict[str, Any] | None = params
    page = 0
    last_seen: datetime | None = None
    while True:
        try:
            response = client.get(url, params=params_or_none)
        except deskmetrics.HttpError as exc:
            # Some accounts may cap lower than documented: a 400 deep in a listing is the cap.
            if exc.status != 400 or page == 0:
                raise
            response = None
        if response is not None:
            rows = list_body(response, url)
            page += 1
            if rows:
                last_seen = max(_updated_at(row) for row in rows)
            yield rows
            link = deskmetrics.next_link(response)
            if link is None:
                return
            if page < page_cap:
                url, params_or_none = link, None
                continue
        window_start = _restart_point(window_start, last_seen, page * per_page)
        url, params_or_none = first_page(window_start)
        page = 0


def _restart_point(window_start: datetime, last_seen: datetime | None, listed: int) -> datetime:
    if last_seen is None or last_seen <= window_start:
        # Restarting at the same instant would list the same pages forever.
        raise deskmetrics.ConnectorError(
            f"GET /api/v2/tickets: the {listed:,} tickets a listing can page through all have "
            f"updated_at {format_time(window_start)}; deskmetrics cannot page past them "
            f"(raise per_page to 100 if it is lower)"
        )
    return last_seen


def _updated_at(row: dict[str, Any]) -> datetime:
    value = parse_time(row.get("updated_at"))
    if value is None:
        raise deskmetrics.ConnectorError(f"ticket {row.get('id')}: the listing has no updated_at")
    return value

"""The fake Zendesk's HTTP side: routes, pagination, OAuth, rate-limit headers and faults."""

from __future__ import annotations

import base64
import bisect
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from zendesk_fake.account import FakeAccount, epoch

TICKETS = "/api/v2/incremental/tickets/cursor.json"
EVENTS = "/api/v2/incremental/ticket_metric_events.json"
TICKET_EVENTS = "/api/v2/incremental/ticket_events.json"
ORGANIZATIONS = "/api/v2/incremental/organizations.json"
USERS = "/api/v2/incremental/users/cursor.json"
RATE_HEADERS = {"X-Rate-Limit": "700", "X-Rate-Limit-Remaining": "650"}
EVENTS_PER_PAGE = 1000
EXPORT_HEADERS = {
    **RATE_HEADERS,
    "zendesk-ratelimit-incremental-exports": "total=10; remaining=9; resets=50",
}


@dataclass
class Faults:
    """Which ticket-export requests (1-based, counted by the handler) misbehave."""

    too_many_at: set[int] = field(default_factory=set)
    retry_after: int = 7
    server_error_at: set[int] = field(default_factory=set)
    empty_page_after: int | None = None
    """Serve an empty page (with a fresh cursor, not end_of_stream) after this many tickets."""
    page_delay: float = 0.0


def cursor_for(generated: int, ticket_id: int, empty: bool = False) -> str:
    text = f"{generated}|{ticket_id}|{'e' if empty else ''}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def parse_cursor(cursor: str) -> tuple[int, int, bool]:
    generated, ticket_id, flag = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    return int(generated), int(ticket_id), flag == "e"


class ZendeskHandler:
    """Answers like Zendesk for ``account``; ``tokens`` are the valid bearer tokens."""

    def __init__(
        self,
        account: FakeAccount,
        *,
        faults: Faults | None = None,
        tokens: set[str] | None = None,
        refresh_token: str | None = None,
        basic: tuple[str, str] | None = None,
    ) -> None:
        self.account = account
        self.faults = faults or Faults()
        self.tokens = tokens if tokens is not None else {"good-token"}
        self.refresh_token = refresh_token
        self.basic = basic
        self.ticket_requests = 0
        self.organizations_per_page = 1000
        """Zendesk's page size for the organization export (lower it to test paging)."""
        self.forbidden: set[str] = set()
        self._lock = threading.Lock()
        self._empty_served = False
        self._order: tuple[int, list[dict[str, Any]], list[tuple[int, int]]] | None = None

    # -- plumbing --------------------------------------------------------------------------

    def _authorized(self, request: FakeRequest) -> bool:
        header = request.headers.get("authorization", "")
        if header.startswith("Bearer "):
            return header.removeprefix("Bearer ") in self.tokens
        if header.startswith("Basic ") and self.basic is not None:
            user, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return (user, secret) == (f"{self.basic[0]}/token", self.basic[1])
        return False

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/oauth/tokens":
            return self._token(request)
        if request.path == "/api/v2/users/me.json":
            if not self._authorized(request):
                anonymous = {"id": None, "name": "Anonymous user", "role": "end-user"}
                return FakeResponse(200, {"user": anonymous})
            return FakeResponse(200, {"user": self.account.users()[0]}, dict(RATE_HEADERS))
        if not self._authorized(request):
            return FakeResponse(401, {"error": "Couldn't authenticate you"})
        if request.path in self.forbidden:
            return FakeResponse(403, {"error": "Forbidden", "description": "Not allowed"})
        routes = {
            "/api/v2/groups.json": lambda r: self._list(r, "groups", self.account.groups()),
            "/api/v2/users.json": self._agents,
            "/api/v2/ticket_fields.json": lambda r: self._list(
                r, "ticket_fields", self.account.ticket_fields()
            ),
            TICKETS: self._tickets,
            "/api/v2/satisfaction_ratings.json": self._ratings,
            EVENTS: self._events,
            TICKET_EVENTS: self._ticket_events,
            ORGANIZATIONS: self._organizations,
            USERS: self._user_export,
            "/api/v2/custom_statuses.json": lambda r: FakeResponse(
                200, {"custom_statuses": self.account.custom_statuses()}
            ),
            "/api/v2/brands.json": lambda r: self._list(r, "brands", self.account.brands()),
            "/api/v2/ticket_forms.json": lambda r: FakeResponse(
                200, {"ticket_forms": self.account.ticket_forms()}
            ),
            "/api/v2/business_hours/schedules.json": lambda r: FakeResponse(
                200, {"schedules": self.account.schedules()}
            ),
        }
        if request.path in routes:
            return routes[request.path](request)
        if request.path.startswith("/api/v2/business_hours/schedules/"):
            schedule_id = int(request.path.split("/")[5])
            return FakeResponse(200, {"holidays": self.account.holidays(schedule_id)})
        return FakeResponse(404, {"error": "InvalidEndpoint", "description": "Not found"})

    def _token(self, request: FakeRequest) -> FakeResponse:
        import json

        body = json.loads(request.body or b"{}")
        if body.get("grant_type") != "refresh_token" or body.get("refresh_token") != (
            self.refresh_token
        ):
            return FakeResponse(400, {"error": "invalid_grant"})
        fresh = f"fresh-token-{len(self.tokens)}"
        self.tokens.add(fresh)
        self.refresh_token = f"next-refresh-{len(self.tokens)}"  # rotation: the old one dies
        return FakeResponse(
            200,
            {
                "access_token": fresh,
                "refresh_token": self.refresh_token,
                "token_type": "bearer",
                "scope": "read",
                "expires_in": 1800,
            },
        )

    def _list(self, request: FakeRequest, key: str, items: list[dict[str, Any]]) -> FakeResponse:
        """Cursor pagination: ``page[size]`` (≤ 100), ``page[after]``, ``meta.has_more``."""
        size = min(int(request.param("page[size]", "100") or 100), 100)
        after = request.param("page[after]")
        start = int(base64.b64decode(after).decode()) if after else 0
        chunk = items[start : start + size]
        has_more = start + size < len(items)
        next_cursor = base64.b64encode(str(start + size).encode()).decode()
        return FakeResponse(
            200,
            {
                key: chunk,
                "meta": {"has_more": has_more, "after_cursor": next_cursor if has_more else None},
                "links": {"next": None},
            },
            dict(RATE_HEADERS),
        )

    def _user_export(self, request: FakeRequest) -> FakeResponse:
        """The cursor-based user export: every user (agents too), ``after_cursor`` paging."""
        users = self.account.users()
        size = min(int(request.param("per_page", "1000") or 1000), 1000)
        cursor = request.param("cursor")
        start = int(base64.b64decode(cursor).decode()) if cursor else 0
        page = users[start : start + size]
        after = base64.b64encode(str(start + len(page)).encode()).decode()
        body = {
            "users": page,
            "after_cursor": after,
            "before_cursor": None,
            "end_of_stream": start + len(page) >= len(users),
        }
        return FakeResponse(200, body, dict(RATE_HEADERS))

    def _agents(self, request: FakeRequest) -> FakeResponse:
        roles = set(request.query.get("role[]", []))
        users = [u for u in self.account.users() if not roles or u["role"] in roles]
        return self._list(request, "users", users)

    # -- incremental ticket export ---------------------------------------------------------

    def _ordered(self) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
        """Tickets in export order, and their (generated_timestamp, id) keys, cached per change."""
        version = self.account.version
        with self._lock:
            if self._order is None or self._order[0] != version:
                ordered = sorted(
                    self.account.tickets, key=lambda t: (t["generated_timestamp"], t["id"])
                )
                keys = [(t["generated_timestamp"], t["id"]) for t in ordered]
                self._order = (version, ordered, keys)
            return self._order[1], self._order[2]

    def _tickets(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.ticket_requests += 1
            number = self.ticket_requests
        faults = self.faults
        if number in faults.too_many_at:
            return FakeResponse(
                429,
                {
                    "error": "APIRateLimitExceeded",
                    "description": "Number of allowed incremental export API requests per "
                    "minute exceeded",
                },
                {"Retry-After": str(faults.retry_after)},
            )
        if number in faults.server_error_at:
            return FakeResponse(500, {"error": "InternalError"})
        per_page = min(int(request.param("per_page", "1000") or 1000), 1000)
        ordered, keys = self._ordered()
        cursor = request.param("cursor")
        if cursor:
            generated, ticket_id, _ = parse_cursor(cursor)
            first = bisect.bisect_right(keys, (generated, ticket_id))
        else:
            start = int(request.param("start_time", "0") or 0)
            first = bisect.bisect_left(keys, (start, -1))
            generated, ticket_id = start - 1, 0
        remaining = ordered[first : first + per_page + 1]
        served_before = first
        empty_at = faults.empty_page_after
        if empty_at is not None and not self._empty_served and served_before >= empty_at:
            self._empty_served = True
            return self._ticket_page(request, [], cursor_for(generated, ticket_id, True), False)
        page = remaining[:per_page]
        end = first + len(page) == len(ordered)
        if page:
            after = cursor_for(page[-1]["generated_timestamp"], page[-1]["id"])
        else:
            after = cursor or cursor_for(generated, ticket_id)
        return self._ticket_page(request, page, after, end)

    def _ticket_page(
        self, request: FakeRequest, tickets: list[dict[str, Any]], after: str, end: bool
    ) -> FakeResponse:
        include = set((request.param("include") or "").split(","))
        shaped = [
            t
            if "metric_sets" in include or "metric_set" not in t
            else {k: v for k, v in t.items() if k != "metric_set"}
            for t in tickets
        ]
        body: dict[str, Any] = {
            "tickets": shaped,
            "after_cursor": after,
            "after_url": f"https://acme.zendesk.com{TICKETS}?cursor={after}",
            "before_cursor": None,
            "before_url": None,
            "end_of_stream": end,
        }
        if "users" in include:
            wanted = {t.get("assignee_id") for t in tickets} | {
                t.get("requester_id") for t in tickets
            }
            body["users"] = [u for u in self.account.users() if u["id"] in wanted]
        if "groups" in include:
            wanted_groups = {t.get("group_id") for t in tickets}
            body["groups"] = [g for g in self.account.groups() if g["id"] in wanted_groups]
        headers = {
            **RATE_HEADERS,
            "zendesk-ratelimit-incremental-exports": "total=10; remaining=9; resets=50",
        }
        return FakeResponse(200, body, headers, delay=self.faults.page_delay)

    # -- CSAT and SLA ----------------------------------------------------------------------

    def _ratings(self, request: FakeRequest) -> FakeResponse:
        start = int(request.param("start_time", "0") or 0)
        chosen = sorted(
            (
                r
                for r in self.account.ratings
                if epoch(datetime.fromisoformat(r["updated_at"])) >= start
            ),
            key=lambda r: (r["updated_at"], r["id"]),
        )
        return self._list(request, "satisfaction_ratings", chosen)

    def _organizations(self, request: FakeRequest) -> FakeResponse:
        """Time-based export on ``updated_at``, with the same inclusive boundary as events."""
        start = int(request.param("start_time", "0") or 0)
        size = min(int(request.param("per_page") or self.organizations_per_page), 1000)
        ordered = sorted(self.account.organizations, key=lambda o: (o["updated_at"], o["id"]))
        times = [epoch(datetime.fromisoformat(o["updated_at"])) for o in ordered]
        first = bisect.bisect_left(times, start)
        page = ordered[first : first + size]
        # Organizations sharing the page's last second all go in it, as Zendesk does.
        while (
            first + len(page) < len(ordered)
            and times[first + len(page)] == times[first + len(page) - 1]
        ):
            page.append(ordered[first + len(page)])
        end = first + len(page) == len(ordered)
        end_time = times[first + len(page) - 1] if page else start
        return FakeResponse(
            200,
            {
                "organizations": page,
                "count": len(page),
                "end_time": end_time,
                # Present at the end too: only end_of_stream says stop.
                "next_page": f"https://acme.zendesk.com{ORGANIZATIONS}?start_time={end_time}",
                "end_of_stream": end,
            },
            dict(EXPORT_HEADERS),
        )

    def _events(self, request: FakeRequest) -> FakeResponse:
        """Time-based export: inclusive ``start_time``, so boundary events come twice."""
        start = int(request.param("start_time", "0") or 0)
        events, times = self.account.metric_events, self.account.metric_event_times
        first = bisect.bisect_left(times, start)
        chosen = events[first : first + 2 * EVENTS_PER_PAGE]
        page = chosen[:EVENTS_PER_PAGE]
        # Events sharing the last second all go in this page, as Zendesk does.
        while len(page) < len(chosen) and chosen[len(page)]["time"] == page[-1]["time"]:
            page.append(chosen[len(page)])
        end = first + len(page) == len(events)
        end_time = epoch(datetime.fromisoformat(page[-1]["time"])) if page else start
        return FakeResponse(
            200,
            {
                "ticket_metric_events": page,
                "count": len(page),
                "end_time": end_time,
                "next_page": f"https://acme.zendesk.com{EVENTS}?start_time={end_time}",
                "end_of_stream": end,
            },
            {
                **RATE_HEADERS,
                "zendesk-ratelimit-incremental-exports": "total=10; remaining=9; resets=50",
            },
        )

    def _ticket_events(self, request: FakeRequest) -> FakeResponse:
        """The ticket event export: time based like the metric events, ``per_page`` honoured."""
        start = int(request.param("start_time", "0") or 0)
        per_page = int(request.param("per_page", "1000") or 1000)
        events, times = self.account.ticket_events, self.account.ticket_event_times
        first = bisect.bisect_left(times, start)
        chosen = events[first : first + 2 * per_page]
        page = chosen[:per_page]
        while len(page) < len(chosen) and chosen[len(page)]["created_at"] == page[-1]["created_at"]:
            page.append(chosen[len(page)])
        end = first + len(page) == len(events)
        end_time = epoch(datetime.fromisoformat(page[-1]["created_at"])) if page else start
        body = {
            "ticket_events": page,
            "count": len(page),
            "end_time": end_time,
            "next_page": f"https://acme.zendesk.com{TICKET_EVENTS}?start_time={end_time}",
            "end_of_stream": end,
        }
        return FakeResponse(200, body, dict(EXPORT_HEADERS))

"""The fake account's state and its API v2 handler."""

from __future__ import annotations

import base64
import bisect
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from deskmetrics.testing.fake_server import FakeRequest, FakeResponse
from freshdesk_fake import data

API_KEY = "fd-key-0123456789abcdef"
PAGE_CAP = 300


def _error(status: int, description: str, **extra: Any) -> FakeResponse:
    return FakeResponse(status, {"description": description, **extra})


@dataclass
class FakeFreshdesk:
    seed: int
    tickets: dict[int, dict[str, Any]]
    ratings: list[dict[str, Any]]
    time_entries: list[dict[str, Any]]
    companies: list[dict[str, Any]] = field(default_factory=data.companies)
    contacts: list[dict[str, Any]] = field(default_factory=data.contacts)
    contacts_cap: int | None = None
    """Refuse contact pages beyond this one with a 400, like Freshdesk's deep-listing cap."""
    base_url: str = "http://127.0.0.1"
    api_key: str = API_KEY
    revisions: Counter[int] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    faults: dict[int, FakeResponse] = field(default_factory=dict)
    """Answer the n-th request (1-based, all endpoints) with this response instead."""
    surveys_status: int = 200
    page_delay: float = 0.0
    """Seconds before each tickets-list page is answered (the kill-and-resume test)."""
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _index: dict[str, list[tuple[str, int]]] | None = None
    _by_ticket: tuple[dict[int, list[dict[str, Any]]], int] | None = None

    @classmethod
    def generate(cls, count: int, *, seed: int = 7) -> FakeFreshdesk:
        tickets = {}
        ratings = []
        entries: list[dict[str, Any]] = []
        for index in range(count):
            ticket = data.make_ticket(seed, index)
            tickets[ticket["id"]] = ticket
            rating = data.make_rating(seed, ticket, len(ratings))
            if rating is not None:
                ratings.append(rating)
            recent = index >= count - max(1, count // 50)  # the newest 2 %
            entries += data.make_time_entries(seed, ticket, 700_000 + len(entries), recent=recent)
        return cls(seed=seed, tickets=tickets, ratings=ratings, time_entries=entries)

    # -- what the account holds --------------------------------------------------------------

    def active(self) -> list[dict[str, Any]]:
        return [t for t in self.tickets.values() if not t["deleted"] and not t["spam"]]

    def conversations(self, ticket_id: int) -> list[dict[str, Any]]:
        return data.make_conversations(
            self.seed, self.tickets[ticket_id], self.revisions[ticket_id]
        )

    def touch(self, fraction: float) -> list[int]:
        """Update ``fraction`` of the active tickets an hour after the latest update: resolve
        open ones, add an agent reply to each and a 25-minute time entry to every other one."""
        with self._lock:
            chosen = sorted(t["id"] for t in self.active())
            chosen = chosen[:: max(1, round(1 / fraction))] if fraction else []
            latest = max(data.parse(t["updated_at"]) for t in self.tickets.values())
            for n, ticket_id in enumerate(chosen):
                ticket = self.tickets[ticket_id]
                now = latest + timedelta(hours=1, seconds=n)
                self.revisions[ticket_id] += 1
                ticket["updated_at"] = data.iso(now)
                stats = ticket["stats"]
                if ticket["status"] not in (4, 5):
                    ticket["status"] = 4
                    stats["resolved_at"] = data.iso(now)
                    stats["first_responded_at"] = stats["first_responded_at"] or data.iso(now)
                stats["status_updated_at"] = data.iso(now)
                if n % 2 == 0:  # half of them log time too
                    self.time_entries.append(
                        {
                            "id": 900_000 + len(self.time_entries),
                            "ticket_id": ticket_id,
                            "agent_id": 5000,
                            "billable": False,
                            "note": "",
                            "time_spent": "00:25",
                            "timer_running": False,
                            "start_time": data.iso(now),
                            "executed_at": data.iso(now),
                            "created_at": data.iso(now),
                            "updated_at": data.iso(now),
                        }
                    )
            self._index = None
        return chosen

    # -- the API -----------------------------------------------------------------------------

    def handle(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            self.requests += 1
            number = self.requests
            fault = self.faults.get(number)
        if request.path.startswith("/_fake/"):
            return self._control(request)
        if fault is not None:
            return fault
        expected = "Basic " + base64.b64encode(f"{self.api_key}:X".encode()).decode()
        if request.headers.get("authorization") != expected:
            return _error(401, "Authentication failure", code="invalid_credentials")
        response = self._route(request)
        used = 1 + 2 * len([i for i in (request.param("include") or "").split(",") if i])
        response.headers.update(
            {
                "X-RateLimit-Total": "700",
                "X-RateLimit-Remaining": "650",
                "X-RateLimit-Used-CurrentRequest": str(used),
            }
        )
        return response

    def _route(self, request: FakeRequest) -> FakeResponse:
        path = request.path
        parts = path.strip("/").split("/")
        routes: dict[str, Callable[[FakeRequest], FakeResponse]] = {
            "/api/v2/agents/me": lambda r: FakeResponse(
                200, {"id": 5000, "contact": {"name": "Ann Lee", "email": "ann@acme.test"}}
            ),
            "/api/v2/ticket_fields": lambda r: FakeResponse(200, data.TICKET_FIELDS),
            "/api/v2/agents": lambda r: self._page(r, data.agents()),
            "/api/v2/groups": lambda r: self._page(r, data.groups()),
            "/api/v2/companies": self._companies,
            "/api/v2/contacts": self._contacts,
            "/api/v2/company_fields": lambda r: FakeResponse(200, data.COMPANY_FIELDS),
            "/api/v2/business_hours": lambda r: self._page(r, data.BUSINESS_HOURS),
            "/api/v2/tickets": self._tickets,
            "/api/v2/surveys/satisfaction_ratings": self._ratings,
            "/api/v2/time_entries": self._time_entries,
        }
        if path in routes:
            self._count(path.removeprefix("/api/v2/"))
            return routes[path](request)
        if len(parts) == 5 and parts[:3] == ["api", "v2", "tickets"] and parts[3].isdigit():
            ticket = self.tickets.get(int(parts[3]))
            self._count(f"tickets/{{id}}/{parts[4]}")
            if ticket is None or ticket["deleted"]:
                return _error(404, "not found")
            if parts[4] == "conversations":
                return self._page(request, self.conversations(ticket["id"]))
            if parts[4] == "time_entries":
                return self._page(request, self._entries_of(ticket["id"]))
        return _error(404, f"no route {path}")

    def _entries_of(self, ticket_id: int) -> list[dict[str, Any]]:
        with self._lock:
            if self._by_ticket is None or self._by_ticket[1] != len(self.time_entries):
                index: dict[int, list[dict[str, Any]]] = {}
                for entry in self.time_entries:
                    index.setdefault(entry["ticket_id"], []).append(entry)
                self._by_ticket = (index, len(self.time_entries))
            return self._by_ticket[0].get(ticket_id, [])

    def _count(self, endpoint: str) -> None:
        with self._lock:
            self.calls[endpoint] += 1

    def _control(self, request: FakeRequest) -> FakeResponse:
        if request.path == "/_fake/touch":
            return FakeResponse(200, {"touched": self.touch(float(request.param("fraction", "0")))})
        if request.path == "/_fake/calls":
            return FakeResponse(200, dict(self.calls))
        if request.path == "/_fake/reset":
            self.calls.clear()
            return FakeResponse(200, {})
        return _error(404, "no such control")

    def _page(
        self,
        request: FakeRequest,
        rows: list[Any],
        *,
        cap: int | None = None,
        shape: Callable[[Any], dict[str, Any]] | None = None,
    ) -> FakeResponse:
        per_page = int(request.param("per_page", "30") or 30)
        page = int(request.param("page", "1") or 1)
        if not 1 <= per_page <= 100:
            return _error(
                400, "Validation failed", errors=[{"field": "per_page", "code": "invalid_value"}]
            )
        if cap is not None and page > cap:
            return _error(
                400,
                "Validation failed",
                errors=[
                    {
                        "field": "page",
                        "code": "invalid_value",
                        "message": "You cannot access tickets beyond the 300th page. Please "
                        "provide a smaller page number.",
                    }
                ],
            )
        chunk = rows[(page - 1) * per_page : page * per_page]
        if shape is not None:
            chunk = [shape(row) for row in chunk]
        headers = {}
        if page * per_page < len(rows):
            query = {k: v[0] for k, v in request.query.items()}
            query["page"] = str(page + 1)
            headers["Link"] = f'<{self.base_url}{request.path}?{urlencode(query)}>; rel="next"'
        return FakeResponse(200, chunk, headers)

    def _sorted(self, which: str) -> list[tuple[str, int]]:
        with self._lock:
            if self._index is None:
                index: dict[str, list[tuple[str, int]]] = {"all": [], "deleted": [], "spam": []}
                for t in self.tickets.values():
                    kind = "deleted" if t["deleted"] else "spam" if t["spam"] else "all"
                    index[kind].append((t["updated_at"], t["id"]))
                for rows in index.values():
                    rows.sort()
                self._index = index
            return self._index[which]

    def _tickets(self, request: FakeRequest) -> FakeResponse:
        which = request.param("filter") or "all"
        if which not in ("all", "deleted", "spam"):
            return _error(400, "Validation failed", errors=[{"field": "filter"}])
        keyed = self._sorted(which)
        since = request.param("updated_since")
        if since is None:
            # Freshdesk: without updated_since, only tickets created in the last 30 days.
            newest = max(t["created_at"] for t in self.tickets.values())
            floor = data.iso(data.parse(newest) - timedelta(days=30))
            ids = [i for _, i in keyed if self.tickets[i]["created_at"] >= floor]
        else:
            ids = _Tail(keyed, bisect.bisect_left(keyed, (since, 0)))
        ascending = request.param("order_type", "desc") == "asc"
        if request.param("order_by", "created_at") != "updated_at":
            ids = sorted(ids, key=lambda i: self.tickets[i]["created_at"], reverse=not ascending)
        elif not ascending:
            ids = list(reversed(list(ids)))
        stats = "stats" in (request.param("include") or "").split(",")

        def shape(ticket_id: int) -> dict[str, Any]:
            ticket = self.tickets[ticket_id]
            return ticket if stats else {k: v for k, v in ticket.items() if k != "stats"}

        response = self._page(request, ids, cap=PAGE_CAP, shape=shape)
        response.delay = self.page_delay
        return response

    def _companies(self, request: FakeRequest) -> FakeResponse:
        # Freshdesk lists every company by default; updated_since filters (inclusive here).
        since = request.param("updated_since")
        rows = sorted(self.companies, key=lambda c: c["id"])
        if since is not None:
            rows = [c for c in rows if data.parse(c["updated_at"]) >= data.parse(since)]
        return self._page(request, rows)

    def _contacts(self, request: FakeRequest) -> FakeResponse:
        since = request.param("updated_since")
        rows = sorted(self.contacts, key=lambda c: c["id"])
        if since is not None:
            rows = [c for c in rows if data.parse(c["updated_at"]) >= data.parse(since)]
        page = int(request.param("page", "1") or 1)
        if self.contacts_cap is not None and page > self.contacts_cap:
            return _error(400, "Validation failed", errors=[{"field": "page"}])
        return self._page(request, rows)

    def _ratings(self, request: FakeRequest) -> FakeResponse:
        if self.surveys_status != 200:
            return _error(
                self.surveys_status,
                "You have to be on a plan that supports surveys",
                code="require_feature",
            )
        since = request.param("created_since") or ""
        return self._page(request, [r for r in self.ratings if r["created_at"] >= since])

    def _time_entries(self, request: FakeRequest) -> FakeResponse:
        after = request.param("executed_after") or ""
        return self._page(request, [e for e in self.time_entries if e["executed_at"] >= after])


class _Tail:
    """The ids of ``keyed[start:]`` without copying them (pages slice it)."""

    def __init__(self, keyed: list[tuple[str, int]], start: int) -> None:
        self.keyed, self.start = keyed, start

    def __len__(self) -> int:
        return len(self.keyed) - self.start

    def __iter__(self) -> Any:
        return (i for _, i in self.keyed[self.start :])

    def __getitem__(self, part: slice) -> list[int]:
        lo, hi = self.start + (part.start or 0), self.start + (part.stop or len(self))
        return [i for _, i in self.keyed[lo:hi]]

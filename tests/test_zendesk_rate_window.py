"""Issue #13.6: every rolling 60 s window keeps within Zendesk's 10 export requests a minute.

A fake Zendesk on 127.0.0.1 counts incremental-export requests in a sliding 60-second window on
the test's clock (inclusive at both ends, stricter than Zendesk) and refuses the excess with a
429, as Zendesk does. The whole connection is synced, with a long SLA-events export.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import zendesk_fake.handler as fake_handler
from deskmetrics import Store
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer
from zendesk_fake import FakeAccount, ZendeskHandler
from zendesk_fake.testkit import connector

LIMITED = ("/api/v2/incremental/tickets/", "/api/v2/incremental/ticket_metric_events",
           "/api/v2/incremental/organizations")  # fmt: skip
"""The exports under the 10-a-minute limit (the user export has its own 20)."""


class SlidingWindowZendesk:
    """The fake Zendesk behind a sliding-window counter of the export requests."""

    def __init__(self, inner: ZendeskHandler, clock: FakeClock, per_minute: int) -> None:
        self.inner, self.clock, self.per_minute = inner, clock, per_minute
        self.accepted: list[float] = []
        self.refused = 0
        self._lock = threading.Lock()

    def in_window(self, now: float) -> int:
        return sum(1 for sent in self.accepted if now - 60.0 <= sent <= now)

    def __call__(self, request: FakeRequest) -> FakeResponse:
        if request.path.startswith(LIMITED):
            with self._lock:
                now = self.clock.now
                if self.in_window(now) >= self.per_minute:
                    self.refused += 1
                    return FakeResponse(
                        429, {"error": "APIRateLimitExceeded"}, {"Retry-After": "60"}
                    )
                self.accepted.append(now)
        return self.inner(request)


@pytest.fixture
def long_exports(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small event pages: the SLA-events export alone takes dozens of requests.
    monkeypatch.setattr(fake_handler, "EVENTS_PER_PAGE", 40)


def sync(url: str, clock: FakeClock, db: Path, **options: Any) -> Any:
    zendesk = connector(clock, base_url=url, access_token="good-token", per_page=50, **options)
    with Store(db) as store:
        return sync_connector(store, zendesk)


@pytest.fixture
def served(long_exports: None) -> Iterator[tuple[SlidingWindowZendesk, FakeServer, FakeClock]]:
    clock = FakeClock()
    inner = ZendeskHandler(FakeAccount(300))
    inner.organizations_per_page = 7
    limited = SlidingWindowZendesk(inner, clock, per_minute=10)
    with FakeServer(limited) as server:
        yield limited, server, clock


def test_no_rolling_minute_holds_more_than_ten_export_requests(
    tmp_path: Path, served: tuple[SlidingWindowZendesk, FakeServer, FakeClock]
) -> None:
    limited, server, clock = served
    result = sync(server.url, clock, tmp_path / "zd.db")
    assert result.status == "succeeded", result.error
    assert limited.refused == 0
    assert len(limited.accepted) > 40  # a long export: several minutes of budget
    assert max(limited.in_window(at) for at in limited.accepted) == 10
    # Waiting is all it costs: no more than the budget allows, and not much less either.
    minutes = (limited.accepted[-1] - limited.accepted[0]) / 60
    assert len(limited.accepted) / 10 - 1 <= minutes <= len(limited.accepted) / 10 + 1


def test_the_account_limit_from_the_headers_is_kept_too(
    tmp_path: Path,
    served: tuple[SlidingWindowZendesk, FakeServer, FakeClock],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limited, server, clock = served
    # The account allows fewer requests than the export budget: X-Rate-Limit-Remaining says 1
    # left with every answer, so the budget pauses a full window after each request.
    monkeypatch.setitem(fake_handler.RATE_HEADERS, "X-Rate-Limit-Remaining", "1")
    monkeypatch.setitem(fake_handler.EXPORT_HEADERS, "X-Rate-Limit-Remaining", "1")
    result = sync(server.url, clock, tmp_path / "zd.db", incremental_requests_per_minute=1000)
    assert result.status == "succeeded", result.error
    assert limited.refused == 0
    gaps = [b - a for a, b in zip(limited.accepted, limited.accepted[1:], strict=False)]
    assert gaps and min(gaps) >= 60.0

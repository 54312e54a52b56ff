"""The shared connector HTTP client: retries, exact Retry-After, rate budget, clear errors."""

from __future__ import annotations

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics import HttpClient, HttpError, RateBudget, RequestTimeout
from deskmetrics.testing import FakeClock

BASE = "https://acme.example.com"
TOKEN = "s3cr3t-token-value"


@pytest.fixture
def fake_time() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(fake_time: FakeClock) -> HttpClient:
    budget = RateBudget(clock=fake_time.clock, sleep=fake_time.sleep)
    http = HttpClient(
        BASE,
        headers={"Authorization": f"Bearer {TOKEN}"},
        budget=budget,
        secrets=[TOKEN],
        retries=3,
    )
    yield http
    http.close()


@respx.mock
def test_429_waits_exactly_retry_after_then_succeeds(
    client: HttpClient, fake_time: FakeClock
) -> None:
    route = respx.get(f"{BASE}/api/items").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json={"items": [1, 2]}),
        ]
    )
    assert client.get_json("/api/items") == {"items": [1, 2]}
    assert route.call_count == 2
    assert client.requests == 2
    # One wait of exactly Retry-After, through the account's budget (so other streams wait too).
    assert fake_time.sleeps == [7.0]


@respx.mock
def test_429_retry_after_wins_over_a_zero_remainder(
    client: HttpClient, fake_time: FakeClock
) -> None:
    respx.get(f"{BASE}/x").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3", "X-RateLimit-Remaining": "0"}),
            httpx.Response(200, json={}),
        ]
    )
    client.get("/x")
    assert fake_time.sleeps == [3.0]


@respx.mock
def test_429s_do_not_use_up_the_error_retries(client: HttpClient, fake_time: FakeClock) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "2"})
    route = respx.get(f"{BASE}/x").mock(
        side_effect=[limited, httpx.Response(500), limited, limited, httpx.Response(503)]
        + [limited] * 3
        + [httpx.Response(200, json={"ok": True})]
    )
    # retries=3: two 5xx answers are within it; the six 429s are pacing, not failures.
    assert client.get_json("/x") == {"ok": True}
    assert route.call_count == 9


@respx.mock
def test_endless_429s_give_up_eventually(fake_time: FakeClock) -> None:
    budget = RateBudget(clock=fake_time.clock, sleep=fake_time.sleep)
    http = HttpClient(BASE, budget=budget, rate_limited_retries=4)
    route = respx.get(f"{BASE}/x").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "1"})
    )
    with pytest.raises(HttpError, match=r"gave up after 5 attempts \(429 Too Many Requests\)"):
        http.get("/x")
    assert route.call_count == 5


@respx.mock
def test_429_without_retry_after_waits_sixty_seconds(
    client: HttpClient, fake_time: FakeClock
) -> None:
    respx.get(f"{BASE}/x").mock(side_effect=[httpx.Response(429), httpx.Response(200, json={})])
    client.get("/x")
    assert sum(fake_time.sleeps) == pytest.approx(60.0)


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    assert deskmetrics.retry_after_seconds("12") == 12.0
    assert deskmetrics.retry_after_seconds("0") is None
    assert deskmetrics.retry_after_seconds("soon") is None
    now = 1_700_000_000.0
    date = "Tue, 14 Nov 2023 22:13:50 GMT"  # 30 s after `now`
    assert deskmetrics.retry_after_seconds(date, now=now) == pytest.approx(30.0)


@respx.mock
def test_5xx_backs_off_exponentially_and_recovers(client: HttpClient, fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/x").mock(
        side_effect=[httpx.Response(500), httpx.Response(503), httpx.Response(200, json={"a": 1})]
    )
    assert client.get_json("/x") == {"a": 1}
    assert fake_time.sleeps == [1.0, 2.0]


@respx.mock
def test_persistent_5xx_gives_up_with_status(client: HttpClient) -> None:
    route = respx.get(f"{BASE}/x").mock(return_value=httpx.Response(502))
    with pytest.raises(HttpError) as caught:
        client.get("/x")
    assert route.call_count == 4  # retries=3 → 4 attempts
    error = caught.value
    assert (error.status, error.timed_out, error.attempts, error.endpoint) == (502, False, 4, "/x")
    assert str(caught.value) == "GET /x: gave up after 4 attempts (502 Bad Gateway) over 7.0 s"


@respx.mock
def test_timeouts_raise_request_timeout_after_retries(client: HttpClient) -> None:
    route = respx.get(f"{BASE}/slow").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(RequestTimeout) as caught:
        client.get("/slow")
    assert route.call_count == 4
    error = caught.value
    assert (error.status, error.timed_out, error.attempts, error.endpoint) == (
        None,
        True,
        4,
        "/slow",
    )
    assert "timed out" in str(caught.value)


@respx.mock
def test_network_errors_give_up_without_status_and_not_as_timeouts(client: HttpClient) -> None:
    respx.get(f"{BASE}/down").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(HttpError) as caught:
        client.get("/down")
    assert not isinstance(caught.value, RequestTimeout)
    assert (caught.value.status, caught.value.timed_out, caught.value.attempts) == (None, False, 4)


@pytest.mark.parametrize(
    ("status", "explanation"),
    [
        (401, "401 Unauthorized: the credentials were rejected"),
        (403, "403 Forbidden: the credentials lack permission for this endpoint"),
        (404, "404 Not Found: not found (check the account name or base_url)"),
    ],
)
@respx.mock
def test_auth_errors_name_the_endpoint_and_never_the_token(
    client: HttpClient, status: int, explanation: str
) -> None:
    route = respx.get(f"{BASE}/api/v2/users/me.json").mock(
        return_value=httpx.Response(status, text=f"bad token {TOKEN}")
    )
    with pytest.raises(HttpError) as caught:
        client.get("/api/v2/users/me.json", params={"x": "1"})
    assert route.call_count == 1  # never retried
    assert caught.value.attempts == 1
    message = str(caught.value)
    assert message.startswith(f"GET /api/v2/users/me.json: {explanation}")
    assert TOKEN not in message
    assert caught.value.status == status


@respx.mock
def test_other_4xx_shows_the_body_scrubbed(client: HttpClient) -> None:
    respx.get(f"{BASE}/x").mock(
        return_value=httpx.Response(400, text=f'{{"error": "invalid_value", "token": "{TOKEN}"}}')
    )
    with pytest.raises(HttpError) as caught:
        client.get("/x")
    assert (
        str(caught.value) == 'GET /x: 400 Bad Request: {"error": "invalid_value", "token": "***"}'
    )


@respx.mock
def test_low_remaining_header_pauses_until_reset(client: HttpClient, fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/x").mock(
        return_value=httpx.Response(
            200, json={}, headers={"X-RateLimit-Remaining": "1", "ratelimit-reset": "25"}
        )
    )
    client.get("/x")
    assert fake_time.sleeps == []
    client.get("/x")
    assert fake_time.sleeps == [25.0]


@respx.mock
def test_non_json_response_is_a_clear_error(client: HttpClient) -> None:
    respx.get(f"{BASE}/x").mock(
        return_value=httpx.Response(200, text="<html>", headers={"content-type": "text/html"})
    )
    with pytest.raises(HttpError, match=r"GET /x: the response is not JSON \(text/html\)"):
        client.get_json("/x")


def test_per_minute_cap_is_a_sliding_window(fake_time: FakeClock) -> None:
    budget = RateBudget(clock=fake_time.clock, sleep=fake_time.sleep)
    budget.limit("incremental", 10)
    for _ in range(25):
        budget.acquire("incremental")
    # 10 at t0, 10 a minute (and the 1 s margin) later, 5 after another; other buckets are
    # not held up.
    assert fake_time.now - FakeClock.START == pytest.approx(122.0)
    before = fake_time.now
    budget.acquire("default")
    assert fake_time.now == before


def test_one_budget_per_account() -> None:
    assert deskmetrics.budget_for("zendesk:acme") is deskmetrics.budget_for("zendesk:acme")
    assert deskmetrics.budget_for("zendesk:acme") is not deskmetrics.budget_for("zendesk:other")


def test_against_a_real_local_server() -> None:
    from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer

    calls = {"n": 0}

    def handle(request: FakeRequest) -> FakeResponse:
        calls["n"] += 1
        if calls["n"] == 1:
            return FakeResponse(429, {"error": "slow down"}, headers={"Retry-After": "2"})
        return FakeResponse(200, {"page": request.param("page")})

    slept: list[float] = []
    with FakeServer(handle) as server:
        http = HttpClient(server.url, sleep=slept.append)
        assert http.get_json("/items", params={"page": "3"}) == {"page": "3"}
        http.close()
    assert len(slept) == 1
    assert slept[0] == pytest.approx(2.0, abs=0.1)
    assert [r.path for r in server.requests] == ["/items", "/items"]
    assert server.requests[1].query == {"page": ["3"]}


@respx.mock
def test_get_json_decodes_with_the_connectors_decoder_and_falls_back_on_value_error(
    client: HttpClient,
) -> None:
    respx.get(f"{BASE}/page").respond(json={"items": [1, 2], "extra": "x"})

    def items_only(content: bytes) -> object:
        if b'"items"' not in content:
            raise ValueError("not the expected shape")
        return {"items": "decoded by the connector"}

    def refuse(content: bytes) -> object:
        raise ValueError("never fits")

    assert client.get_json("/page", decode=items_only) == {"items": "decoded by the connector"}
    assert client.get_json("/page", decode=refuse) == {"items": [1, 2], "extra": "x"}
    respx.get(f"{BASE}/html").respond(text="<html>", headers={"content-type": "text/html"})
    with pytest.raises(HttpError, match="not JSON"):
        client.get_json("/html", decode=refuse)

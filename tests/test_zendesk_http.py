"""The connector's HTTP behaviour, against respx mocks: auth, errors, budgets, pagination."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics.testing import FakeClock
from deskmetrics_zendesk.auth import OAuthBearer
from deskmetrics_zendesk.rate_headers import zendesk_rate_headers
from zendesk_fake.testkit import connector

BASE = "https://acme.zendesk.com"
TICKETS = f"{BASE}/api/v2/incremental/tickets/cursor.json"
TOKEN = "access-7f3a9c"
REFRESH = "refresh-51d2e8"
SECRET = "client-secret-a8b7"
ME = {"user": {"id": 235323, "name": "Ann Lee", "role": "admin"}}


@pytest.fixture
def fake_time() -> FakeClock:
    return FakeClock()


def oauth(fake_time: FakeClock, **extra: Any) -> Any:
    return connector(fake_time, subdomain="acme", access_token=TOKEN, **extra)


def empty_fields() -> None:
    """No ticket fields, custom statuses, brands or forms: the account's label lists."""
    respx.get(f"{BASE}/api/v2/ticket_fields.json").respond(
        json={"ticket_fields": [], "meta": {"has_more": False}}
    )
    for key in ("custom_statuses", "brands", "ticket_forms"):
        respx.get(f"{BASE}/api/v2/{key}.json").respond(json={key: []})


def page(tickets: list[dict[str, Any]], after: str | None, end: bool) -> httpx.Response:
    return httpx.Response(
        200, json={"tickets": tickets, "after_cursor": after, "end_of_stream": end}
    )


def ticket(number: int) -> dict[str, Any]:
    return {"id": number, "created_at": "2024-03-04T09:12:00Z", "status": "open", "tags": []}


# -- check -----------------------------------------------------------------------------------


@respx.mock
def test_check_is_one_call_naming_the_user(fake_time: FakeClock) -> None:
    route = respx.get(f"{BASE}/api/v2/users/me.json").respond(json=ME)
    zendesk = oauth(fake_time)
    assert zendesk.check() == "acme.zendesk.com: authenticated as Ann Lee (admin)"
    assert route.call_count == 1
    assert route.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


@respx.mock
def test_check_rejects_an_anonymous_answer(fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/users/me.json").respond(
        json={"user": {"id": None, "name": "Anonymous user", "role": "end-user"}}
    )
    with pytest.raises(deskmetrics.ConnectorError, match="credentials were not accepted"):
        oauth(fake_time).check()


@respx.mock
def test_legacy_api_token_is_basic_auth_with_email_slash_token(fake_time: FakeClock) -> None:
    route = respx.get(f"{BASE}/api/v2/users/me.json").respond(json=ME)
    zendesk = connector(fake_time, subdomain="acme", email="ann@acme.test", api_token="tok-123")
    zendesk.check()
    expected = base64.b64encode(b"ann@acme.test/token:tok-123").decode()
    assert route.calls[0].request.headers["Authorization"] == f"Basic {expected}"


# -- OAuth refresh -----------------------------------------------------------------------------


@respx.mock
def test_expired_token_is_refreshed_once_and_the_request_retried(fake_time: FakeClock) -> None:
    def me(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer new-access":
            return httpx.Response(200, json=ME)
        return httpx.Response(401, json={"error": "invalid_token"})

    me_route = respx.get(f"{BASE}/api/v2/users/me.json").mock(side_effect=me)
    token_route = respx.post(f"{BASE}/oauth/tokens").respond(
        json={"access_token": "new-access", "refresh_token": "new-refresh", "expires_in": 1800}
    )
    zendesk = oauth(fake_time, refresh_token=REFRESH, client_id="deskmetrics", client_secret=SECRET)
    assert zendesk.check().endswith("Ann Lee (admin)")
    assert me_route.call_count == 2
    assert json.loads(token_route.calls[0].request.content) == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": "deskmetrics",
        "client_secret": SECRET,
    }
    auth = zendesk.api.auth
    assert isinstance(auth, OAuthBearer)
    assert (auth.refreshes, auth.refresh_token) == (1, "new-refresh")
    # A second call uses the new token straight away.
    zendesk.check()
    assert (me_route.call_count, token_route.call_count) == (3, 1)


@respx.mock
def test_a_token_near_its_announced_expiry_is_refreshed_before_use() -> None:
    clock = [0.0]
    respx.post(f"{BASE}/oauth/tokens").mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "a1", "expires_in": 1800}),
            httpx.Response(200, json={"access_token": "a2", "expires_in": 1800}),
        ]
    )
    route = respx.get(f"{BASE}/x").respond(json={})
    auth = OAuthBearer(
        f"{BASE}/oauth/tokens",
        access_token=None,
        refresh_token=None,
        client_id="id",
        client_secret=SECRET,
        clock=lambda: clock[0],
    )
    with httpx.Client(auth=auth) as client:
        client.get(f"{BASE}/x")
        clock[0] = 1750.0  # inside the 60-second margin before expiry at 1800
        client.get(f"{BASE}/x")
    headers = [call.request.headers["Authorization"] for call in route.calls]
    assert headers == ["Bearer a1", "Bearer a2"]
    body = json.loads(respx.calls[0].request.content)
    assert body["grant_type"] == "client_credentials"


@respx.mock
def test_a_failed_refresh_explains_rotation_and_hides_tokens(fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/users/me.json").respond(401, json={"error": "invalid_token"})
    respx.post(f"{BASE}/oauth/tokens").respond(400, json={"error": "invalid_grant"})
    zendesk = oauth(fake_time, refresh_token=REFRESH, client_id="deskmetrics", client_secret=SECRET)
    with pytest.raises(deskmetrics.ConnectorError) as caught:
        zendesk.check()
    message = str(caught.value)
    assert "invalid_grant" in message and "rotates refresh tokens" in message
    assert not any(secret in message for secret in (TOKEN, REFRESH, SECRET))


# -- errors ------------------------------------------------------------------------------------


@respx.mock
def test_401_on_tickets_fails_the_stream_with_a_clear_message(fake_time: FakeClock) -> None:
    empty_fields()
    respx.get(TICKETS).respond(401, json={"error": "Couldn't authenticate you"})
    zendesk = oauth(fake_time)
    with pytest.raises(deskmetrics.HttpError) as caught:
        list(zendesk.read("tickets", None))
    message = str(caught.value)
    assert caught.value.status == 401
    assert "/api/v2/incremental/tickets/cursor.json" in message
    assert "refresh_token" in message  # how to make the token renewable
    assert TOKEN not in message


@respx.mock
def test_after_a_401_later_streams_fail_without_asking_again(fake_time: FakeClock) -> None:
    groups = respx.get(f"{BASE}/api/v2/groups.json").respond(401, json={"error": "no"})
    users = respx.get(f"{BASE}/api/v2/users.json").respond(200, json={"users": []})
    zendesk = oauth(fake_time)
    with pytest.raises(deskmetrics.HttpError, match="401"):
        list(zendesk.read("groups", None))
    with pytest.raises(deskmetrics.HttpError, match=r"groups\.json: 401"):
        list(zendesk.read("agents", None))
    assert (groups.call_count, users.call_count) == (1, 0)


@respx.mock
def test_403_on_tickets_names_the_permission(fake_time: FakeClock) -> None:
    empty_fields()
    respx.get(TICKETS).respond(403, json={"error": "Forbidden"})
    with pytest.raises(deskmetrics.HttpError, match="needs an admin user") as caught:
        list(oauth(fake_time).read("tickets", None))
    assert "read scope" in str(caught.value)


@respx.mock
def test_404_says_to_check_the_account(fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/groups.json").respond(404, json={"error": "InvalidEndpoint"})
    with pytest.raises(deskmetrics.HttpError, match=r"check subdomain / base_url"):
        list(oauth(fake_time).read("groups", None))


@pytest.mark.parametrize(
    ("stream", "url"),
    [
        ("satisfaction_ratings", f"{BASE}/api/v2/satisfaction_ratings.json"),
        ("sla", f"{BASE}/api/v2/incremental/ticket_metric_events.json"),
        ("organizations", f"{BASE}/api/v2/incremental/organizations.json"),
    ],
)
@respx.mock
def test_403_on_an_optional_stream_is_a_warning_and_keeps_the_cursor(
    fake_time: FakeClock, stream: str, url: str
) -> None:
    respx.get(f"{BASE}/api/v2/business_hours/schedules.json").respond(403)
    respx.get(url).respond(403, json={"error": "Forbidden"})
    zendesk = oauth(fake_time)
    assert list(zendesk.read(stream, {"start_time": 1709251200})) == []
    assert len(zendesk.warnings) == 1
    assert zendesk.warnings[0].startswith(f"{stream} skipped: acme.zendesk.com: GET ")
    assert "403" in zendesk.warnings[0]


# -- timeouts, budget, 429 ---------------------------------------------------------------------


@respx.mock
def test_timeouts_halve_per_page_and_retry_the_same_cursor(fake_time: FakeClock) -> None:
    empty_fields()

    def export(request: httpx.Request) -> httpx.Response:
        if request.url.params["per_page"] != "250":
            raise httpx.ReadTimeout("slow", request=request)
        return page([ticket(1)], "c2", True)

    route = respx.get(TICKETS).mock(side_effect=export)
    zendesk = oauth(fake_time)
    batches = list(zendesk.read("tickets", {"cursor": "c1"}))
    sent = [(c.request.url.params["per_page"], c.request.url.params["cursor"]) for c in route.calls]
    # Every size gets the client's 6 attempts before halving: 1000 → 500 → 250.
    assert sent == [("1000", "c1")] * 6 + [("500", "c1")] * 6 + [("250", "c1")]
    assert [b.state for b in batches] == [{"cursor": "c2"}]
    assert zendesk.warnings == [
        "tickets: the export timed out with per_page=1000; continuing with per_page=500",
        "tickets: the export timed out with per_page=500; continuing with per_page=250",
    ]


@respx.mock
def test_incremental_exports_keep_to_ten_requests_a_minute(fake_time: FakeClock) -> None:
    empty_fields()
    pages = [page([ticket(n)], f"c{n}", n == 12) for n in range(1, 13)]
    respx.get(TICKETS).mock(side_effect=pages)
    zendesk = oauth(fake_time)
    batches = list(zendesk.read("tickets", {"cursor": "c0"}))
    assert len(batches) == 12
    # Ten requests at once, then the eleventh waits for the window and its 1 s margin.
    assert fake_time.sleeps == [61.0]


@respx.mock
def test_high_volume_accounts_can_raise_the_export_budget(fake_time: FakeClock) -> None:
    empty_fields()
    pages = [page([ticket(n)], f"c{n}", n == 12) for n in range(1, 13)]
    respx.get(TICKETS).mock(side_effect=pages)
    list(oauth(fake_time, incremental_requests_per_minute=30).read("tickets", {"cursor": "c0"}))
    assert fake_time.sleeps == []


@respx.mock
def test_429_on_ratings_waits_exactly_retry_after(fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/satisfaction_ratings.json").mock(
        side_effect=[
            httpx.Response(
                429, headers={"Retry-After": "13"}, json={"error": "APIRateLimitExceeded"}
            ),
            httpx.Response(200, json={"satisfaction_ratings": [], "meta": {"has_more": False}}),
        ]
    )
    zendesk = oauth(fake_time)
    batches = list(zendesk.read("satisfaction_ratings", {"start_time": 1709251200}))
    assert fake_time.sleeps == [13.0]
    assert [b.state for b in batches] == [{"start_time": 1709251200}]


def test_rate_headers_take_the_tightest_limit() -> None:
    response = httpx.Response(
        200,
        headers={
            "X-Rate-Limit": "700",
            "X-Rate-Limit-Remaining": "650",
            "ratelimit-remaining": "40",
            "ratelimit-reset": "12",
            "zendesk-ratelimit-tickets-index": "total=100; remaining=3; resets=41",
        },
    )
    assert zendesk_rate_headers(response) == (3, 41.0)
    account_only = httpx.Response(200, headers={"X-Rate-Limit-Remaining": "699"})
    assert zendesk_rate_headers(account_only) == (699, None)
    assert zendesk_rate_headers(httpx.Response(200)) == (None, None)


# -- pagination and cursors --------------------------------------------------------------------


@respx.mock
def test_first_run_starts_at_start_date_and_every_page_saves_its_cursor(
    fake_time: FakeClock,
) -> None:
    empty_fields()
    route = respx.get(TICKETS).mock(
        side_effect=[
            page([ticket(1), ticket(2)], "c1", False),
            page([], "c2", False),  # empty, yet not the end
            page([ticket(3)], "c3", True),
        ]
    )
    zendesk = oauth(fake_time, start_date="2024-03-01")
    batches = list(zendesk.read("tickets", None))
    assert [b.state for b in batches] == [{"cursor": "c1"}, {"cursor": "c2"}, {"cursor": "c3"}]
    assert [[r.id for r in b.records] for b in batches] == [["1", "2"], [], ["3"]]
    params = [dict(call.request.url.params) for call in route.calls]
    assert params[0] == {
        "start_time": "1709251200",
        "include": "metric_sets",
        "support_type_scope": "agent",
        "per_page": "1000",
    }
    assert [p.get("cursor") for p in params] == [None, "c1", "c2"]


@respx.mock
def test_a_cursor_that_does_not_move_stops_instead_of_looping(fake_time: FakeClock) -> None:
    empty_fields()
    respx.get(TICKETS).mock(side_effect=[page([], "c1", False)] * 3)
    zendesk = oauth(fake_time)
    with pytest.raises(deskmetrics.ConnectorError, match="stopping instead of looping"):
        list(zendesk.read("tickets", {"cursor": "c1"}))


@respx.mock
def test_sideloaded_agents_and_groups_come_in_the_ticket_batch(fake_time: FakeClock) -> None:
    empty_fields()
    route = respx.get(TICKETS).respond(
        json={
            "tickets": [ticket(1)],
            "users": [
                {"id": 7, "name": "Ann", "role": "admin", "email": "a@x.test"},
                {"id": 8, "name": "Customer", "role": "end-user"},
            ],
            "groups": [{"id": 3, "name": "Tier 2"}],
            "after_cursor": "c1",
            "end_of_stream": True,
        }
    )
    zendesk = oauth(fake_time, ticket_sideloads=["users", "groups"])
    (batch,) = list(zendesk.read("tickets", {"cursor": "c0"}))
    kinds = [(type(r).__name__, r.id) for r in batch.records]
    assert kinds == [("Agent", "7"), ("Group", "3"), ("Ticket", "1")]
    assert route.calls[0].request.url.params["include"] == "metric_sets,users,groups"


@respx.mock
def test_an_invalid_ticket_is_rejected_not_fatal(fake_time: FakeClock) -> None:
    empty_fields()
    bad_tags = {**ticket(2), "tags": "not-a-list"}
    bad_time = {**ticket(3), "created_at": "yesterday"}
    respx.get(TICKETS).respond(
        json={
            "tickets": [ticket(1), bad_tags, bad_time],
            "after_cursor": "c1",
            "end_of_stream": True,
        }
    )
    (batch,) = list(oauth(fake_time).read("tickets", {"cursor": "c0"}))
    assert [r.id for r in batch.records] == ["1"]
    assert [r.location for r in batch.rejected] == ["ticket 2", "ticket 3"]
    assert "tags" in batch.rejected[0].reason
    assert "yesterday" in batch.rejected[1].reason
    assert batch.state == {"cursor": "c1"}


@respx.mock
def test_ratings_resume_mid_listing_and_advance_from_the_newest_rating(
    fake_time: FakeClock,
) -> None:
    def rating(number: int, score: str, updated: str) -> dict[str, Any]:
        return {
            "id": 900 + number,
            "ticket_id": number,
            "requester_id": 5,
            "assignee_id": 6,
            "score": score,
            "comment": None,
            "created_at": "2024-03-05T15:00:00Z",
            "updated_at": updated,
        }

    route = respx.get(f"{BASE}/api/v2/satisfaction_ratings.json").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "satisfaction_ratings": [rating(1, "good", "2024-03-05T15:02:00Z")],
                    "meta": {"has_more": True, "after_cursor": "p2"},
                },
            ),
            httpx.Response(
                200,
                json={
                    "satisfaction_ratings": [
                        rating(2, "unoffered", "2024-03-05T16:00:00Z"),
                        rating(3, "offered", "2024-03-05T15:30:00Z"),
                    ],
                    "meta": {"has_more": False, "after_cursor": "p3"},
                },
            ),
        ]
    )
    batches = list(oauth(fake_time).read("satisfaction_ratings", {"start_time": 1709251200}))
    newest = 1709654400  # 2024-03-05T16:00:00Z
    assert [b.state for b in batches] == [
        {"start_time": 1709251200, "after": "p2", "high_water": 1709650920},
        {"start_time": newest},
    ]
    assert [(r.id, r.score) for b in batches for r in b.records] == [("1", 1.0), ("3", None)]
    assert route.calls[1].request.url.params["page[after]"] == "p2"
    assert route.calls[1].request.url.params["start_time"] == "1709251200"


@respx.mock
def test_sla_pages_advance_by_end_time_until_end_of_stream(fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/business_hours/schedules.json").respond(json={"schedules": []})
    apply = {
        "id": 1,
        "ticket_id": 35436,
        "metric": "reply_time",
        "instance_id": 1,
        "type": "apply_sla",
        "time": "2024-03-04T09:12:00Z",
        "sla": {"target": 60, "business_hours": False},
    }
    route = respx.get(f"{BASE}/api/v2/incremental/ticket_metric_events.json").mock(
        side_effect=[
            httpx.Response(
                200,
                json={
                    "ticket_metric_events": [apply],
                    "end_time": 1709543520,
                    "end_of_stream": False,
                },
            ),
            httpx.Response(
                200,
                json={
                    "ticket_metric_events": [apply],
                    "end_time": 1709600000,
                    "end_of_stream": True,
                },
            ),
        ]
    )
    batches = list(oauth(fake_time).read("sla", {"start_time": 1709500000}))
    assert [b.state for b in batches] == [{"start_time": 1709543520}, {"start_time": 1709600000}]
    assert [call.request.url.params["start_time"] for call in route.calls] == [
        "1709500000",
        "1709543520",
    ]
    update = batches[0].records[0]
    assert isinstance(update, deskmetrics.TicketUpdate)
    assert update.first_response_due_at is not None
    assert update.first_response_due_at.isoformat() == "2024-03-04T10:12:00+00:00"


@respx.mock
def test_a_malformed_rating_is_rejected_and_the_rest_stored(fake_time: FakeClock) -> None:
    good = {"id": 1, "ticket_id": 10, "score": "good", "created_at": "2024-03-05T15:00:00Z"}
    broken = {"id": 2, "ticket_id": 11, "score": "bad", "created_at": None}
    respx.get(f"{BASE}/api/v2/satisfaction_ratings.json").respond(
        json={"satisfaction_ratings": [good, broken], "meta": {"has_more": False}}
    )
    (batch,) = list(oauth(fake_time).read("satisfaction_ratings", {"start_time": 1709251200}))
    assert [(r.id, r.score) for r in batch.records] == [("10", 1.0)]
    assert [r.location for r in batch.rejected] == ["rating 2"]
    assert "created_at" in batch.rejected[0].reason


@respx.mock
def test_a_rejected_ticket_keeps_every_key_zendesk_sent_though_pages_decode_lean(
    fake_time: FakeClock,
) -> None:
    # Only the mapped keys are decoded (export_page.py); a rejected row still shows the whole
    # item, ``fields`` left out as before.
    empty_fields()
    bad = {**ticket(2), "tags": "not-a-list", "description": "It is on fire.", "fields": []}
    respx.get(TICKETS).respond(
        json={"tickets": [ticket(1), bad], "after_cursor": "c1", "end_of_stream": True}
    )
    (batch,) = list(oauth(fake_time).read("tickets", {"cursor": "c0"}))
    assert [r.id for r in batch.records] == ["1"]
    (rejected,) = batch.rejected
    assert rejected.location == "ticket 2"
    assert rejected.data == {
        "id": 2,
        "created_at": "2024-03-04T09:12:00Z",
        "status": "open",
        "tags": "not-a-list",
        "description": "It is on fire.",
    }


@respx.mock
def test_a_page_the_lean_decoder_refuses_is_decoded_whole_and_mapped_as_before(
    fake_time: FakeClock,
) -> None:
    # A metric set that is no object, and an item that is no ticket object at all: the lean
    # TypedDicts refuse the page, orjson decodes it whole, the mapper rejects what it must.
    empty_fields()
    odd_metrics = {**ticket(1), "metric_set": [1, 2]}
    respx.get(TICKETS).respond(
        json={"tickets": [odd_metrics, "not a ticket"], "after_cursor": "c1", "end_of_stream": True}
    )
    (batch,) = list(oauth(fake_time).read("tickets", {"cursor": "c0"}))
    assert [(r.id, r.status) for r in batch.records] == [("1", deskmetrics.Status.OPEN)]
    # Before, an item that is no object crashed the stream (AttributeError on .get).
    assert [r.location for r in batch.rejected] == ["ticket #2 of the page (not a JSON object)"]
    assert batch.rejected[0].data == {"item": "not a ticket"}
    assert batch.state == {"cursor": "c1"}


@respx.mock
def test_the_next_export_page_is_requested_while_a_page_is_stored_and_its_failure_comes_after(
    fake_time: FakeClock,
) -> None:
    empty_fields()
    first = respx.get(TICKETS, params={"cursor": "c0"}).mock(
        return_value=page([ticket(1)], "c1", False)
    )
    second = respx.get(TICKETS, params={"cursor": "c1"}).respond(404)
    batches = oauth(fake_time).read("tickets", {"cursor": "c0"})
    batch = next(batches)
    assert [r.id for r in batch.records] == ["1"] and batch.state == {"cursor": "c1"}
    for _ in range(500):  # the second page is asked for before the first batch is consumed
        if second.call_count:
            break
        threading.Event().wait(0.01)
    assert (first.call_count, second.call_count) == (1, 1)
    # Its failure is raised only when the engine asks for the batch after the stored one.
    with pytest.raises(deskmetrics.HttpError, match="404"):
        next(batches)

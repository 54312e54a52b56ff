"""Each stream's requests, cursors and failure handling, against respx-mocked Freshdesk."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics.testing import FakeClock
from deskmetrics_freshdesk import FreshdeskConnector, FreshdeskOptions
from deskmetrics_freshdesk.ticket_pages import ticket_pages

BASE = "https://acme.freshdesk.com"
KEY = "fd-secret-key-42"


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    return fake


@pytest.fixture
def connector(fake_time: FakeClock) -> Iterator[FreshdeskConnector]:
    made: list[FreshdeskConnector] = []

    def make(**extra: Any) -> FreshdeskConnector:
        options = FreshdeskOptions(domain="acme", api_key=KEY, start_date="2024-03-01", **extra)
        made.append(FreshdeskConnector(options, connection="fd", runtime=fake_time.runtime()))
        return made[-1]

    yield make  # type: ignore[misc]
    for c in made:
        c.close()


def ticket(tid: int, updated: str, status: int = 4, **extra: Any) -> dict[str, Any]:
    return {
        "id": tid,
        "status": status,
        "priority": 2,
        "source": 1,
        "created_at": "2024-03-01T08:00:00Z",
        "updated_at": updated,
        "tags": [],
        "custom_fields": {},
        "stats": {"first_responded_at": None, "resolved_at": None, "closed_at": None},
        **extra,
    }


def page(rows: list[dict[str, Any]], next_query: str | None = None) -> httpx.Response:
    headers = {"X-RateLimit-Remaining": "500", "X-RateLimit-Used-CurrentRequest": "3"}
    if next_query:
        headers["Link"] = f'<{BASE}/api/v2/tickets?{next_query}>; rel="next"'
    return httpx.Response(200, json=rows, headers=headers)


def no_fields() -> None:
    respx.get(f"{BASE}/api/v2/ticket_fields").mock(return_value=httpx.Response(200, json=[]))


def read_all(c: FreshdeskConnector, stream: str, state: dict[str, Any] | None = None) -> list:
    return list(c.read(stream, state))


# -- connection --------------------------------------------------------------------------------


@respx.mock
def test_check_makes_one_call_with_the_key_as_user_name(connector: Any) -> None:
    route = respx.get(f"{BASE}/api/v2/agents/me").mock(
        return_value=httpx.Response(200, json={"id": 5, "contact": {"name": "Ann Lee"}})
    )
    assert connector().check() == "acme.freshdesk.com: authenticated as Ann Lee"
    assert route.call_count == 1
    sent = route.calls[0].request.headers["authorization"]
    assert sent == "Basic " + base64.b64encode(f"{KEY}:X".encode()).decode()


@respx.mock
@pytest.mark.parametrize(
    ("status", "why"),
    [
        (401, "the credentials were rejected"),
        (403, "lack permission"),
        (404, "check the account name or base_url"),
    ],
)
def test_auth_errors_are_clear_and_never_echo_the_key(
    connector: Any, status: int, why: str
) -> None:
    respx.get(f"{BASE}/api/v2/agents/me").mock(
        return_value=httpx.Response(status, json={"description": f"bad key {KEY}"})
    )
    with pytest.raises(deskmetrics.HttpError) as caught:
        connector().check()
    assert caught.value.status == status
    assert why in str(caught.value) and "/api/v2/agents/me" in str(caught.value)
    assert KEY not in str(caught.value)


@respx.mock
def test_429_waits_exactly_retry_after(connector: Any, fake_time: FakeClock) -> None:
    respx.get(f"{BASE}/api/v2/agents/me").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "34", "X-RateLimit-Remaining": "0"}),
            httpx.Response(200, json={"id": 5, "contact": {"name": "Ann Lee"}}),
        ]
    )
    c = connector()
    assert c.check().endswith("Ann Lee")
    assert fake_time.sleeps == [34.0]
    assert c.requests == 2


# -- the 300-page cap --------------------------------------------------------------------------


@respx.mock
def test_listing_restarts_from_the_last_updated_at_at_the_page_cap(connector: Any) -> None:
    calls: list[dict[str, str]] = []
    pages_by_since = {
        "2024-03-01T00:00:00Z": [
            [ticket(1, "2024-03-02T00:00:00Z"), ticket(2, "2024-03-02T00:00:05Z")],
            [ticket(3, "2024-03-02T00:00:05Z"), ticket(4, "2024-03-03T00:00:00Z")],
            [ticket(5, "2024-03-04T00:00:00Z")],  # beyond the cap of 2 pages
        ],
        "2024-03-03T00:00:00Z": [
            [ticket(4, "2024-03-03T00:00:00Z"), ticket(5, "2024-03-04T00:00:00Z")]
        ],
    }

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        calls.append(params)
        number = int(params.get("page", "1"))
        rows = pages_by_since[params["updated_since"]]
        more = number < len(rows)
        query = f"updated_since={params['updated_since']}&page={number + 1}" if more else None
        return page(rows[number - 1], query)

    respx.get(f"{BASE}/api/v2/tickets").mock(side_effect=answer)
    c = connector(per_page=2)
    got = list(
        ticket_pages(
            c.client, since=c.options.start_date, per_page=2, include_stats=True, page_cap=2
        )
    )
    assert [[t["id"] for t in rows] for rows in got] == [[1, 2], [3, 4], [4, 5]]
    assert [(p["updated_since"], p.get("page")) for p in calls] == [
        ("2024-03-01T00:00:00Z", None),
        ("2024-03-01T00:00:00Z", "2"),
        ("2024-03-03T00:00:00Z", None),  # inclusive: ticket 4 comes again, never skipped
    ]
    assert calls[0] == {
        "updated_since": "2024-03-01T00:00:00Z",
        "order_by": "updated_at",
        "order_type": "asc",
        "per_page": "2",
        "include": "stats",
    }


@respx.mock
def test_a_400_deep_in_the_listing_is_treated_as_the_cap(connector: Any) -> None:
    since_seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        since = params["updated_since"]
        since_seen.append(since)
        if params.get("page") == "2":
            return httpx.Response(400, json={"errors": [{"field": "page"}]})
        if params["updated_since"] == "2024-03-01T00:00:00Z":
            return page([ticket(1, "2024-03-02T00:00:00Z")], f"updated_since={since}&page=2")
        return page([ticket(1, "2024-03-02T00:00:00Z"), ticket(2, "2024-03-02T10:00:00Z")])

    respx.get(f"{BASE}/api/v2/tickets").mock(side_effect=answer)
    c = connector()
    got = list(ticket_pages(c.client, since=c.options.start_date, per_page=100, include_stats=True))
    assert [[t["id"] for t in rows] for rows in got] == [[1], [1, 2]]
    assert since_seen == ["2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"]


@respx.mock
def test_a_cap_full_of_one_instant_fails_clearly_instead_of_looping(connector: Any) -> None:
    same = "2024-03-01T00:00:00Z"
    respx.get(f"{BASE}/api/v2/tickets").mock(
        side_effect=lambda request: page([ticket(1, same), ticket(2, same)], "page=2")
    )
    c = connector()
    with pytest.raises(deskmetrics.ConnectorError, match="cannot page past them"):
        list(
            ticket_pages(
                c.client, since=c.options.start_date, per_page=2, include_stats=True, page_cap=2
            )
        )


# -- tickets stream cursors --------------------------------------------------------------------


@respx.mock
def test_tickets_state_rides_on_every_page_and_the_lookback_rereads(connector: Any) -> None:
    no_fields()
    route = respx.get(f"{BASE}/api/v2/tickets").mock(
        side_effect=[
            page([ticket(1, "2024-03-05T10:00:00Z")], "page=2"),
            page([ticket(2, "2024-03-05T16:01:00Z")]),
            page([ticket(2, "2024-03-05T16:01:00Z")]),
        ]
    )
    c = connector(lookback_minutes=90)
    batches = read_all(c, "tickets")
    assert [b.state for b in batches] == [
        {"updated_since": "2024-03-05T10:00:00Z"},
        {"updated_since": "2024-03-05T16:01:00Z"},
    ]
    read_all(c, "tickets", batches[-1].state)
    assert route.calls[2].request.url.params["updated_since"] == "2024-03-05T14:31:00Z"
    # The lookback never reaches before start_date.
    route.side_effect = [page([])]
    read_all(c, "tickets", {"updated_since": "2024-03-01T00:30:00Z"})
    assert route.calls[3].request.url.params["updated_since"] == "2024-03-01T00:00:00Z"


@respx.mock
def test_a_ticket_updated_mid_listing_makes_the_next_sync_recheck(connector: Any) -> None:
    no_fields()
    route = respx.get(f"{BASE}/api/v2/tickets").mock(
        side_effect=[
            page([ticket(1, "2024-03-02T00:00:00Z"), ticket(2, "2024-03-03T00:00:00Z")], "page=2"),
            # Ticket 1 was updated meanwhile: it moved to the end, shifting a row past us.
            page([ticket(4, "2024-03-04T00:00:00Z"), ticket(1, "2024-03-09T00:00:00Z")]),
            page([]),
        ]
    )
    c = connector(lookback_minutes=0)
    batches = read_all(c, "tickets")
    assert batches[-1].state == {
        "updated_since": "2024-03-09T00:00:00Z",
        "recheck_from": "2024-03-02T00:00:00Z",
    }
    read_all(c, "tickets", batches[-1].state)
    assert route.calls[2].request.url.params["updated_since"] == "2024-03-02T00:00:00Z"


@respx.mock
def test_deleted_and_spam_are_full_tombstones_without_stats(connector: Any) -> None:
    no_fields()
    listed = {k: v for k, v in ticket(7, "2024-03-05T10:00:00Z").items() if k != "stats"}
    route = respx.get(f"{BASE}/api/v2/tickets").mock(
        return_value=page([{**listed, "deleted": True}])
    )
    c = connector()
    [batch] = read_all(c, "deleted")
    assert [t.status for t in batch.records] == ["deleted"]
    assert batch.state == {"updated_since": "2024-03-05T10:00:00Z"}
    params = route.calls[0].request.url.params
    assert params["filter"] == "deleted" and "include" not in params
    read_all(c, "spam")
    assert route.calls[1].request.url.params["filter"] == "spam"


@respx.mock
def test_an_unbuildable_ticket_is_rejected_not_fatal(connector: Any) -> None:
    no_fields()
    bad = ticket(8, "2024-03-05T10:00:00Z")
    bad["stats"]["first_responded_at"] = "2024-02-01T00:00:00Z"  # before created_at
    respx.get(f"{BASE}/api/v2/tickets").mock(
        return_value=page([bad, ticket(9, "2024-03-05T10:00:00Z")])
    )
    [batch] = read_all(connector(), "tickets")
    assert [t.id for t in batch.records] == ["9"]
    assert batch.rejected[0].location == "ticket 8"
    assert "first_response_at" in batch.rejected[0].reason


# -- conversations -----------------------------------------------------------------------------


def conversation(cid: int, tid: int, incoming: bool = False) -> dict[str, Any]:
    return {
        "id": cid,
        "ticket_id": tid,
        "user_id": 7 if incoming else 5,
        "source": 0,
        "incoming": incoming,
        "private": False,
        "created_at": "2024-03-04T10:00:00Z",
    }


@respx.mock
def test_conversations_only_for_resolved_changed_tickets(connector: Any) -> None:
    no_fields()
    at = "2024-03-05T10:00:00Z"
    respx.get(f"{BASE}/api/v2/tickets").mock(
        return_value=page(
            [
                ticket(1, at),  # fetched by the previous sync at this very instant
                ticket(2, at),
                ticket(3, at, status=2),  # open: not yet
                ticket(4, "2024-03-05T11:00:00Z", status=5),
                ticket(5, "2024-03-05T11:00:00Z"),  # deleted since it was listed
            ]
        )
    )
    routes = {
        tid: respx.get(f"{BASE}/api/v2/tickets/{tid}/conversations").mock(
            return_value=httpx.Response(200, json=[conversation(tid * 10, tid)])
        )
        for tid in (1, 2, 3, 4)
    }
    respx.get(f"{BASE}/api/v2/tickets/5/conversations").mock(return_value=httpx.Response(404))
    [batch] = read_all(connector(), "conversations", {"updated_since": at, "fetched": ["1"]})
    assert {tid: r.call_count for tid, r in routes.items()} == {1: 0, 2: 1, 3: 0, 4: 1}
    updates = [r for r in batch.records if isinstance(r, deskmetrics.TicketUpdate)]
    assert [(u.id, u.agent_replies, u.first_response_at) for u in updates] == [
        ("2", 1, deskmetrics.Ticket(id="x", created_at="2024-03-04T10:00:00Z").created_at),
        ("4", 1, deskmetrics.Ticket(id="x", created_at="2024-03-04T10:00:00Z").created_at),
    ]
    assert batch.state == {"updated_since": "2024-03-05T11:00:00Z", "fetched": ["4", "5"]}
    assert routes[2].calls[0].request.url.params["per_page"] == "100"


@respx.mock
def test_conversations_all_and_off(connector: Any) -> None:
    no_fields()
    listing = respx.get(f"{BASE}/api/v2/tickets").mock(
        return_value=page([ticket(3, "2024-03-05T10:00:00Z", status=2)])
    )
    route = respx.get(f"{BASE}/api/v2/tickets/3/conversations").mock(
        return_value=httpx.Response(200, json=[conversation(30, 3, incoming=True)])
    )
    assert read_all(connector(conversations="off"), "conversations") == []
    assert listing.call_count == 0
    [batch] = read_all(connector(conversations="all"), "conversations")
    assert route.call_count == 1
    assert [type(r).__name__ for r in batch.records] == ["Interaction", "TicketUpdate"]
    assert batch.records[1].agent_replies == 0


# -- CSAT --------------------------------------------------------------------------------------


@respx.mock
def test_surveys_403_is_a_warning_not_a_failure(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/surveys/satisfaction_ratings").mock(
        return_value=httpx.Response(
            403,
            json={
                "code": "require_feature",
                "message": "The Surveys feature(s) is/are not supported in your plan",
            },
        )
    )
    c = connector()
    assert read_all(c, "satisfaction_ratings") == []
    assert len(c.warnings) == 1 and "no CSAT for this account" in c.warnings[0]


@respx.mock
def test_ratings_cursor_is_saved_after_the_whole_listing(connector: Any) -> None:
    def rating(rid: int, created: str, value: int) -> dict[str, Any]:
        return {"id": rid, "ticket_id": 1, "user_id": 2, "agent_id": None, "survey_id": 11,
                "ratings": {"default_question": value}, "created_at": created}  # fmt: skip

    route = respx.get(f"{BASE}/api/v2/surveys/satisfaction_ratings").mock(
        side_effect=[
            httpx.Response(
                200,
                json=[
                    rating(1, "2024-03-06T08:30:00Z", -102),
                    rating(2, "2024-03-05T16:00:00Z", 999),
                ],
                headers={
                    "Link": f'<{BASE}/api/v2/surveys/satisfaction_ratings?page=2>; rel="next"'
                },
            ),
            httpx.Response(200, json=[rating(3, "2024-03-05T17:00:00Z", 101)]),
            httpx.Response(200, json=[]),
        ]
    )
    c = connector()
    batches = read_all(c, "satisfaction_ratings")
    assert [b.state for b in batches] == [None, None, {"created_since": "2024-03-06T08:30:00Z"}]
    assert [(r.id, r.score) for b in batches for r in b.records] == [("1", 2), ("3", 5)]
    assert batches[0].rejected[0].location == "satisfaction rating 2"
    assert route.calls[0].request.url.params["created_since"] == "2024-03-01T00:00:00Z"
    read_all(c, "satisfaction_ratings", batches[-1].state)
    assert route.calls[2].request.url.params["created_since"] == "2024-03-06T07:30:00Z"


# -- time entries ------------------------------------------------------------------------------


def entry(eid: int, tid: int, spent: str, executed: str, running: bool = False) -> dict[str, Any]:
    return {"id": eid, "ticket_id": tid, "time_spent": spent, "timer_running": running,
            "executed_at": executed, "created_at": executed, "updated_at": executed}  # fmt: skip


@respx.mock
def test_first_time_entries_sync_sums_the_listing(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/time_entries").mock(
        return_value=httpx.Response(
            200,
            json=[
                entry(1, 10, "01:00", "2024-03-02T00:00:00Z"),
                entry(2, 10, "00:30", "2024-03-03T00:00:00Z"),
                entry(3, 11, "02:00", "2024-03-04T00:00:00Z", running=True),
            ],
        )
    )
    batches = read_all(connector(), "time_entries")
    updates = [(u.id, u.handle_seconds) for b in batches for u in b.records]
    assert updates == [("10", 5400.0), ("11", None)]
    assert batches[-1].state == {
        "executed_after": "2024-03-04T00:00:00Z",
        "running": ["11"],
        # The last 7 days' entries, to notice edits and deletions next time.
        "seen": {
            "1": ["10", "2024-03-02T00:00:00Z", "2024-03-02T00:00:00Z"],
            "2": ["10", "2024-03-03T00:00:00Z", "2024-03-03T00:00:00Z"],
            "3": ["11", "2024-03-04T00:00:00Z", "2024-03-04T00:00:00Z"],
        },
    }


@respx.mock
def test_later_syncs_resum_only_tickets_whose_recent_entries_changed(connector: Any) -> None:
    window = respx.get(f"{BASE}/api/v2/time_entries").mock(
        return_value=httpx.Response(
            200,
            json=[
                entry(4, 10, "00:15", "2024-03-20T00:00:00Z"),  # new
                entry(5, 13, "00:20", "2024-03-19T00:00:00Z"),  # seen before, unchanged
            ],
        )
    )
    per_ticket = {
        10: [
            entry(1, 10, "01:00", "2024-03-02T00:00:00Z"),  # from an earlier sync
            entry(4, 10, "00:15", "2024-03-20T00:00:00Z"),
        ],
        11: [entry(3, 11, "02:00", "2024-03-04T00:00:00Z")],  # the timer stopped
        12: None,  # deleted ticket: its stored sum stays
        13: [entry(5, 13, "00:20", "2024-03-19T00:00:00Z")],
        14: [],  # its only entry was deleted
    }
    routes = {
        tid: respx.get(f"{BASE}/api/v2/tickets/{tid}/time_entries").mock(
            return_value=httpx.Response(404) if rows is None else httpx.Response(200, json=rows)
        )
        for tid, rows in per_ticket.items()
    }
    state = {
        "executed_after": "2024-03-18T00:00:00Z",
        "running": ["11", "12"],
        "seen": {
            "5": ["13", "2024-03-19T00:00:00Z", "2024-03-19T00:00:00Z"],
            "6": ["14", "2024-03-17T00:00:00Z", "2024-03-17T00:00:00Z"],
        },
    }
    batches = read_all(connector(), "time_entries", state)
    assert [(u.id, u.handle_seconds) for b in batches for u in b.records] == [
        ("10", 4500.0),
        ("11", 7200.0),
        ("14", None),
    ]
    assert {tid: r.call_count for tid, r in routes.items()} == {10: 1, 11: 1, 12: 1, 13: 0, 14: 1}
    assert batches[-1].state["executed_after"] == "2024-03-20T00:00:00Z"
    assert batches[-1].state["running"] == []
    # The window starts time_entries_lookback_days (7) before the cursor.
    assert window.calls[0].request.url.params["executed_after"] == "2024-03-11T00:00:00Z"


# -- companies ---------------------------------------------------------------------------------


def company(cid: int, updated: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "name": f"Company {cid}",
        "domains": [f"c{cid}.com"],
        "created_at": "2023-05-01T10:00:00Z",
        "updated_at": updated,
        "custom_fields": {},
        **extra,
    }


@respx.mock
def test_companies_list_all_then_since_the_cursor_minus_the_lookback(connector: Any) -> None:
    route = respx.get(f"{BASE}/api/v2/companies").mock(
        side_effect=[
            httpx.Response(
                200,
                json=[
                    company(8, "2024-02-10T12:00:00+05:30", custom_fields={"website": "x.io"}),
                    company(9, "2024-02-09T08:00:00Z"),
                    {"name": "no id", "updated_at": "2024-01-01T00:00:00Z"},
                ],
                headers={"Link": f'<{BASE}/api/v2/companies?per_page=100&page=2>; rel="next"'},
            ),
            httpx.Response(200, json=[company(10, "2024-02-10T06:00:00Z")]),
            httpx.Response(200, json=[]),
        ]
    )
    fields = respx.get(f"{BASE}/api/v2/company_fields").mock(
        return_value=httpx.Response(
            200,
            json=[
                {"name": "name", "label": "Company Name", "default": True},
                {"name": "website", "label": "Website", "default": False},
            ],
        )
    )
    c = connector()
    batches = read_all(c, "companies")
    # The whole list (not since start_date: old companies are named by new tickets).
    assert dict(route.calls[0].request.url.params) == {"per_page": "100"}
    assert route.calls[1].request.url.params["page"] == "2"
    assert [[r.id for r in b.records] for b in batches] == [["8", "9"], ["10"], []]
    assert batches[0].records[0].custom_fields["Website"] == "x.io"
    assert batches[0].rejected[0].location == "company None"
    # Saved once the listing is complete: the latest updated_at, 12:00+05:30 = 06:30 UTC.
    assert [b.state for b in batches] == [None, None, {"updated_since": "2024-02-10T06:30:00Z"}]
    assert fields.call_count == 1
    assert c.warnings == []

    again = read_all(c, "companies", batches[-1].state)
    assert [(b.records, b.state) for b in again] == [([], None), ([], batches[-1].state)]
    assert dict(route.calls[2].request.url.params) == {
        "per_page": "100",
        "updated_since": "2024-02-10T05:30:00Z",
    }


@respx.mock
def test_companies_without_custom_fields_skip_the_labels_call(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/companies").mock(
        return_value=httpx.Response(200, json=[company(8, "2024-02-10T12:00:00Z")])
    )
    fields = respx.get(f"{BASE}/api/v2/company_fields")
    [batch, final] = read_all(connector(), "companies")
    assert [r.id for r in batch.records] == ["8"]
    assert final.state == {"updated_since": "2024-02-10T12:00:00Z"}
    assert not fields.called


@respx.mock
@pytest.mark.parametrize("status", [403, 404])
def test_companies_403_or_404_is_a_warning_not_a_failure(connector: Any, status: int) -> None:
    respx.get(f"{BASE}/api/v2/companies").mock(
        return_value=httpx.Response(status, json={"code": "access_denied"})
    )
    c = connector()
    assert read_all(c, "companies") == []
    assert c.warnings == [
        f"companies: {status} from /api/v2/companies (the key may not read companies); not "
        "synced, tickets keep the company id as organization_id"
    ]


@respx.mock
def test_company_fields_403_keeps_api_names(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/companies").mock(
        return_value=httpx.Response(
            200, json=[company(8, "2024-02-10T12:00:00Z", custom_fields={"website": "x.io"})]
        )
    )
    respx.get(f"{BASE}/api/v2/company_fields").mock(return_value=httpx.Response(403))
    c = connector()
    [batch, _] = read_all(c, "companies")
    assert batch.records[0].custom_fields["website"] == "x.io"
    assert c.warnings == [
        "company_fields: 403 (the key may not read company fields); custom company fields keep "
        "their API names"
    ]


@respx.mock
def test_companies_500_after_retries_fails_the_stream(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/companies").mock(return_value=httpx.Response(500))
    with pytest.raises(deskmetrics.HttpError):
        read_all(connector(), "companies")


def test_companies_come_before_tickets() -> None:
    streams = FreshdeskConnector.streams
    assert streams.index("companies") < streams.index("tickets")


# -- agents and groups -------------------------------------------------------------------------


@respx.mock
def test_agents_and_groups(connector: Any) -> None:
    respx.get(f"{BASE}/api/v2/agents").mock(
        return_value=httpx.Response(
            200,
            json=[
                {
                    "id": 5001,
                    "group_ids": [201, 202],
                    "type": "support_agent",
                    "contact": {"name": "Ann Lee", "email": "ann@acme.com"},
                }
            ],
        )
    )
    respx.get(f"{BASE}/api/v2/groups").mock(return_value=httpx.Response(403))
    c = connector()
    [batch] = read_all(c, "agents")
    [agent] = batch.records
    assert (agent.id, agent.name, agent.email, agent.group_id) == (
        "5001",
        "Ann Lee",
        "ann@acme.com",
        "201",
    )
    assert agent.custom_fields["group_ids"] == ["201", "202"]
    assert read_all(c, "groups") == []
    assert c.warnings == ["groups: 403 (an admin key is needed); not synced"]

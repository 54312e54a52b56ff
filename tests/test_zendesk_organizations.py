"""The organizations stream: mapping, time-based paging, resuming, and a 403 that only warns."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics import Store
from deskmetrics.sync.engine import sync_connector
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from deskmetrics_zendesk.organizations import organization_from
from zendesk_fake import FakeAccount, ZendeskHandler
from zendesk_fake.handler import ORGANIZATIONS
from zendesk_fake.testkit import connector, table

BASE = "https://acme.zendesk.com"
EXPORT = f"{BASE}{ORGANIZATIONS}"

# An organization as the incremental organization export sends it.
ACME: dict[str, Any] = {
    "id": 509974,
    "url": "https://acme.zendesk.com/api/v2/organizations/509974.json",
    "name": "Acme Corp",
    "shared_tickets": False,
    "shared_comments": False,
    "external_id": "crm-17",
    "created_at": "2023-05-04T08:30:00Z",
    "updated_at": "2024-03-04T09:12:00Z",
    "deleted_at": None,
    "domain_names": ["acme.example", "acme-corp.example"],
    "details": "HQ in Springfield",
    "notes": "",
    "group_id": 98738,
    "tags": ["enterprise"],
    "organization_fields": {"support_tier": "gold", "seats": 250, "renewal": "2025-01-01"},
}


@pytest.fixture
def fake_time() -> FakeClock:
    return FakeClock()


def organization(number: int, updated: str = "2024-03-04T09:12:00Z", **extra: Any) -> dict:
    return {
        "id": number,
        "name": f"Org {number}",
        "created_at": "2023-01-01T00:00:00Z",
        "updated_at": updated,
        "domain_names": [],
        "organization_fields": {},
        **extra,
    }


def page(items: list[dict], end_time: int | None, end: bool | None) -> httpx.Response:
    body: dict[str, Any] = {
        "organizations": items,
        "count": len(items),
        "end_time": end_time,
        # Zendesk sends next_page even on the last page: only end_of_stream ends the export.
        "next_page": f"{EXPORT}?start_time={end_time}",
    }
    if end is not None:
        body["end_of_stream"] = end
    return httpx.Response(200, json=body)


def starts(route: respx.Route) -> list[str]:
    return [call.request.url.params["start_time"] for call in route.calls]


# -- mapping ---------------------------------------------------------------------------------


def test_an_organization_maps_name_first_domain_creation_and_fields() -> None:
    record = organization_from(ACME)
    assert record == deskmetrics.Organization(
        id="509974",
        name="Acme Corp",
        domain="acme.example",
        created_at=datetime(2023, 5, 4, 8, 30, tzinfo=UTC),
        custom_fields={"support_tier": "gold", "seats": 250, "renewal": "2025-01-01"},
        raw=None,
    )
    assert record.created_at is not None and record.created_at.tzinfo is not None


def test_keep_raw_stores_the_payload() -> None:
    assert organization_from(ACME, keep_raw=True).raw == ACME
    assert organization_from(ACME).raw is None


def test_a_deleted_organization_is_kept_with_its_deletion_time() -> None:
    deleted = {**ACME, "deleted_at": "2024-06-01T12:00:00Z"}
    record = organization_from(deleted)
    assert (record.id, record.name) == ("509974", "Acme Corp")
    assert record.custom_fields == {
        "support_tier": "gold",
        "seats": 250,
        "renewal": "2025-01-01",
        "deleted_at": "2024-06-01T12:00:00Z",
    }
    # An organization field of that very key is the account's data: it is not overwritten.
    clash = {**deleted, "organization_fields": {"deleted_at": "by the CRM"}}
    assert organization_from(clash).custom_fields == {"deleted_at": "by the CRM"}


def test_no_domain_names_clears_the_domain() -> None:
    record = organization_from({**ACME, "domain_names": []})
    assert record.domain is None
    # Set explicitly, so an upsert clears a domain stored earlier.
    assert "domain" in record.model_fields_set
    assert organization_from({**ACME, "domain_names": None}).domain is None


def test_fields_the_payload_does_not_state_are_left_unset() -> None:
    record = organization_from({"id": 7, "name": "Bare"})
    assert record.model_fields_set == {"id", "name"}
    assert (record.domain, record.created_at, record.custom_fields) == (None, None, {})


def test_an_organization_with_a_bad_time_is_a_record_error() -> None:
    with pytest.raises(deskmetrics.RecordError, match="organization 509974"):
        organization_from({**ACME, "created_at": 12})


# -- paging ----------------------------------------------------------------------------------


@respx.mock
def test_first_run_reads_from_zero_and_pages_advance_by_end_time(fake_time: FakeClock) -> None:
    route = respx.get(EXPORT).mock(
        side_effect=[
            page([organization(1), organization(2)], 1709543520, False),
            # The boundary second comes again; an empty-looking tail is still not the end.
            page([organization(2), organization(3)], 1709600000, False),
            page([organization(3)], 1709600000, True),
        ]
    )
    # start_date limits tickets, not organizations: old organizations label new tickets.
    zendesk = connector(fake_time, subdomain="acme", access_token="t", start_date="2024-03-01")
    batches = list(zendesk.read("organizations", None))
    assert starts(route) == ["0", "1709543520", "1709600000"]
    assert [b.state for b in batches] == [
        {"start_time": 1709543520},
        {"start_time": 1709600000},
        {"start_time": 1709600000},
    ]
    assert [[r.id for r in b.records] for b in batches] == [["1", "2"], ["2", "3"], ["3"]]
    assert all(isinstance(r, deskmetrics.Organization) for b in batches for r in b.records)
    assert zendesk.warnings == []


@respx.mock
def test_a_saved_start_time_resumes_exactly_there(fake_time: FakeClock) -> None:
    route = respx.get(EXPORT).mock(side_effect=[page([organization(9)], 1709700000, True)])
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    (batch,) = list(zendesk.read("organizations", {"start_time": 1709600000}))
    assert starts(route) == ["1709600000"]
    assert batch.state == {"start_time": 1709700000}


@respx.mock
def test_an_empty_end_of_stream_keeps_the_start_time(fake_time: FakeClock) -> None:
    respx.get(EXPORT).mock(side_effect=[page([], None, True)])
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    (batch,) = list(zendesk.read("organizations", {"start_time": 1709600000}))
    assert (batch.records, batch.state) == ([], {"start_time": 1709600000})


@respx.mock
def test_the_export_counts_against_the_incremental_budget(fake_time: FakeClock) -> None:
    pages = [page([organization(n)], 1709600000 + n, n == 12) for n in range(1, 13)]
    respx.get(EXPORT).mock(side_effect=pages)
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    assert len(list(zendesk.read("organizations", {"start_time": 1709600000}))) == 12
    # Ten export requests a minute: the eleventh waits for the window.
    assert fake_time.sleeps == [60.0]


@respx.mock
def test_a_malformed_organization_is_rejected_and_the_page_still_advances(
    fake_time: FakeClock,
) -> None:
    broken = organization(2, created_at="last spring")
    respx.get(EXPORT).mock(
        side_effect=[page([organization(1), broken, organization(3)], 1709600000, True)]
    )
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    (batch,) = list(zendesk.read("organizations", None))
    assert [r.id for r in batch.records] == ["1", "3"]
    assert [r.location for r in batch.rejected] == ["organization 2"]
    assert "created_at" in batch.rejected[0].reason
    assert batch.rejected[0].data == broken
    assert batch.state == {"start_time": 1709600000}


@respx.mock
def test_an_answer_without_end_of_stream_stops_at_its_last_page(fake_time: FakeClock) -> None:
    route = respx.get(EXPORT).mock(
        side_effect=[
            page([organization(1)], 1709600000, None),
            page([], 1709600000, None),
        ]
    )
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    batches = list(zendesk.read("organizations", {"start_time": 1709500000}))
    assert starts(route) == ["1709500000", "1709600000"]
    assert [b.state for b in batches] == [{"start_time": 1709600000}] * 2


@pytest.mark.parametrize(
    ("end_time", "items", "message"),
    [
        (1709500000, [organization(1)], "went back in time"),
        (1709600000, [organization(1)], "did not advance past start_time 1709600000"),
    ],
)
@respx.mock
def test_an_export_that_does_not_move_forward_stops_with_an_error(
    fake_time: FakeClock, end_time: int, items: list[dict], message: str
) -> None:
    respx.get(EXPORT).mock(side_effect=[page(items, end_time, False)] * 2)
    zendesk = connector(fake_time, subdomain="acme", access_token="t")
    with pytest.raises(deskmetrics.ConnectorError, match=message) as caught:
        list(zendesk.read("organizations", {"start_time": 1709600000}))
    assert "organization export" in str(caught.value)


# -- against the fake Zendesk ----------------------------------------------------------------


def test_a_403_skips_organizations_with_a_warning_and_the_sync_succeeds(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(60))
    handler.forbidden.add(ORGANIZATIONS)
    with FakeServer(handler) as server:
        zendesk = connector(
            FakeClock(),
            base_url=server.url,
            access_token="good-token",
            incremental_requests_per_minute=1000,
        )
        with Store(tmp_path / "zd.db") as store:
            result = sync_connector(store, zendesk)
            state = store.get_state("zd", "organizations")
    assert result.status == "succeeded", result.error
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("organizations skipped: ")
    assert "403" in result.warnings[0] and "admin" in result.warnings[0]
    assert state is None  # nothing read: the next sync tries from the start again
    assert table(tmp_path / "zd.db", "organizations") == {}
    assert len(table(tmp_path / "zd.db", "tickets")) == 60


def test_keep_raw_stores_each_served_organization(tmp_path: Path) -> None:
    account = FakeAccount(10)
    handler = ZendeskHandler(account)
    handler.organizations_per_page = 5
    with FakeServer(handler) as server:
        zendesk = connector(
            FakeClock(),
            base_url=server.url,
            access_token="good-token",
            keep_raw=True,
            incremental_requests_per_minute=1000,
        )
        with Store(tmp_path / "zd.db") as store:
            assert sync_connector(store, zendesk).status == "succeeded"
    rows = table(tmp_path / "zd.db", "organizations")
    assert {key: row["raw"] for key, row in rows.items()} == {
        str(o["id"]): o for o in account.organizations
    }

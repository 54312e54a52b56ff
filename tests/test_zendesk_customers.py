"""Zendesk end users → customers (#13.1): fields, organization link, churn from a user field."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from deskmetrics_zendesk.customers import customer_from
from vendor_payloads import load
from zendesk_fake import FakeAccount, ZendeskHandler
from zendesk_fake.handler import USERS
from zendesk_fake.testkit import connector

END_USER: dict[str, Any] = {
    "id": 20978392, "name": "Rita Requester", "email": " Rita@Example.COM ", "role": "end-user",
    "external_id": "crm-77", "organization_id": 509974, "locale": "de",
    "created_at": "2023-05-01T08:00:00Z", "updated_at": "2024-03-02T10:15:00Z",
    "user_fields": {"churned_on": "2024-02-29", "cancelled": True, "plan": "gold", "empty": None},
}  # fmt: skip


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_an_end_user_is_a_customer_linked_to_its_organization() -> None:
    customer = customer_from(END_USER)
    assert customer is not None
    assert customer.model_dump(exclude={"source", "raw"}) == {
        "id": "20978392",
        "name": "Rita Requester",
        "created_at": utc("2023-05-01T08:00:00"),
        "churned_at": None,  # no churn_field: no churn source
        "email": "rita@example.com",
        "external_id": "crm-77",
        "organization_id": "509974",
        "language": "de",
        "custom_fields": {"churned_on": "2024-02-29", "cancelled": True, "plan": "gold"},
    }


def test_agents_and_admins_are_not_customers() -> None:
    assert customer_from({**END_USER, "role": "agent"}) is None
    assert customer_from({**END_USER, "role": "admin"}) is None


def test_churn_from_a_date_field_or_a_checkbox() -> None:
    dated = customer_from(END_USER, churn_field="churned_on")
    assert dated is not None and dated.churned_at == utc("2024-02-29T00:00:00")
    ticked = customer_from(END_USER, churn_field="cancelled")
    # A checkbox has no time: the user's last update is the latest it can have been ticked.
    assert ticked is not None and ticked.churned_at == utc("2024-03-02T10:15:00")
    fields = {**END_USER["user_fields"], "cancelled": False}
    unticked = customer_from({**END_USER, "user_fields": fields}, churn_field="cancelled")
    assert unticked is not None and unticked.churned_at is None
    missing = customer_from(END_USER, churn_field="no_such_field")
    assert missing is not None and missing.churned_at is None


def test_a_garbled_churn_date_names_the_user_and_field() -> None:
    user = {**END_USER, "user_fields": {"churned_on": "soon"}}
    with pytest.raises(deskmetrics.RecordError) as caught:
        customer_from(user, churn_field="churned_on")
    assert str(caught.value) == (
        "customer 20978392: 1 invalid field\n  user_fields.churned_on: not an ISO-8601 time: 'soon'"
    )


def test_the_documented_user_export() -> None:
    users = load("zendesk", "users_cursor")["users"]
    customers = [c for user in users if (c := customer_from(user)) is not None]
    assert [(c.id, c.email, c.external_id, c.organization_id, c.language) for c in customers] == [
        ("20978392", "johnny@example.com", "sai989sur98w9", "509974", "en-US")
    ]
    assert customers[0].created_at == utc("2009-07-20T22:55:29")


def test_a_token_that_cannot_export_users_skips_customers_with_a_warning(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(20))
    handler.forbidden = {USERS}
    with FakeServer(handler) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token")
        result = sync_stream(store, zendesk, "customers")
        assert store.count("customers") == 0
    assert result.status == "succeeded", result.error
    assert [w for w in zendesk.warnings if w.startswith("customers skipped: ")]
    assert "403" in zendesk.warnings[0] and "an admin user" in zendesk.warnings[0]


def test_the_user_export_resumes_from_its_cursor(tmp_path: Path) -> None:
    handler = ZendeskHandler(FakeAccount(20))
    with FakeServer(handler) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token",
                            per_page=200)  # fmt: skip
        sync_stream(store, zendesk, "customers")
        assert store.count("customers") == 500
        state = store.get_state("zd", "customers")
        sync_stream(store, zendesk, "customers")
    asked = [r.query for r in server.requests if r.path == USERS]
    assert "start_time" in asked[0] and "cursor" not in asked[0]
    assert asked[-1]["cursor"] == [state["cursor"]]  # the second sync goes on from the cursor

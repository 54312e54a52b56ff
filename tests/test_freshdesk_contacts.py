"""Freshdesk contacts → customers (#13.1), against the local fake Freshdesk on 127.0.0.1."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store import Store
from deskmetrics.sync.engine import StreamResult, sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics_freshdesk.contacts import customer
from freshdesk_fake import API_KEY, FakeFreshdesk, connection_options, serve
from vendor_payloads import load


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)


def sync(db: Path, url: str, **extra: Any) -> tuple[StreamResult, list[str]]:
    """The contacts stream's result and the connector's warnings."""
    config = parse_config({"connections": {"fd": connection_options(url, **extra)}}, None)
    connector = build_connector(config, config.connections["fd"], get_registry().connectors)
    connector.runtime = FakeClock().runtime()
    with Store(db) as store:
        return sync_stream(store, connector, "contacts"), connector.warnings


def churn(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, churned_at FROM customers"))


def test_churn_from_a_date_field(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(10)
    with serve(account) as server:
        result, _ = sync(tmp_path / "fd.db", server.url, per_page=100, churn_field="churned_on")
    assert result.status == "succeeded", result.error
    churned = {k: v for k, v in churn(tmp_path / "fd.db").items() if v is not None}
    assert len(churned) == 100  # every tenth of 1,000
    assert churned["7010"] == "2024-01-11T00:00:00.000000Z"


def test_churn_from_a_checkbox_is_its_last_update(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(10)
    with serve(account) as server:
        result, _ = sync(tmp_path / "fd.db", server.url, per_page=100, churn_field="cf_cancelled")
    assert result.status == "succeeded", result.error
    churned = {k: v for k, v in churn(tmp_path / "fd.db").items() if v is not None}
    assert len(churned) == 143  # every seventh of 1,000 (0, 7, ..., 994)
    assert churned["7007"] == "2023-06-14T17:07:00.000000Z"  # its updated_at


def test_later_syncs_ask_for_contacts_updated_since_the_cursor(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(10)
    with serve(account) as server:
        sync(tmp_path / "fd.db", server.url, per_page=100)
        sync(tmp_path / "fd.db", server.url, per_page=100)
    calls = [r for r in server.requests if r.path == "/api/v2/contacts"]
    assert "updated_since" not in calls[0].query  # the first sync reads every contact
    # The second starts an hour (lookback_minutes) before the newest updated_at seen
    # (contact 7000: 2023-06-15T00:00:00Z).
    assert calls[-1].param("updated_since") == "2023-06-14T23:00:00Z"


def test_a_capped_listing_keeps_what_was_read_and_says_so(tmp_path: Path) -> None:
    account = FakeFreshdesk.generate(10)
    account.contacts_cap = 3
    with serve(account) as server:
        result, warnings = sync(tmp_path / "fd.db", server.url, per_page=100)
    assert result.status == "succeeded", result.error
    assert len(churn(tmp_path / "fd.db")) == 300
    (warning,) = [w for w in warnings if "contacts" in w]
    assert warning.startswith("contacts: Freshdesk refused the listing after 300 contacts")


def test_the_documented_contacts() -> None:
    rows = load("freshdesk", "contacts")
    customers = [customer(row, churn_field="permanent") for row in rows]
    rachel = customers[0]
    assert (rachel.id, rachel.name, rachel.email, rachel.organization_id, rachel.language) == (
        "2",
        "Rachel",
        "rachel@freshdesk.com",
        "8",
        "en",
    )
    assert rachel.custom_fields == {"department": "Admin", "permanent": True}
    # "permanent" is a checkbox: ticked, so churned at the contact's last update.
    assert rachel.churned_at is not None and rachel.churned_at.isoformat() == (
        "2015-08-24T09:25:19+00:00"
    )


def test_a_garbled_contact_time_names_the_field() -> None:
    row = {"id": 9, "created_at": "2015-08-28T010:08:16Z", "custom_fields": {}}
    with pytest.raises(deskmetrics.RecordError, match="created_at: not an ISO-8601 time"):
        customer(row)

"""Organization-level churn (``organization_churn_field``) and ``[report] retention_unit``
(#13.1): Zendesk organization fields and Freshdesk company fields through their connectors
against the local fakes, and retention counted by people or organizations."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.store import Store
from deskmetrics.sync.engine import sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from freshdesk_fake import API_KEY, FakeFreshdesk, connection_options, serve
from zendesk_fake import FakeAccount, ZendeskHandler
from zendesk_fake.testkit import connector


def organization_churn(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, churned_at FROM organizations"))


def test_zendesk_churn_from_an_organization_date_field_or_checkbox(tmp_path: Path) -> None:
    account = FakeAccount(20)
    by_id = {o["id"]: o for o in account.organizations}
    by_id[501]["organization_fields"]["churned_on"] = "2024-02-29"
    by_id[502]["organization_fields"]["churned_on"] = True  # a checkbox: its last update
    by_id[503]["organization_fields"]["churned_on"] = False
    with FakeServer(ZendeskHandler(account)) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token",
                            organization_churn_field="churned_on")  # fmt: skip
        result = sync_stream(store, zendesk, "organizations")
    assert result.status == "succeeded", result.error
    churned = {k: v for k, v in organization_churn(tmp_path / "zd.db").items() if v}
    assert churned == {
        "501": "2024-02-29T00:00:00.000000Z",
        "502": by_id[502]["updated_at"].replace("Z", ".000000Z"),
    }


def test_zendesk_a_garbled_organization_churn_date_is_a_rejected_row(tmp_path: Path) -> None:
    account = FakeAccount(20)
    account.organizations[1]["organization_fields"]["churned_on"] = "soon"
    with FakeServer(ZendeskHandler(account)) as server, Store(tmp_path / "zd.db") as store:
        zendesk = connector(FakeClock(), base_url=server.url, access_token="good-token",
                            organization_churn_field="churned_on")  # fmt: skip
        result = sync_stream(store, zendesk, "organizations")
        reasons = [row[0] for row in store.conn.execute("SELECT reason FROM rejected_rows")]
    assert result.status == "succeeded"
    assert len(organization_churn(tmp_path / "zd.db")) == 31
    assert any("organization_fields.churned_on: not an ISO-8601 time: 'soon'" in r
               for r in reasons), reasons  # fmt: skip


def test_freshdesk_churn_from_a_company_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRESHDESK_API_KEY", API_KEY)
    account = FakeFreshdesk.generate(10)
    account.companies[1]["custom_fields"]["churned_on"] = "2024-03-01"
    account.companies[2]["custom_fields"]["churned_on"] = True
    with serve(account) as server:
        config = parse_config(
            {"connections": {"fd": connection_options(server.url,
                                                      organization_churn_field="cf_churned_on")}},
            None,
        )  # fmt: skip
        fd = build_connector(config, config.connections["fd"], get_registry().connectors)
        fd.runtime = FakeClock().runtime()
        with Store(tmp_path / "fd.db") as store:
            result = sync_stream(store, fd, "companies")
    assert result.status == "succeeded", result.error
    churned = {k: v for k, v in organization_churn(tmp_path / "fd.db").items() if v}
    assert churned == {
        "301": "2024-03-01T00:00:00.000000Z",
        "302": deskmetrics_time(account.companies[2]["updated_at"]),
    }


def deskmetrics_time(text: str) -> str:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- retention unit ------------------------------------------------------------------------

JAN_1_2025 = datetime(2025, 1, 1, tzinfo=UTC)


def at(day: int) -> datetime:
    return datetime(2026, 1, day, tzinfo=UTC)


def records() -> list[deskmetrics.Record]:
    """Two organizations of three people each, and two people without one.

    acme churns as an organization on 7 January (its field); of globex's people two churn on
    their own (6 and 8 January), one stays; of the lone customers one churns on 9 January.
    """
    people: list[tuple[str, str | None, datetime | None]] = [
        ("a1", "acme", None), ("a2", "acme", None), ("a3", "acme", at(10)),
        ("g1", "globex", at(6)), ("g2", "globex", at(8)), ("g3", "globex", None),
        ("x1", None, None), ("x2", None, at(9)),
    ]  # fmt: skip
    return [
        deskmetrics.Organization(id="acme", name="Acme", churned_at=at(7)),
        deskmetrics.Organization(id="globex", name="Globex", created_at=JAN_1_2025),
        *(
            deskmetrics.Customer(id=cid, created_at=JAN_1_2025, organization_id=org, churned_at=c)
            for cid, org, c in people
        ),
    ]


def retention(tmp_path: Path, unit: str | None, extra: list[Any] | None = None) -> dict[str, Any]:
    with Store(tmp_path / f"{unit}.db") as store:
        store.write([*records(), *(extra or [])], source="desk")
        report = {"min_sample": 1} | ({"retention_unit": unit} if unit else {})
        settings = parse_config({"report": report}, None).report_settings()
        result = deskmetrics.build_report(
            store, settings, start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=datetime(2026, 2, 1, tzinfo=UTC),
        ).to_dict()  # fmt: skip
    wanted = ("customer_retention_rate", "customer_churn_rate")
    return {key: result["metrics"][key] for key in wanted}


def test_retention_counts_people_and_their_organizations_churn(tmp_path: Path) -> None:
    found = retention(tmp_path, None)
    # 8 people; churned in the week: a1, a2, a3 (acme, 7 Jan, before a3's own 10 Jan),
    # g1, g2, x2: 6 of 8.
    assert found["customer_churn_rate"]["value"] == 75.0
    assert found["customer_retention_rate"]["value"] == 25.0
    assert retention(tmp_path, "customers") == found


def test_retention_counts_organizations_when_configured(tmp_path: Path) -> None:
    found = retention(tmp_path, "organizations")
    # acme churned (its own field); globex did not (g3 stays): 1 of 2.
    assert found["customer_churn_rate"]["value"] == 50.0
    assert found["customer_retention_rate"]["value"] == 50.0


def test_an_organization_whose_people_all_left_churned_with_the_last(tmp_path: Path) -> None:
    last = [deskmetrics.Customer(id="g3", created_at=JAN_1_2025, organization_id="globex",
                                 churned_at=at(20))]  # fmt: skip
    # g3 leaves after the period: globex churns on 20 January, outside the week.
    assert retention(tmp_path, "organizations", last)["customer_churn_rate"]["value"] == 50.0
    last[0] = last[0].model_copy(update={"churned_at": at(11)})
    both = retention(tmp_path / "b", "organizations", last)
    assert both["customer_churn_rate"]["value"] == 100.0


def test_a_bad_retention_unit_is_a_config_error(tmp_path: Path) -> None:
    why = 'report.retention_unit: must be "customers" or "organizations"'
    with pytest.raises(deskmetrics.ConfigError, match=why):
        parse_config({"report": {"retention_unit": "people"}}, tmp_path / "x.toml")

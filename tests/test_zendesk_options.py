"""Configuring a Zendesk connection: options, credentials from the environment, registration."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import respx
from pydantic import ValidationError

import deskmetrics
from deskmetrics.config.loading import build_connector, parse_config
from deskmetrics.testing import FakeClock
from deskmetrics_zendesk import ZendeskConnector, ZendeskOptions
from zendesk_fake.testkit import connector


def test_defaults_and_the_account_url() -> None:
    options = ZendeskOptions(subdomain="https://Acme.zendesk.com/", access_token="t")
    assert options.subdomain == "acme"
    assert options.url == "https://acme.zendesk.com"
    assert options.account == "zendesk:acme"
    assert (options.per_page, options.incremental_requests_per_minute) == (1000, 10)
    assert options.escalation == ["group_stations", "tag"]
    assert options.escalation_tags == ["escalated"]
    assert options.uses_oauth
    local = ZendeskOptions(base_url="http://127.0.0.1:8080/", access_token="t")
    assert local.url == "http://127.0.0.1:8080"


def test_start_date_accepts_a_date_read_as_utc() -> None:
    options = ZendeskOptions(subdomain="acme", access_token="t", start_date="2024-03-01")
    assert options.start_date == datetime(2024, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"access_token": "t"}, "set subdomain"),
        ({"subdomain": "acme"}, "no credentials"),
        ({"subdomain": "acme", "access_token": "t", "api_token": "x", "email": "a@b"}, "not both"),
        ({"subdomain": "acme", "api_token": "x"}, "needs both email and api_token"),
        ({"subdomain": "acme", "refresh_token": "r"}, "refresh_token needs client_id"),
        ({"subdomain": "acme", "client_secret": "s"}, "needs client_id and client_secret"),
        ({"subdomain": "acme.com/x", "access_token": "t"}, "is not a Zendesk subdomain"),
        ({"subdomain": "acme", "access_token": "t", "per_page": 20}, "greater than or equal"),
        ({"subdomain": "acme", "access_token": "t", "escalation": ["vibes"]}, "group_stations"),
    ],
)
def test_invalid_options_say_why(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ZendeskOptions.model_validate(options)


def test_client_credentials_alone_are_enough() -> None:
    options = ZendeskOptions(subdomain="acme", client_id="dm", client_secret="s")
    assert options.uses_oauth


def test_secrets_come_from_the_environment_and_never_show(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ZD_TOKEN", "tok-from-env-93af")
    config = parse_config(
        {
            "connections": {
                "zd": {
                    "connector": "zendesk",
                    "subdomain": "acme",
                    "access_token": "${ZD_TOKEN}",
                    "per_page": 10,
                }
            }
        },
        Path("deskmetrics.toml"),
    )
    with pytest.raises(deskmetrics.ConfigError) as caught:
        build_connector(config, config.connections["zd"], {"zendesk": ZendeskConnector})
    assert "connections.zd.per_page" in str(caught.value)
    assert "tok-from-env-93af" not in str(caught.value)

    config.connections["zd"].options.pop("per_page")
    built = build_connector(config, config.connections["zd"], {"zendesk": ZendeskConnector})
    assert isinstance(built, ZendeskConnector)
    assert "tok-from-env-93af" not in repr(built.options)
    assert built.options.access_token is not None
    assert built.options.access_token.get_secret_value() == "tok-from-env-93af"


def test_the_plugin_registers_the_connector() -> None:
    from deskmetrics.plugin.registry import get_registry

    assert get_registry().connectors["zendesk"] is ZendeskConnector
    assert ZendeskConnector.streams == (
        "groups",
        "agents",
        "organizations",
        "customers",
        "tickets",
        "satisfaction_ratings",
        "sla",
        "ticket_events",
    )


def test_connections_to_one_account_share_one_rate_budget() -> None:
    first = ZendeskConnector(ZendeskOptions(subdomain="acme", access_token="a"), connection="a")
    second = ZendeskConnector(ZendeskOptions(subdomain="acme", access_token="b"), connection="b")
    other = ZendeskConnector(ZendeskOptions(subdomain="beta", access_token="c"), connection="c")
    assert first.budget is second.budget is deskmetrics.budget_for("zendesk:acme")
    assert other.budget is not first.budget


@respx.mock
def test_schedules_import_each_schedule_with_its_holidays() -> None:
    base = "https://acme.zendesk.com/api/v2/business_hours/schedules"
    respx.get(f"{base}.json").respond(
        json={
            "schedules": [
                {
                    "id": 7,
                    "name": "Support hours",
                    "time_zone": "London",
                    "intervals": [{"start_time": 1980, "end_time": 2460}],
                }
            ]
        }
    )
    respx.get(f"{base}/7/holidays.json").respond(
        json={
            "holidays": [
                {"id": 1, "name": "Xmas", "start_date": "2024-12-25", "end_date": "2024-12-26"}
            ]
        }
    )
    zendesk = connector(FakeClock(), subdomain="acme", access_token="t")
    (schedule,) = zendesk.schedules()
    assert isinstance(schedule, deskmetrics.Schedule)
    assert (schedule.name, schedule.timezone) == ("Support hours", "Europe/London")
    assert schedule.weekly[0] == ((540, 1020),)
    assert len(schedule.holidays) == 2

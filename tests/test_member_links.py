"""Helpdesk links of listed tickets, from each connector's ``ticket_url_template``."""

from __future__ import annotations

from typing import Any

import pytest

from deskmetrics import ticket_links
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry


def links_for(connection: dict[str, Any]) -> Any:
    config = parse_config({"connections": {"help": connection}}, None)
    return ticket_links(config, get_registry().connectors)


@pytest.mark.parametrize(
    ("connection", "url"),
    [
        ({"connector": "zendesk", "subdomain": "acme"}, "https://acme.zendesk.com/agent/tickets/42"),
        ({"connector": "zendesk", "subdomain": "https://Acme.zendesk.com/"},
         "https://acme.zendesk.com/agent/tickets/42"),
        ({"connector": "freshdesk", "domain": "acme"}, "https://acme.freshdesk.com/a/tickets/42"),
        ({"connector": "freshdesk", "domain": "acme.freshdesk.com"},
         "https://acme.freshdesk.com/a/tickets/42"),
    ],
)  # fmt: skip
def test_zendesk_and_freshdesk_links(connection: dict[str, Any], url: str) -> None:
    assert links_for(connection)("help", "42") == url


@pytest.mark.parametrize(
    "connection",
    [
        {"connector": "csv", "path": "exports"},  # spreadsheets have no ticket pages
        {"connector": "zendesk", "base_url": "http://127.0.0.1:9/"},  # no subdomain to link
        {"connector": "zendesk", "subdomain": "${ZENDESK_SUBDOMAIN}"},  # never resolves env refs
        {"connector": "zendesk", "subdomain": 'acme"><script>'},  # not a host name
        {"connector": "nosuch", "subdomain": "acme"},
    ],
)
def test_no_link(connection: dict[str, Any]) -> None:
    assert links_for(connection)("help", "42") is None


def test_ids_are_quoted_and_other_sources_unlinked() -> None:
    links = links_for({"connector": "zendesk", "subdomain": "acme"})
    assert links("help", "4/2?x") == "https://acme.zendesk.com/agent/tickets/4%2F2%3Fx"
    assert links("other", "42") is None

"""Talking to Freshdesk: the connection's HTTP client, its rate headers and list pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

import deskmetrics
from deskmetrics_freshdesk.options import FreshdeskOptions


def freshdesk_rate_headers(response: httpx.Response) -> tuple[int | None, float | None]:
    """Remaining requests from X-RateLimit-Remaining, in units of the call just made.

    Freshdesk counts credits, the budget counts requests: a tickets list with ``include=stats``
    costs 3 credits (X-RateLimit-Used-CurrentRequest). Reporting the remainder minus the extra
    credits of the last call makes the budget pause while one more call of that kind still
    fits, instead of sending one that overdraws into a 429. No reset header exists: the window
    is a minute, the budget's default.
    """
    if response.status_code == 429:
        # Retry-After says exactly how long to wait; "0 remaining" would pause a whole minute.
        return None, None
    headers = response.headers
    raw = headers.get("x-ratelimit-remaining")
    if raw is None:
        return None, None
    try:
        remaining = int(float(raw))
    except ValueError:
        return None, None
    try:
        used = int(float(headers.get("x-ratelimit-used-currentrequest", "1")))
    except ValueError:
        used = 1
    return remaining - max(used - 1, 0), None


def make_client(
    connector: deskmetrics.Connector, options: FreshdeskOptions
) -> deskmetrics.HttpClient:
    """The connection's client, on ``connector``'s runtime and the account's rate budget."""
    return connector.http_client(
        options.url,
        account=options.account,
        auth=(options.api_key.get_secret_value(), "X"),  # the key is the user name
        headers={"Accept": "application/json"},
        timeout=options.timeout,
        rate_headers=freshdesk_rate_headers,
    )


def pages(
    client: deskmetrics.HttpClient, path: str, params: dict[str, Any] | None
) -> Iterator[list[dict[str, Any]]]:
    """Every page of a list endpoint, following Link headers to the end.

    A Link naming another host than the account's is refused (``deskmetrics.next_link``): the
    API key never goes anywhere else.
    """
    for response in deskmetrics.link_pages(client, path, params):
        yield list_body(response, str(response.url))


def list_body(response: httpx.Response, url: str) -> list[dict[str, Any]]:
    """The JSON list a list endpoint answers (a ConnectorError when it is something else)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, list):
        path = urlsplit(url).path or url.split("?")[0]
        raise deskmetrics.ConnectorError(
            f"GET {path}: expected a JSON list, got "
            f"{type(body).__name__ if body is not None else 'no JSON'}"
        )
    return body

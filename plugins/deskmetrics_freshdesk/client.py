"""Talking to Freshdesk: the connection's HTTP client, its rate headers and Link pagination."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

import deskmetrics
from deskmetrics_freshdesk.options import FreshdeskOptions

_NEXT = re.compile(r"<\s*([^>]+?)\s*>\s*;\s*rel\s*=\s*\"?next\"?", re.IGNORECASE)


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


def make_client(options: FreshdeskOptions) -> deskmetrics.HttpClient:
    key = options.api_key.get_secret_value()
    return deskmetrics.HttpClient(
        options.url,
        auth=(key, "X"),  # Freshdesk: the key is the user name, the password is ignored
        headers={"Accept": "application/json"},
        timeout=options.timeout,
        # Looked up at call time so tests can hand in a budget that never really sleeps.
        budget=deskmetrics.budget_for(options.account),
        rate_headers=freshdesk_rate_headers,
        secrets=[key],
    )


def next_link(response: httpx.Response) -> str | None:
    """The path and query of the ``rel="next"`` Link, or None on the last page.

    Parsed leniently (the docs' sample has stray spaces). Only the path and query are kept: the
    request goes to the configured base URL, so a Link naming another host never receives the
    API key.
    """
    header = response.headers.get("link")
    if not header:
        return None
    match = _NEXT.search(header)
    if match is None:
        return None
    parts = urlsplit(match.group(1).strip())
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def pages(
    client: deskmetrics.HttpClient, path: str, params: dict[str, Any] | None
) -> Iterator[list[dict[str, Any]]]:
    """Every page of a list endpoint, following Link headers to the end."""
    url: str | None = path
    while url is not None:
        response = client.get(url, params=params)
        yield list_body(response, url)
        url, params = next_link(response), None


def list_body(response: httpx.Response, url: str) -> list[dict[str, Any]]:
    """The JSON list a list endpoint answers (a ConnectorError when it is something else)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, list):
        raise deskmetrics.ConnectorError(
            f"GET {url.split('?')[0]}: expected a JSON list, got "
            f"{type(body).__name__ if body is not None else 'no JSON'}"
        )
    return body

"""Signing requests in: OAuth bearer tokens that refresh themselves, or the legacy API token.

Refreshed tokens live in this object only. They are never written to the database or logged:
the next process starts again from what the config file provides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

import httpx

import deskmetrics
from deskmetrics_zendesk.options import ZendeskOptions

EXPIRY_MARGIN = 60.0
"""Refresh this many seconds before the announced expiry, so no request carries a dead token."""


class OAuthBearer(httpx.Auth):
    """Adds ``Authorization: Bearer``; gets a new token when it expires or a request gets 401.

    A new token comes from the refresh-token grant when a refresh token is configured, else from
    the client-credentials grant. A 401 triggers one refresh and one retry of the request; a
    second 401 is returned as is (the HTTP client then reports it).
    """

    requires_response_body = True

    def __init__(
        self,
        token_url: str,
        *,
        access_token: str | None,
        refresh_token: str | None,
        client_id: str | None,
        client_secret: str | None,
        on_new_token: Callable[[str], None] = lambda token: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.client_id = client_id
        self.client_secret = client_secret
        self.on_new_token = on_new_token
        self.clock = clock
        self.expires_at: float | None = None
        self.refreshes = 0

    @property
    def can_refresh(self) -> bool:
        return self.refresh_token is not None or (
            self.client_id is not None and self.client_secret is not None
        )

    def _expired(self) -> bool:
        return self.access_token is None or (
            self.expires_at is not None and self.clock() >= self.expires_at - EXPIRY_MARGIN
        )

    def _token_request(self) -> httpx.Request:
        body: dict[str, str] = {}
        if self.refresh_token is not None:
            body = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        else:
            body = {"grant_type": "client_credentials", "scope": "read"}
        if self.client_id is not None:
            body["client_id"] = self.client_id
        if self.client_secret is not None:
            body["client_secret"] = self.client_secret
        return httpx.Request("POST", self.token_url, json=body)

    def _take_token(self, response: httpx.Response) -> None:
        grant = "refresh-token" if self.refresh_token is not None else "client-credentials"
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code != 200 or not data.get("access_token"):
            # The body names the OAuth error (invalid_grant…); it carries no token to hide.
            error = data.get("error") or f"HTTP {response.status_code}"
            detail = data.get("error_description") or ""
            raise deskmetrics.ConnectorError(
                f"POST /oauth/tokens: the OAuth {grant} grant failed: {error}"
                + (f" ({detail})" if detail else "")
                + ". Zendesk rotates refresh tokens: each refresh invalidates the previous one, "
                "so a refresh token in the config works once; use client_id + client_secret "
                "(client-credentials grant) for unattended syncs, or issue a new token"
            )
        self.access_token = str(data["access_token"])
        self.on_new_token(self.access_token)
        if data.get("refresh_token"):
            self.refresh_token = str(data["refresh_token"])
            self.on_new_token(self.refresh_token)
        expires_in = data.get("expires_in")
        self.expires_at = self.clock() + float(expires_in) if expires_in else None
        self.refreshes += 1

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._expired() and self.can_refresh:
            self._take_token((yield self._token_request()))
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        response = yield request
        if response.status_code == 401 and self.can_refresh:
            self._take_token((yield self._token_request()))
            request.headers["Authorization"] = f"Bearer {self.access_token}"
            yield request


def build_auth(
    options: ZendeskOptions, *, on_new_token: Callable[[str], None] = lambda token: None
) -> httpx.Auth:
    """The auth the options ask for: OAuth (default) or email + API token (legacy)."""
    if not options.uses_oauth:
        assert options.email is not None and options.api_token is not None
        return httpx.BasicAuth(f"{options.email}/token", options.api_token.get_secret_value())

    def reveal(secret: deskmetrics.Secret | None) -> str | None:
        return None if secret is None else secret.get_secret_value()

    return OAuthBearer(
        f"{options.url}/oauth/tokens",
        access_token=reveal(options.access_token),
        refresh_token=reveal(options.refresh_token),
        client_id=options.client_id,
        client_secret=reveal(options.client_secret),
        on_new_token=on_new_token,
    )

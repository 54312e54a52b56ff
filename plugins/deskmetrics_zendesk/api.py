"""The Zendesk API as the connector uses it: one HTTP client, Zendesk-worded errors, pagination.

Errors name the endpoint and the permission it needs, never a credential (the HTTP client
scrubs every configured and every refreshed token from its messages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import deskmetrics
from deskmetrics_zendesk.auth import OAuthBearer, build_auth
from deskmetrics_zendesk.options import ZendeskOptions
from deskmetrics_zendesk.rate_headers import zendesk_rate_headers

INCREMENTAL = "incremental"
"""The rate-budget bucket of the incremental exports (10 requests a minute per account)."""

USERS = "users"
"""The bucket of the incremental user export, which has its own limit (20 requests a minute)."""
USERS_PER_MINUTE = 20

_NEEDS: tuple[tuple[str, str], ...] = (
    ("/api/v2/incremental/", "an admin user (incremental exports are admin-only)"),
    ("/api/v2/satisfaction_ratings", "an admin user and satisfaction ratings on the plan"),
    ("/api/v2/business_hours/", "an admin user and business hours on the plan"),
    ("/api/v2/", "an agent or admin user"),
)


def _needs(path: str) -> str:
    return next(need for prefix, need in _NEEDS if path.startswith(prefix))


class ZendeskApi:
    """``connector`` builds the HTTP client: its runtime decides clock, sleeps and transport."""

    def __init__(self, options: ZendeskOptions, connector: deskmetrics.Connector) -> None:
        self.options = options
        self.host = urlsplit(options.url).netloc
        self.auth = build_auth(options, on_new_token=self._hide)
        # Secret options are scrubbed by the connector's client; refreshed tokens by _hide.
        self.http = connector.http_client(
            options.url,
            account=options.account,
            auth=self.auth,
            headers={"Accept": "application/json"},
            timeout=options.timeout,
            rate_headers=zendesk_rate_headers,
        )
        self.http.budget.limit(INCREMENTAL, options.incremental_requests_per_minute)
        self.http.budget.limit(USERS, USERS_PER_MINUTE)

    rejected: deskmetrics.HttpError | None = None
    """The 401 that ended this connection's sign-in, if any."""

    def _hide(self, token: str) -> None:
        # Refreshed tokens are scrubbed from messages like the configured ones.
        self.http.hide(token)

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        bucket: str = "default",
        decode: Callable[[bytes], Any] | None = None,
    ) -> dict[str, Any]:
        """The JSON object at ``path``; ``decode`` as in ``deskmetrics.HttpClient.get_json``."""
        if self.rejected is not None:
            # Credentials Zendesk refused once are not tried again on every stream: repeated
            # failed sign-ins can get the account's API access throttled.
            raise self.rejected
        try:
            data = self.http.get_json(path, params=params, bucket=bucket, decode=decode)
        except deskmetrics.HttpError as exc:
            if exc.status in (401, 403, 404):
                error = deskmetrics.HttpError(
                    f"{self.host}: {exc}; {self._advice(exc.status, path)}",
                    status=exc.status,
                    endpoint=exc.endpoint,
                )
                if exc.status == 401:
                    self.rejected = error
                raise error from None
            raise
        if not isinstance(data, dict):
            raise deskmetrics.ConnectorError(f"{self.host}: GET {path}: expected a JSON object")
        return data

    def _advice(self, status: int | None, path: str) -> str:
        if status == 403:
            return f"this endpoint needs {_needs(path)}" + (
                " and an OAuth token with the read scope" if self.options.uses_oauth else ""
            )
        if status == 404:
            return f"check subdomain / base_url ({self.options.url})"
        if not self.options.uses_oauth:
            return (
                "check email and api_token (Zendesk switches all API tokens off on "
                "2027-04-30: move to OAuth)"
            )
        if isinstance(self.auth, OAuthBearer) and self.auth.can_refresh:
            return "a freshly issued OAuth token was rejected too: check the OAuth client"
        return (
            "the OAuth access token is invalid or expired; add refresh_token + client_id + "
            "client_secret (or client_id + client_secret) so deskmetrics can renew it"
        )

    def pages(
        self, path: str, key: str, params: dict[str, Any] | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The items of a cursor-paginated list endpoint (``page[size]``), a page at a time."""
        query = {**(params or {}), "page[size]": 100}
        while True:
            data = self.get(path, query)
            yield list(data.get(key) or [])
            meta = data.get("meta") or {}
            after = meta.get("after_cursor")
            if not meta.get("has_more") or not after:
                return
            query["page[after]"] = after

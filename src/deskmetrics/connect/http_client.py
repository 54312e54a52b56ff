"""The HTTP client connectors share: retries, exact Retry-After, a rate budget, clear errors.

One :class:`HttpClient` per connection. It retries 429 (waiting exactly ``Retry-After``), 5xx and
timeouts with tenacity; asks the account's :class:`~deskmetrics.RateBudget` before every request
and feeds it the rate-limit headers of every response; and turns 401, 403 and 404 into
:class:`HttpError` messages that name the endpoint and never contain a credential.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterable
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from deskmetrics.connect.rate_budget import RateBudget
from deskmetrics.errors import ConnectorError

RateHeaders = Callable[[httpx.Response], tuple[int | None, float | None]]
"""Reads (remaining requests, seconds until the window resets) from a response."""

DEFAULT_RETRY_AFTER = 60.0
"""Wait after a 429 without a usable Retry-After (Zendesk's edge protection sends none)."""

_EXPLAIN = {
    401: "the credentials were rejected (wrong or expired token, or wrong account)",
    403: "the credentials lack permission for this endpoint (role or plan)",
    404: "not found (check the account name or base_url)",
}


class HttpError(ConnectorError):
    """An HTTP request failed for good.

    ``status`` is the last HTTP status (None when no answer came: timeouts, network errors),
    ``timed_out`` whether the last attempt timed out, ``attempts`` how many requests were sent
    and ``endpoint`` the URL path, scrubbed of secrets.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        endpoint: str,
        timed_out: bool = False,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.endpoint = endpoint
        self.timed_out = timed_out
        self.attempts = attempts


class RequestTimeout(HttpError):
    """Every attempt timed out; a connector may retry with smaller pages."""


class _Retry(Exception):
    """One attempt failed in a way worth trying again; carries what the final error reports."""

    def __init__(
        self,
        reason: str,
        retry_after: float | None = None,
        *,
        status: int | None = None,
        timed_out: bool = False,
        rate_limited: bool = False,
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.status = status
        self.timed_out = timed_out
        self.rate_limited = rate_limited


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta seconds or HTTP date); None when unusable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None
        seconds = when - (time.time() if now is None else now)
    return seconds if seconds > 0 else None


def standard_rate_headers(response: httpx.Response) -> tuple[int | None, float | None]:
    """Remaining/reset from the common header spellings (X-RateLimit-*, RateLimit-*)."""
    headers = response.headers
    remaining = None
    for name in ("x-ratelimit-remaining", "x-rate-limit-remaining", "ratelimit-remaining"):
        if name in headers:
            try:
                remaining = int(float(headers[name]))
            except ValueError:
                continue
            break
    reset = None
    if "ratelimit-reset" in headers:
        try:
            reset = float(headers["ratelimit-reset"])
        except ValueError:
            reset = None
    return remaining, reset


class HttpClient:
    """A connection's HTTP client. ``requests`` counts requests sent, retries included."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: httpx.Auth | tuple[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
        retries: int = 5,
        rate_limited_retries: int = 30,
        budget: RateBudget | None = None,
        rate_headers: RateHeaders = standard_rate_headers,
        secrets: Iterable[str] = (),
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers={"User-Agent": "deskmetrics", **(headers or {})},
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
        )
        self.retries = retries
        self.rate_limited_retries = rate_limited_retries
        self.budget = budget or RateBudget(sleep=sleep)
        self.rate_headers = rate_headers
        self.secrets = [s for s in secrets if s]
        self.sleep = sleep or self.budget.sleep
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)

    def _wait(self, state: RetryCallState) -> float:
        assert state.outcome is not None
        error = state.outcome.exception()
        if isinstance(error, _Retry) and error.retry_after is not None:
            return error.retry_after
        return float(min(2 ** (state.attempt_number - 1), 60))

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        bucket: str = "default",
    ) -> httpx.Response:
        endpoint = self._scrub(url.split("?")[0])
        # A 429 is the server pacing us, not a failure: it does not use up the retries that
        # 5xx answers and timeouts get, only a separate, larger allowance.
        failed = {"errors": 0, "limited": 0}

        def give_up(state: RetryCallState) -> bool:
            assert state.outcome is not None
            error = state.outcome.exception()
            limited = isinstance(error, _Retry) and error.rate_limited
            failed["limited" if limited else "errors"] += 1
            return failed["errors"] > self.retries or failed["limited"] > self.rate_limited_retries

        retrying = Retrying(
            retry=retry_if_exception_type(_Retry),
            stop=give_up,
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, url, params, bucket, endpoint)
        except _Retry as exc:
            cls = RequestTimeout if exc.timed_out else HttpError
            attempts = failed["errors"] + failed["limited"]
            raise cls(
                f"{method} {endpoint}: gave up after {attempts} attempts ({exc})",
                status=exc.status,
                endpoint=endpoint,
                timed_out=exc.timed_out,
                attempts=attempts,
            ) from None

    def get(
        self, url: str, *, params: dict[str, Any] | None = None, bucket: str = "default"
    ) -> httpx.Response:
        return self.request("GET", url, params=params, bucket=bucket)

    def get_json(
        self, url: str, *, params: dict[str, Any] | None = None, bucket: str = "default"
    ) -> Any:
        response = self.get(url, params=params, bucket=bucket)
        try:
            return response.json()
        except ValueError:
            raise HttpError(
                f"GET {self._scrub(url.split('?')[0])}: the response is not JSON "
                f"({response.headers.get('content-type', 'no content type')})",
                status=response.status_code,
                endpoint=url,
            ) from None

    def _attempt(
        self,
        method: str,
        url: str,
        params: dict[str, Any] | None,
        bucket: str,
        endpoint: str,
    ) -> httpx.Response:
        self.budget.acquire(bucket)
        self.requests += 1
        try:
            response = self.client.request(method, url, params=params)
        except httpx.TimeoutException:
            raise _Retry("timed out", timed_out=True) from None
        except httpx.TransportError as exc:
            raise _Retry(f"network error: {type(exc).__name__}") from None
        status = response.status_code
        if status != 429:
            # A 429's own Retry-After is the authority on when to go on, not its remainder.
            remaining, reset = self.rate_headers(response)
            self.budget.observe(bucket, remaining=remaining, reset_after=reset)
        if status == 429:
            wait = retry_after_seconds(response.headers.get("retry-after"))
            wait = DEFAULT_RETRY_AFTER if wait is None else wait
            # The pause holds every request of this account's bucket, this retry included, so
            # the retry itself does not wait again.
            self.budget.pause(bucket, wait)
            raise _Retry("429 Too Many Requests", retry_after=0.0, status=429, rate_limited=True)
        if status >= 500:
            raise _Retry(
                f"{status} {response.reason_phrase}",
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
                status=status,
            )
        if status >= 400:
            reason = _EXPLAIN.get(status) or self._scrub(response.text[:200].strip())
            raise HttpError(
                f"{method} {endpoint}: {status} {response.reason_phrase}: {reason}",
                status=status,
                endpoint=endpoint,
            )
        return response

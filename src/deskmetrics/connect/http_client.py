"""The HTTP client connectors share: retries, exact Retry-After, a rate budget, clear errors.

One :class:`HttpClient` per connection. It retries 429 (waiting exactly ``Retry-After``), 5xx and
timeouts with tenacity; asks the account's :class:`~deskmetrics.RateBudget` before every request
and feeds it the rate-limit headers of every response; and turns 401, 403 and 404 into
:class:`HttpError` messages that name the endpoint and never contain a credential.

A failing helpdesk fails fast: retries of one request stop at its ``deadline`` (429 pauses
extend it, they are the server's pacing), failures in a row stop at twice that, and once the host
proves dead (no answer, or only errors, before anything succeeded) or the credentials are
refused (401), the client sends nothing more and says why (``down``).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from deskmetrics.connect.plain_transport import plain_transport
from deskmetrics.connect.rate_budget import RateBudget
from deskmetrics.connect.secrets import credential_forms, header_forms, scrub, secret_forms
from deskmetrics.errors import ConnectorError

RateHeaders = Callable[[httpx.Response], tuple[int | None, float | None]]
"""Reads (remaining requests, seconds until the window resets) from a response."""

DEFAULT_RETRY_AFTER = 60.0
"""Wait after a 429 without a usable Retry-After (Zendesk's edge protection sends none)."""

CHECK_TIMEOUT = 10.0
"""At most this many seconds for the one attempt of a ``check`` (see ``one_attempt``)."""

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
        clock: Callable[[], float] | None = None,
        deadline: float | None = None,
    ) -> None:
        self.client = httpx.Client(
            base_url=base_url,
            auth=auth,
            headers={"User-Agent": "deskmetrics", **(headers or {})},
            timeout=timeout,
            # http.client underneath: a quarter of httpcore's CPU per response (plain_transport).
            transport=transport if transport is not None else plain_transport(),
            follow_redirects=True,
        )
        self.retries = retries
        self.rate_limited_retries = rate_limited_retries
        self.budget = budget or RateBudget(sleep=sleep)
        self.rate_headers = rate_headers
        self.secrets = [s for s in secrets if s]
        self.secrets += _auth_forms(auth)
        self.sleep = sleep or self.budget.sleep
        self.clock = clock or self.budget.clock
        self.timeout = timeout
        self.deadline = max(3 * timeout, 10.0) if deadline is None else deadline
        """Seconds one request may spend on failed attempts and the waits between them."""
        self.one_attempt = False
        """True while a ``check`` runs: one attempt, of at most CHECK_TIMEOUT seconds."""
        self.host = urlsplit(base_url).netloc or base_url
        self.requests = 0
        self.answered = False
        """Whether any request got a successful answer (the host and credentials work)."""
        self.down: str | None = None
        """Why nothing more is sent: the host is unreachable or refused the credentials."""
        self._failing_since: float | None = None

    def close(self) -> None:
        self.client.close()

    def _scrub(self, text: str) -> str:
        return scrub(text, self.secrets)

    def hide(self, secret: str) -> None:
        """Scrub ``secret`` (in every form) from this client's messages from now on."""
        self.secrets += secret_forms(secret)

    def _learn_credentials(self, request: httpx.Request | None) -> None:
        # What the auth actually sent, whatever the scheme (a refreshed bearer token too).
        value = request.headers.get("authorization") if request is not None else None
        if value and value not in self.secrets:
            self.secrets += header_forms(value)

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
        if self.down is not None:
            raise HttpError(
                f"{method} {endpoint}: not sent: {self.down}",
                status=None,
                endpoint=endpoint,
                attempts=0,
            )
        # A 429 is the server pacing us, not a failure: it does not use up the retries that
        # 5xx answers and timeouts get, only a separate, larger allowance.
        failed = {"errors": 0, "limited": 0}
        retries = 0 if self.one_attempt else self.retries
        started = self.clock()
        allowed = min(self.timeout, CHECK_TIMEOUT) if self.one_attempt else self.deadline
        # One per request (a list, so that a 429 can move it): threads share the client.
        deadline = [started + allowed]

        def give_up(state: RetryCallState) -> bool:
            assert state.outcome is not None
            error = state.outcome.exception()
            limited = isinstance(error, _Retry) and error.rate_limited
            failed["limited" if limited else "errors"] += 1
            if failed["errors"] > retries or failed["limited"] > self.rate_limited_retries:
                return True
            return not limited and self._out_of_time(self._wait(state), deadline[0])

        retrying = Retrying(
            retry=retry_if_exception_type(_Retry),
            stop=give_up,
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, method, url, params, bucket, endpoint, deadline)
        except _Retry as exc:
            cls = RequestTimeout if exc.timed_out else HttpError
            attempts = failed["errors"] + failed["limited"]
            plural = "" if attempts == 1 else "s"
            seconds = f"over {self.clock() - started:.1f} s"
            tried = f"{attempts} attempt{plural} {seconds}"
            if not self.answered and not exc.rate_limited:
                # Nothing has worked yet: the other endpoints would fail the same way.
                what = "answered only errors" if exc.status else "did not answer"
                self.down = f"{self.host} {what} ({exc}; {tried})"
            raise cls(
                f"{method} {endpoint}: gave up after {attempts} attempt{plural} ({exc}) {seconds}",
                status=exc.status,
                endpoint=endpoint,
                timed_out=exc.timed_out,
                attempts=attempts,
            ) from None

    def _out_of_time(self, wait: float, deadline: float) -> bool:
        """Whether another attempt after ``wait`` would start past the request's deadline, or
        past twice that since the failures in a row began (a stream failing request after
        request)."""
        start = self.clock() + wait
        streak = self._failing_since is not None and start - self._failing_since > 2 * self.deadline
        return start >= deadline or streak

    def get(
        self, url: str, *, params: dict[str, Any] | None = None, bucket: str = "default"
    ) -> httpx.Response:
        return self.request("GET", url, params=params, bucket=bucket)

    def get_json(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        bucket: str = "default",
        decode: Callable[[bytes], Any] | None = None,
    ) -> Any:
        """The response's JSON. ``decode`` (the body's bytes → a value) may decode it faster
        into the shape a connector needs; when it raises ValueError the body is decoded whole,
        as without it."""
        response = self.get(url, params=params, bucket=bucket)
        if decode is not None:
            try:
                return decode(response.content)
            except ValueError:
                pass  # not the expected shape: the plain decoding below decides
        try:
            return _decode_json(response)
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
        deadline: list[float],
    ) -> httpx.Response:
        self.budget.acquire(bucket)
        self.requests += 1
        began = self.clock()
        # An attempt does not run past the request's deadline either (a timeout of 60 s would).
        timeout = max(min(self.timeout, deadline[0] - began), 0.1)
        try:
            response = self.client.request(method, url, params=params, timeout=timeout)
        except httpx.TimeoutException as exc:
            self._failed(began, _request_of(exc))
            raise _Retry("timed out", timed_out=True) from None
        except httpx.TransportError as exc:
            self._failed(began, _request_of(exc))
            raise _Retry(f"network error: {type(exc).__name__}") from None
        self._learn_credentials(response.request)
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
            deadline[0] += wait
            raise _Retry("429 Too Many Requests", retry_after=0.0, status=429, rate_limited=True)
        if status >= 500:
            self._failed(began, None)
            raise _Retry(
                f"{status} {response.reason_phrase}",
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
                status=status,
            )
        if status >= 400:
            # Scrubbed before it is cut: a cut through a secret would leave its start readable.
            reason = _EXPLAIN.get(status) or self._scrub(response.text).strip()[:200]
            # 401 only: a 403 is about one endpoint (a role or plan), others may still work.
            if status == 401:
                refused = f"{status} {response.reason_phrase}"
                self.down = f"{self.host} refused the credentials ({refused})"
            raise HttpError(
                f"{method} {endpoint}: {status} {response.reason_phrase}: {reason}",
                status=status,
                endpoint=endpoint,
            )
        self.answered = True
        self._failing_since = None
        return response

    def _failed(self, began: float, request: httpx.Request | None) -> None:
        if request is not None:
            self._learn_credentials(request)
        if self._failing_since is None:
            self._failing_since = began


def _request_of(exc: httpx.TransportError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # raised when the error carries no request
        return None


def _auth_forms(auth: httpx.Auth | tuple[str, str] | None) -> list[str]:
    """The forms of HTTP Basic credentials (``user:password`` and its base64), known before any
    request is sent."""
    if isinstance(auth, tuple):
        user, password = auth
        return credential_forms(f"{user}:{password}")
    if isinstance(auth, httpx.BasicAuth):
        request = next(auth.sync_auth_flow(httpx.Request("GET", "http://localhost/")))
        return header_forms(request.headers["authorization"])
    return []


def _decode_json(response: httpx.Response) -> Any:
    """The response's JSON: orjson on the UTF-8 bytes (a Zendesk export page of 1,000 tickets
    decodes in 40 % less time than with the standard library); anything orjson refuses (another
    charset, NaN) goes through httpx's own decoding, as before."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return response.json()

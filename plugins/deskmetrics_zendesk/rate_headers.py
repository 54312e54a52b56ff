"""Reading Zendesk's rate-limit headers into what the shared rate budget understands."""

from __future__ import annotations

import httpx

_COUNT_HEADERS = ("x-rate-limit-remaining", "ratelimit-remaining")


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def _endpoint_limit(value: str) -> tuple[float | None, float | None]:
    """``total=100; remaining=99; resets=41`` → (remaining, resets)."""
    parts: dict[str, str] = {}
    for item in value.split(";"):
        key, _, number = item.partition("=")
        parts[key.strip().lower()] = number
    remaining = _number(parts["remaining"]) if "remaining" in parts else None
    resets = _number(parts["resets"]) if "resets" in parts else None
    return remaining, resets


def zendesk_rate_headers(response: httpx.Response) -> tuple[int | None, float | None]:
    """(requests left, seconds until the window resets) from a Zendesk response.

    Zendesk sends the account limit (``X-Rate-Limit-Remaining``), the ticketing list limit
    (``ratelimit-remaining`` / ``ratelimit-reset``) and endpoint limits such as
    ``zendesk-ratelimit-tickets-index: total=100; remaining=99; resets=41``. The tightest one
    decides, so no limit is tripped; its reset goes with it (None when that header has none).
    """
    headers = response.headers
    candidates: list[tuple[float, float | None]] = []
    for name in _COUNT_HEADERS:
        if name in headers:
            remaining = _number(headers[name])
            if remaining is not None:
                reset = None
                if name == "ratelimit-remaining" and "ratelimit-reset" in headers:
                    reset = _number(headers["ratelimit-reset"])
                candidates.append((remaining, reset))
    for name, value in headers.items():
        if name.lower().startswith("zendesk-ratelimit-"):
            remaining, resets = _endpoint_limit(value)
            if remaining is not None:
                candidates.append((remaining, resets))
    if not candidates:
        return None, None
    remaining, reset = min(candidates, key=lambda item: item[0])
    return int(remaining), reset

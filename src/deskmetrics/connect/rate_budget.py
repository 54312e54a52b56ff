"""A request budget per helpdesk account, so syncs never trip the vendor's rate limits.

Limits are account-wide (Zendesk's incremental exports allow 10 requests a minute for the whole
account), so every connection and stream talking to one account shares one budget, found with
:func:`budget_for`. A budget has named buckets, each with an optional fixed per-minute cap (a
sliding window) and whatever the server last said through its rate-limit headers.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WINDOW = 60.0
MARGIN = 1.0
"""Seconds past the window before a slot counts as free again. A server counting in a sliding
window that includes both ends (or seeing the requests a little later or earlier than they
were sent) would otherwise count the request sent exactly 60 s ago, and refuse a burst at the
window's edge (issue #13.6)."""


@dataclass
class _Bucket:
    per_minute: int | None = None
    sent: deque[float] = field(default_factory=deque)
    remaining: int | None = None
    resume_at: float = 0.0


class RateBudget:
    """Blocks before a request when its bucket's budget is spent; learns from response headers.

    ``clock`` and ``sleep`` are injectable: tests and benchmarks pass a fake clock or a sleep that
    does not wait.
    """

    def __init__(
        self,
        *,
        reserve: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.reserve = reserve
        self.clock = clock
        self.sleep = sleep or _sleep
        self.slept = 0.0
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def limit(self, bucket: str, per_minute: int | None) -> None:
        """Cap ``bucket`` at ``per_minute`` requests in any 60-second window."""
        with self._lock:
            self._buckets.setdefault(bucket, _Bucket()).per_minute = per_minute

    def acquire(self, bucket: str = "default") -> None:
        """Wait until a request in ``bucket`` may be sent, and count it as sent then."""
        with self._lock:
            state = self._buckets.setdefault(bucket, _Bucket())
            now = self.clock()
            while state.sent and state.sent[0] <= now - WINDOW - MARGIN:
                state.sent.popleft()
            wait = max(state.resume_at - now, 0.0)
            if state.per_minute is not None and len(state.sent) >= state.per_minute:
                wait = max(wait, state.sent[-state.per_minute] + WINDOW + MARGIN - now)
            # The slot is reserved at the planned time under the lock, so concurrent callers
            # queue behind each other instead of all waking at once.
            state.sent.append(now + wait)
            if state.remaining is not None:
                state.remaining -= 1
        if wait > 0:
            self.slept += wait
            self.sleep(wait)

    def observe(
        self, bucket: str, *, remaining: int | None, reset_after: float | None = None
    ) -> None:
        """Record the server's view: ``remaining`` requests left, window resetting in seconds.

        When the remainder falls to the reserve, the bucket pauses until the reset (or a full
        window when the server does not say), so the next request does not earn a 429.
        """
        with self._lock:
            state = self._buckets.setdefault(bucket, _Bucket())
            state.remaining = remaining
            if remaining is not None and remaining <= self.reserve:
                pause = reset_after if reset_after is not None else WINDOW
                state.resume_at = max(state.resume_at, self.clock() + pause)

    def pause(self, bucket: str, seconds: float) -> None:
        """Hold every request of ``bucket`` for ``seconds`` (after a 429's Retry-After)."""
        with self._lock:
            state = self._buckets.setdefault(bucket, _Bucket())
            state.resume_at = max(state.resume_at, self.clock() + seconds)


def _sleep(seconds: float) -> None:
    # Looked up at call time, so tests can patch time.sleep (the conformance suite does).
    time.sleep(seconds)


_budgets: dict[str, RateBudget] = {}
_budgets_lock = threading.Lock()


def budget_for(account: str) -> RateBudget:
    """The process-wide budget of one account (e.g. ``"zendesk:acme"``)."""
    with _budgets_lock:
        return _budgets.setdefault(account, RateBudget())

"""What a connector takes from its surroundings: the clock, sleeping, the transport, budgets.

One :class:`Runtime` per connector, handed in at construction (``Connector(..., runtime=...)``) or
set before the first request. Production uses the defaults: the wall clock, real sleeps, the
network and the process-wide :func:`~deskmetrics.budget_for` budgets. Tests and benchmarks pass
a :class:`deskmetrics.testing.FakeClock` and a local transport instead of patching modules.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from deskmetrics.connect.rate_budget import RateBudget


@dataclass
class Runtime:
    """The clock, sleep, transport and rate budgets every request of a connector goes through.

    ``clock`` returns epoch seconds. With a ``clock`` given, each account gets a budget of its
    own on that clock (shared by connectors holding this runtime); without one, the process-wide
    budget of the account, on the monotonic clock.
    """

    clock: Callable[[], float] | None = None
    sleep: Callable[[float], None] | None = None
    transport: httpx.BaseTransport | None = None
    _budgets: dict[str, RateBudget] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> float:
        """Epoch seconds by this runtime's clock."""
        return time.time() if self.clock is None else self.clock()

    def budget(self, account: str) -> RateBudget:
        """The rate budget of ``account`` (e.g. ``"zendesk:acme"``) in this runtime."""
        from deskmetrics.connect.rate_budget import RateBudget, budget_for

        if self.clock is None and self.sleep is None:
            return budget_for(account)
        with self._lock:
            if account not in self._budgets:
                clock = self.clock or time.monotonic
                self._budgets[account] = RateBudget(clock=clock, sleep=self.sleep)
            return self._budgets[account]

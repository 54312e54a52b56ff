"""A clock for tests: time moves only when the code under test sleeps, and every sleep is kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from deskmetrics.connect.runtime import Runtime

if TYPE_CHECKING:
    import httpx


class FakeClock:
    """``clock()`` reads ``now``; ``sleep(s)`` records ``s`` in ``sleeps`` and moves ``now``.

    ``runtime()`` gives a :class:`deskmetrics.Runtime` on this clock, for a connector::

        clock = FakeClock()
        connector = MyConnector(options, connection="t", runtime=clock.runtime())
        ...
        assert clock.sleeps == [7.0]
    """

    START = 1_800_000_000.0
    """2027-01-15T08:00:00Z: epoch seconds, so a connector's wall-clock needs make sense."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []
        self._runtimes: dict[int, Runtime] = {}

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def slept(self) -> float:
        return sum(self.sleeps)

    def runtime(self, transport: httpx.BaseTransport | None = None) -> Runtime:
        """A runtime on this clock, sending through ``transport`` when given.

        The same one for the same transport, so connectors built from one clock share their
        accounts' rate budgets, as connections of one process do.
        """
        key = id(transport)
        if key not in self._runtimes:
            self._runtimes[key] = Runtime(clock=self.clock, sleep=self.sleep, transport=transport)
        return self._runtimes[key]

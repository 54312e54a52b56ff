"""A clock for tests: time moves only when the code under test sleeps, and every sleep is kept."""

from __future__ import annotations

from deskmetrics.connect.runtime import Runtime


class FakeClock:
    """``clock()`` reads ``now``; ``sleep(s)`` records ``s`` in ``sleeps`` and moves ``now``.

    ``runtime()`` gives a :class:`deskmetrics.Runtime` on this clock, for a connector::

        clock = FakeClock()
        connector = MyConnector(options, connection="t", runtime=clock.runtime())
        ...
        assert clock.sleeps == [7.0]
    """

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    @property
    def slept(self) -> float:
        return sum(self.sleeps)

    def runtime(self, **settings: object) -> Runtime:
        """A runtime on this clock; ``settings`` (e.g. ``transport``) are passed on."""
        return Runtime(clock=self.clock, sleep=self.sleep, **settings)  # type: ignore[arg-type]

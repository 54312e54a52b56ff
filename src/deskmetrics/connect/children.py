"""Fetching the children of listed items (a ticket's conversations) a few at a time.

The requests still go one by one through the connection's HTTP client, so each waits for the
account's rate budget: concurrency hides latency, it never sends faster than the budget allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ChildFetches(Generic[K, V]):
    """At most ``concurrency`` ``fetch(key)`` calls at once; results keep the keys' order.

    Use as a context manager around a whole stream, so its threads serve every page::

        with deskmetrics.ChildFetches(conversations_of, concurrency=4) as children:
            for page in pages:
                for ticket, items in children.fetch([row["id"] for row in page]):
                    ...
    """

    def __init__(self, fetch: Callable[[K], V], *, concurrency: int, name: str = "children"):
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency}")
        self._fetch = fetch
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix=name)

    def fetch(self, keys: Iterable[K]) -> list[tuple[K, V]]:
        """``(key, fetch(key))`` for every key; the first error raised is raised here."""
        wanted = list(keys)
        return list(zip(wanted, self._pool.map(self._fetch, wanted), strict=True))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ChildFetches[K, V]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

"""Reading the next page while the current one is mapped and stored: one page ahead, no more.

A cursor stream's next request is known as soon as a page is decoded, yet a plain loop waits for
the helpdesk's answer only after the engine has stored the page before it. :func:`prefetched`
runs the page iterator in a background thread, one item ahead of its consumer: while the sync
maps and stores page N, page N+1 is being requested and decoded.

What stays as it was:

- order: items come in the iterator's order, each once;
- requests still go one by one through the connection's HTTP client (its retries, Retry-After
  and the account's rate budget); nothing is sent faster, only sooner;
- state: the consumer yields a page's state with the page's records, so the engine commits them
  together; a page fetched ahead is never stored before the consumer reaches it, and a sync
  killed meanwhile loses nothing: the next run asks for that page again;
- errors: an exception raised while fetching page N+1 is raised when the consumer asks for it,
  after page N was stored;
- memory: at most the page being processed and the one fetched ahead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class _Ahead(Generic[T]):
    """One ``next(items)`` run in a worker thread: its item, the end, or its exception."""

    def __init__(self, items: Iterator[T], name: str) -> None:
        self._done = threading.Event()
        self._items: list[T] = []
        self.ended = False
        self._error: BaseException | None = None
        threading.Thread(target=self._fill, args=(items,), name=name, daemon=True).start()

    def _fill(self, items: Iterator[T]) -> None:
        try:
            self._items.append(next(items))
        except StopIteration:
            self.ended = True
        except BaseException as exc:  # handed to the consumer, whatever it is
            self._error = exc
        finally:
            self._done.set()

    def wait(self) -> None:
        self._done.wait()

    def take(self) -> T:
        """The item; re-raises in the consumer what the worker raised."""
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._items.pop()


def prefetched(items: Iterator[T], *, name: str = "prefetch") -> Iterator[T]:
    """``items``, each produced in a background thread while the previous one is consumed.

    The first item is requested when the consumer first asks; each later one as soon as the
    one before it was handed out. The threads are daemons: a consumer that stops early (an
    error, Ctrl-C) does not wait for a request in flight, whose answer is dropped.
    """
    current = _Ahead(items, name)
    while True:
        current.wait()
        if current.ended:
            return
        taken = [current.take()]  # or the worker's exception, raised here
        current = _Ahead(items, name)  # the next fetch runs while this item is consumed
        # Popped, not held in a local while suspended: a consumer that drops a page frees it.
        yield taken.pop()

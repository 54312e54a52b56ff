"""deskmetrics.prefetched: the next page is produced while the current one is consumed."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics.testing import FakeClock


class Pages:
    """Pages 1..count; records which thread produced each and how far production got."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.produced = 0
        self.threads: set[str] = set()

    def __iter__(self) -> Iterator[int]:
        for number in range(1, self.count + 1):
            if number == self.fail_at:
                raise deskmetrics.ConnectorError(f"page {number} failed")
            self.produced = number
            self.threads.add(threading.current_thread().name)
            yield number


def test_items_come_in_order_each_once_from_a_background_thread() -> None:
    pages = Pages(5)
    assert list(deskmetrics.prefetched(iter(pages), name="pages")) == [1, 2, 3, 4, 5]
    assert pages.threads == {"pages"}


def test_the_next_item_is_produced_while_the_current_one_is_consumed_and_no_further() -> None:
    pages = Pages(4)
    seen = []
    for item in deskmetrics.prefetched(iter(pages)):
        # Give the worker every chance to run ahead: it must stop one item ahead.
        for _ in range(50):
            if pages.produced > item:
                break
            threading.Event().wait(0.01)
        seen.append((item, pages.produced))
    assert seen == [(1, 2), (2, 3), (3, 4), (4, 4)]


def test_an_error_producing_an_item_is_raised_where_that_item_would_have_come() -> None:
    pages = Pages(5, fail_at=3)
    got = []
    with pytest.raises(deskmetrics.ConnectorError, match="page 3 failed"):
        for item in deskmetrics.prefetched(iter(pages)):
            got.append(item)
    assert got == [1, 2]


def test_an_empty_iterator_yields_nothing() -> None:
    assert list(deskmetrics.prefetched(iter(()))) == []


def test_a_consumer_that_stops_early_does_not_wait_for_the_item_in_flight() -> None:
    release = threading.Event()

    def slow() -> Iterator[int]:
        yield 1
        release.wait(5)  # the second item takes long: closing must not wait for it
        yield 2

    items = deskmetrics.prefetched(slow())
    assert next(items) == 1
    items.close()  # returns at once although the worker is still producing item 2
    assert not release.is_set()
    release.set()


@respx.mock
def test_link_pages_request_the_next_page_while_the_current_one_is_handled() -> None:
    base = "https://acme.example.com"
    respx.get(f"{base}/items", params={"per_page": "2"}).mock(
        return_value=httpx.Response(
            200, json=[1, 2], headers={"Link": f'<{base}/items?page=2>; rel="next"'}
        )
    )
    second = respx.get(f"{base}/items", params={"page": "2"}).mock(
        return_value=httpx.Response(200, json=[3])
    )
    clock = FakeClock()
    budget = deskmetrics.RateBudget(clock=clock.clock, sleep=clock.sleep)
    client = deskmetrics.HttpClient(base, budget=budget, retries=0)
    pages = deskmetrics.link_pages(client, "/items", {"per_page": 2})
    assert next(pages).json() == [1, 2]
    for _ in range(500):  # the second request goes out before the consumer asks for it
        if second.call_count:
            break
        threading.Event().wait(0.01)
    assert second.call_count == 1
    assert [page.json() for page in pages] == [[3]]
    assert client.requests == 2


def test_an_item_the_consumer_drops_is_freed_before_the_next_one_is_taken() -> None:
    class Page:
        pass

    alive: list[weakref.ref[Page]] = []

    def pages() -> Iterator[Page]:
        for _ in range(3):
            page = Page()
            alive.append(weakref.ref(page))
            yield page
            del page

    items = deskmetrics.prefetched(pages())
    page: Page | None = next(items)
    del page
    gc.collect()
    # Only the page fetched ahead is alive; the first one went with the consumer's reference.
    for _ in range(500):
        if len(alive) == 2:
            break
        threading.Event().wait(0.01)
    assert [ref() is None for ref in alive] == [True, False]
    assert len(list(items)) == 2

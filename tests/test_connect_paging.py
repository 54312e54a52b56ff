"""Link-header paging through httpx's Response.links, never to another host."""

from __future__ import annotations

import httpx
import pytest
import respx

import deskmetrics
from deskmetrics.testing import FakeClock

BASE = "https://acme.example.com"


def client() -> deskmetrics.HttpClient:
    clock = FakeClock()
    budget = deskmetrics.RateBudget(clock=clock.clock, sleep=clock.sleep)
    return deskmetrics.HttpClient(BASE, budget=budget, retries=0)


@respx.mock
def test_link_pages_follow_next_links_to_the_last_page() -> None:
    first = respx.get(f"{BASE}/items", params={"per_page": "2"}).mock(
        return_value=httpx.Response(
            200, json=[1, 2], headers={"Link": f'<{BASE}/items?page=2>; rel="next"'}
        )
    )
    second = respx.get(f"{BASE}/items", params={"page": "2"}).mock(
        return_value=httpx.Response(
            200,
            json=[3],
            headers={"Link": f'<{BASE}/items?page=1>; rel="prev", </items?page=3>; rel="next"'},
        )
    )
    third = respx.get(f"{BASE}/items", params={"page": "3"}).mock(
        return_value=httpx.Response(200, json=[])
    )
    bodies = [r.json() for r in deskmetrics.link_pages(client(), "/items", {"per_page": 2})]
    assert bodies == [[1, 2], [3], []]
    assert (first.call_count, second.call_count, third.call_count) == (1, 1, 1)


@respx.mock
def test_a_next_link_to_another_host_is_refused_before_any_request() -> None:
    elsewhere = respx.get("https://collector.example.net/items").mock(
        return_value=httpx.Response(200, json=[])
    )
    respx.get(f"{BASE}/items").mock(
        return_value=httpx.Response(
            200,
            json=[1],
            headers={"Link": '<https://collector.example.net/items?page=2>; rel="next"'},
        )
    )
    pages = deskmetrics.link_pages(client(), "/items")
    assert next(pages).json() == [1]
    with pytest.raises(deskmetrics.ConnectorError, match=r"another host \(collector.example.net\)"):
        next(pages)
    assert elsewhere.call_count == 0


def test_another_port_is_another_host() -> None:
    request = httpx.Request("GET", "http://127.0.0.1:8000/items")
    answer = httpx.Response(
        200, headers={"Link": '<http://127.0.0.1:9000/items?page=2>; rel="next"'}, request=request
    )
    with pytest.raises(deskmetrics.ConnectorError, match="another host"):
        deskmetrics.next_link(answer)

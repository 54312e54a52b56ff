"""Link-header paging: follow ``rel="next"`` through httpx's own ``Response.links``.

Each next page is requested while the consumer handles the one before it
(:func:`~deskmetrics.connect.prefetch.prefetched`: one page ahead, in order, errors raised where
the page would have come).

A next link is followed only to the host the listing started on: the request carries the
account's credentials, which a link naming another host must never receive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from deskmetrics.connect.prefetch import prefetched
from deskmetrics.errors import ConnectorError

if TYPE_CHECKING:
    import httpx

    from deskmetrics.connect.http_client import HttpClient


def next_link(response: httpx.Response) -> str | None:
    """The absolute URL of the ``rel="next"`` link, None on the last page.

    Refuses (ConnectorError) a link to a host other than the one ``response`` came from.
    """
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    target = response.url.join(link)
    if target.host != response.url.host or target.port != response.url.port:
        raise ConnectorError(
            f"GET {response.url.path}: the next-page link points to another host "
            f"({target.host}); not following it with this account's credentials"
        )
    return str(target)


def link_pages(
    client: HttpClient,
    path: str,
    params: dict[str, Any] | None = None,
    *,
    bucket: str = "default",
) -> Iterator[httpx.Response]:
    """Every response of a listing, from ``path`` through each next link to the last page."""
    return prefetched(_link_pages(client, path, params, bucket), name=f"pages {path}")


def _link_pages(
    client: HttpClient, path: str, params: dict[str, Any] | None, bucket: str
) -> Iterator[httpx.Response]:
    url: str | None = path
    while url is not None:
        response = client.get(url, params=params, bucket=bucket)
        yield response
        url, params = next_link(response), None

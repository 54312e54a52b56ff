"""Paging of Zendesk's time-based incremental exports (metric events, organizations).

A page answers ``start_time`` with its items, ``end_time`` (the newest item's time) and
``end_of_stream``. The next page starts at ``end_time``, which is inclusive: items of that second
come again and are upserted by id, never skipped. ``next_page`` is present even at the end of
the stream, so only ``end_of_stream`` ends the loop (a client following ``next_page`` loops
forever, zenpy #451).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import deskmetrics

Page = dict[str, Any]


def time_pages(
    fetch: Callable[[int], Page], start: int, key: str, *, export: str, host: str
) -> Iterator[tuple[list[dict[str, Any]], int]]:
    """``(items, next start_time)`` per page; ``export`` names the export in errors."""
    while True:
        page = fetch(start)
        items = list(page.get(key) or [])
        end_time = page.get("end_time")
        following = end_time if isinstance(end_time, int) else start
        if following < start:
            raise deskmetrics.ConnectorError(
                f"{host}: the {export} went back in time (end_time {following} < "
                f"start_time {start}); the saved cursor is kept"
            )
        yield items, following
        if page.get("end_of_stream") is True:
            return
        if "end_of_stream" not in page and (not items or not page.get("next_page")):
            return  # an answer without end_of_stream: stop at the first empty or last page
        if following == start:
            if not items or "end_of_stream" not in page:
                # Nothing newer than the boundary second. An answer without end_of_stream (the
                # documented metric-event example) repeats its boundary items: they are
                # upserted, and the export ends here instead of failing the connection.
                return
            raise deskmetrics.ConnectorError(
                f"{host}: the {export} did not advance past start_time {start}; "
                f"stopping instead of looping"
            )
        start = following

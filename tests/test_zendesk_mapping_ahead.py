"""The tickets stream maps the next page in the fetching thread while this one is stored."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from deskmetrics import Store
from deskmetrics.sync.engine import sync_stream
from deskmetrics.testing import FakeClock
from deskmetrics.testing.fake_server import FakeServer
from zendesk_fake import FakeAccount, ZendeskHandler
from zendesk_fake.testkit import connector, table


def test_page_two_is_mapped_off_the_main_thread_before_page_one_is_stored(
    tmp_path: Path,
) -> None:
    events: list[tuple[str, int, bool]] = []
    second_mapped = threading.Event()
    overlapped: list[bool] = []
    with FakeServer(ZendeskHandler(FakeAccount(300))) as server:
        zendesk = connector(
            FakeClock(), base_url=server.url, access_token="good-token", per_page=100
        )
        map_page = zendesk._ticket_records

        def mapped(page: dict[str, Any], mapper: Any) -> Any:
            result = map_page(page, mapper)
            on_main = threading.current_thread() is threading.main_thread()
            events.append(("mapped", len(page["tickets"]), on_main))
            if len(events) >= 2:
                second_mapped.set()
            return result

        zendesk._ticket_records = mapped  # type: ignore[method-assign]
        with Store(tmp_path / "ahead.db") as store:
            store_write = store.write

            def write(*args: Any, **kwargs: Any) -> Any:
                if not overlapped:
                    # Storing page one waits here: page two gets mapped meanwhile, or never.
                    overlapped.append(second_mapped.wait(timeout=10))
                return store_write(*args, **kwargs)

            store.write = write  # type: ignore[method-assign]
            assert sync_stream(store, zendesk, "tickets").status == "succeeded"
        zendesk.close()
    assert overlapped == [True]
    assert events == [("mapped", 100, False)] * 3  # in the fetching thread, page by page
    assert len(table(tmp_path / "ahead.db", "tickets")) == 300

"""The pytest plugin installed with deskmetrics (entry point ``pytest11``): fixtures for tests.

- ``deskmetrics_store``: an empty store in the test's temporary directory.
- ``fake_clock``: a :class:`~deskmetrics.testing.FakeClock`; build connectors with
  ``runtime=fake_clock.runtime()`` and their rate-limit waits are recorded, not slept.
- ``fake_server``: start a :class:`~deskmetrics.testing.FakeServer` for a handler; stopped after
  the test: ``server = fake_server(handle)``.

The conformance suite is a base class: ``from deskmetrics.testing import ConnectorConformance``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from deskmetrics.store import Store
from deskmetrics.testing.clock import FakeClock
from deskmetrics.testing.fake_server import FakeServer, Handler


@pytest.fixture
def deskmetrics_store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "deskmetrics.db") as store:
        yield store


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake_server() -> Iterator[Callable[[Handler], FakeServer]]:
    with ExitStack() as stack:
        yield lambda handler: stack.enter_context(FakeServer(handler))

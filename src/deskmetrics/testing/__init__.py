"""Helpers for testing deskmetrics plugins: the conformance suite, a fake HTTP server, demo data.

- :class:`ConnectorConformance`: subclass it in your tests to check a connector.
- :class:`FakeClock`: a clock that moves only when the code under test sleeps.
- :class:`FakeServer`: a real HTTP server on 127.0.0.1 answering from a Python function.
- :func:`demo_records`, :func:`write_demo_csv`: a seeded synthetic helpdesk of any size.

The conformance suite needs pytest (``pip install 'deskmetrics[test]'``); it is imported on
first use, so ``deskmetrics demo`` and the generator work in a plain install.
"""

from typing import Any

from deskmetrics.demo.data import (
    DemoSpec,
    demo_records,
    write_demo_config,
    write_demo_csv,
)
from deskmetrics.testing.clock import FakeClock
from deskmetrics.testing.fake_server import FakeRequest, FakeResponse, FakeServer

_NEEDS_PYTEST = ("ConnectorConformance", "FakeSource", "FaultInjector", "store_contents")


def __getattr__(name: str) -> Any:
    if name in _NEEDS_PYTEST:
        from deskmetrics.testing import conformance

        return getattr(conformance, name)
    raise AttributeError(f"module 'deskmetrics.testing' has no attribute {name!r}")


__all__ = [
    "ConnectorConformance",
    "DemoSpec",
    "FakeClock",
    "FakeRequest",
    "FakeResponse",
    "FakeServer",
    "FakeSource",
    "FaultInjector",
    "demo_records",
    "store_contents",
    "write_demo_config",
    "write_demo_csv",
]

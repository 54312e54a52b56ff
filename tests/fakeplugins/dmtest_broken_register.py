"""A plugin that imports fine but whose register_connectors hook raises."""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    raise RuntimeError("registration exploded in dmtest_broken_register")

"""A plugin whose hook name is misspelt: without a check it would silently do nothing."""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics


@deskmetrics.hookimpl
def register_connector(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    raise AssertionError("never called: deskmetrics has no such hook")

"""A plugin registering a connector name that dmtest_good already registers."""

from __future__ import annotations

from collections.abc import Callable

import deskmetrics


class OtherAlpha(deskmetrics.Connector):
    name = "dmtest-alpha"
    streams = ("tickets",)


class Gamma(deskmetrics.Connector):
    name = "dmtest-gamma"
    streams = ("tickets",)


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(OtherAlpha)
    register(Gamma)

"""Module attributes imported on first use (PEP 562): ``deskmetrics`` itself, ``deskmetrics.report``
and plugin packages' ``__init__`` use it.

Every deskmetrics command loads every installed plugin, ``report`` too, which never uses a
connector: a connector package that imports its connector (and httpx) at import time slows
every command down. Instead::

    __getattr__, __dir__ = deskmetrics.lazy_exports(
        __name__, {"ZendeskConnector": "deskmetrics_zendesk.connector"}
    )
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, names: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: each name is imported from its module once."""
    exports = dict(names)

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __getattr__, __dir__

"""Built-in Freshdesk connector: ``connector = "freshdesk"`` syncs a Freshdesk account (API v2).

Options, streams and the field mapping are described in docs/connectors/freshdesk.md. Like any
third-party plugin it is registered through the ``deskmetrics`` entry-point group and uses only
the public API (``import deskmetrics``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import deskmetrics

if TYPE_CHECKING:
    from deskmetrics_freshdesk.connector import FreshdeskConnector
    from deskmetrics_freshdesk.options import FreshdeskOptions

__all__ = ["FreshdeskConnector", "FreshdeskOptions", "register_connectors"]

# Every deskmetrics command loads this plugin, ``report`` too, which never uses a connector: the
# connector and its dependencies are imported only when asked for, to keep start-up fast.
__getattr__, __dir__ = deskmetrics.lazy_exports(
    __name__,
    {
        "FreshdeskConnector": "deskmetrics_freshdesk.connector",
        "FreshdeskOptions": "deskmetrics_freshdesk.options",
    },
)


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    from deskmetrics_freshdesk.connector import FreshdeskConnector

    register(FreshdeskConnector)

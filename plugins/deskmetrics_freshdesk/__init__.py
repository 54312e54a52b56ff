"""Built-in Freshdesk connector: ``connector = "freshdesk"`` syncs a Freshdesk account (API v2).

Options, streams and the field mapping are described in docs/connectors/freshdesk.md. Like any
third-party plugin it is registered through the ``deskmetrics`` entry-point group and uses only
the public API (``import deskmetrics``).
"""

from collections.abc import Callable

import deskmetrics
from deskmetrics_freshdesk.connector import FreshdeskConnector
from deskmetrics_freshdesk.options import FreshdeskOptions

__all__ = ["FreshdeskConnector", "FreshdeskOptions", "register_connectors"]


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(FreshdeskConnector)

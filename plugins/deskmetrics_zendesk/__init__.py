"""Built-in Zendesk connector: ``connector = "zendesk"`` (docs/connectors/zendesk.md).

Registered through the ``deskmetrics`` entry-point group like any third-party plugin; it uses
only the public ``deskmetrics`` API.
"""

from collections.abc import Callable

import deskmetrics
from deskmetrics_zendesk.connector import ZendeskConnector
from deskmetrics_zendesk.options import ZendeskOptions

__all__ = ["ZendeskConnector", "ZendeskOptions", "register_connectors"]


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(ZendeskConnector)

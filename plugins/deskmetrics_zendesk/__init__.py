"""Built-in Zendesk connector: ``connector = "zendesk"`` (docs/connectors/zendesk.md).

Registered through the ``deskmetrics`` entry-point group like any third-party plugin; it uses
only the public ``deskmetrics`` API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import deskmetrics

if TYPE_CHECKING:
    from deskmetrics_zendesk.connector import ZendeskConnector
    from deskmetrics_zendesk.options import ZendeskOptions

__all__ = ["ZendeskConnector", "ZendeskOptions", "register_connectors"]

# Every deskmetrics command loads this plugin, ``report`` too, which never uses a connector: the
# connector and its dependencies are imported only when asked for, to keep start-up fast.
__getattr__, __dir__ = deskmetrics.lazy_exports(
    __name__,
    {
        "ZendeskConnector": "deskmetrics_zendesk.connector",
        "ZendeskOptions": "deskmetrics_zendesk.options",
    },
)


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    from deskmetrics_zendesk.connector import ZendeskConnector

    register(ZendeskConnector)

"""Built-in CSV connector: ``connector = "csv"`` reads a directory of CSV files.

The format is described in docs/csv-format.md. The plugin is registered through the
``deskmetrics`` entry-point group like any third-party plugin, and uses only the public API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import deskmetrics

if TYPE_CHECKING:
    from deskmetrics_csv.connector import CsvConnector
    from deskmetrics_csv.options import CsvOptions

__all__ = ["CsvConnector", "CsvOptions", "register_connectors"]

# Every deskmetrics command loads this plugin, ``report`` too, which never uses a connector: the
# connector and its dependencies are imported only when asked for, to keep start-up fast.
__getattr__, __dir__ = deskmetrics.lazy_exports(
    __name__,
    {"CsvConnector": "deskmetrics_csv.connector", "CsvOptions": "deskmetrics_csv.options"},
)


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    from deskmetrics_csv.connector import CsvConnector

    register(CsvConnector)

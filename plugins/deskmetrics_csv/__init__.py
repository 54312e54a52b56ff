"""Built-in CSV connector: ``connector = "csv"`` reads a directory of CSV files.

The format is described in docs/csv-format.md. The plugin is registered through the
``deskmetrics`` entry-point group like any third-party plugin, and uses only the public API.
"""

from collections.abc import Callable

import deskmetrics
from deskmetrics_csv.connector import CsvConnector
from deskmetrics_csv.options import CsvOptions

__all__ = ["CsvConnector", "CsvOptions", "register_connectors"]


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(CsvConnector)

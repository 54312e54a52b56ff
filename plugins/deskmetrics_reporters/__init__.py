"""Built-in reporters: ``json`` (spec §9) and ``table`` (rich, the default of ``report``).

Registered through the ``deskmetrics`` entry-point group like any third-party plugin; they use
only the public API and never compute a metric.
"""

from collections.abc import Callable

import deskmetrics
from deskmetrics_reporters.json_reporter import JsonReporter
from deskmetrics_reporters.table_reporter import TableReporter

__all__ = ["JsonReporter", "TableReporter", "register_reporters"]


@deskmetrics.hookimpl
def register_reporters(register: Callable[[type[deskmetrics.Reporter]], None]) -> None:
    register(TableReporter)
    register(JsonReporter)

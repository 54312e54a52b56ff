"""Built-in reporters: ``table`` (rich, the default of ``report``), ``json`` (spec §9), ``csv``,
``markdown`` and ``html`` (an offline dashboard). See docs/reporters.md.

Registered through the ``deskmetrics`` entry-point group like any third-party plugin; they use
only the public API and never compute a metric.
"""

import deskmetrics
from deskmetrics_reporters.csv_reporter import CsvReporter
from deskmetrics_reporters.html_reporter import HtmlReporter
from deskmetrics_reporters.json_reporter import JsonReporter
from deskmetrics_reporters.markdown_reporter import MarkdownReporter
from deskmetrics_reporters.table_reporter import TableReporter

__all__ = [
    "CsvReporter",
    "HtmlReporter",
    "JsonReporter",
    "MarkdownReporter",
    "TableReporter",
    "register_reporters",
]


@deskmetrics.hookimpl
def register_reporters(register: deskmetrics.RegisterReporter) -> None:
    register(TableReporter)
    register(JsonReporter)
    register(CsvReporter)
    register(MarkdownReporter)
    register(HtmlReporter)

"""Built-in reporters: ``table`` (rich, the default of ``report``), ``json`` (spec §9), ``csv``,
``markdown`` and ``html`` (an offline dashboard). See docs/reporters.md.

Registered through the ``deskmetrics`` entry-point group like any third-party plugin; they use
only the public API and never compute a metric.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import deskmetrics

if TYPE_CHECKING:
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

# Every deskmetrics command loads this plugin, `sync` and `--help` too, which never render a
# report: the reporters (the report model, rich) are imported only when asked for.
__getattr__, __dir__ = deskmetrics.lazy_exports(
    __name__,
    {
        "CsvReporter": "deskmetrics_reporters.csv_reporter",
        "HtmlReporter": "deskmetrics_reporters.html_reporter",
        "JsonReporter": "deskmetrics_reporters.json_reporter",
        "MarkdownReporter": "deskmetrics_reporters.markdown_reporter",
        "TableReporter": "deskmetrics_reporters.table_reporter",
    },
)


@deskmetrics.hookimpl
def register_reporters(register: deskmetrics.RegisterReporter) -> None:
    from deskmetrics_reporters.csv_reporter import CsvReporter
    from deskmetrics_reporters.html_reporter import HtmlReporter
    from deskmetrics_reporters.json_reporter import JsonReporter
    from deskmetrics_reporters.markdown_reporter import MarkdownReporter
    from deskmetrics_reporters.table_reporter import TableReporter

    register(TableReporter)
    register(JsonReporter)
    register(CsvReporter)
    register(MarkdownReporter)
    register(HtmlReporter)

"""deskmetrics-jsonl: ``connector = "jsonl"`` reads JSON-lines exports of tickets and surveys.

An example third-party plugin: it imports only the public ``deskmetrics`` API and is found
through the ``deskmetrics`` entry-point group (see pyproject.toml).
"""

import deskmetrics

from deskmetrics_jsonl.connector import JsonLinesConnector
from deskmetrics_jsonl.options import JsonLinesOptions

__all__ = ["JsonLinesConnector", "JsonLinesOptions", "register_connectors"]


@deskmetrics.hookimpl
def register_connectors(register: deskmetrics.RegisterConnector) -> None:
    register(JsonLinesConnector)

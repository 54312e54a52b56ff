"""The ``json`` reporter: exactly the object of spec §9, keys in a stable order."""

from __future__ import annotations

import json

import deskmetrics


class JsonReporter(deskmetrics.Reporter):
    name = "json"
    description = "The report as one JSON object (spec §9), for scripts and dashboards."
    extension = "json"

    def render(self, report: deskmetrics.Report) -> str:
        # allow_nan=False: a NaN would be invalid JSON; the engine reports null instead.
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

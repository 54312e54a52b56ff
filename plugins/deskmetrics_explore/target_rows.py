"""The "Targets per channel and priority" section: each per-row target of ``[targets]`` with
its breakdown row's actual figure and met / missed / no data, in every reporter."""

from __future__ import annotations

import deskmetrics

STATUS = {True: "met", False: "missed", None: "no data"}
Row = list[str | int | float | None]


class TargetRowsSection:
    name = "breakdown-targets"

    def build(
        self, store: deskmetrics.Store, report: deskmetrics.Report
    ) -> deskmetrics.ReportSection | None:
        del store  # the report holds every figure compared
        results = report.breakdown_targets
        if not results:
            return None
        rows: list[Row] = []
        missing: set[str] = set()
        for result in results:
            target = result.target
            if target.dimension not in report.breakdowns:
                missing.add(str(target.dimension))
            status = STATUS[result.met]
            rows.append([
                target.metric, f"{target.dimension} = {target.key}", target.stat,
                f"{target.op} {target.target:g}", result.actual, status,
            ])  # fmt: skip
        notes = ["Durations in seconds. Missed rows count for --fail-on-missed-targets."]
        if missing:
            names = ",".join(sorted(missing))
            notes.append(
                f"No data without the breakdown: add --by {names} (separate breakdowns) to "
                "compare these rows."
            )
        columns = ["KPI", "row", "stat", "target", "actual", "status"]
        table = deskmetrics.SectionTable("Targets per breakdown row", columns, rows)
        return deskmetrics.ReportSection(
            "breakdown_targets", "Targets per channel and priority", [table], notes
        )

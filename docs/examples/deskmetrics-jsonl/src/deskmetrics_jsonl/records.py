"""One export object into a deskmetrics record, or a rejected row naming file, line and field."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import deskmetrics

from deskmetrics_jsonl.lines import Line


def attach_zone(data: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """Timestamps (``*_at`` fields) without an offset are in the configured zone."""
    fixed = dict(data)
    for key, value in data.items():
        if key.endswith("_at") and isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue  # left for validation to name
            if parsed.tzinfo is None:
                fixed[key] = parsed.replace(tzinfo=zone).isoformat()
    return fixed


def build(
    model: type[deskmetrics.Record], line: Line, where: str, zone: ZoneInfo, keep_raw: bool
) -> deskmetrics.Record:
    """The line's record; raises RecordError starting with ``where`` (``file, line N``)."""
    if line.data is None:
        raise deskmetrics.RecordError(f"{where}: {line.problem}")
    data = attach_zone(line.data, zone)
    if keep_raw:
        data["raw"] = line.data
    try:
        return model.build(data)
    except deskmetrics.RecordError as exc:
        first = str(exc).split("\n")[0]  # "ticket 7: 1 invalid field"; the fields follow
        raise deskmetrics.RecordError(f"{where}: {first}", exc.problems) from None


def rejected_rows(
    error: deskmetrics.RecordError, where: str, line: Line
) -> list[deskmetrics.RejectedRow]:
    """One rejected row per bad field (or one for a line that is not an object)."""
    if not error.problems:
        return [deskmetrics.RejectedRow(where, str(error).removeprefix(f"{where}: "))]
    rows = []
    for problem in error.problems:
        field, _, reason = problem.partition(": ")
        value = (line.data or {}).get(field)
        rows.append(
            deskmetrics.RejectedRow(
                location=where,
                reason=reason,
                field=field,
                value=None if value is None else str(value),
                data=line.data,
            )
        )
    return rows

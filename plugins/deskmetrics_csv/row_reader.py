"""Every mapped cell of a row read at once, by one function generated for the file's columns.

The per-cell loop of RowConverter (a reader call, its checks and bookkeeping for each of a
ticket's 30 cells) was the largest cost of a CSV sync. For the rows that are fine, which are
nearly all of them, this reads the same values in straight-line code with the common parsers
inlined. It never reports a problem: on anything unusual (a cell it cannot read, a required
cell left empty, a number below its field's bound) it returns None and the row goes through
RowConverter's own checks, which name every bad cell exactly as before.

It also does what validation would still do to the values it read, so that trusted_rows.py
can build the record without validating: timestamps come out in UTC and numbers within the
bounds it is given.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from deskmetrics_csv.cells import BOOLEANS, CellReader, Cells, FieldType, Kind, choice_members

RowReader = Callable[[list[str]], "dict[str, Any] | None"]

_PARSED: dict[Kind, list[str]] = {
    # How a stripped, non-empty cell ``v`` becomes the value ``x``; ``return None`` hands the
    # row to the checking path. Each does what the column's reader in cells.py does.
    Kind.TEXT: ["x = v"],
    Kind.TIMESTAMP: ["x = _iso(v)", "if x.tzinfo is None:", "  x = x.replace(tzinfo=_zone)"],
    Kind.INT: ["x = int(v)"],  # "3.0" raises: the checking path reads it
    Kind.FLOAT: ["x = float(v)", "if not _finite(x):", "  return None"],
    Kind.BOOL: ["x = _booleans.get(v.casefold())", "if x is None:", "  return None"],
    Kind.CHOICE: ["x = {members}.get(v.casefold())", "if x is None:", "  return None"],
}

_UTC = ["if x.tzinfo is not _utc:", "  x = x.astimezone(_utc)"]
"""What the models' UTCDateTime does to a timestamp, for every timestamp read."""


def _after(field: FieldType, lower: float | None) -> list[str]:
    """Lines run on a value ``x`` the column read: in UTC, within the field's bound."""
    lines = _UTC if field.kind is Kind.TIMESTAMP else []
    if lower is not None:
        lines = [*lines, f"if x < {lower!r}:", "  return None"]
    return lines


def row_reader(
    columns: list[tuple[int, str, FieldType, CellReader, bool]],
    cells: Cells,
    mapped: set[str],
    empty: dict[str, Any],
    lower: dict[str, float],
) -> RowReader:
    """``columns``: (cell index, field, its type, its reader, required) per mapped column;
    ``mapped``: fields with a values table (read by their reader); ``empty``: the value an
    empty cell sets, per field that has one; ``lower``: the least value of numeric fields
    that have one (a row below it is left to the checks)."""
    namespace: dict[str, Any] = {
        "_utc": UTC,
        "_iso": datetime.fromisoformat,
        "_zone": cells.zone,
        "_finite": math.isfinite,
        "_booleans": BOOLEANS,
        "_empty": empty,
    }
    body = ["def read_row(c):", "  d = {}", "  try:"]
    for number, (index, name, field, reader, required) in enumerate(columns):
        if field.kind is Kind.TAGS or name in mapped:
            # Tags and mapped codes: the column's own reader (an empty cell reads as None).
            namespace[f"_read{number}"] = reader
            body.append(f"    x = _read{number}(c[{index}])")
            body.append("    if x is not None:")
            if field.kind is not Kind.TAGS:
                body += [f"      {line}" for line in _after(field, lower.get(name))]
            body.append(f"      d[{name!r}] = x")
        else:
            parsed = _PARSED[field.kind]
            if field.kind is Kind.CHOICE:
                assert field.choices is not None
                namespace[f"_members{number}"] = choice_members(field.choices)
                parsed = [line.format(members=f"_members{number}") for line in parsed]
            body.append(f"    v = c[{index}].strip()")
            body.append("    if v:")
            body += [f"      {line}" for line in [*parsed, *_after(field, lower.get(name))]]
            body.append(f"      d[{name!r}] = x")
        if required:
            body += ["    else:", "      return None"]
        elif name in empty:
            body += ["    else:", f"      d[{name!r}] = _empty[{name!r}]"]
    body += ["  except ValueError:", "    return None", "  return d"]
    source = "\n".join(body) + "\n"
    exec(compile(source, "<csv row reader>", "exec"), namespace)
    read: RowReader = namespace["read_row"]
    return read

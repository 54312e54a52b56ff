"""One CSV row into one record, or into the problems that keep it out, each naming its cell."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

import deskmetrics
from deskmetrics_csv.cells import CellError, Cells
from deskmetrics_csv.row_reader import row_reader
from deskmetrics_csv.scales import map_nps
from deskmetrics_csv.streams import StreamSpec
from deskmetrics_csv.trusted_rows import lower_bounds, trusted_records

_SHOWN_VALUE = 80


@dataclass(frozen=True)
class Problem:
    """Why one cell (or, with ``column`` None, one row) of a file cannot be stored."""

    file: str
    line: int
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        if self.column is None:
            return f"{where}: {self.reason}"
        value = _shorten(self.value or "")
        return f'{where}, column "{self.column}", value "{value}": {self.reason}'

    def rejected(self, data: dict[str, str]) -> deskmetrics.RejectedRow:
        return deskmetrics.RejectedRow(
            location=f"{self.file}:{self.line}",
            field=self.column,
            value=self.value,
            reason=self.reason,
            data=data,
        )


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


class HeaderMap:
    """Which header feeds which canonical field, after the connection's ``columns`` renames.

    A header matches a rename or a canonical name exactly or ignoring case and surrounding
    spaces; headers matching neither become custom fields under their own name.
    """

    def __init__(
        self, spec: StreamSpec, header: list[str], renames: dict[str, str], connection: str
    ) -> None:
        self.header = header
        fields = spec.fields
        exact = dict(renames)
        folded = {key.strip().casefold(): value for key, value in renames.items()}
        renamed_to = set(renames.values())
        canonical = {name.casefold(): name for name in fields}
        self.field_at: dict[int, str] = {}
        self.custom_at: dict[int, str] = {}
        self.index_of: dict[str, int] = {}
        for index, title in enumerate(header):
            key = title.strip()
            target = exact.get(title, exact.get(key, folded.get(key.casefold())))
            if target is None and key.casefold() in canonical:
                target = canonical[key.casefold()]
                if target in renamed_to:
                    # Another header was renamed onto this field; this one is then just extra.
                    target = None
            if target is None:
                if key:
                    self.custom_at[index] = key
                continue
            if target in self.index_of:
                raise deskmetrics.RecordError(
                    f'{spec.file}: columns "{header[self.index_of[target]]}" and "{title}" both '
                    f"give {target}; keep one (or rename one in "
                    f"[connections.{connection}.columns.{spec.name}])"
                )
            self.index_of[target] = index
            self.field_at[index] = target
        missing = [name for name in spec.required if name not in self.index_of]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            found = ", ".join(f'"{h}"' for h in header)
            raise deskmetrics.RecordError(
                f"{spec.file}: missing required column{plural} {', '.join(missing)} "
                f"(headers found: {found}); name the column{plural} so, or map a header in "
                f"[connections.{connection}.columns.{spec.name}]"
            )


Fill = Callable[[dict[str, Any]], list[str]]
"""Adds derived values to a row's data; returns the names of the fields it set."""


class RowConverter:
    """Builds records of one stream from rows of one file."""

    def __init__(
        self,
        spec: StreamSpec,
        columns: HeaderMap,
        cells: Cells,
        *,
        keep_raw: bool,
        fill: Fill | None = None,
        nps_scale: int = 10,
    ) -> None:
        self.spec = spec
        self.nps_scale = nps_scale
        self.repeated: dict[str, list[int]] = {}
        """Lines of each id that is on more than one line of the file (see ``lines_by_id``)."""
        self.columns = columns
        self.keep_raw = keep_raw
        self.fill = fill
        self.fields = spec.fields
        self._readers = [
            (index, name, cells.reader(name, self.fields[name]), name in spec.required)
            for index, name in columns.field_at.items()
        ]
        # An empty cell in a column the file has means "no value": it is set explicitly (to
        # the field's default), so a re-sync clears what an earlier version of the row stored.
        # Columns the file lacks stay unset and keep what other sources stored.
        # (Fields the model requires but fills itself, like a survey's scale, stay omitted.)
        self._empty = {
            name: info.get_default(call_default_factory=True)
            for name, info in spec.model.model_fields.items()
            if not info.is_required()
        }
        self._id_reader = next(read for _, name, read, _ in self._readers if name == "id")
        self._width = len(columns.header)
        self._read_row = row_reader(
            [(i, name, self.fields[name], read, req) for i, name, read, req in self._readers],
            cells,
            set(cells.maps),
            self._empty,
            lower_bounds(spec.model),
        )
        self._trusted = trusted_records(spec.model, self.fields)
        self._mentions = re.compile(
            r"\b(" + "|".join(sorted(self.fields, key=len, reverse=True)) + r")\b"
        )

    def id_of(self, cells: list[str]) -> str | None:
        """The row's id as it would be stored, or None when its cell is missing or unreadable."""
        index = self.columns.index_of["id"]
        if index >= len(cells):
            return None
        try:
            value = self._id_reader(cells[index])
        except CellError:
            return None
        return None if value is None else str(value)

    def as_dict(self, cells: list[str]) -> dict[str, str]:
        """The row under its original headers (for ``raw`` and rejected rows)."""
        return dict(zip(self.columns.header, cells, strict=False))

    def convert(
        self, line: int, cells: list[str]
    ) -> tuple[deskmetrics.Record | None, list[Problem]]:
        """The record, or None and at least one problem (one per bad cell)."""
        if len(cells) == self._width and not self.repeated:
            # The usual row, read in one go; any doubt and the checks below read it again.
            data = self._read_row(cells)
            if data is not None and (record := self._record(data, cells)) is not None:
                return record, []
        return self._checked(line, cells)

    def _record(self, data: dict[str, Any], cells: list[str]) -> deskmetrics.Record | None:
        """The record of a row whose cells all read fine, or None if it is not valid."""
        self._add_row_fields(data, cells)
        if self.fill is not None:
            self.fill(data)
        if map_nps(data, self.nps_scale):
            return None
        if self._trusted is not None and (record := self._trusted(data)) is not None:
            return record  # the reader typed every value and the row keeps the model's rules
        try:
            return self.spec.model.model_validate(data)
        except ValidationError:
            return None

    def _add_row_fields(self, data: dict[str, Any], cells: list[str]) -> None:
        """The fields that come from the whole row: custom columns and, with keep_raw, raw."""
        if self.columns.custom_at:
            data["custom_fields"] = {
                title: cells[index].strip()
                for index, title in self.columns.custom_at.items()
                if index < len(cells) and cells[index].strip()
            }
        if self.keep_raw:
            data["raw"] = self.as_dict(cells)

    def _checked(
        self, line: int, cells: list[str]
    ) -> tuple[deskmetrics.Record | None, list[Problem]]:
        """convert(), cell by cell: every bad cell becomes a problem naming it."""
        file = self.spec.file
        header = self.columns.header
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            reason = (
                f"row has {len(cells)} cells but the header has {len(header)} "
                f"(a delimiter inside a cell that is not quoted?)"
            )
            return None, [Problem(file, line, None, None, reason)]
        if len(cells) < len(header):
            # Reading the missing cells as empty would clear stored values nobody emptied.
            reason = (
                f"row has {len(cells)} cell{'' if len(cells) == 1 else 's'} but the header has "
                f"{len(header)} (cut short, or a line break inside a cell that is not quoted?); "
                f"an emptied cell still needs its delimiter"
            )
            return None, [Problem(file, line, None, None, reason)]
        if self.repeated and (problem := self._repeated(line, cells)) is not None:
            return None, [problem]

        data: dict[str, Any] = {}
        problems: list[tuple[int, Problem]] = []  # by column position, to report in file order
        failed: set[str] = set()
        empty = self._empty
        for index, name, read, required in self._readers:
            text = cells[index]  # the row has at least the header's cells (checked above)
            try:
                value = read(text)
            except CellError as exc:
                problems.append((index, Problem(file, line, header[index], text, str(exc))))
                failed.add(name)
                continue
            if value is None:
                if required:
                    problem = Problem(file, line, header[index], text, "a value is required")
                    problems.append((index, problem))
                    failed.add(name)
                elif name in empty:
                    data[name] = empty[name]
                continue
            data[name] = value
        self._add_row_fields(data, cells)
        derived = self.fill(data) if self.fill is not None and not failed else []
        if not failed and (unmapped := map_nps(data, self.nps_scale)):
            name, reason = unmapped
            return None, [self._problem(line, cells, [name], reason, field=name)[1]]

        try:
            record = self.spec.model.model_validate(data)
        except ValidationError as exc:
            problems += self._model_problems(exc, line, cells, failed, derived)
            record = None
        if problems:
            problems.sort(key=lambda item: item[0])
            return None, [problem for _, problem in problems]
        return record, []

    def _repeated(self, line: int, cells: list[str]) -> Problem | None:
        id_ = self.id_of(cells)
        lines = self.repeated.get(id_) if id_ is not None else None
        if not lines:
            return None
        others = [str(other) for other in lines if other != line]
        plural = "s" if len(others) > 1 else ""
        index = self.columns.index_of["id"]
        reason = (
            f"id {id_} is also on line{plural} {', '.join(others)}; an id may appear once per "
            f"file (which row is right?)"
        )
        return Problem(self.spec.file, line, self.columns.header[index], cells[index], reason)

    def _model_problems(
        self,
        exc: ValidationError,
        line: int,
        cells: list[str],
        failed: set[str],
        derived: list[str],
    ) -> list[tuple[int, Problem]]:
        problems = []
        for item in exc.errors(include_url=False):
            reason = str(item["msg"]).removeprefix("Value error, ")
            reason = reason[:1].lower() + reason[1:]
            if item["loc"]:
                name = str(item["loc"][0])
                if name in failed or (failed and item["type"] == "missing"):
                    # Already reported with the cell's own reason, or a consequence of a bad
                    # cell (no scale without a valid kind).
                    continue
                if item["type"] == "missing":
                    reason = "a value is required"
                problems.append(self._problem(line, cells, [name], reason, field=name))
            elif not failed:
                # A rule across fields (e.g. resolved_at before created_at): it is about every
                # field it mentions; point at the first one the file supplied.
                mentioned = list(dict.fromkeys(self._mentions.findall(reason)))
                notes = [
                    f"{name} was derived from interactions.csv"
                    for name in derived
                    if name in mentioned
                ]
                if notes:
                    reason = f"{reason} ({'; '.join(notes)})"
                supplied = [name for name in mentioned if name not in derived]
                problems.append(self._problem(line, cells, supplied, reason))
        return problems

    def _problem(
        self,
        line: int,
        cells: list[str],
        names: list[str],
        reason: str,
        *,
        field: str | None = None,
    ) -> tuple[int, Problem]:
        """The problem at the first of ``names`` the row fills; else about the row as a whole
        (naming ``field`` in the reason, since no column of the file shows it)."""
        for name in names:
            index = self.columns.index_of.get(name)
            if index is None:
                continue
            title = self.columns.header[index]
            text = cells[index] if index < len(cells) else ""
            if text.strip():
                return index, Problem(self.spec.file, line, title, text, reason)
        if field is not None:
            reason = f"{field}: {reason}"
        return len(self.columns.header), Problem(self.spec.file, line, None, None, reason)

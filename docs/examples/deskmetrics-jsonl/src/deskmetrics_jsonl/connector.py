"""The JSON-lines connector: tickets.jsonl (required) and surveys.jsonl (optional) in one folder.

Each line is one JSON object with the fields of ``deskmetrics.Ticket`` or
``deskmetrics.SurveyResponse``. Two ways to be incremental, chosen by the ``incremental`` option:

- ``offset``: exports that only grow. The cursor is the byte offset (and line number) after the
  last stored line, so every batch can be resumed from and a sync reads only appended lines.
- ``updated_at``: exports rewritten whole. The cursor is the newest ``updated_at`` stored (a
  survey's ``created_at``); lines older than it are skipped. The file is in no particular order,
  so only its last batch carries the cursor: a sync cut short reads the file again.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import deskmetrics

from deskmetrics_jsonl.lines import Line, count_lines, read_lines
from deskmetrics_jsonl.options import JsonLinesOptions
from deskmetrics_jsonl.records import build, rejected_rows

FILES: dict[str, tuple[str, type[deskmetrics.Record]]] = {
    "tickets": ("tickets.jsonl", deskmetrics.Ticket),
    "surveys": ("surveys.jsonl", deskmetrics.SurveyResponse),
}


class JsonLinesConnector(deskmetrics.Connector):
    name: ClassVar[str] = "jsonl"
    description: ClassVar[str] = "JSON-lines exports: tickets.jsonl and surveys.jsonl"
    Options: ClassVar[type[JsonLinesOptions]] = JsonLinesOptions

    options: JsonLinesOptions

    def directory(self) -> Path:
        path = self.resolve_path(self.options.path)
        if not path.is_dir():
            key = f"connections.{self.connection}.path"
            raise deskmetrics.ConnectorError(f"{path}: directory not found (set by {key})")
        return path

    def check(self) -> str:
        directory = self.directory()
        if not (directory / "tickets.jsonl").is_file():
            raise deskmetrics.ConnectorError(f"{directory}: tickets.jsonl is not there")
        found = [
            f"{file} ({count_lines(directory / file):,} lines)"
            for file, _ in FILES.values()
            if (directory / file).is_file()
        ]
        return f"{directory}: {', '.join(found)}"

    # Declared in sync order: surveys refer to tickets. ``streams`` and ``read`` come from these.
    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_file("tickets", state)

    @deskmetrics.stream("surveys", records=(deskmetrics.SurveyResponse,))
    def read_surveys(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_file("surveys", state)

    def _read_file(
        self, stream: str, state: deskmetrics.State | None
    ) -> Iterator[deskmetrics.Batch]:
        file, model = FILES[stream]
        path = self.directory() / file
        if not path.is_file():
            if stream == "tickets":
                raise deskmetrics.ConnectorError(f"{path}: file not found")
            return  # surveys.jsonl is optional
        if self.options.incremental == "offset":
            yield from self._appended(path, model, state or {})
        else:
            yield from self._changed(path, model, state or {})

    def _appended(
        self, path: Path, model: type[deskmetrics.Record], state: deskmetrics.State
    ) -> Iterator[deskmetrics.Batch]:
        position = {"offset": state.get("offset", 0), "line": state.get("line", 0)}
        if position["offset"] > path.stat().st_size:
            self.warn(f"{path} is shorter than at the last sync; reading it from the start")
            position = {"offset": 0, "line": 0}
        batch = _Batch(self.options.batch_size)
        for line in read_lines(path, position["offset"], position["line"]):
            batch.add(*self._convert(path, model, line))
            position = {"offset": line.end, "line": line.number}
            if batch.full:
                yield batch.take(state=position)
        yield batch.take(state=position)

    def _changed(
        self, path: Path, model: type[deskmetrics.Record], state: deskmetrics.State
    ) -> Iterator[deskmetrics.Batch]:
        since = datetime.fromisoformat(state["updated_at"]) if "updated_at" in state else None
        newest = since
        batch = _Batch(self.options.batch_size)
        for line in read_lines(path):
            record, rejected = self._convert(path, model, line)
            if record is not None:
                changed = _changed_at(record)
                # ">=": a record changed in the same instant as the cursor may be new.
                if since is not None and changed < since:
                    continue
                newest = changed if newest is None else max(newest, changed)
            batch.add(record, rejected)
            if batch.full:
                yield batch.take(state=None)  # the rest of the file may hold older changes
        yield batch.take(state={"updated_at": newest.isoformat()} if newest else {})

    def _convert(
        self, path: Path, model: type[deskmetrics.Record], line: Line
    ) -> tuple[deskmetrics.Record | None, list[deskmetrics.RejectedRow]]:
        where = f"{path.name}, line {line.number}"
        zone = ZoneInfo(self.options.timezone)
        try:
            return build(model, line, where, zone, self.keep_raw), []
        except deskmetrics.RecordError as exc:
            if self.options.on_error == "fail":
                raise
            return None, rejected_rows(exc, where, line)


def _changed_at(record: deskmetrics.Record) -> datetime:
    changed: datetime | None = getattr(record, "updated_at", None)
    return changed or record.created_at  # type: ignore[attr-defined]


class _Batch:
    """Records and rejected rows gathered until ``size`` of them are ready to store."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.records: list[deskmetrics.Record] = []
        self.rejected: list[deskmetrics.RejectedRow] = []

    @property
    def full(self) -> bool:
        return len(self.records) + len(self.rejected) >= self.size

    def add(
        self, record: deskmetrics.Record | None, rejected: list[deskmetrics.RejectedRow]
    ) -> None:
        if record is not None:
            self.records.append(record)
        self.rejected += rejected

    def take(self, state: deskmetrics.State | None) -> deskmetrics.Batch:
        batch = deskmetrics.Batch(self.records, state=state, rejected=self.rejected)
        self.records, self.rejected = [], []
        return batch

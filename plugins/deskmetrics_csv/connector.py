"""The CSV connector: a directory of CSV files, one per stream, read only when they changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

import deskmetrics
from deskmetrics_csv.cells import Cells
from deskmetrics_csv.derived import DERIVED_FIELDS, ReplyIndex
from deskmetrics_csv.files import (
    CsvRows,
    FileChanged,
    Fingerprint,
    detect_delimiter,
    fingerprint,
    inspect,
    os_reason,
    same_content,
    unreadable,
)
from deskmetrics_csv.options import CsvOptions
from deskmetrics_csv.rows import Fill, HeaderMap, Problem, RowConverter
from deskmetrics_csv.seen_ids import SeenIds
from deskmetrics_csv.streams import FILE_ORDER, STREAMS, StreamSpec

_MAX_PROBLEMS = 1000
"""Problems kept for the error of a rejected file; the bad-row count stays exact beyond it."""


class CsvConnector(deskmetrics.Connector):
    """Reads tickets.csv, interactions.csv, surveys.csv, customers.csv, agents.csv, groups.csv,
    organizations.csv and ticket_events.csv."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "CSV files in a directory, one per stream (docs/csv-format.md)"
    Options: ClassVar[type[CsvOptions]] = CsvOptions

    options: CsvOptions

    @cached_property
    def cells(self) -> Cells:
        """How this connection reads cells (its values tables, time zone and format)."""
        return Cells(
            values=self.options.values,
            timezone=self.options.timezone,
            datetime_format=self.options.datetime_format,
            connection=self.connection,
        )

    def directory(self) -> Path:
        """The configured directory, or ConnectorError naming where it was looked for."""
        key = f"connections.{self.connection}.path"
        try:
            path = self.resolve_path(self.options.path)
            path.stat()
        except FileNotFoundError:
            pass
        except (OSError, RuntimeError) as exc:
            # RuntimeError: Path.resolve() on a symlink loop before Python 3.13.
            reason = os_reason(exc) if isinstance(exc, OSError) else os_reason(OSError(40, ""))
            where = self.base_dir / Path(self.options.path).expanduser()
            raise deskmetrics.ConnectorError(f"{where}: {reason} (set by {key})") from None
        if not path.exists():
            raise deskmetrics.ConnectorError(f"{path}: directory not found (set by {key})")
        if not path.is_dir():
            raise deskmetrics.ConnectorError(f"{path}: not a directory (set by {key})")
        return path

    def check(self) -> str:
        directory = self.directory()
        found = []
        for name in FILE_ORDER:
            path = directory / name
            # The same file checks as sync's, so check fails where sync would.
            if reason := inspect(path):
                raise deskmetrics.ConnectorError(f"{path}: {reason}")
            if path.exists():
                try:
                    rows = self._count_rows(STREAMS[path.stem], path)
                except deskmetrics.RecordError as exc:
                    raise deskmetrics.ConnectorError(f"{directory}: {exc}") from None
                found.append(f"{name} ({rows:,} row{'' if rows == 1 else 's'})")
        if not found:
            raise deskmetrics.ConnectorError(
                f"{directory}: none of {', '.join(FILE_ORDER)} is there"
            )
        return f"{directory}: {', '.join(found)}"

    def _count_rows(self, spec: StreamSpec, path: Path) -> int:
        """Data rows of the file, once its header proved to have the required columns."""
        delimiter = self.options.delimiter or detect_delimiter(path)
        rows, _ = self._open(spec, path, delimiter, None, keep_raw=False)
        with rows:
            return sum(1 for _ in rows)

    # One stream per file, in sync order: parents first, interactions before the tickets they
    # feed. Each file's columns are in STREAMS (streams.py), read off the record models.

    @deskmetrics.stream("groups", records=(deskmetrics.Group,))
    def read_groups(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("groups", state)

    @deskmetrics.stream("agents", records=(deskmetrics.Agent,))
    def read_agents(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("agents", state)

    @deskmetrics.stream("organizations", records=(deskmetrics.Organization,))
    def read_organizations(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("organizations", state)

    @deskmetrics.stream("customers", records=(deskmetrics.Customer,))
    def read_customers(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("customers", state)

    @deskmetrics.stream("interactions", records=(deskmetrics.Interaction,))
    def read_interactions(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("interactions", state)

    @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
    def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("tickets", state)

    @deskmetrics.stream("surveys", records=(deskmetrics.SurveyResponse,))
    def read_surveys(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        return self._read_stream("surveys", state)

    @deskmetrics.stream("ticket_events", records=(deskmetrics.TicketEvent,))
    def read_ticket_events(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        # The optional status and assignment history (docs/csv-format.md, ticket_events.csv).
        return self._read_stream("ticket_events", state)

    def _read_stream(
        self, stream: str, state: deskmetrics.State | None
    ) -> Iterator[deskmetrics.Batch]:
        spec = STREAMS[stream]
        directory = self.directory()
        if stream == self.streams[0] and not any((directory / f).exists() for f in FILE_ORDER):
            # Succeeding with nothing would look like a quiet helpdesk, not a wrong folder.
            self.warn(f"{directory}: none of {', '.join(FILE_ORDER)} is there; nothing to sync")
        # Tickets take derived values from interactions.csv, so a change there re-reads them.
        watched = (stream, "interactions") if stream == "tickets" else (stream,)
        current = fingerprint(
            directory,
            [STREAMS[name].file for name in watched],
            state,
            settings=self._settings(watched),
        )
        path = directory / spec.file
        if reason := unreadable(current["files"][spec.file]):
            raise deskmetrics.ConnectorError(f"{path}: {reason}")
        if current == state:
            return
        if same_content(current, state) or current["files"][spec.file] is None:
            yield deskmetrics.Batch([], state=current)
            return
        try:
            yield from self._read_file(spec, path, current)
        except FileChanged:
            # Once more from the start, hashed afresh: an export that was being written when
            # the sync began is usually complete by now. Twice changed fails the stream.
            current = fingerprint(
                directory, current["files"], None, settings=self._settings(watched)
            )
            if current["files"][spec.file] is None:
                yield deskmetrics.Batch([], state=current)
                return
            yield from self._read_file(spec, path, current)

    def _settings(self, streams: tuple[str, ...]) -> str:
        """Digest of the options that change what these streams' files yield: editing them
        (say, adding a values mapping for rows skipped before) re-reads unchanged files."""
        fields = {name for stream in streams for name in STREAMS[stream].fields}
        options = self.options
        relevant: dict[str, object] = {
            "columns": {stream: options.columns.get(stream, {}) for stream in streams},
            "values": {name: table for name, table in options.values.items() if name in fields},
            "timezone": options.timezone,
            "datetime_format": options.datetime_format,
            "delimiter": options.delimiter,
            "keep_raw": self.keep_raw,
        }
        if "surveys" in streams and options.nps_scale != 10:
            # Only when set, so that fingerprints saved before the option existed stay valid.
            relevant["nps_scale"] = options.nps_scale
        return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]

    def _read_file(
        self, spec: StreamSpec, path: Path, state: Fingerprint
    ) -> Iterator[deskmetrics.Batch]:
        delimiter = self.options.delimiter or detect_delimiter(path)
        fill = self._derivation(path.parent, state) if spec.name == "tickets" else None
        if self.options.on_error == "reject":
            yield from self._whole_file(spec, path, delimiter, fill, state)
            return
        repeated = self._repeated_ids(spec, path, delimiter, state["files"][spec.file])
        yield from self._batches(spec, path, delimiter, fill, state, repeated)

    def _open(
        self,
        spec: StreamSpec,
        path: Path,
        delimiter: str,
        fill: Fill | None,
        *,
        keep_raw: bool | None = None,
        expect: dict[str, Any] | None = None,
        repeated: dict[str, list[int]] | None = None,
    ) -> tuple[CsvRows, RowConverter | None]:
        """The file's rows and a converter for them (None when the file has no header at all).

        ``expect``: the file's fingerprint, checked when the end is read (see CsvRows);
        ``repeated``: the lines of ids the file holds more than once, each a bad row.
        """
        rows = CsvRows(path, delimiter, expect=expect)
        if rows.header is None:
            return rows, None
        try:
            renames = self.options.columns.get(spec.name, {})
            header = HeaderMap(spec, rows.header, renames, self.connection)
        except BaseException:
            rows.close()
            raise
        keep_raw = self.keep_raw if keep_raw is None else keep_raw
        converter = RowConverter(
            spec, header, self.cells, keep_raw=keep_raw, fill=fill, nps_scale=self.options.nps_scale
        )
        converter.repeated = repeated or {}
        return rows, converter

    def _repeated_ids(
        self, spec: StreamSpec, path: Path, delimiter: str, expect: dict[str, Any]
    ) -> dict[str, list[int]]:
        """The lines of every id on more than one line: a first pass, since keeping either row
        silently would lose the other (and the first may already be stored when the second
        comes)."""
        lines: dict[str, list[int]] = {}
        rows, converter = self._open(spec, path, delimiter, None, keep_raw=False, expect=expect)
        with rows:
            if converter is None:
                return {}
            for line, cells in rows:
                id_ = converter.id_of(cells)
                if id_ is not None:
                    lines.setdefault(id_, []).append(line)
        return {id_: found for id_, found in lines.items() if len(found) > 1}

    def _whole_file(
        self, spec: StreamSpec, path: Path, delimiter: str, fill: Fill | None, state: Fingerprint
    ) -> Iterator[deskmetrics.Batch]:
        """The reject policy in one read: batches that hold (see deskmetrics.Batch) while the
        rows are checked, so the first bad row stores nothing from the file; the file is read
        on to its end for the error, which names every bad row."""
        expect = state["files"][spec.file]
        bad_rows = 0
        problems: list[Problem] = []
        records: list[deskmetrics.Record] = []
        repeated = False
        rows, converter = self._open(spec, path, delimiter, fill, expect=expect)
        with rows, SeenIds() as seen:
            if converter is None:
                yield deskmetrics.Batch([], state=state)
                return
            for line, cells in rows:
                record, found = converter.convert(line, cells)
                # A good row's id is its record's; reading the cell again cost a call per row.
                id_ = record.id if record is not None else converter.id_of(cells)
                if id_ is not None and seen.add(id_):
                    break  # the file is refused; the passes below name its bad rows
                if found:
                    bad_rows += 1
                    problems += found[: _MAX_PROBLEMS - len(problems)]
                elif record is not None and not bad_rows:
                    records.append(record)
                    if len(records) >= self.options.batch_size:
                        yield deskmetrics.Batch(records, hold=True)
                        records = []
            repeated = seen.repeated
        if repeated:
            # The rows of a repeated id are bad rows from the first of them on: a pass that
            # knows them from the start reports every bad row in file order.
            lines = self._repeated_ids(spec, path, delimiter, expect)
            self._validate_pass(spec, path, delimiter, fill, expect, lines)
        if bad_rows:
            raise deskmetrics.RecordError(
                f"{spec.file}: {bad_rows} bad row{'' if bad_rows == 1 else 's'}; "
                f"nothing from this file was stored",
                problems=[str(p) for p in problems],
            )
        yield deskmetrics.Batch(records, state=state)

    def _validate_pass(
        self,
        spec: StreamSpec,
        path: Path,
        delimiter: str,
        fill: Fill | None,
        expect: dict[str, Any],
        repeated: dict[str, list[int]],
    ) -> None:
        """Raise if any row is bad, naming each (up to _MAX_PROBLEMS) in file order."""
        bad_rows = 0
        problems: list[Problem] = []
        rows, converter = self._open(spec, path, delimiter, fill, expect=expect, repeated=repeated)
        with rows:
            if converter is None:
                return
            for line, cells in rows:
                _, found = converter.convert(line, cells)
                if found:
                    bad_rows += 1
                    problems += found[: _MAX_PROBLEMS - len(problems)]
        if bad_rows:
            raise deskmetrics.RecordError(
                f"{spec.file}: {bad_rows} bad row{'' if bad_rows == 1 else 's'}; "
                f"nothing from this file was stored",
                problems=[str(p) for p in problems],
            )

    def _batches(
        self,
        spec: StreamSpec,
        path: Path,
        delimiter: str,
        fill: Fill | None,
        state: Fingerprint,
        repeated: dict[str, list[int]],
    ) -> Iterator[deskmetrics.Batch]:
        """Good rows in batches, bad ones as rejected rows; the state rides on the last batch only
        so that a sync cut off mid-file reads the file again from its start."""
        skip = self.options.on_error == "skip"
        records: list[deskmetrics.Record] = []
        rejected: list[deskmetrics.RejectedRow] = []
        rows, converter = self._open(
            spec, path, delimiter, fill, expect=state["files"][spec.file], repeated=repeated
        )
        with rows:
            if converter is not None:
                for line, cells in rows:
                    record, problems = converter.convert(line, cells)
                    if record is not None:
                        records.append(record)
                    elif not skip:
                        # The first pass found no bad row: this one is new.
                        raise FileChanged(
                            f"{spec.file} changed while it was being read; sync again",
                            problems=[str(p) for p in problems],
                        )
                    else:
                        data = converter.as_dict(cells)
                        rejected += [problem.rejected(data) for problem in problems]
                    if len(records) + len(rejected) >= self.options.batch_size:
                        yield deskmetrics.Batch(records, rejected=rejected)
                        records, rejected = [], []
        yield deskmetrics.Batch(records, state=state, rejected=rejected)

    def _derivation(self, directory: Path, state: Fingerprint) -> Fill | None:
        """Fills a ticket's missing first_response_at / agent_replies from interactions.csv."""
        path = directory / "interactions.csv"
        expect = state["files"].get("interactions.csv")
        if expect is None:
            return None
        if reason := unreadable(expect):
            self.warn(
                f"{self.connection}: tickets: first_response_at and agent_replies not derived, "
                f"{path}: {reason}"
            )
            return None
        index = ReplyIndex()
        spec = STREAMS["interactions"]
        try:
            delimiter = self.options.delimiter or detect_delimiter(path)
            rows, converter = self._open(spec, path, delimiter, None, keep_raw=False, expect=expect)
            with rows:
                if converter is None:
                    return None
                # Rows of an id on several lines are bad rows of the interactions stream; they
                # count no reply either (counting both would double it).
                converter.repeated = self._repeated_ids(spec, path, delimiter, expect)
                for line, cells in rows:
                    record, _ = converter.convert(line, cells)
                    # Bad interaction rows are reported by the interactions stream itself.
                    if isinstance(record, deskmetrics.Interaction):
                        index.add(record)
        except FileChanged:
            raise
        except deskmetrics.RecordError as exc:
            self.warn(
                f"{self.connection}: tickets: first_response_at and agent_replies not derived, "
                f"interactions.csv is unreadable: {str(exc).splitlines()[0]}"
            )
            return None
        if not index:
            return None  # no interactions (a header alone): nothing to derive, no call per row

        def fill(data: dict[str, object]) -> list[str]:
            missing = [name for name in DERIVED_FIELDS if data.get(name) is None]
            if not missing:
                return []
            derived = index.derive(str(data.get("id")))
            for name in missing:
                if derived.get(name) is not None:
                    data[name] = derived[name]
            return [name for name in missing if derived.get(name) is not None]

        return fill

"""The files themselves: change fingerprints, delimiter detection, rows with their line numbers."""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import deskmetrics

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
_HASH_CHUNK = 1024 * 1024

Fingerprint = dict[str, Any]
"""``{"files": {"tickets.csv": {"size", "mtime_ns", "sha256"} or None when absent},
"settings": digest}``: the files, and the options that shape what is read from them."""


def fingerprint(
    directory: Path, names: Iterable[str], previous: Any, *, settings: str
) -> Fingerprint:
    """What the named files look like now; unchanged size and mtime reuse ``previous``'s hash."""
    before = _files_of(previous)
    files: dict[str, dict[str, Any] | None] = {}
    for name in names:
        path = directory / name
        try:
            stat = path.stat()
        except FileNotFoundError:
            files[name] = None
            continue
        if not path.is_file():
            files[name] = None
            continue
        old = before.get(name)
        if old and old.get("size") == stat.st_size and old.get("mtime_ns") == stat.st_mtime_ns:
            digest = old["sha256"]
        else:
            digest = _sha256(path)
        files[name] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}
    return {"files": files, "settings": settings}


def same_content(current: Fingerprint, previous: Any) -> bool:
    """True when every file has the hash it had (only mtimes moved: touched or copied back)."""
    if not isinstance(previous, dict) or previous.get("settings") != current["settings"]:
        return False
    before = _files_of(previous)
    if set(before) != set(current["files"]):
        return False
    for name, now in current["files"].items():
        old = before[name]
        if (now is None) != (old is None):
            return False
        if now is not None and now["sha256"] != old.get("sha256"):
            return False
    return True


def _files_of(state: Any) -> dict[str, Any]:
    # A state written by another version of this plugin is simply "never seen".
    files = state.get("files") if isinstance(state, dict) else None
    return files if isinstance(files, dict) else {}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def detect_delimiter(path: Path) -> str:
    """The delimiter among ``, ; tab |`` that csv.Sniffer sees in the start of the file."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    if len(head) == SNIFF_BYTES and "\n" in text:
        # A cut last line has fewer delimiters than the others and confuses the sniffer.
        text = text[: text.rindex("\n") + 1]
    first_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in first_line:
        # The header names every column, so its delimiter is the one that must be there.
        counts = {d: first_line.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        delimiter = best if counts[best] else ","
    return delimiter


class CsvRows:
    """A CSV file opened for reading: ``header``, then ``(line, cells)`` for each data row.

    ``line`` is the physical line where the row starts (the header is line 1), counted from the
    lines the csv reader consumed, so quoted cells spanning lines shift later rows correctly.
    Blank lines and rows of empty cells are skipped. Invalid UTF-8 and broken quoting raise
    RecordError naming the line.
    """

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path = path
        self.name = path.name
        self._handle: BinaryIO = path.open("rb")
        self._reader = csv.reader(self._decoded_lines(), delimiter=delimiter, strict=True)
        self.header: list[str] | None = None
        self.header_line = 0
        try:
            for line, cells in self._rows():
                self.header, self.header_line = cells, line
                break
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self._rows()

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        reader = self._reader
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "end of data" in str(exc):
                    hint = "a quote opened in this row is never closed"
                elif "field larger" in str(exc):
                    hint = "usually a quote left open, which swallows the lines after it"
                else:
                    hint = "quote the whole cell and double the quotes inside it"
                raise deskmetrics.RecordError(
                    f"{self.name}, line {start}: not readable as CSV ({exc}); {hint}"
                ) from None
            # Spreadsheets pad the end of a sheet with rows of empty cells; they are blank lines.
            if any(cell.strip() for cell in cells):
                yield start, cells

    def _decoded_lines(self) -> Iterator[str]:
        # Decoding line by line (rather than through a text wrapper) is what lets an encoding
        # error name its line.
        for number, raw in enumerate(self._handle, start=1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise deskmetrics.RecordError(
                    f"{self.name}, line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02X} at "
                    f"position {exc.start + 1} of the line); save the file as UTF-8"
                ) from None


def count_rows(path: Path) -> int:
    """Data rows in a file (blank lines and the header not counted)."""
    with CsvRows(path, detect_delimiter(path)) as rows:
        return sum(1 for _ in rows)

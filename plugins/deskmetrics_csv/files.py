"""The files themselves: change fingerprints, delimiter detection, rows with their line numbers."""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import io
import os
import stat as stat_module
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import deskmetrics

DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
_HASH_CHUNK = 1024 * 1024
_READ_CHUNK = 1024 * 1024
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A longer line is not an export (a binary file, or one with no line breaks); reading it whole
would only fill memory."""

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
        files[name] = _entry(directory / name, before.get(name))
    return {"files": files, "settings": settings}


def unreadable(entry: dict[str, Any] | None) -> str | None:
    """Why a file of a :func:`fingerprint` cannot be read (None when it can, or is absent)."""
    return entry.get("error") if entry else None


def inspect(path: Path) -> str | None:
    """Why ``path`` cannot be read as a CSV file, or None (it is a readable file, or absent)."""
    return unreadable(_entry(path, None, hash_it=False))


def _entry(path: Path, old: Any, *, hash_it: bool = True) -> dict[str, Any] | None:
    """None when absent, ``{"error": why}`` when unreadable, else size, mtime and hash."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return {"error": f"a symbolic link to {os.readlink(path)}, which does not exist"}
        return None
    except OSError as exc:
        return {"error": os_reason(exc)}
    kind = _not_a_file(stat.st_mode)
    if kind is not None:
        return {"error": f"{kind}, not a file"}
    entry: dict[str, Any] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if (
        isinstance(old, dict)
        and (old.get("size"), old.get("mtime_ns"))
        == (
            stat.st_size,
            stat.st_mtime_ns,
        )
        and old.get("sha256")
    ):
        return {**entry, "sha256": old["sha256"]}
    try:
        # Hashing is also what proves the file readable (a check without it only opens it).
        if hash_it:
            return {**entry, "sha256": _sha256(path)}
        path.open("rb").close()
    except OSError as exc:
        return {"error": os_reason(exc)}
    return entry


def _not_a_file(mode: int) -> str | None:
    if stat_module.S_ISREG(mode):
        return None
    if stat_module.S_ISDIR(mode):
        return "a directory"
    if stat_module.S_ISFIFO(mode):
        # Opening a pipe would wait for a writer forever.
        return "a named pipe (FIFO)"
    if stat_module.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def os_reason(exc: OSError) -> str:
    """A sentence for an operating-system error on a file, without the exception's name."""
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links (a link that leads back to itself)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (the user running deskmetrics may not read it)"
    if exc.errno == errno.EISDIR:
        return "a directory, not a file"
    return (exc.strerror or str(exc)).lower()


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
        if now is not None and (unreadable(now) or now.get("sha256") != old.get("sha256")):
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


class FileChanged(deskmetrics.RecordError):
    """The bytes read are not those the fingerprint describes: the file changed meanwhile."""


class CsvRows:
    """A CSV file opened for reading: ``header``, then ``(line, cells)`` for each data row.

    ``line`` is the physical line where the row starts (the header is line 1), counted from the
    lines the csv reader consumed, so quoted cells spanning lines shift later rows correctly.
    Blank lines and rows of empty cells are skipped. Invalid UTF-8 and broken quoting raise
    RecordError naming the line.

    With ``expect`` (the file's entry of a :func:`fingerprint`), reaching the end of the file
    raises :class:`FileChanged` unless the bytes read hash to its sha256 and the file still has
    its size and mtime: a file rewritten while it is read is never taken for the one hashed.
    """

    def __init__(self, path: Path, delimiter: str, *, expect: dict[str, Any] | None = None) -> None:
        self.path = path
        self.name = path.name
        self._expect = expect
        self._digest = hashlib.sha256()
        try:
            self._handle: BinaryIO = path.open("rb")
        except OSError as exc:
            raise deskmetrics.RecordError(f"{self.name}: {os_reason(exc)}") from None
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
                self._check_unchanged()
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
            # The first cell (usually the id) settles it for nearly every row.
            if cells and (cells[0].strip() or any(cell.strip() for cell in cells)):
                yield start, cells

    def _check_unchanged(self) -> None:
        expect = self._expect
        if expect is None:
            return
        stat = self.path.stat()
        now = (stat.st_size, stat.st_mtime_ns, self._digest.hexdigest())
        if now != (expect["size"], expect["mtime_ns"], expect["sha256"]):
            raise FileChanged(
                f"{self.name} changed while it was being read (another program is writing it?); "
                f"nothing was recorded as read, so the next sync reads it again"
            )

    def _decoded_lines(self) -> Iterator[str]:
        # Whole lines are read, hashed and decoded a megabyte at a time (a call of each per
        # line was a tenth of a sync); a part that is not UTF-8 is decoded again line by line,
        # which is what lets the error name its line.
        handle = self._handle
        lines_before = 0
        carry = b""
        first = True
        size = min(_READ_CHUNK, MAX_LINE_BYTES)  # so that only a first line can be too long
        while True:
            chunk = handle.read(max(size, 4) if first else size)  # a BOM is read whole
            self._digest.update(chunk)
            if first:
                first = False
                if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    raise deskmetrics.RecordError(
                        f'{self.name}: UTF-16 text (Excel\'s "Unicode text"); save the file as '
                        f"CSV UTF-8"
                    )
                chunk = chunk.removeprefix(codecs.BOM_UTF8)
            data = carry + chunk if carry else chunk
            # Only the first line can have grown over several reads; the others fit in one.
            newline = data.find(b"\n")
            if (newline + 1 if newline >= 0 else len(data)) > MAX_LINE_BYTES:
                raise deskmetrics.RecordError(
                    f"{self.name}, line {lines_before + 1}: longer than {MAX_LINE_BYTES >> 20} "
                    f"MiB without a line break; not a CSV export?"
                )
            end = data.rfind(b"\n") + 1 if chunk else len(data)
            if end:
                part, carry = data[:end], data[end:]
                yield from self._decoded(part, lines_before)
                lines_before += part.count(b"\n")
            else:
                carry = data
            if not chunk:
                return

    def _decoded(self, part: bytes, lines_before: int) -> Iterator[str]:
        """The lines of ``part`` (whole lines, the first of them line ``lines_before + 1``)."""
        try:
            text = part.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            # newline="\n": lines end at line feeds only, as the file's lines do.
            yield from io.StringIO(text, newline="\n")
            return
        for number, raw in enumerate(io.BytesIO(part), lines_before + 1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise deskmetrics.RecordError(
                    f"{self.name}, line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02X} at "
                    f"position {exc.start + 1} of the line); save the file as UTF-8"
                ) from None

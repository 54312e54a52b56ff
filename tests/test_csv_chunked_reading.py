"""CsvRows reads a file in chunks of whole lines: whatever the chunk size, the same rows with the
same line numbers, and the same errors naming the same lines, as reading line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

import deskmetrics
import deskmetrics_csv.files
from deskmetrics_csv.files import CsvRows

_FILES = {
    "plain": b"id,subject\n1,a\n2,b\n3,c",
    "bom, crlf and a quoted line break": (
        b'\xef\xbb\xbfid,subject\r\n1,"two\r\nlines"\r\n\r\n2,x\r\n'
    ),
    "a lone carriage return in a cell": b'id,subject\n1,"a\rb"\n2,c\n',
    "blank rows": b"id,subject\n\n,\n 1 ,a\n",
    "not UTF-8 on line 4": b"id,subject\n1,a\n2,\xc3\xa9\n3,caf\xe9\n4,d\n",
    "broken quoting": b'id,subject\n1,a\n2,"open\n3,c\n',
}


def _read(path: Path) -> tuple[list[tuple[int, list[str]]], str | None]:
    rows: list[tuple[int, list[str]]] = []
    try:
        with CsvRows(path, ",") as opened:
            rows.append((opened.header_line, opened.header or []))
            rows.extend(opened)
    except deskmetrics.RecordError as exc:
        return rows, str(exc)
    return rows, None


@pytest.mark.parametrize("name", list(_FILES))
def test_any_chunk_size_reads_the_same_rows_and_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(_FILES[name])
    results = []
    for size in (1, 2, 3, 5, 8, 13, 1 << 20):
        monkeypatch.setattr(deskmetrics_csv.files, "_READ_CHUNK", size)
        results.append(_read(path))
    assert all(result == results[0] for result in results), name
    rows, error = results[0]
    if name == "not UTF-8 on line 4":
        assert rows == [(1, ["id", "subject"]), (2, ["1", "a"]), (3, ["2", "é"])]
        assert error == (
            "tickets.csv, line 4: not UTF-8 text (byte 0xE9 at position 6 of the line); "
            "save the file as UTF-8"
        )
    elif name == "bom, crlf and a quoted line break":
        assert rows == [(1, ["id", "subject"]), (2, ["1", "two\r\nlines"]), (5, ["2", "x"])]
        assert error is None


def test_a_long_line_is_refused_wherever_the_chunks_cut_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(b"id,subject\n1,short\n2," + b"x" * 100 + b"\n3,after\n")
    monkeypatch.setattr(deskmetrics_csv.files, "MAX_LINE_BYTES", 64)
    for size in (7, 64, 1 << 20):
        monkeypatch.setattr(deskmetrics_csv.files, "_READ_CHUNK", size)
        rows, error = _read(path)
        assert rows == [(1, ["id", "subject"]), (2, ["1", "short"])]
        assert error == (
            "tickets.csv, line 3: longer than 0 MiB without a line break; not a CSV export?"
        )
    monkeypatch.setattr(deskmetrics_csv.files, "MAX_LINE_BYTES", 104)  # the line and its \n
    assert _read(path)[1] is None

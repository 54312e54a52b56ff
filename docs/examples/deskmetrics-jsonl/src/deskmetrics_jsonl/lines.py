"""Reading a JSON-lines file from a byte offset, line by line, with line numbers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Line:
    """One non-blank line: its number, the byte offset after it, its object or its problem."""

    number: int
    end: int
    data: dict[str, Any] | None
    problem: str | None = None


def read_lines(path: Path, offset: int = 0, number: int = 0) -> Iterator[Line]:
    """The lines of ``path`` after byte ``offset`` (``number`` lines precede it).

    A last line without a newline counts only if it is a whole JSON object: otherwise the
    exporter is still writing it, and the next read starts with it.
    """
    with path.open("rb") as file:
        if offset and not _follows_newline(file, offset):
            # The previous read ended on such an unterminated last line: skip what was
            # appended to it (its newline), or say the line changed after it was read.
            rest = file.readline()
            if rest.strip():
                yield Line(number, offset + len(rest), None, "line changed after it was read")
            offset += len(rest)
        file.seek(offset)
        for raw in file:
            complete = raw.endswith(b"\n")
            number += 1
            if not raw.strip():
                offset += len(raw)
                continue
            data, problem = _parse(raw)
            if not complete and problem is not None:
                return
            offset += len(raw)
            yield Line(number, offset, data, problem)


def _follows_newline(file: Any, offset: int) -> bool:
    file.seek(offset - 1)
    return file.read(1) == b"\n"


def _parse(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        data = json.loads(raw)
    except ValueError as exc:  # also UnicodeDecodeError
        return None, f"not valid JSON ({exc})"
    if not isinstance(data, dict):
        return None, f"not a JSON object but {type(data).__name__}"
    return data, None


def count_lines(path: Path) -> int:
    """Non-blank lines, for ``check``."""
    with path.open("rb") as file:
        return sum(1 for raw in file if raw.strip())

"""Reading one cell into a typed value, with the reasons users see when a cell is wrong."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

ISO_EXAMPLE = "2026-01-05T09:30:00Z"
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
BOOLEANS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
"""Case-folded boolean cells and their values."""


CellReader = Callable[[str], Any]


class Kind(Enum):
    TEXT = "text"
    TIMESTAMP = "timestamp"
    INT = "whole number"
    FLOAT = "number"
    BOOL = "boolean"
    TAGS = "tags"
    CHOICE = "choice"


@dataclass(frozen=True)
class FieldType:
    kind: Kind
    choices: type[StrEnum] | None = None


class CellError(ValueError):
    """A cell that cannot be read; the message is the reason shown after the cell's location."""


class ValueMap:
    """A ``values`` table for one field: exact match first, then ignoring case."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.exact = mapping
        self.folded = {key.casefold(): value for key, value in mapping.items()}

    def __call__(self, text: str) -> str:
        if text in self.exact:
            return self.exact[text]
        return self.folded.get(text.casefold(), text)


class Cells:
    """Turns cell text into the value of a canonical field, as configured for one connection."""

    def __init__(
        self,
        *,
        values: dict[str, dict[str, str]],
        timezone: str,
        connection: str,
        datetime_format: str | None,
    ) -> None:
        self.maps = {name: ValueMap(mapping) for name, mapping in values.items()}
        self.zone = ZoneInfo(timezone)
        self.datetime_format = datetime_format
        self.connection = connection

    def reader(self, name: str, field: FieldType) -> CellReader:
        """How cells of field ``name`` are read: text -> value, or None for an empty cell.

        Chosen once per column, since it then runs for every cell of a possibly huge file.
        """
        value_map = self.maps.get(name)
        if field.kind is Kind.TAGS:
            # Tags are codes one by one, so the values table maps each tag, not the whole cell.
            return partial(read_tags, value_map=value_map)
        parse = self._parser(name, field)
        if value_map is None:
            return _plain_reader(parse)

        def read(text: str) -> Any:
            text = text.strip()
            if text:
                text = value_map(text).strip()
            return parse(text) if text else None

        return read

    def _parser(self, name: str, field: FieldType) -> CellReader:
        match field.kind:
            case Kind.TIMESTAMP:
                return self.timestamp
            case Kind.BOOL:
                return read_bool
            case Kind.INT:
                return read_int
            case Kind.FLOAT:
                return read_float
            case Kind.CHOICE:
                assert field.choices is not None
                return choice_reader(field.choices, f"connections.{self.connection}.values.{name}")
        return str

    def timestamp(self, text: str) -> datetime:
        """ISO 8601 (or ``datetime_format``); a time without offset is in the configured zone."""
        try:
            value = _fromisoformat(text)
        except ValueError:
            value = self._custom_format(text)
        if value.tzinfo is None:
            # replace() + zoneinfo picks the offset valid at that wall-clock time, so DST is right;
            # a time repeated by a DST change is read as its first occurrence (fold=0).
            value = value.replace(tzinfo=self.zone)
        return value

    def _custom_format(self, text: str) -> datetime:
        if self.datetime_format is not None:
            try:
                return datetime.strptime(text, self.datetime_format)
            except ValueError:
                raise CellError(
                    f"not a valid timestamp (ISO 8601 or {self.datetime_format!r} expected, "
                    f"e.g. {ISO_EXAMPLE})"
                ) from None
        raise CellError(f"not a valid timestamp (ISO 8601 expected, e.g. {ISO_EXAMPLE})")


_fromisoformat = datetime.fromisoformat


def _plain_reader(parse: CellReader) -> CellReader:
    """A reader without a values table; it runs for every cell of a column, so it is lean."""
    if parse is str:
        # strip() already gives the cell's text; an empty one is "no value".
        return lambda text: text.strip() or None

    def read(text: str) -> Any:
        text = text.strip()
        return parse(text) if text else None

    return read


def read_tags(text: str, value_map: ValueMap | None) -> list[str]:
    tags: list[str] = []
    for part in text.split(","):
        tag = part.strip()
        if value_map is not None and tag:
            tag = value_map(tag).strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def read_bool(text: str) -> bool:
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise CellError("not a boolean (true/false, 1/0 or yes/no expected)")


def read_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        pass
    # Spreadsheets often write whole numbers as 3.0; accept those, refuse 2.5.
    try:
        number = float(text)
    except ValueError:
        raise CellError("not a whole number") from None
    if not number.is_integer():
        raise CellError("not a whole number")
    return int(number)


def read_float(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise CellError("not a number (use a dot as decimal separator, e.g. 12.5)") from None
    if not math.isfinite(number):
        raise CellError("not a finite number")
    return number


def choice_reader(choices: type[StrEnum], table: str) -> CellReader:
    """Reads a vocabulary value, ignoring case; ``table`` is where users map other codes."""
    members = choice_members(choices)
    allowed = ", ".join(member.value for member in choices)

    def read(text: str) -> StrEnum:
        member = members.get(text.casefold())
        if member is None:
            raise CellError(f"not one of {allowed} (map other codes in a [{table}] table)")
        return member

    return read


def choice_members(choices: type[StrEnum]) -> dict[str, StrEnum]:
    """A vocabulary's members by their case-folded value (how cells are matched to them)."""
    return {member.value.casefold(): member for member in choices}

"""How records become rows and back: fixed-format UTC text times, JSON for lists and dicts.

Encoders are chosen once per column from the model's annotations, because the sync engine
encodes every record of every batch and a generic type switch per value was the hot spot.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from json.encoder import encode_basestring
from typing import Any

from deskmetrics.models import Record


def to_db_time(value: datetime) -> str:
    """The store's text form of an aware timestamp; text order equals time order."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Always six fraction digits: the store's format is fixed-width, so text sorts as time.
    # %-formatting the fields is twice as fast as an aware datetime's isoformat().
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


def from_db_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def now_db_time() -> str:
    return to_db_time(datetime.now(UTC))


def _time(value: datetime | None) -> str | None:
    return None if value is None else to_db_time(value)


# One encoder for every value: json.dumps with options builds a new one per call.
_ENCODE_JSON = json.JSONEncoder(default=str, ensure_ascii=False).encode


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return _ENCODE_JSON(value)


def _text_list(value: list[str] | None) -> str | None:
    # Tags: joined by hand, the same text as the JSON encoder at a sixth of its cost.
    return None if value is None else "[" + ", ".join(map(encode_basestring, value)) + "]"


def _plain(value: Any) -> Any:
    # str, int and float pass as they are.
    return value


def _enum(value: Enum | None) -> Any:
    # sqlite3 binds only exact str/int/float directly; a StrEnum member (a str subclass) goes
    # through its adapter lookup, which costs more than the rest of the row's binding.
    return None if value is None else value._value_


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)  # bool, like an enum, is not an exact int


def _encoder_for(annotation: Any) -> Callable[[Any], Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in args if a is not type(None))
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is datetime:
        return _time
    if annotation is bool:
        return _flag
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _enum
    origin = typing.get_origin(annotation) or annotation
    if origin is list and typing.get_args(annotation) == (str,):
        return _text_list
    if origin in (list, dict):
        return _json
    return _plain


def field_encoders(model: type[Record]) -> dict[str, Callable[[Any], Any]]:
    """Per field of ``model``: the function turning its value into a store value."""
    return {name: _encoder_for(info.annotation) for name, info in model.model_fields.items()}


class _DayTexts(dict[int, str]):
    """``"YYYY-MM-DDT"`` per proleptic ordinal, made on first use (a few thousand days)."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = date.fromordinal(ordinal).isoformat() + "T"
        return text


# The store's text of a UTC time from tables of its parts: %-formatting seven fields was most
# of a ticket row's encoding (nine timestamps a ticket); looking up the day, the minute of the
# day and the second is a ninth of its cost. to_db_time stays the reference (same text, tested).
_DAYS = _DayTexts()
_MINUTES = tuple("%02d:%02d:" % divmod(minute, 60) for minute in range(24 * 60))  # noqa: UP031
_SECONDS = tuple("%02d." % second for second in range(60))  # noqa: UP031

# How each kind of column reads its value ``v`` (already known not to be None, except for the
# list and JSON encoders, which take None themselves).
_EXPRESSIONS: dict[Callable[[Any], Any], str] = {
    _plain: "{value}",
    _enum: "(None if (v := {value}) is None else v._value_)",
    _flag: "(None if (v := {value}) is None else int(v))",
    # to_db_time, inlined for the usual UTC value (a call per timestamp was a fifth of the
    # row), from the tables of its parts; most helpdesks' times are whole seconds.
    _time: (
        "(None if (v := {value}) is None else _DAYS[v.toordinal()] + "
        "_MINUTES[v.hour * 60 + v.minute] + _SECONDS[v.second] + "
        "('%06dZ' % v.microsecond if v.microsecond else '000000Z') "
        "if v.tzinfo is UTC else to_db_time(v))"
    ),
    _text_list: (  # _text_list, inlined
        "(None if (v := {value}) is None else '[' + ', '.join(map(_quote, v)) + ']')"
    ),
    _json: "_json({value})",
}


class RowEncoder:
    """Turns records of one type into row tuples; ``columns`` names the tuple's columns.

    The sync engine encodes every record it stores, so the encoder is one generated function
    per model that builds the tuple in a single expression (as dataclasses generates its
    ``__init__``): no per-column call or intermediate list. Columns are grouped by kind.
    """

    def __init__(
        self, model: type[Record], durations: dict[str, tuple[str, str]] | None = None
    ) -> None:
        kinds: dict[Callable[[Any], Any], list[str]] = {
            encoder: [] for encoder in (_plain, _enum, _flag, _time, _text_list, _json)
        }
        for name, info in model.model_fields.items():
            if name not in ("source", "id"):
                kinds[_encoder_for(info.annotation)].append(name)
        ordered = [(kind, name) for kind, names in kinds.items() for name in names]
        durations = durations or {}
        self.columns = [
            "source", "id", *(name for _, name in ordered), "synced_at", *durations
        ]  # fmt: skip
        values = ", ".join(
            _EXPRESSIONS[kind].format(value=f"d[{name!r}]") for kind, name in ordered
        )
        # ``durations``: column -> (start, end) fields, stored as end - start in integer
        # microseconds (None when either is), computed here rather than in SQL: exact integer
        # arithmetic on the same instants, a third of a julianday() pair's cost per row.
        spans = "".join(
            f", (None if (s := d[{start!r}]) is None or (e := d[{end!r}]) is None "
            f"else (e - s) // _MICROSECOND)"
            for start, end in durations.values()
        )
        source = (
            "def encode(record, source, synced_at):\n"
            "    d = record.__dict__\n"
            f"    return (source, record.id, {values}, synced_at{spans})\n"
        )
        namespace: dict[str, Any] = {
            "UTC": UTC,
            "_DAYS": _DAYS,
            "_MINUTES": _MINUTES,
            "_SECONDS": _SECONDS,
            "to_db_time": to_db_time,
            "_quote": encode_basestring,
            "_json": _json,
            "_MICROSECOND": timedelta(microseconds=1),
        }
        exec(compile(source, f"<RowEncoder {model.__name__}>", "exec"), namespace)
        self.encode: Callable[[Record, str, str], tuple[Any, ...]] = namespace["encode"]
        """``encode(record, source, synced_at)``: the row tuple (call it directly in loops)."""

    def __call__(self, record: Record, source: str, synced_at: str) -> tuple[Any, ...]:
        return self.encode(record, source, synced_at)


_BOOL_FIELDS = {"escalated", "public", "higher_is_better"}
_JSON_FIELDS = {"tags", "custom_fields", "raw"}


def row_to_record(model: type[Record], row: dict[str, Any]) -> Record:
    """Rebuild a record from a store row (used by tests, exports and the testing kit)."""
    data: dict[str, Any] = {}
    for name in model.model_fields:
        value = row.get(name)
        if name in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        elif name in _BOOL_FIELDS and value is not None:
            value = bool(value)
        data[name] = value
    return model.model_validate(data)

"""How records become rows and back: fixed-format UTC text times, JSON for lists and dicts.

Encoders are chosen once per column from the model's annotations, because the sync engine
encodes every record of every batch and a generic type switch per value was the hot spot.
"""

from __future__ import annotations

import json
import operator
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
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


class RowEncoder:
    """Turns records of one type into row tuples; ``columns`` names the tuple's columns.

    Columns are grouped by how their values are encoded, so each group is one comprehension
    (and the plain values one itemgetter call): the sync engine encodes every record it stores.
    """

    def __init__(self, model: type[Record]) -> None:
        kinds: dict[Callable[[Any], Any], list[str]] = {
            encoder: [] for encoder in (_plain, _enum, _flag, _time, _text_list, _json)
        }
        for name, info in model.model_fields.items():
            if name not in ("source", "id"):
                kinds[_encoder_for(info.annotation)].append(name)
        plain = kinds[_plain]
        # itemgetter of one name returns the bare value, not a 1-tuple: wrap it (Group, Customer).
        if len(plain) == 1:
            getter = operator.itemgetter(plain[0])
            self._plain: Callable[[dict[str, Any]], tuple[Any, ...]] = lambda d: (getter(d),)
        else:
            self._plain = operator.itemgetter(*plain)
        self._enums = kinds[_enum]
        self._flags = kinds[_flag]
        self._times = kinds[_time]
        self._text_lists = kinds[_text_list]
        self._jsons = kinds[_json]
        self.columns = ["source", "id", *(name for names in kinds.values() for name in names)]
        self.columns.append("synced_at")

    def __call__(self, record: Record, source: str, synced_at: str) -> tuple[Any, ...]:
        data = record.__dict__
        return (
            source,
            record.id,
            *self._plain(data),
            *[None if (value := data[n]) is None else value._value_ for n in self._enums],
            *[None if (value := data[n]) is None else int(value) for n in self._flags],
            *[None if (value := data[n]) is None else to_db_time(value) for n in self._times],
            *[_text_list(data[n]) for n in self._text_lists],
            *[_json(data[n]) for n in self._jsons],
            synced_at,
        )


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

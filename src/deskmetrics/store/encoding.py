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
from typing import Any

from deskmetrics.models import Record


def to_db_time(value: datetime) -> str:
    """The store's text form of an aware timestamp; text order equals time order."""
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    # Always six fraction digits: the store's format is fixed-width, so text sorts as time.
    return value.isoformat(timespec="microseconds")[:-6] + "Z"


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


def _plain(value: Any) -> Any:
    # str, StrEnum members (str subclasses), int, float and bool (stored as 0/1) pass as they are.
    return value


def _encoder_for(annotation: Any) -> Callable[[Any], Any]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in args if a is not type(None))
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if annotation is datetime:
        return _time
    origin = typing.get_origin(annotation) or annotation
    if origin in (list, dict):
        return _json
    return _plain


def field_encoders(model: type[Record]) -> dict[str, Callable[[Any], Any]]:
    """Per field of ``model``: the function turning its value into a store value."""
    return {name: _encoder_for(info.annotation) for name, info in model.model_fields.items()}


class RowEncoder:
    """Turns records of one type into row tuples; ``columns`` names the tuple's columns.

    Plain values (text, numbers, booleans, StrEnum members) are fetched in one itemgetter call;
    only timestamps and JSON columns pay for a conversion.
    """

    def __init__(self, model: type[Record]) -> None:
        kinds: dict[Callable[[Any], Any], list[str]] = {_plain: [], _time: [], _json: []}
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
        self._times = kinds[_time]
        self._jsons = kinds[_json]
        self.columns = ["source", "id", *kinds[_plain], *self._times, *self._jsons, "synced_at"]

    def __call__(self, record: Record, source: str, synced_at: str) -> tuple[Any, ...]:
        data = record.__dict__
        return (
            source,
            record.id,
            *self._plain(data),
            *[None if data[n] is None else to_db_time(data[n]) for n in self._times],
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

"""Custom ticket fields by readable name, from ``/api/v2/ticket_fields``, option labels included.

Zendesk sends ``custom_fields`` as ``[{"id": 27642, "value": "745"}]``: ids, and for dropdowns the
option's tag value (``hw_printer``) rather than its label (``Printer``). The registry turns them
into ``{"Product": "Printer"}`` and gives each value the type its field declares, because the
API sends numbers and checkboxes as strings or booleans depending on the endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Converter = Callable[[Any], Any]


def _label(options: Mapping[str, str]) -> Converter:
    def convert(value: Any) -> Any:
        return None if value is None else options.get(str(value), value)

    return convert


def _labels(options: Mapping[str, str]) -> Converter:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        values = value if isinstance(value, list) else [value]
        return [options.get(str(v), v) for v in values]

    return convert


def _checkbox(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _number(kind: type[int] | type[float]) -> Converter:
    def convert(value: Any) -> Any:
        if value is None:
            return None
        try:
            return kind(value)
        except (TypeError, ValueError):
            return value  # a value the field type does not describe is kept as sent

    return convert


def _as_sent(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class TicketField:
    id: int
    name: str
    type: str
    options: Mapping[str, str] = field(default_factory=dict)
    """Option tag value → label, for dropdown (tagger) and multiselect fields."""

    def converter(self) -> Converter:
        """The function giving a raw value the type and label this field declares."""
        if self.type == "tagger":
            return _label(self.options)
        if self.type == "multiselect":
            return _labels(self.options)
        if self.type == "checkbox":
            return _checkbox
        if self.type == "integer":
            return _number(int)
        if self.type == "decimal":
            return _number(float)
        return _as_sent


class FieldRegistry:
    """Field id → :class:`TicketField`; titles shared by two fields get the id appended."""

    def __init__(self, definitions: Iterable[Mapping[str, Any]] = ()) -> None:
        definitions = list(definitions)
        titles: dict[str, int] = {}
        for definition in definitions:
            title = str(definition.get("title") or "")
            titles[title] = titles.get(title, 0) + 1
        self.fields: dict[int, TicketField] = {}
        for definition in definitions:
            field_id = int(definition["id"])
            title = str(definition.get("title") or "") or f"field {field_id}"
            if titles.get(title, 0) > 1:
                title = f"{title} ({field_id})"
            options = {
                str(option.get("value")): str(option.get("name"))
                for option in definition.get("custom_field_options") or ()
            }
            self.fields[field_id] = TicketField(
                field_id, title, str(definition.get("type") or ""), options
            )
        # Every ticket of every page goes through ``readable``: look up once, convert directly.
        self._converters = {
            field_id: (definition.name, definition.converter())
            for field_id, definition in self.fields.items()
        }

    def readable(self, custom_fields: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
        """``[{"id": 1, "value": "hw"}]`` → ``{"Product": "Hardware"}``."""
        result: dict[str, Any] = {}
        converters = self._converters
        for item in custom_fields or ():
            field_id = item.get("id")
            known = None if field_id is None else converters.get(field_id)
            if known is None:
                # A field deleted since the ticket was written: keep its value under its id.
                result[f"field {field_id}"] = item.get("value")
            else:
                result[known[0]] = known[1](item.get("value"))
        return result

    def name_of(self, title_or_id: str) -> str | None:
        """The readable name for an option value such as ``"Total time spent (sec)"`` or an id."""
        if title_or_id.isdigit() and int(title_or_id) in self.fields:
            return self.fields[int(title_or_id)].name
        for definition in self.fields.values():
            if title_or_id in (definition.name, definition.name.split(" (")[0]):
                return definition.name
        return None

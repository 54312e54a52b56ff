"""The files the connector reads: which record a row becomes and how each column is typed.

Column types are read off the record models rather than listed by hand, so a field added to a
model becomes a CSV column without touching this plugin.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

import deskmetrics
from deskmetrics_csv.cells import FieldType, Kind

_NOT_COLUMNS = frozenset({"source", "custom_fields", "raw"})
"""Record fields that the connector fills itself; headers with these names are custom fields."""


@dataclass(frozen=True)
class StreamSpec:
    name: str
    model: type[deskmetrics.Record]
    required: tuple[str, ...]
    """Columns every file of this stream must have, and cells every row must fill."""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @cached_property
    def fields(self) -> dict[str, FieldType]:
        """Canonical column name -> how its cells are read, in model order."""
        return {
            name: _field_type(info.annotation)
            for name, info in self.model.model_fields.items()
            if name not in _NOT_COLUMNS
        }


def _field_type(annotation: Any) -> FieldType:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return FieldType(Kind.CHOICE, choices=annotation)
    if typing.get_origin(annotation) is list:
        return FieldType(Kind.TAGS)
    # bool before int: bool is a subclass of int.
    for python_type, kind in (
        (datetime, Kind.TIMESTAMP),
        (bool, Kind.BOOL),
        (int, Kind.INT),
        (float, Kind.FLOAT),
    ):
        if annotation is python_type:
            return FieldType(kind)
    return FieldType(Kind.TEXT)


STREAMS: dict[str, StreamSpec] = {
    spec.name: spec
    for spec in (
        StreamSpec("groups", deskmetrics.Group, ("id",)),
        StreamSpec("agents", deskmetrics.Agent, ("id",)),
        StreamSpec("organizations", deskmetrics.Organization, ("id",)),
        StreamSpec("customers", deskmetrics.Customer, ("id", "created_at")),
        StreamSpec(
            "interactions",
            deskmetrics.Interaction,
            ("id", "ticket_id", "author_role", "created_at"),
        ),
        StreamSpec("tickets", deskmetrics.Ticket, ("id", "created_at")),
        StreamSpec("surveys", deskmetrics.SurveyResponse, ("id", "kind", "created_at")),
        StreamSpec(
            "ticket_events",
            deskmetrics.TicketEvent,
            ("id", "ticket_id", "created_at", "field"),
        ),
    )
}
"""Every stream, in sync order: parents first, and interactions before the tickets they feed."""

FILE_ORDER: tuple[str, ...] = (
    "tickets.csv",
    "interactions.csv",
    "surveys.csv",
    "customers.csv",
    "agents.csv",
    "groups.csv",
    "organizations.csv",
    "ticket_events.csv",
)
"""How files are listed to users (most important first)."""

CANONICAL_FIELDS: frozenset[str] = frozenset(
    name for spec in STREAMS.values() for name in spec.fields
)

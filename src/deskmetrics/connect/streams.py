"""Streams declared once: ``@deskmetrics.stream(name, records=...)`` on a connector's read method.

A connector class lists its streams by decorating one read method per stream. The class's
``streams`` tuple (the sync order: declaration order, base classes first) and the dispatch of
``Connector.read`` to the right method are derived from those declarations, so they cannot drift
apart::

    class Desk(deskmetrics.Connector):
        name = "desk"

        @deskmetrics.stream("tickets", records=(deskmetrics.Ticket,))
        def read_tickets(self, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
            ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from deskmetrics.models import Record

if TYPE_CHECKING:
    from deskmetrics.connect.connector import Batch

R = TypeVar("R", bound=Callable[..., Any])

_MARK = "__deskmetrics_stream__"


@dataclass(frozen=True)
class Stream:
    """One declared stream: its name, the record types it yields and its read method."""

    name: str
    records: tuple[type[Record], ...]
    reader: Callable[..., Iterator[Batch]]

    @property
    def method(self) -> str:
        """The read method's attribute name on the connector class."""
        return self.reader.__name__


def stream(name: str, *, records: tuple[type[Record], ...] = ()) -> Callable[[R], R]:
    """Declare the decorated method ``read_x(self, state)`` as the reader of stream ``name``.

    ``records`` names the record types the stream yields (documentation and ``deskmetrics
    plugins``); the order of declarations in the class body is the order streams are synced,
    so declare parents (groups, agents) before the tickets that name them.
    """
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"stream name {name!r}: use letters, digits and underscores")

    def declare(reader: R) -> R:
        setattr(reader, _MARK, Stream(name, tuple(records), reader))
        return reader

    return declare


def declared_streams(cls: type) -> dict[str, Stream]:
    """The streams declared on ``cls`` and its bases, in sync order, by name.

    A subclass may redeclare a stream (same name) to replace its reader; it keeps its place.
    """
    found: dict[str, Stream] = {}
    for klass in reversed(cls.__mro__):
        for value in vars(klass).values():
            spec = getattr(value, _MARK, None)
            if isinstance(spec, Stream):
                found[spec.name] = spec
    return found

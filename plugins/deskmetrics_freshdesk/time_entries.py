"""Handle time from time entries summed per ticket: ``time_spent_in_seconds`` when the entry
carries it (exact), else the documented ``time_spent`` ("hh:mm", whole minutes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def entry_seconds(entry: dict[str, Any]) -> int:
    """Seconds of one entry: ``time_spent_in_seconds`` beats ``time_spent``.

    Real accounts send ``time_spent_in_seconds`` (the reference does not document it); the
    "hh:mm" text drops up to 59 s per entry, so it is only the fallback.
    """
    exact = entry.get("time_spent_in_seconds")
    if isinstance(exact, int | float) and not isinstance(exact, bool) and exact >= 0:
        return int(exact)
    return spent_seconds(entry.get("time_spent"))


def spent_seconds(value: Any) -> int:
    """Seconds of a ``time_spent`` value: "hh:mm" (documented) or "hh:mm:ss"."""
    if not isinstance(value, str) or not value:
        return 0
    parts = [int(part) for part in value.strip().split(":")]
    hours, minutes, seconds = [*parts, 0, 0][:3]
    return hours * 3600 + minutes * 60 + seconds


@dataclass
class HandleTimes:
    """Per-ticket sums of finished entries; tickets with a running timer are remembered.

    A running timer's ``time_spent`` is not final, so it is left out until it stops.
    """

    seconds: dict[str, int] = field(default_factory=dict)
    running: set[str] = field(default_factory=set)
    tickets: set[str] = field(default_factory=set)

    def add(self, entries: Iterable[dict[str, Any]]) -> None:
        for entry in entries:
            ticket = entry.get("ticket_id")
            if ticket is None:
                continue
            ticket = str(ticket)
            self.tickets.add(ticket)
            if entry.get("timer_running"):
                self.running.add(ticket)
                continue
            self.seconds[ticket] = self.seconds.get(ticket, 0) + entry_seconds(entry)

    def handle_seconds(self, ticket: str) -> float | None:
        """None when nothing finished was logged (spec §3: null, not zero)."""
        value = self.seconds.get(ticket)
        return None if value is None else float(value)

"""Freshdesk timestamps: ISO 8601 in, timezone-aware UTC out, and the query-string form."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_time(value: str | None) -> datetime | None:
    """Parse a Freshdesk timestamp; None stays None.

    The API answers in UTC with ``Z``, but some documented samples carry offsets (``+05:30``),
    so any ISO 8601 offset is accepted. A timestamp without one is read as UTC, as the API does.
    """
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_time(value: datetime) -> str:
    """The ``updated_since`` / ``created_since`` form: whole seconds, UTC, ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

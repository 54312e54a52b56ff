"""Zendesk's times: ISO-8601 UTC text in payloads, epoch seconds in incremental parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_time(value: Any) -> datetime | None:
    """``"2024-03-04T09:12:00Z"`` → an aware UTC datetime; None and "" stay None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    # Zendesk writes "Z"; an offset-less value would be ambiguous, and Zendesk means UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def to_epoch(value: datetime) -> int:
    return int(value.timestamp())


def epoch_of(value: Any) -> int | None:
    parsed = parse_time(value)
    return None if parsed is None else to_epoch(parsed)

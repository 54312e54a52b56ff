"""Cursor helpers for the three kinds of incremental reads helpdesk APIs offer.

Each reads its part of a stream's saved state and writes it back in the same shape, so a store
synced before a connector used them keeps syncing incrementally:

- :class:`TokenCursor`: an opaque token the API hands out (``after_cursor``), saved as is.
- :class:`TimeCursor`: epoch seconds of an inclusive ``start_time``; the next run starts at the
  newest item seen (the high-water mark), so items of that second come again and are upserted,
  never skipped.
- :class:`UpdatedSince`: an ISO ``updated_since`` timestamp read back minus a lookback, for
  listings whose ``updated_at`` can be written late.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmetrics.errors import ConnectorError

State = dict[str, Any]


@dataclass
class TokenCursor:
    """An API's opaque resume token under ``key`` of the state."""

    key: str = "cursor"

    def token(self, state: State | None) -> str | None:
        """The saved token, None before the first sync that got one."""
        value = (state or {}).get(self.key)
        return str(value) if value else None

    def state(self, token: str) -> State:
        return {self.key: token}

    def check_advanced(
        self, given: str | None, after: str | None, *, empty: bool, where: str
    ) -> str:
        """``after``, or a ConnectorError when the API gave no way on or the same empty page.

        ``where`` starts the message: ``"acme.zendesk.com: the ticket export"``.
        """
        if not after:
            raise ConnectorError(
                f"{where} gave no next cursor and no end of stream; the saved cursor is "
                f"kept, so the next sync resumes here"
            )
        if after == given and empty:
            raise ConnectorError(
                f"{where} returned the cursor it was given with nothing new and no end of "
                f"stream; stopping instead of looping"
            )
        return after


@dataclass
class TimeCursor:
    """An inclusive epoch-seconds boundary (``start_time``) and the newest time seen since."""

    start: int
    high_water: int
    key: str = "start_time"

    @classmethod
    def resume(
        cls,
        state: State | None,
        *,
        default: int = 0,
        latest: int | None = None,
        key: str = "start_time",
        high_water_key: str = "high_water",
    ) -> TimeCursor:
        """From ``state`` (else ``default``), never negative and never after ``latest``."""
        saved = (state or {}).get(key)
        start = saved if isinstance(saved, int) and not isinstance(saved, bool) else default
        start = max(0, start if latest is None else min(start, latest))
        high = (state or {}).get(high_water_key)
        return cls(start, high if isinstance(high, int) else start, key)

    def see(self, when: int | None) -> None:
        """Count an item's time (None: an item without one) into the high-water mark."""
        if when is not None and when > self.high_water:
            self.high_water = when

    def state(self) -> State:
        """The state that resumes after everything seen, boundary second included."""
        return {self.key: self.high_water}


@dataclass
class UpdatedSince:
    """``updated_since`` read back minus ``lookback`` (and not before ``floor``); tracks the
    newest ``updated_at`` seen for the state saved once the listing is stored."""

    saved: datetime | None
    lookback: timedelta
    floor: datetime | None = None
    key: str = "updated_since"

    def __post_init__(self) -> None:
        self.latest: datetime | None = self.saved

    @classmethod
    def resume(
        cls,
        state: State | None,
        *,
        lookback: timedelta,
        floor: datetime | None = None,
        key: str = "updated_since",
    ) -> UpdatedSince:
        return cls(parse_iso((state or {}).get(key)), lookback, floor, key)

    def since(self) -> datetime | None:
        """Where the listing starts: None (everything) before the first sync without a floor."""
        if self.saved is None:
            return self.floor
        since = self.saved - self.lookback
        return since if self.floor is None else max(since, self.floor)

    def see(self, updated: datetime | None) -> None:
        if updated is not None and (self.latest is None or updated > self.latest):
            self.latest = updated

    def state(self) -> State | None:
        """The state to save, None while nothing was ever seen."""
        return None if self.latest is None else {self.key: format_iso(self.latest)}


def parse_iso(value: Any) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` or any offset; none means UTC) as aware UTC; None stays."""
    if value is None or value == "":
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_iso(value: datetime) -> str:
    """Whole seconds, UTC, ``Z``: the form query strings and saved states use."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

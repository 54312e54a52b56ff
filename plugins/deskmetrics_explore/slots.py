"""Quarter-hour UTC slots: SQLite groups timestamps by them, Python places each slot in the
report's time zone. Every UTC offset in use is a multiple of 15 minutes and DST changes happen
on such a boundary, so a slot lies entirely in one local hour and one local date; grouping in SQL
keeps a year of tickets to at most ~35 000 rows instead of one per ticket."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def slot_sql(column: str) -> str:
    """``YYYY-MM-DDTHH:q`` with q the quarter (0–3) of the hour of a stored UTC timestamp."""
    return f"substr({column}, 1, 14) || (CAST(substr({column}, 15, 2) AS INTEGER) / 15)"


def local_start(slot: str, zone: ZoneInfo) -> datetime:
    """The slot's start instant, in ``zone``."""
    quarter = int(slot[14:])
    utc = datetime.fromisoformat(slot[:13]).replace(minute=15 * quarter, tzinfo=UTC)
    return utc.astimezone(zone)

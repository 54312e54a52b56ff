"""Stored ticket durations, computed by the row encoder in Python (not julianday in SQL): the
integers must be bit-identical to what schema.micros computes from the stored text."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from deskmetrics import Store, Ticket
from deskmetrics.store.encoding import to_db_time
from deskmetrics.store.schema import DURATION_COLUMNS, micros

_INSTANTS = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


def _sql_micros(start: datetime, end: datetime) -> int:
    conn = sqlite3.connect(":memory:")
    (value,) = conn.execute(
        f"SELECT {micros('?1', '?2')}", (to_db_time(start), to_db_time(end))
    ).fetchone()
    return int(value)


@settings(max_examples=3000, deadline=None)
@given(start=_INSTANTS, later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)))
def test_python_durations_equal_the_sql_ones(start: datetime, later: timedelta) -> None:
    end = start + later
    ticket = Ticket(
        id="1", created_at=start, first_response_at=end, resolved_at=end, first_assigned_at=end
    )
    (_, first_response_us, resolution_us, first_resolution_us, first_assignment_us) = _durations(
        ticket
    )
    assert first_response_us == resolution_us == first_assignment_us == _sql_micros(start, end)
    assert first_resolution_us is None


@settings(max_examples=300, deadline=None)
@given(start=_INSTANTS, seconds=st.integers(0, 10**8), offset=_OFFSETS)
def test_durations_of_times_in_other_zones(start: datetime, seconds: int, offset: timezone) -> None:
    # A record built without validation may hold non-UTC times; the store writes them as UTC.
    end = (start + timedelta(seconds=seconds, microseconds=seconds % 999_999)).astimezone(offset)
    ticket = Ticket.model_construct(id="1", created_at=start.astimezone(offset), resolved_at=end)
    assert _durations(ticket)[2] == _sql_micros(start, end)


def _durations(ticket: Ticket) -> tuple[object, ...]:
    from deskmetrics.store.database import _UPSERTS

    row = _UPSERTS[Ticket].encode.encode(ticket, "s", "2026-01-01T00:00:00.000000Z")
    columns = _UPSERTS[Ticket].encode.columns
    return (None, *(row[columns.index(name)] for name in DURATION_COLUMNS))


def test_stored_durations_match_sql_after_inserts_and_partial_updates(tmp_path: Path) -> None:
    t0 = datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=UTC)
    with Store(tmp_path / "dm.db") as store:
        store.write(
            [
                Ticket(id="1", created_at=t0, first_response_at=t0 + timedelta(seconds=1.5)),
                Ticket(id="2", created_at=t0, resolved_at=t0 + timedelta(days=400, microseconds=1)),
                Ticket(id="3", created_at=t0),
                Ticket(id="4", created_at=t0, first_assigned_at=t0 + timedelta(minutes=5)),
            ],
            source="s",
        )
        # Only one end of a span set: the stored other end is used (SQL computes it).
        store.write([Ticket(id="2", created_at=t0 - timedelta(hours=1))], source="s")
        store.write([Ticket(id="4", created_at=t0 - timedelta(hours=1))], source="s")
        rows = store.conn.execute(
            "SELECT id, first_response_us, resolution_us, first_resolution_us, "
            "first_assignment_us, "
            + ", ".join(f"{micros(a, b)}" for a, b in DURATION_COLUMNS.values())
            + " FROM tickets ORDER BY id"
        ).fetchall()
    assert [row[:5] for row in rows] == [
        ("1", 1_500_000, None, None, None),
        ("2", None, 400 * 86_400_000_000 + 3_600_000_000 + 1, None, None),
        ("3", None, None, None, None),
        ("4", None, None, None, 3_900_000_000),  # the first assignment's (schema 10)
    ]
    assert all(row[1:5] == row[5:] for row in rows)

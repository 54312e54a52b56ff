"""The row encoder's time text (built from tables of a time's parts) is exactly to_db_time's,
which is the fixed-width ISO text of the instant in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from deskmetrics import Status, Ticket
from deskmetrics.store.encoding import from_db_time, to_db_time

_INSTANTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
)
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_TIME_FIELDS = ("created_at", "updated_at", "resolved_at", "first_response_due_at")


def _encoded(ticket: Ticket) -> dict[str, object]:
    from deskmetrics.store.database import _UPSERTS

    encoder = _UPSERTS[Ticket].encode
    row = encoder.encode(ticket, "s", "2026-01-01T00:00:00.000000Z")
    return dict(zip(encoder.columns, row, strict=True))


def _reference(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


@settings(max_examples=2000, deadline=None)
@given(instants=st.lists(_INSTANTS, min_size=4, max_size=4), whole=st.booleans())
def test_encoded_times_are_to_db_times_text(instants: list[datetime], whole: bool) -> None:
    if whole:  # most helpdesks' times: whole seconds (the table path without microseconds)
        instants = [instant.replace(microsecond=0) for instant in instants]
    values = dict(zip(_TIME_FIELDS, instants, strict=True))
    ticket = Ticket.model_construct(id="1", status=Status.OPEN, tags=[], **values)
    row = _encoded(ticket)
    for name, instant in values.items():
        assert row[name] == to_db_time(instant) == _reference(instant)
        assert from_db_time(str(row[name])) == instant


@settings(max_examples=300, deadline=None)
@given(instant=_INSTANTS.filter(lambda i: i.year > 1 and i.year < 9999), offset=_OFFSETS)
def test_times_in_other_zones_are_stored_as_utc(instant: datetime, offset: timezone) -> None:
    # A record built without validation may hold non-UTC times; the store writes them as UTC.
    ticket = Ticket.model_construct(
        id="1", status=Status.OPEN, tags=[], created_at=instant.astimezone(offset)
    )
    assert _encoded(ticket)["created_at"] == _reference(instant)


def test_known_texts() -> None:
    ticket = Ticket(
        id="7",
        created_at=datetime(2026, 8, 31, 0, 0, 51, tzinfo=UTC),
        updated_at=datetime(999, 1, 2, 23, 59, 59, 999_999, tzinfo=UTC),
        resolved_at=datetime(2026, 8, 31, 13, 7, 5, 250, tzinfo=UTC),
    )
    row = _encoded(ticket)
    assert row["created_at"] == "2026-08-31T00:00:51.000000Z"
    assert row["updated_at"] == "0999-01-02T23:59:59.999999Z"
    assert row["resolved_at"] == "2026-08-31T13:07:05.000250Z"
    assert row["first_response_at"] is None

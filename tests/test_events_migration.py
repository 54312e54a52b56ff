"""The ticket-history migration (issue #18 item 1) upgrades a store of the previous version in
place, and the store upserts history rows like any record."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

import deskmetrics
from deskmetrics.store import Store
from deskmetrics.store.schema import MIGRATIONS, SCHEMA_VERSION, TICKET_EVENTS

BEFORE = MIGRATIONS.index(TICKET_EVENTS)
AT = datetime(2026, 1, 5, 10, tzinfo=UTC)


def old_store(path: Path) -> None:
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:BEFORE]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version = {BEFORE}")
    conn.execute(
        "INSERT INTO tickets (source, id, created_at, status, synced_at)"
        " VALUES ('desk', '7', '2026-01-05T10:00:00.000000Z', 'open',"
        " '2026-01-07T00:00:00.000000Z')"
    )
    conn.commit()
    conn.close()


def event(id: str, field: str, value: str | None, **more: object) -> deskmetrics.TicketEvent:
    return deskmetrics.TicketEvent.build(
        {"id": id, "ticket_id": "7", "created_at": AT, "field": field, "value": value, **more}
    )


def test_an_older_store_gains_the_history_table_and_keeps_its_tickets(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old_store(path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(ticket_events)")]
        assert columns[:6] == [
            "ticket_id", "created_at", "field", "value", "previous_value", "author_id",
        ]  # fmt: skip
        assert store.conn.execute("SELECT id, status FROM tickets").fetchall() == [("7", "open")]
        store.write(
            [event("e1", "status", "pending", previous_value="open", author_id="42")],
            source="desk",
        )
    with Store(path) as store:  # opening again applies nothing twice
        assert store.schema_version == SCHEMA_VERSION
        rows = store.conn.execute(
            "SELECT source, id, ticket_id, created_at, field, value, previous_value, author_id"
            " FROM ticket_events"
        ).fetchall()
    assert rows == [
        ("desk", "e1", "7", "2026-01-05T10:00:00.000000Z", "status", "pending", "open", "42")
    ]


def test_history_rows_are_upserted_by_id(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.write([event("e1", "assignee", "5")], source="desk")
        store.write([event("e1", "assignee", "6", previous_value="5")], source="desk")
        rows = store.conn.execute("SELECT value, previous_value FROM ticket_events").fetchall()
    assert rows == [("6", "5")]


@pytest.mark.parametrize(
    ("value", "previous", "message"),
    [
        ("waiting", None, "value 'waiting' is not a status"),
        ("open", "parked", "previous_value 'parked' is not a status"),
        (None, "open", "a status change needs the new status"),
    ],
)
def test_a_status_change_names_a_status_category(
    value: str | None, previous: str | None, message: str
) -> None:
    with pytest.raises(deskmetrics.RecordError) as caught:
        event("e1", "status", value, previous_value=previous)
    assert "ticketevent e1: 1 invalid field" in str(caught.value)
    assert message in " ".join(caught.value.problems)


def test_usual_spellings_of_fields_and_statuses_are_read() -> None:
    held = event("e1", "assignee_id", "5")
    assert held.field is deskmetrics.EventField.ASSIGNEE
    status = event("e2", "Status", "On-Hold", previous_value=" Pending ")
    assert (status.field.value, status.value, status.previous_value) == (
        "status", "on_hold", "pending",
    )  # fmt: skip
    assert event("e3", "status", "hold").value == "on_hold"


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(deskmetrics.RecordError) as caught:
        event("e1", "priority", "high")
    assert "field" in " ".join(caught.value.problems)

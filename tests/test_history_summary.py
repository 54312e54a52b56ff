"""Per-ticket history summaries (``ticket_history``, schema 9): kept at write time, in the same
transaction as the ticket or history rows they depend on, whatever order those arrive in; equal
to what the KPIs computed from ``ticket_events`` in every scan before; filled by the migration for
stores that already held histories."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import EventField, Status, Store, Ticket, TicketEvent, TicketUpdate
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics.store import history_summary
from deskmetrics.store.database import _split_sql
from deskmetrics.store.schema import HISTORY_SUMMARY, MIGRATIONS, SCHEMA_VERSION
from deskmetrics_explore import history

END = datetime(2026, 1, 5, tzinfo=UTC)
COLUMNS = (
    "requester_wait_seconds, agent_wait_seconds, on_hold_seconds, agent_work_seconds,"
    " assignee_stations, group_stations, first_assigned_at, status_stretches"
)
LIVE = ", ".join(
    [
        *(history_summary.status_seconds(s) for s in history_summary.STATUS_COLUMNS),
        history_summary.stations("assignee"),
        history_summary.stations("group"),
        history_summary.first_assigned_at(),
        history_summary.stretches(),
    ]
)
"""The figures computed from ticket_events on the spot, as every report scan did before."""


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 5, hour, minute, tzinfo=UTC)


def summaries(conn: Any) -> dict[str, tuple[Any, ...]]:
    rows = conn.execute(f"SELECT ticket_id, {COLUMNS} FROM ticket_history").fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def live(conn: Any) -> dict[str, tuple[Any, ...]]:
    rows = conn.execute(
        f"SELECT t.id, {LIVE} FROM tickets t WHERE {history_summary.has_history()}"
    ).fetchall()
    return {row[0]: tuple(row[1:]) for row in rows}


def status(ticket: str, id: str, when: datetime, value: str, before: str | None = None) -> Any:
    return TicketEvent(
        id=id, ticket_id=ticket, created_at=when, field=EventField.STATUS, value=value,
        previous_value=before,
    )  # fmt: skip


def test_demo_history_written_in_any_order_gives_the_live_figures(tmp_path: Path) -> None:
    spec = DemoSpec(tickets=400, weeks=4, end=END, seed=11, interactions=False, surveys=False)
    records = list(demo_records(spec))
    random.Random(3).shuffle(records)  # history rows before their tickets, and after
    with Store(tmp_path / "dm.db") as store:
        for first in range(0, len(records), 700):
            store.write(records[first : first + 700], source="demo")
        stored, computed = summaries(store.conn), live(store.conn)
        tickets = store.count("tickets")
    assert len(stored) > 300 and len(stored) <= tickets
    assert stored == computed  # exactly: the same SQL, the same floats
    assert sum(1 for row in stored.values() if row[0] is not None) > 200


def test_a_later_resolution_and_reopen_update_the_summary(tmp_path: Path) -> None:
    ticket = Ticket(
        id="1", created_at=at(10), status=Status.SOLVED, resolved_at=at(14), assignee_id="a1"
    )
    with Store(tmp_path / "dm.db") as store:
        store.write([ticket], source="s")
        assert summaries(store.conn) == {}  # no history: no summary, every figure NULL
        store.write(
            [
                status("1", "e1", at(10), "open", "new"),
                status("1", "e2", at(12), "pending", "open"),
                status("1", "e3", at(14), "solved", "pending"),
                TicketEvent(
                    id="e4",
                    ticket_id="1",
                    created_at=at(10, 30),
                    field=EventField.ASSIGNEE,
                    value="a1",
                ),
            ],
            source="s",
        )
        # Open 10:00–12:00, pending 12:00–14:00; assigned at 10:30, one assignee, no group.
        assert summaries(store.conn) == {
            "1": (
                7200.0,
                7200.0,
                0.0,
                7200.0,
                1,
                0,
                at_text(10, 30),
                f"o{us(10)},{us(12)} p{us(12)},{us(14)}",
            ),
        }
        # Reopened at 15:00 and solved again at 17:00: the resolution moves, with the history.
        store.write(
            [
                status("1", "e5", at(15), "open", "solved"),
                status("1", "e6", at(17), "solved", "open"),
                TicketUpdate(id="1", resolved_at=at(17)),
            ],
            source="s",
        )
        assert summaries(store.conn)["1"][:4] == (14400.0, 7200.0, 0.0, 14400.0)


def us(hour: int) -> int:
    """at(hour) in integer microseconds since the epoch, as status_stretches writes it."""
    return int(at(hour).timestamp()) * 1_000_000


def at_text(hour: int, minute: int) -> str:
    return f"2026-01-05T{hour:02d}:{minute:02d}:00.000000Z"


def test_history_before_its_ticket_is_summarised_when_the_ticket_arrives(tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as store:
        store.write([status("7", "e1", at(11), "pending", "open")], source="s")
        assert summaries(store.conn) == {}  # no ticket yet: nothing to measure against
        store.write(
            [Ticket(id="7", created_at=at(10), status=Status.SOLVED, resolved_at=at(12))],
            source="s",
        )
        # Open from creation (the first change left open) to 11:00, pending to the resolution.
        assert summaries(store.conn)["7"][:4] == (3600.0, 3600.0, 0.0, 3600.0)


def test_the_plugin_reads_the_summaries_the_store_keeps() -> None:
    with pytest.raises(ValueError, match="no stations are kept for 'priority'"):
        history.stations("priority")
    assert history.status_seconds(history.REQUESTER_WAIT) == (
        "(SELECT h.requester_wait_seconds FROM ticket_history h"
        " WHERE h.source = t.source AND h.ticket_id = t.id)"
    )


def test_a_store_with_histories_upgrades_in_place_to_the_same_summaries(tmp_path: Path) -> None:
    spec = DemoSpec(tickets=300, weeks=4, end=END, seed=5, interactions=False, surveys=False)
    with Store(tmp_path / "fresh.db") as fresh:
        fresh.write(list(demo_records(spec)), source="demo")
        expected = summaries(fresh.conn)
    before = MIGRATIONS.index(HISTORY_SUMMARY)  # the store before summaries were kept
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for script in MIGRATIONS[:before]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    conn.execute("ATTACH DATABASE ? AS fresh", (str(tmp_path / "fresh.db"),))
    for table in ("tickets", "ticket_events"):
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")'))
        conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM fresh.{table}')
    conn.execute("DETACH DATABASE fresh")
    conn.close()
    with Store(old) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert summaries(upgraded.conn) == expected
    assert len(expected) > 200


_MINUTES = st.integers(min_value=-120, max_value=3000)
_EVENTS = st.lists(
    st.tuples(
        _MINUTES,
        st.sampled_from(["status", "assignee", "group"]),
        st.sampled_from(["new", "open", "pending", "on_hold", "solved", "closed"]),
        st.one_of(st.none(), st.sampled_from(["open", "pending", "a1", "a2"])),
        st.integers(min_value=0, max_value=5),  # a value id: some repeat, some are null
        st.integers(min_value=0, max_value=5),  # the event id's tie-breaker
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    histories=st.lists(
        st.tuples(st.one_of(st.none(), st.integers(min_value=0, max_value=2880)), _EVENTS),
        min_size=1,
        max_size=6,
    )
)
def test_any_history_summarises_to_exactly_the_live_figures(
    tmp_path_factory: pytest.TempPathFactory, histories: list[tuple[int | None, list[Any]]]
) -> None:
    created = datetime(2026, 1, 5, 9, 0, 0, 250000, tzinfo=UTC)
    records: list[Any] = []
    for number, (resolved_after, events) in enumerate(histories):
        ticket = str(number)
        resolved = None if resolved_after is None else created + timedelta(minutes=resolved_after)
        records.append(Ticket(
            id=ticket, created_at=created, resolved_at=resolved,
            status=Status.OPEN if resolved is None else Status.SOLVED,
        ))  # fmt: skip
        for index, (minutes, field, state, before, value, tie) in enumerate(events):
            when = created + timedelta(minutes=minutes, microseconds=tie * 7)
            if field == "status":
                new, old = state, before if before in ("open", "pending") else None
            else:
                new = None if value == 0 else f"{field[0]}{value}"
                old = before if before in ("a1", "a2") else None
            records.append(TicketEvent(
                id=f"{ticket}-{tie}-{index}", ticket_id=ticket, created_at=when,
                field=EventField(field), value=new, previous_value=old,
            ))  # fmt: skip
    path = tmp_path_factory.mktemp("h") / "dm.db"
    with Store(path) as store:
        store.write(records[::-1], source="s")  # history rows before their tickets
        assert summaries(store.conn) == live(store.conn)

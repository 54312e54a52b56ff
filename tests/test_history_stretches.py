"""Each ticket's status stretches kept beside its history summary (``ticket_history.
status_stretches``, schema 11): the business-hours time-in-status KPIs count them in the report's
schedule instead of walking ``ticket_events`` per ticket, to exactly the figures the walk gave
(its SQL is kept below as the reference); stores that already hold summaries are filled in place,
on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import (
    EventField,
    Schedule,
    Scope,
    Status,
    Store,
    Ticket,
    TicketEvent,
    TicketUpdate,
    status_timeline,
)
from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics.store import history_summary
from deskmetrics.store.database import _split_sql
from deskmetrics.store.opening import open_url
from deskmetrics.store.postgres import database as pg_database
from deskmetrics.store.postgres import schema as pg_schema
from deskmetrics.store.schema import HISTORY_STRETCHES, MIGRATIONS, SCHEMA_VERSION
from deskmetrics_explore import business_time_in_status, history
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)
from test_history_summary import status

CREATED = datetime(2026, 3, 27, 16, 59, 59, 999_999, tzinfo=UTC)
"""A Friday, a microsecond before 17:00 UTC, two days before Berlin's clocks spring forward."""
SCHEDULES = (
    Schedule("office", "UTC", ((((540, 1020),),) * 5) + ((), ())),
    Schedule("berlin", "Europe/Berlin", (((480, 720), (780, 1080)),) * 6 + (((0, 90),),)),
)
"""Whole working days in UTC; split days in Berlin (with a Sunday night, across the DST change)."""


def old_stretches(statuses: tuple[str, ...]) -> str:
    """Session 23's history.stretches: the ticket's stretches walked from ticket_events."""
    names = ", ".join(f"'{status}'" for status in statuses)
    item = "char(31) || max(s.at, t.created_at) || char(30) || min(s.until, t.resolved_at)"
    return (
        f"(SELECT t.source || group_concat(CASE WHEN s.status IN ({names}) "
        f"AND s.until > s.at THEN {item} ELSE '' END, '') FROM ({status_timeline()}) s)"
    )


def old_business_seconds(schedule: Schedule, text: str | None) -> float | None:
    """Session 23's count of that text, as business_time_in_status.business_seconds did it."""
    if text is None:
        return None
    _source, *stretches = text.split("\x1f")
    total = 0.0
    for stretch in stretches:
        start, end = stretch.split("\x1e")
        total += schedule.business_seconds(
            datetime.fromisoformat(start), datetime.fromisoformat(end)
        )
    return total


def scope_with(conn: Any, schedule: Any) -> Scope:
    return Scope(conn=conn, periods=(), as_of="", schedule=ScheduleChoice(default=schedule))


def compare(conn: Any) -> int:
    """Every ticket's business time in each KPI's statuses, new way against old, exactly;
    returns how many non-zero figures were compared."""
    compared = 0
    for schedule in SCHEDULES:
        scope = scope_with(conn, schedule)
        for statuses in business_time_in_status.STATUS_SETS:
            rows = conn.execute(
                f"SELECT t.id, {history.stretches()}, {old_stretches(statuses)} FROM tickets t"
            ).fetchall()
            for ticket, new, old in rows:
                found = business_time_in_status.business_seconds(scope, new, statuses)
                assert found == old_business_seconds(schedule, old), (ticket, statuses, new, old)
                compared += bool(found)
    return compared


def test_a_reopened_ticket_keeps_each_stretch_and_the_kpis_count_them(tmp_path: Path) -> None:
    def at(day: int, hour: int) -> datetime:
        return datetime(2026, 1, day, hour, tzinfo=UTC)  # 5 January 2026 is a Monday

    with Store(tmp_path / "dm.db") as store:
        store.write(
            [
                Ticket(id="1", created_at=at(5, 8), status=Status.SOLVED, resolved_at=at(6, 12)),
                status("1", "e1", at(5, 10), "pending", "open"),
                status("1", "e2", at(5, 16), "solved", "pending"),
                status("1", "e3", at(6, 9), "open", "solved"),  # reopened
                status("1", "e4", at(6, 12), "solved", "open"),
            ],
            source="s",
        )
        (text,) = store.conn.execute(f"SELECT {history.stretches()} FROM tickets t").fetchone()
        scope = scope_with(store.conn, SCHEDULES[0])  # 09:00–17:00 UTC
        figures = [
            business_time_in_status.business_seconds(scope, text, statuses)
            for statuses in business_time_in_status.STATUS_SETS
        ]
    us = int(at(5, 8).timestamp()) * 1_000_000
    hour = 3_600_000_000
    assert text == (
        f"s\x1fo{us},{us + 2 * hour} p{us + 2 * hour},{us + 8 * hour}"
        f" o{us + 25 * hour},{us + 28 * hour}"
    )
    # Open 08–10 (1 h working) and 09–12 the next day (3 h); pending 10–16 (6 h).
    assert figures == [4 * 3600.0, 6 * 3600.0, 0.0, 4 * 3600.0]  # requester, agent, hold, work


class DatetimesOnly:
    """A schedule another plugin made: ``business_seconds`` on datetimes, nothing else."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def business_seconds(self, start: datetime, end: datetime) -> float:
        return self.schedule.business_seconds(start, end)


def test_a_schedule_with_business_seconds_only_counts_the_same(tmp_path: Path) -> None:
    spec = DemoSpec(tickets=300, weeks=4, end=CREATED, seed=3, interactions=False, surveys=False)
    with Store(tmp_path / "dm.db") as store:
        store.write(list(demo_records(spec)), source="demo")
        texts = [
            row[0] for row in store.conn.execute(f"SELECT {history.stretches()} FROM tickets t")
        ]
        counted = 0
        for schedule in SCHEDULES:
            own, duck = (
                scope_with(store.conn, schedule),
                scope_with(store.conn, DatetimesOnly(schedule)),
            )
            for statuses in business_time_in_status.STATUS_SETS:
                found = [business_time_in_status.business_seconds(own, t, statuses) for t in texts]
                assert found == [
                    business_time_in_status.business_seconds(duck, t, statuses) for t in texts
                ]
                counted += sum(1 for value in found if value)
    assert counted > 500


_OFFSETS = st.integers(min_value=-3 * 60, max_value=6 * 24 * 60).map(
    lambda minutes: timedelta(minutes=minutes)
)
_EVENT = st.tuples(
    _OFFSETS,
    st.integers(min_value=0, max_value=999_999),  # microseconds: stretches rarely whole seconds
    st.sampled_from(["status", "status", "status", "assignee"]),
    st.sampled_from(["new", "open", "pending", "on_hold", "solved", "closed"]),
    st.one_of(st.none(), st.sampled_from(["open", "pending", "on_hold", "new"])),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    tickets=st.lists(
        st.tuples(
            st.one_of(st.none(), _OFFSETS),  # resolved after creation (or not resolved)
            st.lists(_EVENT, max_size=8),
            st.lists(st.tuples(st.integers(0, 7), _EVENT), max_size=3),  # later edits
            st.one_of(st.none(), _OFFSETS),  # a later resolution (a reopen solved again)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_history_gives_exactly_the_business_figures_of_the_walk(
    tmp_path_factory: pytest.TempPathFactory, tickets: list[tuple[Any, ...]]
) -> None:
    first: list[Any] = []
    later: list[Any] = []
    for number, (resolved_after, events, edits, moved) in enumerate(tickets):
        ticket = str(number)
        resolved = None if resolved_after is None else CREATED + abs(resolved_after)
        first.append(Ticket(
            id=ticket, created_at=CREATED, resolved_at=resolved,
            status=Status.OPEN if resolved is None else Status.SOLVED,
        ))  # fmt: skip
        for index, event in enumerate(events):
            first.append(_event(ticket, f"{ticket}-{index}", event))
        for index, event in edits:  # an event re-sent changed, or a new one
            later.append(_event(ticket, f"{ticket}-{index}", event))
        if moved is not None:
            later.append(TicketUpdate(id=ticket, resolved_at=CREATED + abs(moved)))
    path = tmp_path_factory.mktemp("s") / "dm.db"
    with Store(path) as store:
        store.write(first[::-1], source="s")  # history rows before their tickets
        compare(store.conn)
        store.write(later, source="s")
        compare(store.conn)


def _event(ticket: str, id: str, event: tuple[Any, ...]) -> TicketEvent:
    offset, micro, field, value, before = event
    when = CREATED + offset + timedelta(microseconds=micro)
    if field == "assignee":
        return TicketEvent(
            id=id, ticket_id=ticket, created_at=when, field=EventField.ASSIGNEE, value="a1"
        )
    return status(ticket, id, when, value, before)


def test_the_demo_history_gives_exactly_the_business_figures_of_the_walk(tmp_path: Path) -> None:
    spec = DemoSpec(tickets=300, weeks=4, end=CREATED, seed=5, interactions=False, surveys=False)
    with Store(tmp_path / "dm.db") as store:
        store.write(list(demo_records(spec)), source="demo")
        assert compare(store.conn) > 500


def _fresh(tmp_path: Path) -> Path:
    spec = DemoSpec(tickets=300, weeks=4, end=CREATED, seed=5, interactions=False, surveys=False)
    with Store(tmp_path / "fresh.db") as fresh:
        fresh.write(list(demo_records(spec)), source="demo")
    return tmp_path / "fresh.db"


def _stretches(conn: Any) -> dict[str, Any]:
    rows = conn.execute("SELECT ticket_id, status_stretches FROM ticket_history").fetchall()
    return {row[0]: row[1] for row in rows}


BEFORE = MIGRATIONS.index(HISTORY_STRETCHES)
"""The schema version before the stretches were kept."""
COPIED = ("tickets", "ticket_events", "ticket_history")


def test_a_store_with_summaries_upgrades_in_place_to_the_same_stretches(tmp_path: Path) -> None:
    fresh = _fresh(tmp_path)
    with Store(fresh) as store:
        expected = _stretches(store.conn)
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for script in MIGRATIONS[:BEFORE]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {BEFORE}")
    conn.execute("ATTACH DATABASE ? AS fresh", (str(fresh),))
    for table in COPIED:  # the old tables' columns: the summaries without their stretches
        columns = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")'))
        conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM fresh.{table}')
    conn.execute("DETACH DATABASE fresh")
    conn.close()
    with Store(old) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert _stretches(upgraded.conn) == expected
    assert sum(1 for text in expected.values() if text) > 200


def test_a_postgres_store_with_summaries_upgrades_in_place_to_the_same_stretches(
    pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = _fresh(tmp_path)
    url = pg_cluster.url(pg_cluster.new_database())
    with monkeypatch.context() as old_code:
        old_code.setattr(pg_schema, "MIGRATIONS", MIGRATIONS[:BEFORE])
        old_code.setattr(pg_database, "SCHEMA_VERSION", BEFORE)
        with open_url(url) as store, sqlite3.connect(fresh) as source:
            assert store.schema_version == BEFORE
            for table in COPIED:
                columns = [r[0] for r in store.conn.execute(f"SELECT * FROM {table} LIMIT 0")
                           .description]  # fmt: skip
                names = ", ".join(f'"{c}"' for c in columns)
                rows = source.execute(f"SELECT {names} FROM {table}").fetchall()
                marks = ", ".join("?" * len(columns))
                with store.transaction():
                    store.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    with open_url(url) as upgraded, Store(fresh) as sqlite:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert _stretches(upgraded.conn) == _stretches(sqlite.conn)


def test_the_plugin_reads_the_codes_the_store_writes() -> None:
    # The plugin uses only the public API, so it names the codes docs/store.md gives itself.
    assert history.STRETCH_CODES == history_summary.STRETCH_CODES

"""The SQLite store: schema, migrations, clear errors, idempotent upserts, state, runs."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import (
    Agent,
    Customer,
    Group,
    Interaction,
    Record,
    RejectedRow,
    Store,
    StoreError,
    SurveyResponse,
    Ticket,
)
from deskmetrics.store import SCHEMA_VERSION, from_db_time, to_db_time
from deskmetrics.store.encoding import row_to_record
from store_tables import store_rows

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
RECORD_TABLES = ("tickets", "interactions", "surveys", "customers", "agents", "groups")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with Store(tmp_path / "dm.db") as opened:
        yield opened


def ticket(number: int, **changes: Any) -> Ticket:
    data: dict[str, Any] = {
        "id": str(number),
        "created_at": T0 + timedelta(hours=number),
        "status": "open",
        "tags": ["billing"],
    }
    data.update(changes)
    return Ticket(**data)


def everything() -> list[Record]:
    """One record of every type, with every kind of column filled."""
    return [
        Group(id="g1", name="Support"),
        Agent(id="a1", name="Ada", email="ada@example.test", group_id="g1"),
        Customer(id="c1", name="ACME", created_at=T0, churned_at=T0 + timedelta(days=30)),
        Ticket(
            id="4711",
            created_at=T0,
            updated_at=T0 + timedelta(hours=5),
            status="solved",
            priority="high",
            channel="email",
            subject="Refund",
            requester_id="c1",
            assignee_id="a1",
            group_id="g1",
            organization_id="o1",
            first_response_at=T0 + timedelta(minutes=12, microseconds=250),
            first_resolved_at=T0 + timedelta(hours=2),
            resolved_at=T0 + timedelta(hours=4),
            reopens=1,
            agent_replies=3,
            escalated=True,
            handle_seconds=754.5,
            first_response_due_at=T0 + timedelta(hours=1),
            resolution_due_at=T0 + timedelta(days=1),
            tags=["billing", "vip"],
            custom_fields={"plan": "pro", "seats": 12},
            raw={"id": 4711, "via": {"channel": "email"}},
        ),
        Interaction(
            id="i1",
            ticket_id="4711",
            author_id="a1",
            author_role="agent",
            public=False,
            created_at=T0 + timedelta(minutes=5),
        ),
        SurveyResponse(
            id="s1",
            ticket_id="4711",
            customer_id="c1",
            agent_id="a1",
            kind="ces",
            score=2,
            higher_is_better=False,
            created_at=T0 + timedelta(days=1),
            comment="Easy enough",
        ),
    ]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- schema --------------------------------------------------------------------------------


def test_schema_tables_keys_indexes_and_mode(store: Store) -> None:
    conn = store.conn
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(RECORD_TABLES) | {"ticket_tags", "sync_state", "sync_runs", "rejected_rows"} <= (
        tables
    )
    for table in RECORD_TABLES:
        pk = sorted((r[5], r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")') if r[5])
        assert [name for _, name in pk] == ["source", "id"], table
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {
        "tickets_created_at",
        "tickets_resolved_at",
        "ticket_tags_tag",
        "interactions_ticket",
        "surveys_kind_created",
        "sync_runs_connection",
    } <= indexes
    foreign = {(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(tickets)")}
    assert {
        ("agents", "assignee_id", "id"),
        ("groups", "group_id", "id"),
        ("customers", "requester_id", "id"),
        ("agents", "source", "source"),
    } <= foreign
    assert {r[2] for r in conn.execute("PRAGMA foreign_key_list(interactions)")} == {"tickets"}
    assert {r[2] for r in conn.execute("PRAGMA foreign_key_list(surveys)")} == {"tickets"}
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.schema_version == SCHEMA_VERSION >= 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as store:
        store.write([ticket(1)], source="a")
    with Store(tmp_path / "dm.db") as store:
        assert store.count("tickets") == 1
        assert store.schema_version == SCHEMA_VERSION


def test_database_at_version_0_with_other_tables_is_refused_untouched(tmp_path: Path) -> None:
    # Issue #17: another application's file is never adopted (it used to gain our tables).
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.execute("INSERT INTO notes VALUES ('kept')")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert "not a deskmetrics database (it holds other tables: notes; user_version 0)" in str(
        caught.value
    )
    assert sha(path) == before


def test_a_clashing_tickets_table_is_refused_before_any_migration(tmp_path: Path) -> None:
    path = tmp_path / "clash.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tickets (whatever TEXT)")  # not ours
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (
        f"{path}: not a deskmetrics database (it holds other tables: tickets; user_version 0); "
        "point [database] path at a new file"
    )
    assert sha(path) == before


def test_database_from_a_future_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == (
        f"{path}: written by a newer deskmetrics (schema {SCHEMA_VERSION + 7}, this version "
        f"knows {SCHEMA_VERSION}); upgrade deskmetrics to use it"
    )
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.db"]


@pytest.mark.parametrize(
    "content",
    [b"ticket_id,status\n1,open\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["csv", "corrupt-header"],
)
def test_a_file_that_is_not_a_database_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a deskmetrics database, or the file is corrupted (")
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tickets.csv"]


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        Store(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a directory, not a database file"


def test_a_path_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("id\n1\n")
    path = tmp_path / "export.csv" / "dm.db"  # under a file, not a folder
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert str(caught.value) == f"{path}: cannot create the database (File exists)"


def test_missing_parent_folders_are_created(tmp_path: Path) -> None:
    with Store(tmp_path / "a" / "b" / "dm.db") as store:
        assert store.path.is_file()


# -- records ---------------------------------------------------------------------------------


def test_every_record_type_round_trips(store: Store) -> None:
    records = everything()
    counts = store.write(records, source="desk")
    assert counts == Counter(tickets=1, interactions=1, surveys=1, customers=1, agents=1, groups=1)
    for record in records:
        cursor = store.conn.execute(
            f'SELECT * FROM "{record.table}" WHERE source = ? AND id = ?', ("desk", record.id)
        )
        row = cursor.fetchone()
        names = [d[0] for d in cursor.description]  # with the stored duration columns
        back = row_to_record(type(record), dict(zip(names, row, strict=True)))
        assert back == record.model_copy(update={"source": "desk"})


def test_column_encoding(store: Store) -> None:
    store.write(everything(), source="desk")
    row = store.db.execute(
        "SELECT created_at, first_response_at, escalated, handle_seconds, tags, custom_fields, "
        "raw, status, reopens FROM tickets"
    ).fetchone()
    assert row == (
        "2026-01-05T10:00:00.000000Z",
        "2026-01-05T10:12:00.000250Z",
        1,
        754.5,
        '["billing", "vip"]',
        '{"plan": "pro", "seats": 12}',
        '{"id": 4711, "via": {"channel": "email"}}',
        "solved",
        1,
    )
    assert store.db.execute("SELECT public FROM interactions").fetchone() == (0,)
    assert store.db.execute(
        "SELECT higher_is_better, score, scale_max FROM surveys"
    ).fetchone() == (
        0,
        2.0,
        7.0,
    )
    assert store.db.execute("SELECT raw, custom_fields FROM groups").fetchone() == (None, "{}")


def test_db_time_text_order_is_time_order() -> None:
    plus_two = timezone(timedelta(hours=2))
    times = [
        datetime(2026, 1, 5, 11, 0, 0, 1, tzinfo=plus_two),  # 09:00:00.000001 UTC
        datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        datetime(2026, 1, 5, 9, 0, 0, 999999, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
    ]
    texts = [to_db_time(t) for t in times]
    assert texts[0] == "2026-01-05T09:00:00.000001Z"
    assert texts[1] == "2026-01-05T09:00:00.000000Z"
    assert {len(t) for t in texts} == {27}
    assert sorted(texts) == [to_db_time(t) for t in sorted(times)]
    assert [from_db_time(t) for t in texts] == times


def test_writing_the_same_records_twice_is_idempotent(store: Store) -> None:
    first = store.write(everything(), source="desk")
    rows = {t: store_rows(store.path, t) for t in (*RECORD_TABLES, "ticket_tags")}
    second = store.write(everything(), source="desk")
    assert first == second
    assert {t: store_rows(store.path, t) for t in (*RECORD_TABLES, "ticket_tags")} == rows
    assert [store.count(t) for t in RECORD_TABLES] == [1, 1, 1, 1, 1, 1]


def test_a_changed_record_replaces_the_old_one(store: Store) -> None:
    store.write([ticket(1), ticket(2)], source="desk")
    changed = ticket(1, status="solved", resolved_at=T0 + timedelta(hours=9), tags=["refund"])
    assert store.write([changed], source="desk") == Counter(tickets=1)
    rows = store.db.execute(
        "SELECT id, status, resolved_at, tags FROM tickets ORDER BY id"
    ).fetchall()
    assert rows == [
        ("1", "solved", "2026-01-05T19:00:00.000000Z", '["refund"]'),
        ("2", "open", None, '["billing"]'),
    ]


def test_ticket_tags_follow_the_tags(store: Store) -> None:
    def tags() -> list[tuple[str, str, str]]:
        return store.db.execute(
            "SELECT source, ticket_id, tag FROM ticket_tags ORDER BY 1, 2, 3"
        ).fetchall()

    store.write([ticket(1, tags=["a", "b", "a"]), ticket(2, tags=["b"])], source="desk")
    store.write([ticket(1, tags=["b"])], source="other")
    assert tags() == [
        ("desk", "1", "a"),
        ("desk", "1", "b"),
        ("desk", "2", "b"),
        ("other", "1", "b"),
    ]
    store.write([ticket(1, tags=["c"]), ticket(2, tags=[])], source="desk")
    assert tags() == [("desk", "1", "c"), ("other", "1", "b")]


def test_a_ticket_twice_in_one_batch_keeps_its_last_version_and_tags(store: Store) -> None:
    store.write(
        [ticket(1, status="open", tags=["old"]), ticket(1, status="solved", tags=["new"])],
        source="desk",
    )
    assert store.db.execute("SELECT status, tags FROM tickets").fetchall() == [
        ("solved", '["new"]')
    ]
    assert store.db.execute("SELECT tag FROM ticket_tags").fetchall() == [("new",)]


def test_a_ticket_twice_in_one_batch_setting_different_fields(store: Store) -> None:
    """Records setting different fields are written in separate statements: order still holds."""
    store.write(
        [
            Ticket(id="2", created_at=T0, status="open"),
            Ticket(id="1", created_at=T0, status="pending", priority="low"),
            Ticket(id="1", created_at=T0, status="solved"),
        ],
        source="desk",
    )
    assert store.db.execute("SELECT id, status, priority FROM tickets ORDER BY id").fetchall() == [
        ("1", "solved", "low"),  # the later version; the field it did not set is kept
        ("2", "open", None),
    ]


def test_same_id_in_two_sources_are_two_rows(store: Store) -> None:
    store.write([ticket(1)], source="zendesk")
    store.write([ticket(1, status="pending")], source="freshdesk")
    assert store.count("tickets") == 2
    assert (store.count("tickets", "zendesk"), store.count("tickets", "freshdesk")) == (1, 1)
    assert store.db.execute("SELECT source, status FROM tickets ORDER BY source").fetchall() == [
        ("freshdesk", "pending"),
        ("zendesk", "open"),
    ]


def test_deleted_and_spam_tickets_stay_as_tombstones(store: Store) -> None:
    store.write([ticket(1), ticket(2), ticket(3)], source="desk")
    store.write([ticket(1, status="deleted"), ticket(2, status="spam")], source="desk")
    assert store.db.execute("SELECT id, status FROM tickets ORDER BY id").fetchall() == [
        ("1", "deleted"),
        ("2", "spam"),
        ("3", "open"),
    ]


def test_a_record_type_the_store_cannot_take_fails_the_write(store: Store) -> None:
    class Note(Record):
        table = "notes"
        text: str

    with pytest.raises(StoreError) as caught:
        store.write([ticket(1), Note(id="n1", text="hi")], source="desk")
    assert str(caught.value).startswith("cannot store Note records from 'desk': not one of")
    assert store.count("tickets") == 0


def test_transaction_rolls_back_everything_inside(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.write([ticket(1)], source="desk")
        store.set_state("desk", "tickets", {"offset": 1})
        raise RuntimeError("boom")
    assert store.count("tickets") == 0
    assert store.count("ticket_tags") == 0
    assert store.get_state("desk", "tickets") is None
    with store.transaction():
        store.write([ticket(2)], source="desk")
        store.set_state("desk", "tickets", {"offset": 2})
    assert store.count("tickets") == 1
    assert store.get_state("desk", "tickets") == {"offset": 2}


def test_nothing_is_left_uncommitted(store: Store, tmp_path: Path) -> None:
    store.write([ticket(1)], source="desk")
    store.set_state("desk", "tickets", {"offset": 1})  # outside a transaction: autocommit
    other = sqlite3.connect(tmp_path / "dm.db")
    assert other.execute("SELECT count(*) FROM tickets").fetchone() == (1,)
    assert other.execute("SELECT state FROM sync_state").fetchone() == ('{"offset": 1}',)
    other.close()


# -- state, runs, rejected rows ---------------------------------------------------------------


def test_cursor_state(store: Store) -> None:
    assert store.get_state("desk", "tickets") is None
    store.set_state("desk", "tickets", {"cursor": "abc", "n": 1})
    store.set_state("desk", "tickets", {"cursor": "def", "n": 2})
    store.set_state("desk", "agents", {"page": 3})
    store.set_state("other", "tickets", {"since": "2026-01-01"})
    assert store.get_state("desk", "tickets") == {"cursor": "def", "n": 2}
    assert [(s["connection"], s["stream"], s["state"]) for s in store.states()] == [
        ("desk", "agents", {"page": 3}),
        ("desk", "tickets", {"cursor": "def", "n": 2}),
        ("other", "tickets", {"since": "2026-01-01"}),
    ]
    assert [s["stream"] for s in store.states("desk")] == ["agents", "tickets"]
    assert store.reset_state("desk", "agents") == 1
    assert store.get_state("desk", "agents") is None
    assert store.reset_state("desk") == 1
    assert store.reset_state("desk") == 0
    assert [s["connection"] for s in store.states()] == ["other"]


def test_run_history(store: Store) -> None:
    first = store.start_run("desk", "tickets")
    with store.transaction():
        store.add_to_run(first, Counter(tickets=50), rejected=0)
    with store.transaction():
        store.add_to_run(first, Counter(tickets=20, ticket_updates=3), rejected=2)
    # A new run of the same stream finds the old one still "running": it was cut off.
    second = store.start_run("desk", "tickets", full_refresh=True)
    other = store.start_run("desk", "agents")
    store.finish_run(second, "failed", "HTTP 500")
    runs = {run.id: run for run in store.runs()}
    assert runs[first].status == "interrupted"
    assert (runs[first].records, runs[first].rejected) == (73, 2)
    assert runs[first].counts == {"tickets": 70, "ticket_updates": 3}
    assert runs[first].full_refresh is False
    assert runs[second].status == "failed"
    assert runs[second].error == "HTTP 500"
    assert runs[second].full_refresh is True
    assert runs[second].ended_at is not None
    assert runs[second].ended_at >= runs[second].started_at
    assert runs[other].status == "running"  # another stream's run is left alone
    assert [run.id for run in store.runs()] == [other, second, first]
    assert [run.id for run in store.runs("nobody")] == []
    assert [run.id for run in store.runs(limit=1)] == [other]


def test_rejected_rows(store: Store) -> None:
    run = store.start_run("desk", "tickets")
    store.add_rejected(
        run,
        "desk",
        "tickets",
        [
            RejectedRow("tickets.csv:3", "not a date", "created_at", "yesterday", {"id": "3"}),
            RejectedRow("tickets.csv:9", "missing id"),
        ],
    )
    rows = store.db.execute(
        "SELECT run_id, connection, stream, location, field, value, reason, data "
        "FROM rejected_rows ORDER BY id"
    ).fetchall()
    assert rows == [
        (
            run,
            "desk",
            "tickets",
            "tickets.csv:3",
            "created_at",
            "yesterday",
            "not a date",
            json.dumps({"id": "3"}),
        ),
        (run, "desk", "tickets", "tickets.csv:9", None, None, "missing id", None),
    ]


def test_a_writing_connection_gets_the_larger_page_cache(tmp_path: Path) -> None:
    from deskmetrics.store.database import WRITE_CACHE_KIB

    with Store(tmp_path / "dm.db") as store:
        default = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        store.write([Ticket(id="1", created_at=T0)], source="s")
        after = store.conn.execute("PRAGMA cache_size").fetchone()[0]
        journal = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        synchronous = store.conn.execute("PRAGMA synchronous").fetchone()[0]
    # Negative: KiB. Readers keep SQLite's default; durability settings are untouched.
    assert (default, after) == (-2000, -WRITE_CACHE_KIB)
    assert (journal, synchronous) == ("wal", 1)  # 1 = NORMAL

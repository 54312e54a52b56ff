"""The store interface, run against both backends: what one stores, the other stores the same.

Every test gets a SQLite store and a PostgreSQL store (a fresh database each) and checks the
same behaviour on both; then PostgreSQL's own parts: migrations, snapshots, secrets.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from deskmetrics import Agent, Customer, Status, SurveyResponse, Ticket, TicketUpdate
from deskmetrics.errors import StoreError
from deskmetrics.store import RejectedRow, Store
from deskmetrics.store.interface import StoreBackend
from deskmetrics.store.opening import open_url
from deskmetrics.store.postgres import database as pg_database
from deskmetrics.store.postgres import schema as pg_schema
from deskmetrics.store.schema import MIGRATIONS, SCHEMA_VERSION
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)

T0 = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreBackend]:
    if request.param == "sqlite":
        opened: StoreBackend = Store(tmp_path / "dm.db")
    else:
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        opened = open_url(cluster.url(cluster.new_database()))
    with opened:
        yield opened


def _rows(store: StoreBackend, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.conn.execute(sql, params).fetchall()]


def test_upserts_update_only_the_fields_a_record_set(store: StoreBackend) -> None:
    store.write(
        [
            Ticket(id="1", created_at=T0, status=Status.OPEN, subject="Refund", tags=["a", "b"]),
            Ticket(id="1", created_at=T0, status=Status.SOLVED, subject="Refund!", tags=["b"],
                   first_response_at=T0 + timedelta(seconds=61.5),
                   resolved_at=T0 + timedelta(hours=2)),
            Agent(id="a1", name="Ann"),
        ],
        source="desk",
    )  # fmt: skip
    # A later stream that knows only the status: the subject and times stay.
    counts = store.write(
        [Ticket.model_validate({"id": "1", "created_at": T0, "status": "closed"})], source="desk"
    )
    assert counts == Counter({"tickets": 1})
    assert _rows(
        store,
        "SELECT status, subject, tags, first_response_us, resolution_us, escalated "
        "FROM tickets WHERE source = ? AND id = ?",
        "desk",
        "1",
    ) == [("closed", "Refund!", '["b"]', 61_500_000, 7_200_000_000, 0)]
    assert _rows(store, "SELECT tag FROM ticket_tags ORDER BY tag") == [("b",)]
    assert store.count("tickets", "desk") == 1 and store.count("agents") == 1


def test_updates_wait_for_their_ticket_then_apply(store: StoreBackend) -> None:
    store.write(
        [TicketUpdate(id="7", first_response_at=T0 + timedelta(minutes=5), escalated=True)],
        source="desk",
    )
    assert _rows(store, "SELECT ticket_id, seq FROM pending_updates") == [("7", 1)]
    store.write([Ticket(id="7", created_at=T0)], source="desk")
    assert _rows(store, "SELECT first_response_us, escalated FROM tickets") == [(300_000_000, 1)]
    assert store.count("pending_updates") == 0
    store.write([TicketUpdate(id="7", first_response_at=None)], source="desk")
    assert _rows(store, "SELECT first_response_at, first_response_us FROM tickets") == [
        (None, None)
    ]


def test_a_failed_batch_leaves_no_trace(store: StoreBackend) -> None:
    store.write([Ticket(id="1", created_at=T0)], source="desk")
    run = store.start_run("desk", "tickets")
    with pytest.raises(RuntimeError), store.transaction():
        store.write([Ticket(id="2", created_at=T0)], source="desk")
        store.set_state("desk", "tickets", {"cursor": 2})
        store.add_to_run(run, Counter({"tickets": 1}), 0)
        raise RuntimeError("the connector broke")
    assert store.count("tickets") == 1
    assert store.get_state("desk", "tickets") is None
    assert store.runs()[0].records == 0


def test_an_unknown_record_type_fails_the_batch(store: StoreBackend) -> None:
    with pytest.raises(StoreError, match="cannot store str records from 'desk'"):
        store.write(["not a record"], source="desk")  # type: ignore[list-item]


def test_state_runs_and_rejected_rows(store: StoreBackend) -> None:
    store.set_state("desk", "tickets", {"since": "2026-01-01", "page": 3})
    store.set_state("desk", "surveys", {"page": 1})
    store.set_state("other", "tickets", {"page": 9})
    assert store.get_state("desk", "tickets") == {"page": 3, "since": "2026-01-01"}
    assert [(s["connection"], s["stream"]) for s in store.states("desk")] == [
        ("desk", "surveys"),
        ("desk", "tickets"),
    ]
    assert store.reset_state("desk", "surveys") == 1
    assert store.reset_state("desk") == 1
    assert [s["connection"] for s in store.states()] == ["other"]

    first = store.start_run("desk", "tickets", sync_id="s1", full_refresh=True)
    second = store.start_run("desk", "tickets", sync_id="s2")  # the first was cut off
    with store.transaction():
        store.add_to_run(second, Counter({"tickets": 5, "ticket_tags": 2}), 1)
        store.add_rejected(
            second, "desk", "tickets",
            [RejectedRow("tickets.csv:3", "not a date", "created_at", "yesterday", {"id": "3"}),
             RejectedRow("tickets.csv:9", "missing id")],
        )  # fmt: skip
    store.finish_run(second, "succeeded")
    runs = store.runs("desk")
    assert [(r.id, r.sync_id, r.status, r.full_refresh) for r in runs] == [
        (second, "s2", "succeeded", False),
        (first, "s1", "interrupted", True),
    ]
    assert (runs[0].records, runs[0].rejected) == (7, 1)
    assert runs[0].counts == {"ticket_tags": 2, "tickets": 5}
    rejected = _rows(
        store, "SELECT location, field, value, reason, data FROM rejected_rows ORDER BY id"
    )
    assert rejected == [
        ("tickets.csv:3", "created_at", "yesterday", "not a date", '{"id": "3"}'),
        ("tickets.csv:9", None, None, "missing id", None),
    ]


def test_survey_and_customer_rows_read_back_the_same(store: StoreBackend) -> None:
    store.write(
        [
            Customer(id="c1", name="ACME", created_at=T0, churned_at=T0 + timedelta(days=30)),
            SurveyResponse(id="s1", ticket_id="1", kind="csat", score=4, scale_min=1, scale_max=5,
                   created_at=T0, comment="Ça va 100%"),
        ],
        source="desk",
    )  # fmt: skip
    assert _rows(store, "SELECT score, scale_max, higher_is_better, comment FROM surveys") == [
        (4.0, 5.0, 1, "Ça va 100%")
    ]
    named = store.conn.execute(
        "SELECT sum(score > 3), count(*), avg(score) FROM surveys WHERE kind = :kind",
        {"kind": "csat"},
    ).fetchall()
    assert [tuple(row) for row in named] == [(1, 1, 4.0)]
    assert _rows(store, "SELECT churned_at FROM customers") == [("2026-02-04T09:30:00.000000Z",)]


# -- PostgreSQL's own parts -------------------------------------------------------------------


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    return pg_cluster.url(pg_cluster.new_database())


def test_a_new_postgres_store_has_the_sqlite_schema(pg_url: str, tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as sqlite, open_url(pg_url) as pg:
        assert pg.schema_version == SCHEMA_VERSION
        for table in ("tickets", "surveys", "sync_runs", "ticket_tags"):
            expected = [r[1] for r in sqlite.conn.execute(f'PRAGMA table_info("{table}")')]
            found = _rows(
                pg,
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                table,
            )
            assert [r[0] for r in found] == expected
        views = _rows(pg, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name")
        assert views == [("daily_volume",), ("survey_facts",), ("ticket_facts",)]
    with open_url(pg_url) as again:  # reopening changes nothing
        assert again.schema_version == SCHEMA_VERSION


def test_the_views_read_the_same_on_both(pg_url: str, tmp_path: Path) -> None:
    records = [
        Ticket(id="1", created_at=T0, status=Status.SOLVED, agent_replies=1,
               first_response_at=T0 + timedelta(seconds=90), resolved_at=T0 + timedelta(hours=1),
               first_response_due_at=T0 + timedelta(hours=1)),
        Ticket(id="2", created_at=T0, resolution_due_at=T0 + timedelta(hours=1)),
    ]  # fmt: skip
    sql = (
        "SELECT id, first_response_seconds, resolution_seconds, fcr, sla_first_response_met, "
        "sla_resolution_met, replied FROM ticket_facts ORDER BY id"
    )
    found = []
    for store in (Store(tmp_path / "dm.db"), open_url(pg_url)):
        with store:
            store.write(records, source="desk")
            found.append(_rows(store, sql))
    assert (
        found[0]
        == found[1]
        == [("1", 90.0, 3600.0, 1, 1, None, 1), ("2", None, None, None, None, 0, 0)]
    )


def test_a_new_migration_upgrades_an_existing_postgres_store(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_url(pg_url) as store:
        store.write([Ticket(id="1", created_at=T0)], source="desk")
    added = """
CREATE TABLE ticket_notes (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    weight REAL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, ticket_id),
    FOREIGN KEY (source, ticket_id) REFERENCES tickets(source, id)
) WITHOUT ROWID;
CREATE INDEX ticket_notes_weight ON ticket_notes(weight);
ALTER TABLE tickets ADD COLUMN note_count INTEGER NOT NULL DEFAULT 0;
"""
    monkeypatch.setattr(pg_schema, "MIGRATIONS", (*MIGRATIONS, added))
    monkeypatch.setattr(pg_database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with open_url(pg_url) as store:
        assert store.schema_version == SCHEMA_VERSION + 1
        store.conn.execute("INSERT INTO ticket_notes VALUES (?, ?, ?, ?)", ("desk", "9", 1.5, 2))
        assert _rows(store, "SELECT note_count FROM tickets") == [(0,)]
        assert _rows(store, "SELECT weight, n FROM ticket_notes") == [(1.5, 2)]


def test_a_newer_or_foreign_postgres_schema_is_refused(pg_cluster: Cluster) -> None:
    newer = pg_cluster.new_database()
    with open_url(pg_cluster.url(newer)) as store:
        store.conn.execute("UPDATE deskmetrics_schema SET version = 99")
    with pytest.raises(StoreError, match="written by a newer deskmetrics \\(schema 99"):
        open_url(pg_cluster.url(newer))
    foreign = pg_cluster.new_database()
    with psycopg.connect(pg_cluster.plain_url(foreign), autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(StoreError, match=r"not a deskmetrics database .*invoices"):
        open_url(pg_cluster.url(foreign))
    with psycopg.connect(pg_cluster.plain_url(foreign)) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone() == (1,)


def test_a_report_snapshot_does_not_see_later_commits(pg_url: str) -> None:
    with open_url(pg_url) as reader, open_url(pg_url) as writer:
        writer.write([Ticket(id="1", created_at=T0)], source="desk")
        with reader.snapshot():
            assert reader.count("tickets") == 1
            writer.write([Ticket(id="2", created_at=T0)], source="desk")
            assert reader.count("tickets") == 1
        assert reader.count("tickets") == 2


def test_the_password_never_shows_in_errors(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"postgresql://deskmetrics:${{DM_WRONG_PW}}@127.0.0.1:{pg_cluster.port}/postgres"
    monkeypatch.setenv("DM_WRONG_PW", "wrong-Pa55word")
    with pytest.raises(StoreError) as caught:
        open_url(url)
    message = str(caught.value)
    assert message.startswith(f"{url}: cannot connect (")
    assert "password authentication failed" in message
    assert "wrong-Pa55word" not in message
    monkeypatch.delenv("DM_WRONG_PW")
    with pytest.raises(Exception, match="environment variable DM_WRONG_PW is not set"):
        open_url(url)
    literal = f"postgresql://deskmetrics:hunter2@127.0.0.1:{pg_cluster.port}/nowhere"
    with pytest.raises(StoreError) as caught:
        open_url(literal)
    assert "hunter2" not in str(caught.value)
    assert str(caught.value).startswith("postgresql://deskmetrics:***@127.0.0.1")


def test_json_text_and_numbers_come_back_as_sqlite_returns_them(pg_url: str) -> None:
    with open_url(pg_url) as store:
        row = store.conn.execute(
            "SELECT json_group_array(json_array(1, 'a')), sum(2), avg(3), 7 / 2, 7 / 2.0, "
            "1 = 1, group_concat(x, '; ') FROM (SELECT 'p' AS x UNION ALL SELECT 'q')"
        ).fetchone()
        assert (json.loads(row[0]), *row[1:]) == ([[1, "a"], [1, "a"]], 4, 3.0, 3, 3.5, 1, "p; q")


def test_with_conn_commits_statements_together_as_sqlite_code_expects(pg_url: str) -> None:
    # sync/churn_file.py writes churn dates this way.
    with open_url(pg_url) as store:
        store.write(
            [Customer(id="c1", created_at=T0), Customer(id="c2", created_at=T0)], source="d"
        )
        with store.conn:
            store.conn.executemany(
                "UPDATE customers SET churned_at = ? WHERE source = ? AND id = ?",
                [("2026-03-01T00:00:00.000000Z", "d", "c1"), (None, "d", "c2")],
            )
        assert _rows(store, "SELECT id, churned_at FROM customers ORDER BY id") == [
            ("c1", "2026-03-01T00:00:00.000000Z"),
            ("c2", None),
        ]

"""The store keeps which survey responses are their ticket's latest (store/survey_flags.py):
after any sequence of writes, and after an upgrade in place, the flags are those the window the
reports used to run gives over the whole history."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import Store, SurveyKind, SurveyResponse, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.metrics.builtin import _sources_recording_offers
from deskmetrics.store.database import _split_sql
from deskmetrics.store.interface import StoreBackend
from deskmetrics.store.opening import open_url
from deskmetrics.store.postgres import database as pg_database
from deskmetrics.store.postgres import schema as pg_schema
from deskmetrics.store.schema import MIGRATIONS, SCHEMA_VERSION, SURVEY_FLAGS
from pg_cluster import Cluster, pg_cluster_fixture  # noqa: F401  (the session's cluster)

T0 = datetime(2026, 1, 1, tzinfo=UTC)

WINDOW = (
    "OVER (PARTITION BY kind, source, ticket_id IS NULL, COALESCE(ticket_id, id) "
    "ORDER BY created_at DESC, id DESC ROWS UNBOUNDED PRECEDING)"
)
ORACLE = (
    f"SELECT source, id, ROW_NUMBER() {WINDOW} = 1, "
    f"score IS NOT NULL AND sum(score IS NOT NULL) {WINDOW} = 1 FROM surveys"
)
"""The window the reports ran per kind (scope.py before schema 12), over every response."""


def flags(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[bool, bool]]:
    rows = conn.execute("SELECT source, id, latest, latest_answered FROM surveys")
    return {(s, i): (bool(a), bool(b)) for s, i, a, b in rows}


def expected(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[bool, bool]]:
    return {(s, i): (bool(a), bool(b)) for s, i, a, b in conn.execute(ORACLE)}


def response(
    id: str, ticket: str | None, minutes: int, score: float | None, kind: str = "csat"
) -> SurveyResponse:
    return SurveyResponse(
        id=id,
        ticket_id=ticket,
        kind=SurveyKind(kind),
        score=score,
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_a_later_response_supersedes_and_a_moved_one_gives_its_place_back(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write(
            [
                response("a", "T1", 0, 4),
                response("b", "T1", 10, None),  # a later offer: latest, not answered
                response("c", None, 5, 2),  # no ticket: stands alone
                response("n", "T1", 20, 9, kind="nps"),  # another kind: its own group
            ],
            source="s",
        )
        assert flags(store.conn) == {
            ("s", "a"): (False, True),
            ("s", "b"): (True, False),
            ("s", "c"): (True, True),
            ("s", "n"): (True, True),
        }
        store.write([response("d", "T1", 30, 1)], source="s")  # answered later still
        assert flags(store.conn)[("s", "a")] == (False, False)
        assert flags(store.conn)[("s", "d")] == (True, True)
        store.write([response("d", "T2", 30, 1)], source="s")  # moved to another ticket
        assert flags(store.conn)[("s", "a")] == (False, True)
        assert flags(store.conn)[("s", "b")] == (True, False)
        store.write([response("a", "T1", 0, 4)], source="other")  # same ids, other source
        assert flags(store.conn)[("other", "a")] == (True, True)
        assert flags(store.conn) == expected(store.conn)


_RESPONSES = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=7),  # id: some are written again, changed
        st.one_of(st.none(), st.sampled_from(["T1", "T2", "T3"])),
        st.integers(min_value=0, max_value=4),  # minutes: ties happen
        st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
        st.sampled_from(["csat", "ces"]),
        st.sampled_from(["s", "t"]),
    ),
    min_size=1,
    max_size=16,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(responses=_RESPONSES, batch=st.integers(min_value=1, max_value=5))
def test_any_writes_leave_the_windows_flags(
    tmp_path: Path, responses: list[tuple[int, str | None, int, int | None, str, str]], batch: int
) -> None:
    path = tmp_path / "h.db"
    path.unlink(missing_ok=True)
    with Store(path) as store:
        for start in range(0, len(responses), batch):
            by_source: dict[str, list[SurveyResponse]] = {}
            for id_, ticket, minutes, score, kind, source in responses[start : start + batch]:
                by_source.setdefault(source, []).append(
                    response(f"r{id_}", ticket, minutes, score, kind)
                )
            for source, records in by_source.items():
                store.write(records, source=source)
        assert flags(store.conn) == expected(store.conn)


def test_a_store_with_responses_upgrades_in_place_to_the_same_flags(tmp_path: Path) -> None:
    before = MIGRATIONS.index(SURVEY_FLAGS)
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for script in MIGRATIONS[:before]:
        for statement in _split_sql(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {before}")
    rows = [
        ("s", "a", "T1", "csat", 4.0, "2026-01-01T00:00:00.000000Z"),
        ("s", "b", "T1", "csat", None, "2026-01-02T00:00:00.000000Z"),
        ("s", "c", "T1", "csat", 2.0, "2026-01-02T00:00:00.000000Z"),  # same instant, higher id
        ("s", "d", None, "csat", None, "2026-01-01T00:00:00.000000Z"),
        ("s", "e", "T2", "ces", 5.0, "2026-01-03T00:00:00.000000Z"),
    ]
    conn.executemany(
        "INSERT INTO surveys (source, id, ticket_id, kind, score, scale_min, scale_max, "
        "created_at, synced_at) VALUES (?, ?, ?, ?, ?, 1, 5, ?, '2026-01-04T00:00:00.000000Z')",
        rows,
    )
    conn.close()
    with Store(old) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert flags(upgraded.conn) == {
            ("s", "a"): (False, False),
            ("s", "b"): (False, False),
            ("s", "c"): (True, True),
            ("s", "d"): (True, False),
            ("s", "e"): (True, True),
        }
        assert flags(upgraded.conn) == expected(upgraded.conn)


def test_a_response_answered_in_the_period_counts_only_if_no_later_one_was_created(
    tmp_path: Path,
) -> None:
    # c1 was created before the period and answered in it; c2, created after c1 (answered
    # before the period), supersedes it. The window over the period's responses did not see c2
    # and counted c1 too (then the ticket counted in two reports); the flags are global.
    c1 = SurveyResponse(
        id="c1", ticket_id="T1", kind=SurveyKind.CSAT, score=1, created_at=T0,
        answered_at=datetime(2026, 1, 6, tzinfo=UTC),
    )  # fmt: skip
    c2 = SurveyResponse(
        id="c2", ticket_id="T1", kind=SurveyKind.CSAT, score=5,
        created_at=T0 + timedelta(days=1), answered_at=T0 + timedelta(days=2),
    )  # fmt: skip
    c3 = SurveyResponse(
        id="c3", kind=SurveyKind.CSAT, score=5, created_at=datetime(2026, 1, 7, tzinfo=UTC)
    )
    with Store(tmp_path / "x.db") as store:
        store.write([c1, c2, c3], source="s")
        config = parse_config({"report": {"min_sample": 1}}, None)
        report = build_report(
            store,
            config.report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 12),
            as_of=datetime(2026, 1, 12, tzinfo=UTC),
        )
    csat = report.to_dict()["metrics"]["csat"]
    assert csat["n"] == 1  # c3 alone; c1 was counted too before schema 12
    assert csat["value"] == 100.0


def test_the_offers_probe_is_one_seek_of_the_partial_index(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write([response("a", "T1", 0, None), response("b", "T2", 0, 4)], source="s")
        store.write([response("a", "T1", 0, 3)], source="t")  # answered only
        plan = " | ".join(
            row[-1]
            for row in store.conn.execute(
                "EXPLAIN QUERY PLAN SELECT 1 FROM surveys INDEXED BY surveys_csat_offers"
                " WHERE source = ? AND kind = 'csat' AND score IS NULL LIMIT 1",
                ("s",),
            )
        )
        # One seek (and the first row: LIMIT 1), not a scan of the csat responses.
        assert plan == "SEARCH surveys USING INDEX surveys_csat_offers (source=?)"

        class _Scope:  # what _sources_recording_offers reads of a scope: its connection
            conn = store.conn

        assert _sources_recording_offers(_Scope()) == ["s"]  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreBackend]:
    if request.param == "sqlite":
        opened: StoreBackend = Store(tmp_path / "dm.db")
    else:
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        opened = open_url(cluster.url(cluster.new_database()))
    with opened:
        yield opened


def _flags_of(store: StoreBackend) -> dict[tuple[str, str], tuple[bool, bool]]:
    rows = store.conn.execute("SELECT source, id, latest, latest_answered FROM surveys")
    return {(s, i): (bool(a), bool(b)) for s, i, a, b in rows.fetchall()}


def test_both_stores_keep_the_same_flags(backend: StoreBackend) -> None:
    backend.write(
        [response("a", "T1", 0, 4), response("b", "T1", 10, None), response("c", None, 5, 2)],
        source="s",
    )
    backend.write([response("b", "T2", 10, None), response("d", "T1", 3, 1)], source="s")
    assert _flags_of(backend) == {
        ("s", "a"): (False, False),
        ("s", "b"): (True, False),
        ("s", "c"): (True, True),
        ("s", "d"): (True, True),
    }


def test_a_postgres_store_upgrades_in_place_to_the_same_flags(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.url(pg_cluster.new_database())
    before = MIGRATIONS.index(SURVEY_FLAGS)
    with monkeypatch.context() as older:
        older.setattr(pg_schema, "MIGRATIONS", MIGRATIONS[:before])
        older.setattr(pg_database, "SCHEMA_VERSION", before)
        with open_url(url) as store:
            assert store.schema_version == before
            store.conn.execute(
                "INSERT INTO surveys (source, id, ticket_id, kind, score, scale_min, scale_max,"
                " created_at, synced_at) VALUES ('s', 'a', 'T1', 'csat', 4, 1, 5,"
                " '2026-01-01T00:00:00.000000Z', '2026-01-04T00:00:00.000000Z'),"
                " ('s', 'b', 'T1', 'csat', NULL, 1, 5, '2026-01-02T00:00:00.000000Z',"
                " '2026-01-04T00:00:00.000000Z')"
            )  # autocommit
    with open_url(url) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION
        assert _flags_of(upgraded) == {("s", "a"): (False, True), ("s", "b"): (True, False)}

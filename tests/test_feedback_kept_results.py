"""Reports over unchanged data read the feedback plugin's kept results (scores, themes, counts,
the section) back, and every kind of change to the data is seen: store_state.py, kept.py,
section_cache.py, metric_counts.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import deskmetrics_feedback.metrics as feedback_metrics
from deskmetrics import Store, SurveyKind, SurveyResponse, Ticket
from deskmetrics_feedback.store_state import table_state
from test_feedback_theme_cache import WEEK1, records, report


def sections(store: Store, **options) -> list:  # type: ignore[no-untyped-def]
    return json.loads(json.dumps(report(store, **options).to_dict()["sections"]))


def feedback(found: list) -> dict:
    [section] = [s for s in found if s["id"] == "feedback"]
    return section


def reasons(found: list) -> dict[str, int]:
    table = next(t for t in feedback(found)["tables"] if t["title"].startswith("Contact reasons"))
    return {row[0]: row[1] for row in table["rows"]}


def kept(store: Store, table: str) -> int:
    return int(store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(tmp_path / "help.db")
    db.write(records(), source="s")
    return db


def test_a_second_report_reads_the_kept_section_and_counts(store: Store) -> None:
    first = report(store).to_dict()
    assert kept(store, "feedback_sections") == 1
    assert kept(store, "feedback_metric_counts") == 3  # one query per survey kind
    # Built from scratch (no kept section, no kept counts): the same JSON as read back.
    again = report(store).to_dict()
    store.conn.execute("DELETE FROM feedback_sections")
    store.conn.execute("DELETE FROM feedback_metric_counts")
    rebuilt = report(store).to_dict()
    for key in ("metrics", "sections"):
        assert json.dumps(again[key]) == json.dumps(first[key]) == json.dumps(rebuilt[key])


def test_a_changed_ticket_subject_changes_the_kept_contact_reasons(store: Store) -> None:
    before = reasons(sections(store))
    assert sum(before.values()) == 90
    # Half the tickets get a new subject: the tickets' state changes, the section is rebuilt.
    moved = [
        Ticket(id=f"T{n}", created_at=r.created_at, subject="invoice address wrong invoice",
               channel=r.channel)
        for n, r in enumerate(records()[0::2]) if n % 2 == 0
    ]  # fmt: skip
    store.write(moved, source="s")
    after = reasons(sections(store))
    assert after != before
    assert any("invoice" in name for name in after)
    assert kept(store, "feedback_sections") == 2


def test_a_new_comment_is_scored_and_counted_after_a_kept_report(store: Store) -> None:
    first = report(store).to_dict()["metrics"]["feedback_negative_share"]
    replaced = store.conn.execute(
        "SELECT label = 'negative' FROM feedback_sentiment WHERE survey_id = 'S0'"
    ).fetchone()[0]
    extra = SurveyResponse(
        id="S900", ticket_id="T0", kind=SurveyKind.CSAT, score=1.0, scale_min=1, scale_max=5,
        created_at=records()[1].created_at, comment="Terrible, awful, still broken.",
    )  # fmt: skip
    store.write([extra], source="s")  # replaces T0's answer (a later response of the ticket)
    second = report(store).to_dict()["metrics"]["feedback_negative_share"]
    label = store.conn.execute(
        "SELECT label FROM feedback_sentiment WHERE survey_id = 'S900'"
    ).fetchone()
    assert label == ("negative",)
    assert second["n"] == first["n"]  # T0's latest answer is now S900 instead of S0
    hits = round(first["value"] * first["n"] / 100) - replaced + 1
    assert second["value"] == pytest.approx(100 * hits / first["n"])


def test_the_state_sees_a_row_written_with_an_earlier_time_and_a_deleted_row(
    store: Store,
) -> None:
    conn = store.conn
    start = table_state(conn, "surveys")
    # A write stamped before the latest one (a clock step back): same count, same maximum.
    conn.execute("UPDATE surveys SET synced_at = '2000-01-01T00:00:00.123456Z' WHERE id = 'S5'")
    stepped = table_state(conn, "surveys")
    assert stepped != start
    conn.execute("DELETE FROM surveys WHERE id = 'S6'")
    assert table_state(conn, "surveys") not in (start, stepped)


def test_the_state_of_one_connection_sees_another_connections_write(
    store: Store, tmp_path: Path
) -> None:
    start = table_state(store.conn, "tickets")
    assert table_state(store.conn, "tickets") == start  # read once, memoised
    other = sqlite3.connect(tmp_path / "help.db")
    other.execute("UPDATE tickets SET synced_at = '2099-01-01T00:00:00.000000Z' WHERE id = 'T1'")
    other.commit()
    other.close()
    assert table_state(store.conn, "tickets") != start


def test_packed_and_separate_label_counts_agree(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The three label counts ride in one packed sum unless a key could overflow a digit."""
    packed = report(store, by=["channel"]).to_dict()
    store.conn.execute("DELETE FROM feedback_metric_counts")
    monkeypatch.setattr(feedback_metrics, "_DIGIT", 3)  # a store "too big" to pack
    separate = report(store, by=["channel"]).to_dict()
    for key in ("feedback_negative_share", "feedback_other_language_share",
                "feedback_comment_rate"):  # fmt: skip
        assert separate["metrics"][key] == packed["metrics"][key]
        assert [e["metrics"][key] for e in separate["breakdowns"]["channel"]] == [
            e["metrics"][key] for e in packed["breakdowns"]["channel"]
        ]
    assert packed["metrics"]["feedback_negative_share"]["n"] == 90


def test_a_locked_database_reads_kept_results_without_writing(store: Store, tmp_path: Path) -> None:
    first = report(store).to_dict()
    store.close()
    other = sqlite3.connect(tmp_path / "help.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sync holds the write lock
    try:
        with Store(tmp_path / "help.db", timeout=0.05) as reader:
            again = report(reader).to_dict()
            shadows = reader.conn.execute(
                "SELECT count(*) FROM temp.sqlite_schema WHERE name LIKE 'feedback_%'"
            ).fetchone()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert shadows == (0,)  # everything read from the stored tables
    assert json.dumps(again["sections"]) == json.dumps(first["sections"])
    assert again["metrics"] == first["metrics"]


def test_a_period_without_comments_is_kept_as_no_section(store: Store) -> None:
    from datetime import timedelta

    later = WEEK1 + timedelta(weeks=30)
    for _ in range(2):
        found = [s["id"] for s in sections(store, start=later, end=later + timedelta(weeks=1))]
        assert "feedback" not in found
    assert kept(store, "feedback_sections") == 1

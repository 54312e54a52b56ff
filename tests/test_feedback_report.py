"""The feedback plugin in a real report: the sentiment cache table, the metrics (with
breakdowns), and the "What customers say" section in every reporter."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import deskmetrics_feedback.requirements as requirements
from deskmetrics import Store, SurveyKind, SurveyResponse, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry

START, END = date(2026, 1, 5), date(2026, 1, 12)
AS_OF = datetime(2026, 1, 12, tzinfo=UTC)

HAPPY = [
    "Refund arrived quickly, thank you.",
    "Quick refund, very happy.",
    "The refund came the next day, great.",
    "Password reset worked, thanks a lot.",
    "Login works again after the password reset, thanks.",
    "Password reset email arrived and login works.",
]
UNHAPPY = [
    "Still waiting for my refund. Terrible.",
    "No reply about my refund for a week.",
    "Refund still missing, I am angry.",
    "The dashboard is slow and reports time out.",
    "Reports dashboard slow again, useless.",
    "Dashboard reports are very slow, frustrating.",
]


def ticket(n: int, channel: str) -> Ticket:
    return Ticket(
        id=f"T{n}",
        created_at=datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(hours=n),
        subject="Refund request" if n % 2 else "Password reset fails",
        tags=["billing"] if n % 2 else ["login"],
        channel=channel,
    )


def survey(n: int, score: float, comment: str | None) -> SurveyResponse:
    return SurveyResponse(
        id=f"S{n}",
        ticket_id=f"T{n}",
        kind=SurveyKind.CSAT,
        score=score,
        scale_min=1,
        scale_max=5,
        created_at=datetime(2026, 1, 6, 9, tzinfo=UTC) + timedelta(hours=n),
        comment=comment,
    )


def records() -> list:
    found: list = []
    texts = [(5.0, t) for t in HAPPY] + [(1.0, t) for t in UNHAPPY]
    texts += [(4.0, "Sehr schnelle Hilfe, vielen Dank!"), (5.0, "   "), (4.0, None), (3.0, None)]
    for n, (score, comment) in enumerate(texts):
        found.append(ticket(n, "email" if n < 8 else "chat"))
        found.append(survey(n, score, comment))
    return found


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(tmp_path / "help.db")
    db.write(records(), source="s")
    return db


def report(store: Store, **options):  # type: ignore[no-untyped-def]
    config = parse_config({"report": {"min_sample": 1}}, None)
    return build_report(
        store, config.report_settings(), start=START, end=END, as_of=AS_OF, **options
    )


def test_metrics_count_comments_sentiment_and_languages(store: Store) -> None:
    metrics = report(store).to_dict()["metrics"]
    # 16 answered responses; 14 comments, one of them only whitespace.
    assert metrics["feedback_comment_rate"]["value"] == pytest.approx(100 * 13 / 16)
    assert metrics["feedback_negative_share"]["n"] == 12  # the English ones
    assert metrics["feedback_negative_share"]["value"] == pytest.approx(50.0)
    assert metrics["feedback_other_language_share"]["value"] == pytest.approx(100 / 13)


def test_metrics_break_down_by_channel(store: Store) -> None:
    entries = report(store, by=["channel"]).to_dict()["breakdowns"]["channel"]
    rates = {e["key"]: e["metrics"]["feedback_negative_share"] for e in entries}
    # Tickets 0-7 are email (6 happy, 2 unhappy), 8-11 chat (all unhappy).
    assert rates["email"]["value"] == pytest.approx(25.0) and rates["email"]["n"] == 8
    assert rates["chat"]["value"] == pytest.approx(100.0) and rates["chat"]["n"] == 4


def test_sentiment_is_cached_and_rescored_when_the_comment_changes(store: Store) -> None:
    report(store)
    rows = dict(store.conn.execute("SELECT survey_id, label FROM feedback_sentiment"))
    assert rows["S0"] == "positive" and rows["S6"] == "negative"
    assert rows["S12"] == "other_language" and rows["S13"] == "empty"
    assert "S14" not in rows  # no comment, nothing to score
    before = store.conn.execute(
        "SELECT comment_hash FROM feedback_sentiment WHERE survey_id = 'S1'"
    ).fetchone()
    store.write([survey(1, 1.0, "My refund is late, awful.")], source="s")
    store.write([survey(2, 5.0, None)], source="s")
    metrics = report(store).to_dict()["metrics"]
    rows = dict(store.conn.execute("SELECT survey_id, label FROM feedback_sentiment"))
    assert rows["S1"] == "negative" and "S2" not in rows
    after = store.conn.execute(
        "SELECT comment_hash FROM feedback_sentiment WHERE survey_id = 'S1'"
    ).fetchone()
    assert before != after
    assert metrics["feedback_negative_share"]["value"] == pytest.approx(100 * 7 / 11)


def test_a_locked_database_still_gets_its_report(store: Store, tmp_path: Path) -> None:
    # Another process holds the write lock: the scores go to a temp table for this report.
    store.close()
    other = sqlite3.connect(tmp_path / "help.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store(tmp_path / "help.db", timeout=0.05) as locked:
            metrics = report(locked).to_dict()["metrics"]
    finally:
        other.execute("ROLLBACK")
    stored = other.execute(
        "SELECT count(*) FROM sqlite_schema WHERE name = 'feedback_sentiment'"
    ).fetchone()
    other.close()
    assert metrics["feedback_negative_share"]["value"] == pytest.approx(50.0)
    assert stored == (0,)  # nothing written to the database itself


def test_a_report_with_nothing_new_to_score_writes_nothing(store: Store, tmp_path: Path) -> None:
    report(store)  # scores and stores every comment
    store.close()
    other = sqlite3.connect(tmp_path / "help.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sync writing meanwhile
    try:
        with Store(tmp_path / "help.db", timeout=0.05) as reader:
            metrics = report(reader).to_dict()["metrics"]
            shadow = reader.conn.execute(
                "SELECT count(*) FROM temp.sqlite_schema WHERE name = 'feedback_sentiment'"
            ).fetchone()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert metrics["feedback_negative_share"]["value"] == pytest.approx(50.0)
    assert shadow == (0,)  # read from the stored table, no stand-in needed


def section(store: Store) -> dict:
    [found] = report(store).to_dict()["sections"]
    return found


def table(found: dict, title: str) -> dict:
    return next(t for t in found["tables"] if t["title"] == title)


def test_section_shows_sentiment_mix_themes_and_examples(store: Store) -> None:
    found = section(store)
    assert found["title"] == "What customers say"
    assert "13 comments: 12 scored" in found["notes"][0]
    mix = {row[0]: row[1] for row in table(found, "Sentiment of comments")["rows"]}
    assert mix == {"positive": 6, "negative": 6, "other language": 1}
    themes = table(found, "Comment themes")
    assert sum(row[1] for row in themes["rows"]) <= 12
    examples = table(found, "Example comments")
    assert examples["columns"] == ["theme", "ticket", "score", "comment"]
    assert all(row[3] in HAPPY + UNHAPPY for row in examples["rows"])
    links = {(link["row"], link["ticket_id"]) for link in examples["links"]}
    assert {(i, row[1]) for i, row in enumerate(examples["rows"])} == links


def test_a_theme_shows_how_much_lower_its_customers_score(store: Store) -> None:
    themes = table(section(store), "Comment themes")
    columns = themes["columns"]
    slow = next(row for row in themes["rows"] if "dashboard" in row[0])
    assert slow[1] == 3  # the three slow-dashboard comments
    assert slow[columns.index("negative %")] == 100.0
    assert slow[columns.index("CSAT %")] == 0.0
    # Everyone else: 13 responses, 9 satisfied (6 happy comments, the German one, 3 silent).
    assert slow[columns.index("CSAT vs rest (points)")] == round(0.0 - 100 * 9 / 13, 1)


def test_contact_reasons_come_from_subjects_and_tags(store: Store) -> None:
    reasons = table(section(store), "Contact reasons (ticket subjects and tags)")
    counts = {row[0]: row[1] for row in reasons["rows"]}
    assert sorted(counts.values()) == [8, 8]
    assert any("refund" in name or "billing" in name for name in counts)
    assert all(row[3] is None and row[4] == "new" for row in reasons["rows"])  # no earlier data


def test_no_comments_no_section(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as empty:
        empty.write([ticket(1, "email"), survey(1, 5.0, None)], source="s")
        assert "sections" not in report(empty).to_dict()


def test_every_reporter_renders_the_section(store: Store) -> None:
    built = report(store)
    reporters = get_registry().reporters
    rendered = {name: reporters[name]().render(built) for name in reporters}
    for name in ("table", "markdown", "html"):
        assert "What customers say" in rendered[name], name
        assert "Example comments" in rendered[name], name
    assert json.loads(rendered["json"])["sections"][0]["id"] == "feedback"
    rows = list(csv.DictReader(io.StringIO(rendered["csv"])))
    mix = [r for r in rows if r["scope"] == "section" and r["key"] == "Sentiment of comments>1"]
    assert [(r["metric"], r["value"]) for r in mix][:2] == [
        ("sentiment", "positive"),
        ("comments", "6"),
    ]
    assert 'data-ticket-id="T' in rendered["html"]


def test_missing_extra_gives_a_clear_note(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(requirements.EXTRA_MODULES, "no_such_module_for_feedback", "feedbackdep")
    found = section(store)
    assert found["tables"] == []
    assert found["notes"] == [
        "customer feedback analysis needs feedbackdep (not installed): "
        "run pip install 'deskmetrics[feedback]'"
    ]

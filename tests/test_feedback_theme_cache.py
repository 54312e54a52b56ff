"""Comment themes fitted once per store and kept (feedback_theme_models, feedback_comment_themes),
the ``theme`` breakdown dimension that makes CSAT/NPS by theme ordinary metrics, and contact
reasons estimated from a seeded sample."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import deskmetrics
import deskmetrics_feedback.contact_reasons as contact_reasons
from deskmetrics import Store, SurveyKind, SurveyResponse, Ticket, build_report
from deskmetrics.config.loading import parse_config

WEEK1, WEEK2, WEEK3 = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)
AS_OF = datetime(2026, 1, 19, tzinfo=UTC)

OPENERS = ["I am writing because", "Just so you know,", "Hello, sadly", "Honestly,", "Update:"]
TOPICS = {
    "refund": [
        "my refund has not arrived on my card",
        "the refund for the double charge is missing",
        "a refund was promised but the card was charged",
        "my refund money never reached my bank card",
        "the charge was refunded late, refund slow",
        "still no refund for the charge on my card",
    ],
    "login": [
        "the password reset email let me log in",
        "after the password reset my login works",
        "the login page accepted my new password",
        "password reset worked and login is fine",
        "my login with the reset password works now",
        "the password reset link fixed my login",
    ],
    "dashboard": [
        "the dashboard reports load slowly",
        "reports on the dashboard take minutes to load",
        "the dashboard is slow and reports time out",
        "dashboard reports are slow every morning",
        "the reports page on the dashboard is slow",
        "slow dashboard, reports will not load",
    ],
}
SCORES = {"refund": (5.0, 10, 1.0), "login": (5.0, 30, 5.0), "dashboard": (4.0, 6, 2.0)}
"""topic → (score of the first n comments, n, score of the rest): CSAT 33.3 %, 100 %, 20 %."""


def comments() -> list[tuple[str, str, float]]:
    """(topic, comment, score): 30 per topic, interleaved."""
    found = []
    for i in range(30):
        for topic, phrases in TOPICS.items():
            first, n, rest = SCORES[topic]
            text = f"{OPENERS[i % 5]} {phrases[i % 6]}."
            found.append((topic, text, first if i < n else rest))
    return found


def records(start: int = 0, count: int = 90, week: date = WEEK1) -> list:
    found: list = []
    base = datetime(week.year, week.month, week.day, 8, tzinfo=UTC)
    for n, (_topic, text, score) in enumerate(comments()[:count], start=start):
        found.append(
            Ticket(
                id=f"T{n}",
                created_at=base + timedelta(minutes=50 * (n - start)),
                subject=text.split(" ", 3)[-1],
                channel="email" if n % 2 == 0 else "chat",
            )
        )
        found.append(
            SurveyResponse(
                id=f"S{n}",
                ticket_id=f"T{n}",
                kind=SurveyKind.CSAT,
                score=score,
                scale_min=1,
                scale_max=5,
                created_at=base + timedelta(minutes=50 * (n - start) + 30),
                comment=text,
            )
        )
    return found


def report(store: Store, start: date = WEEK1, end: date = WEEK2, **options):  # type: ignore[no-untyped-def]
    config = parse_config({"report": {"min_sample": 1}}, None)
    return build_report(
        store, config.report_settings(), start=start, end=end, as_of=AS_OF, **options
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = Store(tmp_path / "help.db")
    db.write(records(), source="s")
    return db


def assigned(store: Store) -> dict[str, str]:
    rows = store.conn.execute("SELECT survey_id, theme_name FROM feedback_comment_themes")
    return dict(rows)


def topic_of() -> dict[str, str]:
    return {f"S{n}": topic for n, (topic, _text, _score) in enumerate(comments())}


def test_themes_are_fitted_once_and_every_comment_keeps_its_theme(store: Store) -> None:
    report(store)
    themes = assigned(store)
    assert len(themes) == 90
    by_topic: dict[str, set[str]] = {}
    for survey, topic in topic_of().items():
        by_topic.setdefault(topic, set()).add(themes[survey])
    # Each topic is one theme, and the three themes differ.
    assert all(len(names) == 1 for names in by_topic.values())
    names = {topic: next(iter(found)) for topic, found in by_topic.items()}
    assert len(set(names.values())) == 3
    assert "refund" in names["refund"]
    assert "password" in names["login"] or "login" in names["login"]
    assert "dashboard" in names["dashboard"] or "reports" in names["dashboard"]
    [(payload,)] = store.conn.execute(
        "SELECT themes FROM feedback_theme_models WHERE kind = 'comments'"
    )
    assert sorted(t["name"] for t in json.loads(payload)) == sorted(names.values())


def test_the_same_comments_give_the_same_themes(tmp_path: Path) -> None:
    found = []
    for name in ("a.db", "b.db"):
        with Store(tmp_path / name) as db:
            db.write(records(), source="s")
            report(db)
            rows = db.conn.execute(
                "SELECT survey_id, theme, theme_name, round(weight, 6) FROM "
                "feedback_comment_themes ORDER BY survey_id"
            ).fetchall()
            models = db.conn.execute(
                "SELECT kind, fingerprint, themes FROM feedback_theme_models ORDER BY kind"
            ).fetchall()
            found.append((rows, models))
    assert found[0] == found[1]


def test_new_comments_refit_and_themes_keep_their_names(store: Store) -> None:
    report(store)
    before = set(assigned(store).values())
    fingerprint = store.conn.execute(
        "SELECT fingerprint FROM feedback_theme_models WHERE kind = 'comments'"
    ).fetchone()
    # 99 comments still make three themes (one per 25 comments, 2 to 8).
    store.write(records(start=90, count=9, week=WEEK2), source="s")
    report(store, WEEK2, WEEK3)
    after = assigned(store)
    assert len(after) == 99  # the new comments have themes too
    assert set(after.values()) == before
    assert (
        fingerprint
        != store.conn.execute(
            "SELECT fingerprint FROM feedback_theme_models WHERE kind = 'comments'"
        ).fetchone()
    )


def test_a_report_on_unchanged_data_reads_the_cache_without_scikit_learn(
    store: Store, tmp_path: Path
) -> None:
    first = report(store).to_dict()["sections"]
    store.close()
    child = (
        "import json, sys\n"
        "from datetime import UTC, date, datetime\n"
        "from deskmetrics import Store, build_report\n"
        "from deskmetrics.config.loading import parse_config\n"
        "settings = parse_config({'report': {'min_sample': 1}}, None).report_settings()\n"
        f"with Store({str(tmp_path / 'help.db')!r}) as store:\n"
        "    built = build_report(store, settings, start=date(2026, 1, 5), "
        "end=date(2026, 1, 12), as_of=datetime(2026, 1, 19, tzinfo=UTC))\n"
        "print(json.dumps({'sklearn': 'sklearn' in sys.modules, "
        "'sections': built.to_dict()['sections']}))\n"
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                            check=True)  # fmt: skip
    found = json.loads(result.stdout)
    assert found["sklearn"] is False
    assert found["sections"] == json.loads(json.dumps(first))


def breakdown_csat(entries: list[dict]) -> dict[str, tuple[float, int]]:
    return {e["key"]: (round(e["metrics"]["csat"]["value"], 1), e["metrics"]["csat"]["n"])
            for e in entries}  # fmt: skip


def test_csat_by_theme_is_a_breakdown_and_nests_with_channel(store: Store) -> None:
    built = report(store, by=["theme", "channel"]).to_dict()
    themes = assigned(store)
    name = {topic: themes[survey] for survey, topic in topic_of().items()}
    entries = built["breakdowns"]["theme"]
    assert breakdown_csat(entries) == {
        name["refund"]: (33.3, 30),
        name["login"]: (100.0, 30),
        name["dashboard"]: (20.0, 30),
    }
    # Within a theme, by channel: the oracle is the data itself.
    for entry in entries:
        topic = next(t for t, n in name.items() if n == entry["key"])
        for channel_entry in entry["breakdowns"]["channel"]:
            parity = 0 if channel_entry["key"] == "email" else 1
            scores = [score for n, (t, _c, score) in enumerate(comments())
                      if t == topic and n % 2 == parity]  # fmt: skip
            expected = round(100 * sum(s > 3 for s in scores) / len(scores), 1)
            assert breakdown_csat([channel_entry])[channel_entry["key"]] == (expected, len(scores))
    # Ticket KPIs have no theme: they leave that breakdown.
    assert "first_response_time" not in entries[0]["metrics"]


def section(built: dict) -> dict:
    return next(s for s in built["sections"] if s["id"] == "feedback")


def table(found: dict, title: str) -> dict:
    return next(t for t in found["tables"] if t["title"] == title)


def test_a_theme_has_the_same_name_in_every_period(store: Store) -> None:
    store.write(records(start=90, count=9, week=WEEK2), source="s")  # 3 themes of 99
    week1 = table(section(report(store).to_dict()), "Comment themes")
    week2 = table(section(report(store, WEEK2, WEEK3).to_dict()), "Comment themes")
    assert {row[0] for row in week1["rows"]} == {row[0] for row in week2["rows"]}
    counts1 = {row[0]: row[1] for row in week1["rows"]}
    for row in week2["rows"]:
        assert row[1] == 3  # 3 comments per topic in week 2
        assert row[-1] == f"{3 - counts1[row[0]]:+d}" == "-27"  # against week 1's 30


def test_the_section_says_what_a_breakdown_applies_to(store: Store) -> None:
    notes = section(report(store, by=["agent"]).to_dict())["notes"]
    assert any("--by agent" in note and "--by theme" in note for note in notes)


def test_contact_reasons_of_a_big_period_are_estimated_from_a_seeded_sample(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contact_reasons, "SAMPLE", 45)
    first = section(report(store).to_dict())
    reasons = table(first, "Contact reasons (ticket subjects and tags)")
    assert any("seeded sample of 45 of the period's 90 tickets" in n for n in first["notes"])
    # Shares of the sample times the 90 tickets: the estimates add up to about 90.
    assert abs(sum(row[1] for row in reasons["rows"]) - 90) <= len(reasons["rows"])
    assert all(row[1] % 2 == 0 for row in reasons["rows"])  # 90 / 45: whole multiples of 2
    again = table(section(report(store).to_dict()), "Contact reasons (ticket subjects and tags)")
    assert again == reasons
    cached = store.conn.execute(
        "SELECT count(*) FROM feedback_theme_models WHERE kind = 'contact'"
    ).fetchone()
    assert cached == (1,)


def test_the_answers_behind_a_theme_are_listed_by_its_key(tmp_path: Path) -> None:
    settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
    period = {"start": WEEK1, "end": WEEK2, "as_of": AS_OF}
    with Store(tmp_path / "fresh.db") as db:
        db.write(records(), source="s")
        # A fresh store: the ticket list brings the themes up to date itself (Dimension.prepare).
        unthemed = deskmetrics.list_members(db, "csat", settings, key=[("theme", "(none)")],
                                            **period)  # fmt: skip
        first = next(n for n, (topic, _c, _s) in enumerate(comments()) if topic == "dashboard")
        name = assigned(db)[f"S{first}"]
        listed = deskmetrics.list_members(db, "csat", settings, key=[("theme", name)], **period)
    assert unthemed.members == []  # every answer has a comment with a theme
    assert len(listed.members) == 30
    assert listed.value.value == pytest.approx(20.0)  # 6 of the 30 dashboard answers satisfied


def test_contact_reasons_of_the_previous_period_use_this_periods_themes(store: Store) -> None:
    store.write(records(start=90, count=45, week=WEEK2), source="s")
    rows = table(section(report(store, WEEK2, WEEK3).to_dict()),
                 "Contact reasons (ticket subjects and tags)")["rows"]  # fmt: skip
    assert sum(row[1] for row in rows) == 45
    assert sum(row[3] for row in rows) == 90  # week 1's tickets, counted with week 2's themes
    assert all(row[4] == f"{row[1] - row[3]:+d}" for row in rows)


def test_a_locked_database_gets_its_themes_in_temporary_tables(tmp_path: Path) -> None:
    import sqlite3

    with Store(tmp_path / "help.db") as db:
        db.write(records(), source="s")
    other = sqlite3.connect(tmp_path / "help.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a sync holds the write lock
    try:
        with Store(tmp_path / "help.db", timeout=0.05) as locked:
            built = report(locked, by=["theme"]).to_dict()
    finally:
        other.execute("ROLLBACK")
    stored = other.execute(
        "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'feedback_%theme%'"
    ).fetchone()
    other.close()
    assert stored == (0,)  # nothing written to the database itself
    assert len(table(section(built), "Comment themes")["rows"]) == 3
    assert sorted(e["metrics"]["csat"]["n"] for e in built["breakdowns"]["theme"]) == [30, 30, 30]

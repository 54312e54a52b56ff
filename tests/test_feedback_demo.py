"""The demo writes survey comments the feedback section can work with: varied, deterministic,
matching the score, with a few in other languages."""

from __future__ import annotations

from datetime import UTC, datetime

from deskmetrics import SurveyResponse
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics_feedback.sentiment import analyse

END = datetime(2026, 1, 5, tzinfo=UTC)


def comments(seed: int) -> list[tuple[float, str]]:
    found = []
    for record in demo_records(
        DemoSpec(tickets=1500, weeks=4, end=END, seed=seed, interactions=False)
    ):
        if isinstance(record, SurveyResponse) and record.comment and record.score is not None:
            found.append((record.score, record.comment))
    return found


def test_demo_comments_are_varied_deterministic_and_fit_the_score() -> None:
    first = comments(7)
    assert first == comments(7)
    assert len(first) > 100
    assert len({text for _score, text in first}) > 40
    labels = [(score, analyse(text).label) for score, text in first]
    assert any(label == "other_language" for _score, label in labels)
    happy = [label for score, label in labels if score >= 4 and label != "other_language"]
    unhappy = [label for score, label in labels if score <= 2 and label != "other_language"]
    assert happy.count("positive") / len(happy) > 0.8
    assert unhappy.count("negative") / len(unhappy) > 0.6

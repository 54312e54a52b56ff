"""Themes: TF-IDF + NMF groups comments by what they are about, deterministically, and names
stay stable across periods when the top terms overlap."""

from __future__ import annotations

from deskmetrics_feedback.naming import match_previous, stable_names
from deskmetrics_feedback.themes import find_themes

REFUNDS = [
    "Still waiting for my refund after two weeks.",
    "The refund for my double charge never arrived.",
    "Refund was promised but my card was charged again.",
    "I was charged twice and the refund is late.",
    "Where is my refund? Charged twice for one order.",
    "Refund still missing, charged twice this month.",
]
LOGIN = [
    "Cannot log in after the password reset.",
    "Password reset email never came, still locked out of login.",
    "Login fails with two factor codes, password reset did not help.",
    "Locked out again, the login page rejects my password.",
    "Password reset link expired before I could log in.",
    "After the password change the login still fails.",
]
SPEED = [
    "The dashboard is slow and reports take minutes to load.",
    "Reports load very slowly on the dashboard.",
    "Dashboard reports are slow every morning.",
    "Slow dashboard, the reports page times out.",
    "The reports dashboard keeps loading slowly.",
    "Reports are slow to load in the dashboard again.",
]
COMMENTS = [text for trio in zip(REFUNDS, LOGIN, SPEED, strict=True) for text in trio]


def groups(model_terms: list[list[str]], assignment: list[int], texts: list[str]) -> list[set]:
    found: dict[int, set[str]] = {}
    for text, theme in zip(texts, assignment, strict=True):
        found.setdefault(theme, set()).add(text)
    return sorted(found.values(), key=lambda g: sorted(g))


def test_comments_about_the_same_thing_share_a_theme() -> None:
    model = find_themes(COMMENTS, n_themes=3)
    assert model is not None
    found = groups(model.terms, model.assignment, COMMENTS)
    assert sorted(map(sorted, found)) == sorted(map(sorted, [REFUNDS, LOGIN, SPEED]))
    tops = {frozenset(terms[:3]) & {"refund", "password", "dashboard", "reports", "login"}
            for terms in model.terms}  # fmt: skip
    assert all(tops)  # each theme's name carries its topic word


def test_same_comments_give_the_same_themes() -> None:
    first, second = find_themes(COMMENTS, n_themes=3), find_themes(list(COMMENTS), n_themes=3)
    assert first == second


def test_too_few_comments_make_no_themes() -> None:
    assert find_themes(COMMENTS[:5]) is None
    assert find_themes(["ok"] * 20) is None  # no term worth a theme


def test_a_theme_keeps_its_name_when_its_top_terms_overlap() -> None:
    previous = [["refund", "charged", "twice", "card"], ["password", "login", "reset"]]
    current = [["login", "password", "locked", "reset"], ["charged", "refund", "invoice"], ["dark"]]
    names, matched = stable_names(current, previous)
    assert matched == [1, 0, None]
    assert names == ["password / login / reset", "refund / charged / twice", "dark"]


def test_each_previous_theme_is_continued_at_most_once() -> None:
    assert match_previous([["a", "b"], ["a", "b", "c"]], [["a", "b"]]) == [0, None]

"""Stable theme names across periods: a theme whose top terms overlap a previous period's theme
takes that theme's name, so "refund / charged / money" does not become "charged / refund /
invoice" from one week to the next just because the term order moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from deskmetrics_feedback.themes import theme_name

MIN_OVERLAP: Final = 0.25
"""Jaccard overlap of the top terms above which two themes are the same theme."""


def overlap(a: Sequence[str], b: Sequence[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 0.0


def match_previous(
    current: Sequence[Sequence[str]], previous: Sequence[Sequence[str]]
) -> list[int | None]:
    """For each current theme, the previous theme it continues (best overlap first, each
    previous theme used once), or None for a new theme."""
    pairs = sorted(
        ((overlap(c, p), i, j) for i, c in enumerate(current) for j, p in enumerate(previous)),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    matched: list[int | None] = [None] * len(current)
    used: set[int] = set()
    for score, i, j in pairs:
        if score < MIN_OVERLAP:
            break
        if matched[i] is None and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def stable_names(
    current: Sequence[Sequence[str]], previous: Sequence[Sequence[str]]
) -> tuple[list[str], list[int | None]]:
    """Names for the current themes (inherited where matched) and the matches."""
    matched = match_previous(current, previous)
    names = [
        theme_name(previous[j]) if j is not None else theme_name(terms)
        for terms, j in zip(current, matched, strict=True)
    ]
    return names, matched

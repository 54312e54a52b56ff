"""Themes in short texts: TF-IDF weighting, then NMF (non-negative matrix factorisation).

Each theme is a weighted set of terms; a text belongs to the theme it loads most on (or to none
when it shares no term with any). Deterministic: NNDSVD initialisation has no randomness, the
fitting sample is drawn with a fixed seed, and ties go to the lower theme number.

Scale: the model is fitted on at most ``FIT_SAMPLE`` texts and then applied to all of them, which
keeps 200,000 comments within seconds and a few hundred MB (benchmarks/bench_feedback.py).
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

SEED: Final = 20260
FIT_SAMPLE: Final = 20_000
MAX_THEMES: Final = 8
MIN_TEXTS: Final = 12
"""Fewer texts than this make no themes worth showing."""
TOP_TERMS: Final = 10
NAME_TERMS: Final = 3
METHOD: Final = f"tfidf-nmf/1 fit<={FIT_SAMPLE} k<={MAX_THEMES} seed={SEED} top={TOP_TERMS}"
"""Names the method and its settings in the cache fingerprints: a change of method refits."""

# Words every support comment uses; as theme terms they would name nothing.
DOMAIN_STOP_WORDS: Final = frozenset(
    [
        "thanks",
        "thank",
        "thx",
        "support",
        "help",
        "helped",
        "helpful",
        "agent",
        "agents",
        "ticket",
        "tickets",
        "team",
        "please",
        "hi",
        "hello",
        "really",
        "just",
        "got",
        "get",
        "did",
        "does",
        "don",
        "didn",
        "time",
        "times",
        "like",
        "issue",
        "problem",
        "customer",
        "service",
        "great",
        "good",
        "bad",
        "very",
        "much",
        "lot",
        "today",
        "yesterday",
    ]
)


@dataclass(frozen=True)
class ThemeModel:
    terms: list[list[str]]
    """Top terms of each theme, strongest first."""
    assignment: list[int]
    """Theme number of each text, −1 for none."""
    weight: list[float]
    """How strongly each text loads on its theme (for choosing examples)."""


@dataclass(frozen=True)
class FittedThemes:
    """A fitted TF-IDF + NMF pair: its themes' terms, and what applies it to other texts."""

    terms: list[list[str]]
    vectorizer: Any = field(repr=False, compare=False)
    nmf: Any = field(repr=False, compare=False)

    def assign(self, texts: Sequence[str]) -> tuple[list[int], list[float]]:
        """Theme number (−1: none) and load of each text."""
        if not texts:
            return [], []
        loads = self.nmf.transform(self.vectorizer.transform(texts))
        best = loads.argmax(axis=1)
        strength = loads.max(axis=1)
        assignment = [int(b) if w > 0 else -1 for b, w in zip(best, strength, strict=True)]
        return assignment, strength.astype(float).tolist()


def theme_count(n_texts: int) -> int:
    return max(2, min(MAX_THEMES, n_texts // 25))


def fit_themes(texts: Sequence[str], n_themes: int | None = None) -> FittedThemes | None:
    """Fit themes on ``texts`` (a seeded sample of at most FIT_SAMPLE of them); None when there
    are too few texts or too few shared words."""
    if len(texts) < MIN_TEXTS:
        return None
    import numpy as np
    from sklearn.decomposition import NMF  # type: ignore[import-untyped]
    from sklearn.exceptions import ConvergenceWarning  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer  # type: ignore[import-untyped]

    vectorizer = TfidfVectorizer(
        stop_words=sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS),
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        min_df=2,
        max_df=0.5,
        max_features=4000,
        sublinear_tf=True,
        dtype=np.float32,
    )
    sample = [texts[i] for i in _sample(len(texts))]
    try:
        fit_matrix = vectorizer.fit_transform(sample)
    except ValueError:  # no term occurs twice: nothing to group by
        return None
    vocabulary = vectorizer.get_feature_names_out()
    k = min(n_themes or theme_count(len(texts)), len(vocabulary))
    if k < 2:
        return None
    model = NMF(n_components=k, init="nndsvd", random_state=SEED, max_iter=300)
    with warnings.catch_warnings():
        # Stopping at max_iter short of the tolerance moves weights, rarely assignments.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(fit_matrix)
    terms = [[str(vocabulary[j]) for j in np.argsort(-row, kind="stable")[:TOP_TERMS]
              if row[j] > 0] for row in model.components_]  # fmt: skip
    return FittedThemes(terms, vectorizer, model)


def find_themes(texts: Sequence[str], n_themes: int | None = None) -> ThemeModel | None:
    """Themes of ``texts``, fitted on a seeded sample and applied to all of them."""
    fitted = fit_themes(texts, n_themes)
    if fitted is None:
        return None
    assignment, weight = fitted.assign(texts)
    return ThemeModel(fitted.terms, assignment, weight)


def _sample(n: int) -> list[int]:
    if n <= FIT_SAMPLE:
        return list(range(n))
    return sorted(random.Random(SEED).sample(range(n), FIT_SAMPLE))


def theme_name(terms: Sequence[str]) -> str:
    return " / ".join(terms[:NAME_TERMS]) or "(no terms)"

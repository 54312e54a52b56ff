"""Sentiment of one survey comment: VADER with the support-domain lexicon, English only.

Labels: ``positive`` / ``negative`` / ``neutral`` (English comments, from VADER's compound score),
``empty`` (nothing but whitespace) and ``other_language`` (not English, or undetermined: counted,
never scored). Emoji-only comments are scored: VADER reads emoji by their names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from deskmetrics_feedback.language import UNDETERMINED, detect
from deskmetrics_feedback.lexicon import domain_lexicon, rewrite_phrases

POSITIVE: Final = 0.05
NEGATIVE: Final = -0.05
"""VADER's own thresholds on the compound score (-1…1)."""
SCORE_CHARS: Final = 5000
"""Only the first 5,000 characters are scored: enough for any real comment, bounded for spam."""
LABELS: Final = ("positive", "negative", "neutral", "empty", "other_language")

_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float | None
    """VADER compound score, −1…1; None when not scored."""
    language: str


@cache
def _analyser(domain: bool) -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

    analyser = SentimentIntensityAnalyzer()
    if domain:
        # A new dict: the default lexicon is shared by every analyser in the process.
        analyser.lexicon = {**analyser.lexicon, **domain_lexicon()}
    return analyser


def label_of(score: float) -> str:
    if score >= POSITIVE:
        return "positive"
    if score <= NEGATIVE:
        return "negative"
    return "neutral"


def analyse(comment: str | None, *, domain: bool = True) -> Sentiment:
    """Score one comment; ``domain=False`` is plain VADER (the benchmark's baseline)."""
    text = (comment or "").strip()
    if not text:
        return Sentiment("empty", None, UNDETERMINED)
    analyser = _analyser(domain)
    if _LETTER.search(text) is None:
        language = UNDETERMINED  # emoji and punctuation: no language, still a feeling
    else:
        language = detect(text, analyser.lexicon.keys())
        if language != "en":
            return Sentiment("other_language", None, language)
    sample = text[:SCORE_CHARS]
    if domain:
        sample = rewrite_phrases(sample)
    score = float(analyser.polarity_scores(sample)["compound"])
    return Sentiment(label_of(score), score, language)

"""Which language a comment is in: py3langid over a restricted set, checked against English words.

A short comment is where n-gram identifiers fail ("ok" comes out Danish), so the identifier's
answer only counts when it is confident and the comment is not mostly English words; short
comments of unknown words are "und" (undetermined) and, like other languages, left out of the
English sentiment.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, Final

LANGUAGES: Final[tuple[str, ...]] = (
    "en", "de", "fr", "es", "it", "nl", "pt", "sv", "da", "no", "fi", "pl", "cs", "tr", "ro",
)  # fmt: skip
"""Languages a helpdesk's customers plausibly write in; fewer candidates, fewer mistakes."""
UNDETERMINED: Final = "und"
CONFIDENCE: Final = 0.9
"""Probability the identifier must reach before a comment counts as not English."""
SHORT: Final = 4
"""Comments with fewer words than this are judged on their words alone."""
DETECT_CHARS: Final = 2000
"""Language is decided on the start of a comment: enough, and bounded for 10 kB+ comments."""

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

_ENGLISH_TEXT = (
    "a about after again all also am an and any are as at back be because been before being but "
    "by can can't could day days did didn't do does doesn't don't done email even ever every "
    "for from get got had has have he her here him his how i i'm i've if in into is isn't it "
    "it's its just know last like make me more my need never new next no not nothing now of off "
    "on once one only or other our out over please same see she should so some still such take "
    "than thank thanks that the their them then there they this time to too two up us very was "
    "wasn't we week weeks well were what when which who why will with without would you your "
    "yes ok okay help support issue problem account add top great good bad service team order "
    "refund reply answer fixed works "
)
_ENGLISH: Final[frozenset[str]] = frozenset(_ENGLISH_TEXT.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def english_share(tokens: list[str], lexicon: frozenset[str] | set[str] = frozenset()) -> float:
    if not tokens:
        return 0.0
    return sum(t in _ENGLISH or t in lexicon for t in tokens) / len(tokens)


def detect(text: str, lexicon: frozenset[str] | set[str] = frozenset()) -> str:
    """An ISO 639-1 code, or ``und``; ``lexicon``: more known English words (VADER's)."""
    sample = text[:DETECT_CHARS]
    tokens = words(sample)
    if not tokens:
        return UNDETERMINED
    share = english_share(tokens, lexicon)
    language, probability = _identifier().classify(sample)
    if len(tokens) < SHORT:
        # Too short for n-grams alone: English words, or a sure identification, decide.
        if share >= 0.5 or language == "en":
            return "en"
        return str(language) if probability >= CONFIDENCE else UNDETERMINED
    if language == "en" or share >= 0.6:
        return "en"
    if probability >= CONFIDENCE or share < 0.3:
        return str(language)
    return "en" if share >= 0.45 else UNDETERMINED

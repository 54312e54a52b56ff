"""The support-domain adjustment to VADER's general-purpose lexicon.

VADER was built on social-media text, where "support" and "help" are warm words. In a helpdesk
survey they are the topic, not the sentiment: "Terrible support." would otherwise be half
praise. Waiting, chasing and missing replies carry most of the negativity in support comments
and VADER knows none of those words. Valences use VADER's −4…+4 scale.
"""

from __future__ import annotations

import re
from typing import Final

NEUTRAL_TOPIC_WORDS: Final[tuple[str, ...]] = (
    "support",
    "help",
    "agent",
    "agents",
    "ticket",
    "tickets",
    "please",
    "hope",
    "care",
    "team",
    "service",
    "chat",
    "call",
    "number",
    "supports",
    "supported",
)
"""Words that name the conversation itself; scored 0 in this domain."""

DOMAIN_VALENCES: Final[dict[str, float]] = {
    # Waiting and silence.
    "waited": -1.6,
    "waiting": -1.2,
    "chasing": -1.6,
    "nobody": -1.2,
    "ignored": -1.8,
    "forgotten": -1.5,
    "late": -1.2,
    "slow": -1.5,
    "unresolved": -2.0,
    "reopened": -1.4,
    "again": -0.4,
    "disconnected": -1.2,
    "scripted": -1.2,
    "condescending": -2.2,
    "locked": -0.8,
    "broken": -1.8,
    "blocked": -1.4,
    "wasted": -1.9,
    "refund": -0.4,  # mostly asked for because something went wrong; praise words outweigh it
    "escalated": -0.8,
    "transferred": -0.3,
    "shared": 0.3,
    # Getting things done.
    "fixed": 1.6,
    "solved": 1.9,
    "resolved": 1.6,
    "sorted": 1.5,
    "works": 1.2,
    "working": 0.8,
    "quick": 1.6,
    "quickly": 1.6,
    "fast": 1.6,
    "patient": 1.8,
    "responsive": 1.6,
    "efficient": 1.8,
    "thorough": 1.5,
    "polite": 1.6,
    "politely": 1.6,
    "knowledgeable": 1.6,
    "competent": 1.6,
    "painless": 1.6,
    "accurate": 1.2,
    "impressed": 2.0,
    "smoothly": 1.4,
    # Plain words VADER scores that say little in a support survey.
    "no": 0.0,  # "No further comments"; negation is still handled by VADER's rules
    "ok": 0.4,
    "okay": 0.4,
}

PHRASES: Final[dict[str, tuple[str, float]]] = {
    # phrase → (token it is rewritten to, valence): VADER scores single tokens only.
    "still waiting": ("dmstillwaiting", -2.2),
    "still not": ("dmstillnot", -2.0),
    "still no": ("dmstillno", -2.0),
    "still nothing": ("dmstillnothing", -2.2),
    "still open": ("dmstillopen", -1.6),
    "still locked": ("dmstilllocked", -1.8),
    "no reply": ("dmnoreply", -2.2),
    "no response": ("dmnoresponse", -2.2),
    "no answer": ("dmnoanswer", -2.2),
    "no one replied": ("dmnoonereplied", -2.4),
    "never got back": ("dmnevergotback", -2.4),
    "never happened": ("dmneverhappened", -2.0),
    "got back to me": ("dmgotback", 0.0),
    "on hold": ("dmonhold", -1.4),
    "far too long": ("dmfartoolong", -2.2),
    "too long": ("dmtoolong", -1.8),
    "in circles": ("dmincircles", -1.8),
    "copy-paste": ("dmcopypaste", -1.6),
    "did not help": ("dmdidnothelp", -2.0),
    "didn't help": ("dmdidnothelp", -2.0),
    "not happy": ("dmnothappy", -2.0),
    "not fixed": ("dmnotfixed", -2.0),
    "not resolved": ("dmnotresolved", -2.0),
    "money back": ("dmmoneyback", 0.8),
    "above and beyond": ("dmabovebeyond", 2.6),
    "first try": ("dmfirsttry", 1.6),
    "one call": ("dmonecall", 1.2),
    "one reply": ("dmonereply", 1.2),
    "saved me": ("dmsavedme", 2.0),
    "no hassle": ("dmnohassle", 1.8),
    "without any hassle": ("dmnohassle", 1.8),
    "top notch": ("dmtopnotch", 2.6),
    "five stars": ("dmfivestars", 2.6),
    "three times": ("dmthreetimes", -1.2),
    "third time": ("dmthirdtime", -1.4),
    "every day": ("dmeveryday", -0.6),
    "did nothing": ("dmdidnothing", -1.8),
    "different answer": ("dmdifferentanswer", -1.2),
    "never read": ("dmneverread", -1.8),
    # Emoji VADER's emoji table describes in words it has no valence for.
    "👍": (" dmthumbsup ", 1.8),
    "👎": (" dmthumbsdown ", -1.8),
    "😡": (" dmenraged ", -2.5),
    "🙏": (" dmthankful ", 1.5),
    "❤️": (" dmheart ", 2.5),
    "❤": (" dmheart ", 2.5),
}

_PHRASE_PATTERN = re.compile(
    "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)), re.IGNORECASE
)


def rewrite_phrases(text: str) -> str:
    """Replace each known multi-word phrase by its single lexicon token."""
    return _PHRASE_PATTERN.sub(lambda m: PHRASES[m.group(0).lower()][0], text)


def domain_lexicon() -> dict[str, float]:
    """Every entry to set in VADER's lexicon (words and phrase tokens)."""
    entries = dict.fromkeys(NEUTRAL_TOPIC_WORDS, 0.0)
    entries.update(DOMAIN_VALENCES)
    entries.update((token.strip(), valence) for token, valence in PHRASES.values())
    return entries

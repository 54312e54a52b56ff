"""Survey comments for the demo: varied, topic-aware and deterministic.

A comment is assembled from an opening that matches the score, a remark about what the ticket
was about (its tags), and sometimes a closing, drawn from a generator seeded by the ticket id
alone: the demo's main random stream is not touched, so every other demo figure stays the same.
A few comments are in another language or emoji only, as in real survey exports.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from deskmetrics.models import Ticket

OPENINGS: Final = {
    True: ("Quick and helpful, thank you!", "Great support as always.", "Very patient and clear.",
           "Thanks, works now.", "Really friendly and fast.", "Excellent service.",
           "Happy with the help I got.", "Brilliant, thank you.", "Solved on the first try."),
    False: ("Took far too long to get an answer.", "I had to explain the problem three times.",
            "Still not fixed.", "The answer did not help.", "Very slow response.",
            "Disappointed with the support.", "Waited days for a reply.",
            "Nobody read my message properly."),
}  # fmt: skip

REMARKS: Final[dict[str, dict[bool, tuple[str, ...]]]] = {
    "refund": {
        True: ("The refund arrived the next day.", "Got my money back without any hassle."),
        False: ("Still waiting for my refund.", "I was charged twice and the refund is late."),
    },
    "invoice": {
        True: ("The corrected invoice came quickly.",),
        False: ("The invoice is still wrong.", "Nobody explained the VAT on my invoice."),
    },
    "billing": {
        True: ("Billing question answered clearly.",),
        False: ("Billing keeps getting it wrong.",),
    },
    "login": {
        True: ("I can log in again.", "The password reset finally works."),
        False: ("Still locked out of my account.", "The login problem keeps coming back."),
    },
    "bug": {
        True: ("The workaround fixed the crash.", "The bug fix works."),
        False: ("The app still crashes on export.", "The bug came back after the update."),
    },
    "api": {
        True: ("Great explanation of the API error.",),
        False: ("The API still returns errors.",),
    },
    "integration": {
        True: ("Sync is running again.",),
        False: ("The sync is still stuck.",),
    },
    "performance": {
        True: ("The dashboard is fast again.",),
        False: ("The dashboard is still slow.",),
    },
    "onboarding": {
        True: ("Setup was easy with the guide.", "The onboarding call was very useful."),
        False: ("Setting up the workspace was confusing.",),
    },
    "how-to": {
        True: ("Clear instructions with screenshots.",),
        False: ("The instructions were hard to follow.",),
    },
}
CLOSINGS: Final = {
    True: ("Five stars.", "Will recommend.", "Thanks again!"),
    False: ("Not happy.", "Considering cancelling.", "Please do better."),
}
OTHER_LANGUAGES: Final = {
    True: ("Sehr schnelle Hilfe, vielen Dank!", "Muy buen servicio, gracias.",
           "Merci beaucoup pour votre aide rapide."),
    False: ("Die Antwort kam viel zu spät.", "Nadie respondió a mi correo.",
            "Toujours pas de remboursement."),
}  # fmt: skip
EMOJI: Final = {True: ("👍", "🙏🙂"), False: ("👎", "😡")}


def survey_comment(ticket: Ticket, happy: bool, fallback: str) -> str:
    """A comment for ``ticket``'s survey; ``fallback`` is the comment the demo drew before."""
    rng = random.Random(f"demo-comment:{ticket.id}")
    u = rng.random()
    if u < 0.03:
        return rng.choice(OTHER_LANGUAGES[happy])
    if u < 0.045:
        return rng.choice(EMOJI[happy])
    parts = [fallback if rng.random() < 0.4 else rng.choice(OPENINGS[happy])]
    remarks = _remarks(ticket.tags, happy)
    if remarks and rng.random() < 0.75:
        parts.append(rng.choice(remarks))
    if rng.random() < 0.25:
        parts.append(rng.choice(CLOSINGS[happy]))
    return " ".join(parts)


def _remarks(tags: Sequence[str], happy: bool) -> list[str]:
    return [text for tag in tags if tag in REMARKS for text in REMARKS[tag][happy]]

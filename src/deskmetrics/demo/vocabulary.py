"""The words of the synthetic helpdesk: teams, people, companies, ticket topics and survey comments.

Kept apart from the generator so the simulation code reads as rules, not as lists of strings.
Names include a few accented letters on purpose: the demo CSV files then exercise UTF-8 end to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

GROUPS: Final[tuple[tuple[str, str], ...]] = (
    ("g1", "Billing"),
    ("g2", "Technical Support"),
    ("g3", "Accounts"),
    ("g4", "Onboarding"),
)
"""(id, name) of each support team; topics below route to them by index."""

FIRST_NAMES: Final[tuple[str, ...]] = (
    "Amelia", "Noah", "Olivia", "Liam", "Emma", "Mateo", "Sofia", "Lucas", "Mia", "Ethan",
    "Chloé", "José", "Zoë", "André", "Björn", "Renée", "Priya", "Arjun", "Aisha", "Omar",
    "Hana", "Kenji", "Mei", "Wei", "Fatima", "Yusuf", "Ingrid", "Lars", "Elena", "Marco",
    "Grace", "Daniel", "Nora", "Samuel", "Leah", "Isaac", "Clara", "Felix", "Ruth", "Tomás",
)  # fmt: skip

LAST_NAMES: Final[tuple[str, ...]] = (
    "Smith", "Johnson", "Garcia", "Müller", "Rossi", "Dubois", "Nakamura", "Chen", "Patel",
    "Khan", "Andersson", "Kowalski", "Silva", "O'Brien", "Novak", "Jensen", "Haddad", "Okafor",
    "Kim", "Nguyen", "Fischer", "Moreau", "Costa", "Bianchi", "Larsen", "Schmidt", "Tanaka",
    "Walker", "Young", "Brennan", "Ivanova", "Lindqvist", "Mendes", "Sato", "Weber", "Ortiz",
)  # fmt: skip

AGENT_EMAIL_DOMAIN: Final = "support.example.com"


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    weight: float
    vip: bool = False


ORGANIZATIONS: Final[tuple[Organization, ...]] = (
    Organization("acme", "Acme Corp", 5.0, vip=True),
    Organization("globex", "Globex", 4.0),
    Organization("initech", "Initech", 3.0),
    Organization("umbrella-health", "Umbrella Health", 2.5, vip=True),
    Organization("stark-logistics", "Stark Logistics", 2.0),
    Organization("wayne-retail", "Wayne Retail", 1.5),
    Organization("hooli", "Hooli", 1.0),
    Organization("soylent-foods", "Soylent Foods", 1.0),
)
"""A handful of business customers; most people filing tickets belong to one of them."""


@dataclass(frozen=True)
class Topic:
    """What a ticket is about: it decides the team, the tags, the product and the subject."""

    group: int
    weight: float
    subject: str
    """May contain ``{n}``, replaced by an order or invoice number."""
    tags: tuple[str, ...]
    products: tuple[str, ...]


TOPICS: Final[tuple[Topic, ...]] = (
    # Billing (≈ 30 % of volume)
    Topic(0, 7, "Charged twice for my subscription", ("billing", "refund"), ("Billing Portal",)),
    Topic(0, 6, "Refund request for order #{n}", ("billing", "refund"), ("Billing Portal",)),
    Topic(0, 5, "Invoice #{n} shows the wrong VAT number", ("billing", "invoice"),
          ("Billing Portal",)),
    Topic(0, 5, "How do I update my payment card?", ("billing", "how-to"), ("Billing Portal",)),
    Topic(0, 4, "Question about the annual plan price", ("billing",), ("Billing Portal",)),
    Topic(0, 3, "Cancel my subscription", ("billing", "cancellation"), ("Billing Portal",)),
    # Technical Support (≈ 40 %)
    Topic(1, 8, "App crashes when exporting reports", ("bug",), ("Web App", "Mobile App")),
    Topic(1, 6, "Sync stuck at 0 %", ("bug", "integration"), ("Integrations",)),
    Topic(1, 6, "API returns 500 on /orders", ("bug", "api"), ("API",)),
    Topic(1, 5, "How do I set up webhooks?", ("how-to", "api"), ("API",)),
    Topic(1, 5, "Dashboard is very slow today", ("bug", "performance"), ("Web App",)),
    Topic(1, 4, "Push notifications stopped working", ("bug", "mobile"), ("Mobile App",)),
    Topic(1, 3, "Please add dark mode", ("feature-request",), ("Web App", "Mobile App")),
    Topic(1, 3, "CSV import rejects my file", ("bug", "how-to"), ("Web App",)),
    # Accounts (≈ 18 %)
    Topic(2, 6, "Can't log in after password reset", ("account", "login"), ("Web App",)),
    Topic(2, 4, "2FA codes are not accepted", ("account", "login"), ("Mobile App", "Web App")),
    Topic(2, 4, "Please add a new user to our account", ("account", "how-to"), ("Web App",)),
    Topic(2, 2, "Transfer account ownership", ("account",), ("Web App",)),
    Topic(2, 2, "Set up single sign-on", ("account", "sso"), ("Web App",)),
    # Onboarding (≈ 12 %)
    Topic(3, 4, "Help setting up our workspace", ("onboarding", "how-to"), ("Web App",)),
    Topic(3, 3, "Importing contacts from our old tool", ("onboarding", "integration"),
          ("Integrations",)),
    Topic(3, 2, "Training session for our new team", ("onboarding",), ("Web App",)),
    Topic(3, 2, "Can we get a custom report template?", ("onboarding", "feature-request"),
          ("Web App",)),
)  # fmt: skip

CSAT_PRAISE: Final[tuple[str, ...]] = (
    "Quick and helpful, thank you!",
    "Solved on the first try.",
    "Great support as always.",
    "Very patient and clear.",
    "Thanks, works now.",
)
CSAT_COMPLAINTS: Final[tuple[str, ...]] = (
    "Took far too long to get an answer.",
    "I had to explain the problem three times.",
    "Still not fixed.",
    "The answer did not help.",
)

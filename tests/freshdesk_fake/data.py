"""Deterministic payloads of a fake Freshdesk account."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

BASE = datetime(2024, 1, 1, tzinfo=UTC)
TAGS = ("vip", "billing", "login", "refund", "bug")
AGENTS = 20
GROUPS = (201, 202, 203, 204)
COMPANIES = 53
"""Ids 300-352: tickets name 300-349 (``make_ticket``); the last three have no tickets."""


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def make_ticket(seed: int, index: int) -> dict[str, Any]:
    """Ticket ``1000 + index``: statuses incl. custom 6/7, unknown source 15, SLA, stats."""
    rng = random.Random(seed * 7919 + index)
    ticket_id = 1000 + index
    created = BASE + timedelta(seconds=index * 97 + rng.randint(0, 50))
    status = rng.choices([2, 3, 4, 5, 6, 7], weights=[15, 5, 40, 30, 5, 5])[0]
    first = created + timedelta(seconds=rng.randint(60, 36_000)) if rng.random() < 0.85 else None
    resolved = closed = reopened = None
    if status in (4, 5):
        resolved = (first or created) + timedelta(seconds=rng.randint(600, 200_000))
        if rng.random() < 0.1:
            reopened = resolved
            resolved = reopened + timedelta(seconds=rng.randint(600, 50_000))
        if status == 5:
            closed = resolved + timedelta(seconds=rng.randint(0, 3) * 86_400)
            if rng.random() < 0.15:
                resolved = None  # closed without being resolved: closed_at is the resolution
    elif rng.random() < 0.05:
        reopened = created + timedelta(seconds=rng.randint(10_000, 90_000))
        resolved = reopened - timedelta(seconds=5_000)
    moments = [m for m in (created, first, resolved, closed, reopened) if m is not None]
    # Whole minutes: many tickets share an updated_at, as after bulk updates.
    updated = max(moments) + timedelta(seconds=rng.randint(0, 900))
    updated = updated.replace(second=0)
    if updated < max(moments):
        updated += timedelta(minutes=1)
    sla = rng.random() < 0.9
    fr_due = created + timedelta(hours=4) if sla else None
    due = created + timedelta(hours=24) if sla else None
    responder = 5000 + rng.randrange(AGENTS) if rng.random() < 0.9 else None
    company = 300 + rng.randrange(50) if rng.random() < 0.7 else None
    stats = {
        "agent_responded_at": iso(first) if first else None,
        "requester_responded_at": None,
        "first_responded_at": iso(first) if first else None,
        "status_updated_at": iso(updated),
        "reopened_at": iso(reopened) if reopened else None,
        "resolved_at": iso(resolved) if resolved else None,
        "closed_at": iso(closed) if closed else None,
        "pending_since": iso(updated) if status == 3 else None,
    }
    roll = rng.random()
    return {
        "id": ticket_id,
        "subject": f"Ticket {ticket_id}",
        "type": rng.choice(["Question", "Incident", None]),
        "status": status,
        "priority": rng.randint(1, 4),
        "source": rng.choice([1, 1, 1, 2, 3, 7, 9, 10, 15]),
        "requester_id": 7000 + rng.randrange(1000),
        "responder_id": responder,
        "group_id": rng.choice(GROUPS),
        "company_id": company,
        "product_id": None,
        "email_config_id": None,
        "tags": rng.sample(TAGS, rng.randint(0, 2)),
        "custom_fields": {
            "cf_region": rng.choice(["EMEA", "APAC", "AMER", None]),
            "cf_plan": rng.choice(["free", "pro"]),
        },
        "spam": roll < 0.01,
        "deleted": 0.01 <= roll < 0.03,
        "fr_escalated": bool(fr_due and (first is None or first > fr_due)),
        "is_escalated": rng.random() < 0.1,
        "nr_escalated": False,
        "nr_due_by": None,
        "association_type": None,
        "created_at": iso(created),
        "updated_at": iso(updated),
        "fr_due_by": iso(fr_due) if fr_due else None,
        "due_by": iso(due) if due else None,
        "stats": stats,
    }


def make_conversations(seed: int, ticket: dict[str, Any], revision: int) -> list[dict[str, Any]]:
    """Replies and notes; the first agent reply matches stats.first_responded_at."""
    rng = random.Random(seed * 104_729 + ticket["id"])
    created = parse(ticket["created_at"])
    first = ticket["stats"]["first_responded_at"]
    items: list[tuple[datetime, int, bool, bool, int]] = []  # at, source, incoming, private, user
    agent = ticket["responder_id"] or 5000
    if first:
        items.append((parse(first), 0, False, False, agent))
    elif rng.random() < 0.3 and ticket["status"] in (4, 5):
        # Stats without a first response although an agent replied (stats lag).
        items.append((created + timedelta(seconds=4321), 0, False, False, agent))
    at = parse(first) if first else created
    for _ in range(rng.randint(0, 4)):
        at += timedelta(seconds=rng.randint(60, 20_000))
        kind = rng.choice(["reply", "customer", "private", "public_note"])
        if kind == "reply" and items:
            items.append((at, 0, False, False, agent))
        elif kind == "customer":
            items.append((at, 0, True, False, ticket["requester_id"]))
        elif kind == "private":
            items.append((at, 2, False, True, agent))
        else:
            items.append((at, 2, False, False, agent))
    for step in range(revision):
        items.append(
            (parse(ticket["updated_at"]) - timedelta(seconds=step + 1), 0, False, False, agent)
        )
    return [
        {
            "id": ticket["id"] * 100 + n,
            "ticket_id": ticket["id"],
            "user_id": user,
            "source": source,
            "incoming": incoming,
            "private": private,
            "body_text": "…",
            "created_at": iso(when),
            "updated_at": iso(when),
        }
        for n, (when, source, incoming, private, user) in enumerate(items)
    ]


RATING_VALUES = (103, 102, 101, 100, -101, -102, -103)


def make_rating(seed: int, ticket: dict[str, Any], number: int) -> dict[str, Any] | None:
    rng = random.Random(seed * 31 + ticket["id"])
    stats = ticket["stats"]
    done = stats["resolved_at"] or stats["closed_at"]
    if ticket["status"] not in (4, 5) or not done or rng.random() > 0.3:
        return None
    value: int = rng.choice(RATING_VALUES)
    if rng.random() < 0.02:
        value = rng.choice((1, 2, 3))  # a classic survey
    return {
        "id": 90_000 + number,
        "survey_id": 11,
        "user_id": ticket["requester_id"],
        "agent_id": ticket["responder_id"],
        "group_id": ticket["group_id"],
        "ticket_id": ticket["id"],
        "feedback": rng.choice(["", "Thanks!", "Slow"]),
        "ratings": {"default_question": value, "question_2": rng.choice((-103, 100, 103))},
        "created_at": iso(parse(done) + timedelta(hours=1)),
        "updated_at": iso(parse(done) + timedelta(hours=1)),
    }


def make_time_entries(
    seed: int, ticket: dict[str, Any], first_id: int, *, recent: bool
) -> list[dict[str, Any]]:
    """Up to 3 entries on a quarter of the tickets; timers still run only on ``recent`` ones."""
    rng = random.Random(seed * 17 + ticket["id"])
    if rng.random() > 0.25:
        return []
    created = parse(ticket["created_at"])
    entries = []
    for n in range(rng.randint(1, 3)):
        executed = created + timedelta(seconds=rng.randint(60, 80_000))
        minutes = rng.randint(1, 180)
        entries.append(
            {
                "id": first_id + n,
                "ticket_id": ticket["id"],
                "agent_id": ticket["responder_id"] or 5000,
                "billable": rng.random() < 0.5,
                "note": "",
                "time_spent": f"{minutes // 60:02d}:{minutes % 60:02d}",
                "timer_running": recent and rng.random() < 0.3,
                "start_time": iso(executed),
                "executed_at": iso(executed),
                "created_at": iso(executed),
                "updated_at": iso(executed),
            }
        )
    return entries


def agents() -> list[dict[str, Any]]:
    return [
        {
            "id": 5000 + n,
            "available": True,
            "occasional": False,
            "ticket_scope": 1,
            "type": "support_agent",
            "group_ids": [GROUPS[n % len(GROUPS)]] if n % 5 else [],
            "contact": {"name": f"Agent {n}", "email": f"agent{n}@acme.test", "active": True},
            "created_at": iso(BASE),
            "updated_at": iso(BASE),
        }
        for n in range(AGENTS)
    ]


def groups() -> list[dict[str, Any]]:
    return [
        {"id": g, "name": f"Tier {n + 1}", "business_hour_id": 1, "created_at": iso(BASE)}
        for n, g in enumerate(GROUPS)
    ]


def companies() -> list[dict[str, Any]]:
    """0-2 domains, custom fields on three in four, some timestamps with a +05:30 offset."""
    rows = []
    for n in range(COMPANIES):
        created = BASE - timedelta(days=400 - n, hours=n)
        updated = created + timedelta(days=n, minutes=n)
        custom: dict[str, Any] = {}
        if n % 4:
            custom = {"website": f"https://company{n}.test", "seats": n * 10}
        if n == 5:
            custom["legacy_id"] = "L-5"  # not in company_fields: keeps its API name
        rows.append(
            {
                "id": 300 + n,
                "name": f"Company {n:02d}",
                "description": f"Customer number {n}",
                "note": None,
                "domains": [f"company{n}.test", f"c{n}.example"][: n % 3],
                "created_at": _offset(created) if n % 7 == 0 else iso(created),
                "updated_at": _offset(updated) if n % 7 == 0 else iso(updated),
                "custom_fields": custom,
                "health_score": ("Happy", "Doing okay", "At risk", None)[n % 4],
                "account_tier": ("Basic", "Premium", "Enterprise")[n % 3],
                "renewal_date": iso(BASE + timedelta(days=30 * n)) if n % 2 else None,
                "industry": ("Software", "Banks", None)[n % 3],
            }
        )
    return rows


CONTACTS = 1000
"""Contacts 7000-7999: every requester a ticket names."""


def contacts() -> list[dict[str, Any]]:
    """Each in a company; every tenth has a churn date, every seventh a ticked checkbox."""
    rows = []
    for n in range(CONTACTS):
        created = BASE - timedelta(days=300, hours=n)
        rows.append(
            {
                "id": 7000 + n,
                "name": f"Contact {n}",
                "email": f"Contact{n}@Example.test" if n % 50 else None,
                "unique_external_id": f"crm-{n}" if n % 2 else None,
                "company_id": 300 + n % COMPANIES,
                "language": "de" if n % 3 == 0 else "en",
                "active": True,
                "created_at": iso(created),
                "updated_at": iso(created + timedelta(days=100, minutes=n)),
                "custom_fields": {
                    "cf_churned_on": iso(BASE + timedelta(days=n % 60)) if n % 10 == 0 else None,
                    "cf_cancelled": n % 7 == 0,
                },
            }
        )
    return rows


def _offset(value: datetime) -> str:
    # The docs' samples carry offsets ("2014-01-08T09:08:53+05:30"): the same instant in IST.
    return (value + timedelta(hours=5, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S+05:30")


COMPANY_FIELDS: list[dict[str, Any]] = [
    {"id": 1, "name": "name", "label": "Company Name", "type": "default_name", "default": True},
    {"id": 2, "name": "description", "label": "Description", "type": "default_description",
     "default": True},
    {"id": 4, "name": "domains", "label": "Domains for this company", "type": "default_domains",
     "default": True},
    {"id": 6, "name": "account_tier", "label": "Account tier", "type": "default_account_tier",
     "default": True, "choices": ["Basic", "Premium", "Enterprise"]},
    {"id": 9, "name": "website", "label": "Website", "type": "custom_url", "default": False},
    {"id": 10, "name": "seats", "label": "Seats", "type": "custom_number", "default": False},
]  # fmt: skip

TICKET_FIELDS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "status",
        "label": "Status",
        "default": True,
        "choices": {
            "2": ["Open", "Being Processed"],
            "3": ["Pending", "Awaiting your Reply"],
            "4": ["Resolved", "This ticket has been Resolved"],
            "5": ["Closed", "This ticket has been Closed"],
            "6": ["Waiting on Customer", "Awaiting your Reply"],
            "7": ["Waiting on Third Party", "Being Processed"],
        },
    },
    {
        "id": 2,
        "name": "source",
        "label": "Source",
        "default": True,
        "choices": {
            "Email": 1,
            "Portal": 2,
            "Phone": 3,
            "Chat": 7,
            "Feedback Widget": 9,
            "Outbound Email": 10,
            "Web Chat": 15,
        },
    },
    {"id": 3, "name": "ticket_type", "label": "Type", "default": True, "choices": []},
    {"id": 4, "name": "cf_region", "label": "Region", "default": False, "choices": []},
    {"id": 5, "name": "cf_plan", "label": "Plan", "default": False, "choices": []},
]

BUSINESS_HOURS: list[dict[str, Any]] = [
    {
        "id": 1,
        "name": "US support",
        "is_default": True,
        "time_zone": "Eastern Time (US & Canada)",
        "business_hours": {
            day: {"start_time": "08:00:00 am", "end_time": "05:00:00 pm"}
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        },
    },
    {
        "id": 2,
        "name": "EU weekend",
        "is_default": False,
        "time_zone": "Berlin",
        "business_hours": {
            "saturday": {"start_time": "12:00:00 am", "end_time": "11:59:59 pm"},
            "sunday": {"start_time": "10:30:00 am", "end_time": "02:00:00 pm"},
        },
    },
]

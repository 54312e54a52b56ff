"""A generated Zendesk account: tickets with metric sets, users, groups, organizations, fields,
CSAT and SLA events.

Everything is a pure function of the ticket number, so two accounts built with the same size
serve identical payloads (the kill-and-resume test compares two syncs of two servers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

T0 = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "solved", "open")
PRIORITIES = ("urgent", "high", "normal", "low", None)
CHANNELS = ("email", "web", "chat", "voice", "api", "twitter", "rule", "email", "web_form")
PRODUCTS = (("hw_printer", "Printer"), ("hw_scanner", "Scanner"), ("sw_driver", "Driver"))
REGIONS = (("eu", "Europe"), ("us", "United States"), ("apac", "Asia Pacific"))
AGENTS = 20
END_USERS = 500
CUSTOM_STATUSES: list[dict[str, Any]] = [
    {"id": 9001, "agent_label": "Open", "status_category": "open"},
    {"id": 9002, "agent_label": "Waiting on vendor", "status_category": "hold"},
    {"id": 9003, "agent_label": "Needs refund", "status_category": "open"},
]
GROUPS = ("Tier 1", "Tier 2", "Billing", "Escalations")
DELETED_EVERY = 97
ORGANIZATIONS = 32
"""Ids 500–531: tickets name 500–529; 530 has no tickets, 531 is deleted."""
DELETED_ORGANIZATION = 531
NO_DOMAIN_ORGANIZATION = 507
TIERS = ("gold", "silver", "bronze")
CHANGED_RATING_TICKET = 6  # solved, rated bad, later changed to good


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch(value: datetime) -> int:
    return int(value.timestamp())


@dataclass
class FakeAccount:
    """``tickets`` generated tickets; ``touch`` and ``change_rating`` simulate later activity."""

    size: int
    tickets: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.tickets = [self.ticket(number) for number in range(1, self.size + 1)]
        self.now = T0 + timedelta(minutes=10 * self.size + 60 * 24 * 30)
        self.version = 0
        """Bumped by every change, so servers re-sort the export."""

    @cached_property
    def ratings(self) -> list[dict[str, Any]]:
        return [r for n in range(1, self.size + 1) if (r := self.rating(n)) is not None]

    @cached_property
    def metric_events(self) -> list[dict[str, Any]]:
        return sorted(
            (e for n in range(1, self.size + 1) for e in self.events(n)),
            key=lambda e: (e["time"], e["id"]),
        )

    @cached_property
    def ticket_events(self) -> list[dict[str, Any]]:
        """The ticket event export's events (with comment events), oldest first."""
        return sorted(
            (e for n in range(1, self.size + 1) for e in self.updates(n)),
            key=lambda e: (e["created_at"], e["id"]),
        )

    @cached_property
    def ticket_event_times(self) -> list[int]:
        return [epoch(datetime.fromisoformat(e["created_at"])) for e in self.ticket_events]

    @cached_property
    def metric_event_times(self) -> list[int]:
        return [epoch(datetime.fromisoformat(e["time"])) for e in self.metric_events]

    @cached_property
    def organizations(self) -> list[dict[str, Any]]:
        return [self.organization(500 + n) for n in range(ORGANIZATIONS)]

    # -- people ----------------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        agents = [
            {
                "id": number,
                "name": "Ann Lee" if number == 1 else f"Agent {number}",
                "email": f"agent{number}@acme.test",
                "role": "admin" if number == 1 else "agent",
                "default_group_id": 1 + number % len(GROUPS),
                "active": True,
                "created_at": iso(T0 - timedelta(days=400)),
                "updated_at": iso(T0 - timedelta(days=3)),
            }
            for number in range(1, AGENTS + 1)
        ]
        requesters = [
            {
                "id": 10_000 + number,
                "name": f"Customer {number}",
                "email": f"C{number}@Example.test",
                "role": "end-user",
                "default_group_id": None,
                "organization_id": 500 + number % ORGANIZATIONS,
                "external_id": f"crm-{number}",
                "locale": "de" if number % 3 == 0 else "en-US",
                "user_fields": {"churned_on": "2024-02-01T00:00:00Z" if number % 10 == 0 else None},
                "created_at": iso(T0 - timedelta(days=200 + number)),
                "updated_at": iso(T0 - timedelta(days=2)),
            }
            for number in range(END_USERS)
        ]
        return agents + requesters

    def groups(self) -> list[dict[str, Any]]:
        return [
            {"id": number, "name": name, "deleted": False, "url": f"/api/v2/groups/{number}.json"}
            for number, name in enumerate(GROUPS, start=1)
        ]

    def organization(self, org_id: int) -> dict[str, Any]:
        """As the incremental organization export sends one; every three share an update second."""
        n = org_id - 500
        domains = [f"org{n}.example", f"org{n}.test"][: 1 + n % 2]
        if org_id == NO_DOMAIN_ORGANIZATION:
            domains = []
        return {
            "id": org_id,
            "url": f"https://acme.zendesk.com/api/v2/organizations/{org_id}.json",
            "name": f"Org {n} Inc.",
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": None,
            "created_at": iso(T0 - timedelta(days=400 - n)),
            "updated_at": iso(T0 - timedelta(days=30) + timedelta(minutes=n // 3)),
            "deleted_at": iso(T0 - timedelta(days=1)) if org_id == DELETED_ORGANIZATION else None,
            "domain_names": domains,
            "details": "",
            "notes": "",
            "group_id": None,
            "tags": [TIERS[n % 3]],
            "organization_fields": {
                "support_tier": TIERS[n % 3],
                "seats": None if n % 4 == 0 else 10 * n,
            },
        }

    def rename_organization(self, org_id: int, name: str) -> None:
        """A later change: a new name and a newer ``updated_at`` (the export's filter)."""
        organization = next(o for o in self.organizations if o["id"] == org_id)
        organization["name"] = name
        organization["updated_at"] = iso(self.now)

    def ticket_fields(self) -> list[dict[str, Any]]:
        return [
            {"id": 1, "type": "subject", "title": "Subject", "active": True},
            {
                "id": 101,
                "type": "tagger",
                "title": "Product",
                "active": True,
                "custom_field_options": [
                    {"id": 1000 + i, "name": name, "value": value}
                    for i, (value, name) in enumerate(PRODUCTS)
                ],
            },
            {"id": 102, "type": "integer", "title": "Total time spent (sec)", "active": True},
            {"id": 103, "type": "checkbox", "title": "VIP", "active": True},
            {
                "id": 104,
                "type": "multiselect",
                "title": "Regions",
                "active": True,
                "custom_field_options": [
                    {"id": 2000 + i, "name": name, "value": value}
                    for i, (value, name) in enumerate(REGIONS)
                ],
            },
        ]

    def custom_statuses(self) -> list[dict[str, Any]]:
        return CUSTOM_STATUSES

    def brands(self) -> list[dict[str, Any]]:
        return [{"id": 360000001, "name": "Acme Support", "subdomain": "acme"}]

    def ticket_forms(self) -> list[dict[str, Any]]:
        return [{"id": 360000002, "name": "Printer problem", "display_name": "Printers"}]

    # -- tickets ---------------------------------------------------------------------------

    def ticket(self, number: int) -> dict[str, Any]:
        created = T0 + timedelta(minutes=10 * number)
        updated = created + timedelta(hours=2 + number % 7)
        generated = epoch(updated) + number % 3
        if number % DELETED_EVERY == 0:
            # Deleted tickets come as in §13.1: a few fields, no metrics.
            return {
                "id": number,
                "created_at": iso(created),
                "updated_at": iso(updated),
                "generated_timestamp": generated,
                "status": "deleted",
                "priority": None,
                "type": None,
                "via": {"channel": "web"},
                "requester_id": 10_000 + number % END_USERS,
                "assignee_id": None,
                "group_id": None,
                "organization_id": None,
                "tags": [],
                "custom_fields": [],
                "satisfaction_rating": {"score": "unoffered"},
            }
        status = STATUSES[number % len(STATUSES)]
        if number == CHANGED_RATING_TICKET:
            status = "solved"
        assignee = None if status == "new" else 1 + number % AGENTS
        tags = [f"t{number % 3}"] + (["escalated"] if number % 11 == 0 else [])
        product = PRODUCTS[number % len(PRODUCTS)][0]
        custom_fields = [
            {"id": 101, "value": product if number % 6 else None},
            {"id": 102, "value": str(60 * (number % 9)) if number % 4 else None},
            {"id": 103, "value": number % 2 == 0},
            {"id": 104, "value": [REGIONS[number % 3][0], REGIONS[(number + 1) % 3][0]]},
        ]
        ticket = {
            "id": number,
            "url": f"https://acme.zendesk.com/api/v2/tickets/{number}.json",
            "external_id": None,
            "created_at": iso(created),
            "updated_at": iso(updated),
            "generated_timestamp": generated,
            "type": ("incident", "question", "problem", "task")[number % 4],
            "subject": f"Printer on fire #{number}",
            "raw_subject": f"Printer on fire #{number}",
            "description": "It is on fire. " * 8,
            "priority": PRIORITIES[number % len(PRIORITIES)],
            "status": status,
            "recipient": "support@acme.test",
            "requester_id": 10_000 + number % END_USERS,
            "submitter_id": 10_000 + number % END_USERS,
            "assignee_id": assignee,
            "organization_id": None if number % 5 == 0 else 500 + number % 30,
            "group_id": None if assignee is None else 1 + number % len(GROUPS),
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": tags,
            "custom_fields": custom_fields,
            "fields": custom_fields,
            "satisfaction_rating": {"score": "unoffered"},
            "sharing_agreement_ids": [],
            "brand_id": 360000001,
            "ticket_form_id": 360000002,
            "custom_status_id": CUSTOM_STATUSES[number % len(CUSTOM_STATUSES)]["id"],
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
            "via": {
                "channel": CHANNELS[number % len(CHANNELS)],
                "source": {"from": {}, "to": {}, "rel": None},
            },
            "metric_set": self.metric_set(number, created, status),
        }
        return ticket

    def metric_set(self, number: int, created: datetime, status: str) -> dict[str, Any]:
        replies = 0 if status == "new" else number % 4
        reply_minutes = 5 + number % 90
        solved = status in ("solved", "closed")
        closed_unsolved = status == "closed" and number % 10 == 5
        reopens = 1 if number % 3 == 0 and status != "new" else 0
        full = 60 + number % 1500
        first = 30 + number % 25 if reopens else full
        solved_at = created + timedelta(minutes=full) if solved and not closed_unsolved else None
        if reopens and not solved:
            # Solved once, reopened, not solved again: Zendesk keeps the earlier solve.
            solved_at = created + timedelta(minutes=first)
        status_updated = created + timedelta(minutes=full + 5)

        def duration(minutes: int | None) -> dict[str, int | None]:
            return {"calendar": minutes, "business": None if minutes is None else minutes // 3}

        return {
            "id": 50_000 + number,
            "ticket_id": number,
            "url": f"https://acme.zendesk.com/api/v2/ticket_metrics/{50_000 + number}.json",
            "group_stations": 2 if number % 7 == 0 else 1,
            "assignee_stations": 2 if number % 5 == 0 else 1,
            "reopens": reopens,
            "replies": replies,
            "assignee_updated_at": iso(created + timedelta(minutes=30)),
            "requester_updated_at": iso(created),
            "status_updated_at": iso(status_updated),
            "initially_assigned_at": iso(created + timedelta(minutes=2)),
            "assigned_at": iso(created + timedelta(minutes=3)),
            "solved_at": None if solved_at is None else iso(solved_at),
            "latest_comment_added_at": iso(created + timedelta(minutes=reply_minutes)),
            "reply_time_in_minutes": duration(
                reply_minutes if replies else (0 if number % 2 else None)
            ),
            "first_resolution_time_in_minutes": duration(
                first if (solved_at is not None or reopens) else None
            ),
            "full_resolution_time_in_minutes": duration(full if solved_at is not None else None),
            "agent_wait_time_in_minutes": duration(10),
            "requester_wait_time_in_minutes": duration(20),
            "on_hold_time_in_minutes": duration(0),
            "created_at": iso(created + timedelta(seconds=1)),
            "updated_at": iso(created + timedelta(minutes=full)),
        }

    def touch(self, number: int, minutes_later: int) -> None:
        """A later change to ticket ``number``: a new subject and a newer generated_timestamp."""
        ticket = self.tickets[number - 1]
        ticket["subject"] = f"{ticket['subject']} (updated)"
        later = datetime.fromisoformat(ticket["updated_at"]) + timedelta(minutes=minutes_later)
        ticket["updated_at"] = iso(later)
        ticket["generated_timestamp"] = epoch(later)
        self.version += 1

    # -- ticket events (comments and history) ---------------------------------------------

    def updates(self, number: int) -> list[dict[str, Any]]:
        """Ticket ``number``'s updates as the ticket event export sends them: created by its
        requester, assigned two minutes later, answered, and moved to its current status.
        Odd tickets name changed fields by ``field_name``, even ones as keys (both are seen)."""
        ticket = self.tickets[number - 1]
        if ticket["status"] == "deleted":
            return []
        created = datetime.fromisoformat(ticket["created_at"])
        metrics = ticket["metric_set"]
        base = 70_000_000 + number * 100
        updates: list[dict[str, Any]] = []
        ids: list[int] = []

        def change(kind: str, name: str, value: Any, previous: Any = None) -> dict[str, Any]:
            ids.append(base + 50 + len(ids))
            event: dict[str, Any] = {"id": ids[-1], "event_type": kind}
            if number % 2:
                event.update(field_name=name, value=value)
            else:
                event[name] = value
            if kind == "Change":
                event["previous_value"] = previous
            return event

        def comment(author: int, public: bool, at: datetime) -> dict[str, Any]:
            return {
                "id": base + len(updates) * 5 + (0 if public else 1),
                "event_type": "Comment", "type": "Comment", "author_id": author,
                "public": public, "body": "…", "created_at": iso(at),
            }  # fmt: skip

        def update(at: datetime, updater: int, children: list[dict[str, Any]]) -> None:
            updates.append({
                "id": base + len(updates), "ticket_id": number, "created_at": iso(at),
                "timestamp": epoch(at), "updater_id": updater, "event_type": "Audit",
                "child_events": children,
            })  # fmt: skip

        requester = ticket["requester_id"]
        update(
            created,
            requester,
            [comment(requester, True, created), change("Create", "status", "new")],
        )
        assignee = ticket["assignee_id"]
        if assignee is None:
            return updates
        assigned = created + timedelta(minutes=2)
        update(assigned, assignee, [
            change("Change", "assignee_id", assignee, None),
            change("Change", "group_id", ticket["group_id"], None),
            change("Change", "status", "open", "new"),
        ])  # fmt: skip
        if metrics["replies"]:
            at = created + timedelta(minutes=metrics["reply_time_in_minutes"]["calendar"])
            update(at, assignee, [comment(assignee, True, at), comment(assignee, False, at)])
        if ticket["status"] != "open":
            at = datetime.fromisoformat(metrics["status_updated_at"])
            update(at, -1, [change("Change", "status", ticket["status"], "open")])
        return updates

    # -- CSAT ------------------------------------------------------------------------------

    def rating(self, number: int) -> dict[str, Any] | None:
        ticket = self.tickets[number - 1]
        if ticket["status"] not in ("solved", "closed") or number % 5 == 4:
            return None
        kind = number % 5
        score = {0: "good", 1: "bad", 2: "offered", 3: "unoffered"}[kind]
        if number == CHANGED_RATING_TICKET:
            score = "bad"
        created = datetime.fromisoformat(ticket["updated_at"]) + timedelta(hours=1)
        updated = created + timedelta(minutes=0 if score == "offered" else 10)
        rating: dict[str, Any] = {
            "id": 900_000 + number,
            "url": f"https://acme.zendesk.com/api/v2/satisfaction_ratings/{900_000 + number}",
            "assignee_id": ticket["assignee_id"],
            "group_id": ticket["group_id"],
            "requester_id": ticket["requester_id"],
            "ticket_id": number,
            "score": score,
            "comment": {"good": "Great support!", "bad": "Took too long"}.get(score),
            "created_at": iso(created),
            "updated_at": iso(updated),
        }
        if score == "bad":
            rating["reason"] = "Issue took too long to resolve"
            rating["reason_id"] = 1001
        return rating

    def change_rating(self, number: int = CHANGED_RATING_TICKET) -> None:
        """The customer changes their mind: the same rating id, now good, updated later."""
        rating = next(r for r in self.ratings if r["ticket_id"] == number)
        rating.update(score="good", comment="Fixed after all", reason=None, reason_id=None)
        rating["updated_at"] = iso(self.now)
        del rating["reason"], rating["reason_id"]

    # -- SLA -------------------------------------------------------------------------------

    def events(self, number: int) -> list[dict[str, Any]]:
        ticket = self.tickets[number - 1]
        if ticket["status"] == "deleted" or number % 4 == 3:
            return []
        created = datetime.fromisoformat(ticket["created_at"])
        metrics = ticket["metric_set"]
        base = 926_000_000 + number * 100
        events: list[dict[str, Any]] = []

        def add(metric: str, kind: str, at: datetime, **extra: Any) -> None:
            events.append(
                {
                    "id": base + len(events),
                    "ticket_id": number,
                    "metric": metric,
                    "instance_id": extra.pop("instance_id", 1),
                    "type": kind,
                    "time": iso(at),
                    **extra,
                }
            )

        business = number % 8 == 1
        target = 120 if business else 60
        add("reply_time", "activate", created)
        add(
            "reply_time",
            "apply_sla",
            created,
            sla={
                "target": target,
                "business_hours": business,
                "policy": {"id": 25, "title": "Std"},
            },
        )
        reply = metrics["reply_time_in_minutes"]["calendar"] if metrics["replies"] else None
        if number % 13 == 0:
            # The priority changed ten minutes in: the policy is applied again, target 30.
            add(
                "reply_time",
                "apply_sla",
                created + timedelta(minutes=10),
                sla={"target": 30, "business_hours": False, "policy": {"id": 26, "title": "Hi"}},
            )
            target = 40  # minutes after creation
        if business:
            # Zendesk computed the business-hours deadline: 3 calendar hours here.
            add("reply_time", "breach", created + timedelta(minutes=180))
        elif reply is None or reply > target:
            add("reply_time", "breach", created + timedelta(minutes=target))
        else:
            # A breach that no longer applies carries a time that must be ignored.
            add("reply_time", "breach", created + timedelta(days=9), deleted=True)
        if reply is not None:
            add("reply_time", "fulfill", created + timedelta(minutes=reply))
            add(
                "reply_time",
                "update_status",
                created + timedelta(minutes=reply),
                status={"calendar": reply, "business": reply // 3},
            )
            add("reply_time", "activate", created + timedelta(minutes=reply), instance_id=2)
        add(
            "requester_wait_time",
            "apply_sla",
            created,
            sla={"target": 1440, "business_hours": False, "policy": {"id": 25, "title": "Std"}},
        )
        add("agent_work_time", "apply_sla", created, sla={"target": 9999, "business_hours": False})
        add("reply_time", "measure", created, instance_id=0)
        return events

    # -- business hours --------------------------------------------------------------------

    def schedules(self) -> list[dict[str, Any]]:
        weekdays = [
            {"start_time": 1440 * day + 540, "end_time": 1440 * day + 1020} for day in range(1, 6)
        ]
        return [
            {
                "id": 7,
                "name": "Support hours",
                "time_zone": "Eastern Time (US & Canada)",
                "intervals": weekdays,
                "created_at": iso(T0),
                "updated_at": iso(T0),
            }
        ]

    def holidays(self, schedule_id: int) -> list[dict[str, Any]]:
        return [
            {"id": 1, "name": "New Year", "start_date": "2024-01-01", "end_date": "2024-01-01"},
            {"id": 2, "name": "Winter break", "start_date": "2024-12-24", "end_date": "2024-12-26"},
        ]

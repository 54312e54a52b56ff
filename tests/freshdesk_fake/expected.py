"""What the store must hold after syncing a fake account: written from the API's documented
meaning and metrics spec §2/§3/§5, independently of the connector's code."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from freshdesk_fake import data
from freshdesk_fake.account import FakeFreshdesk

STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed", 6: "pending", 7: "open"}
"""With the tests' ``status_map = {"6": "pending"}``; 7 falls back to open."""
PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
CHANNEL = {1: "email", 2: "web", 3: "phone", 7: "chat", 9: "web", 10: "email", 15: "chat"}
RATING = {103: 7, 102: 6, 101: 5, 100: 4, -101: 3, -102: 2, -103: 1, 1: 7, 2: 4, 3: 1}


TIME_IN_STATUS_COLUMNS = (
    "requester_wait_seconds", "requester_wait_business_seconds", "agent_wait_seconds",
    "agent_wait_business_seconds", "on_hold_seconds", "on_hold_business_seconds",
    "assignee_stations", "group_stations", "first_assigned_at",
)  # fmt: skip


def db_time(value: str | None) -> str | None:
    return None if value is None else value.replace("Z", ".000000Z")


def utc_db_time(value: str | None) -> str | None:
    """Any ISO 8601 timestamp (offsets too) as the store writes it: UTC, microseconds, Z."""
    if value is None:
        return None
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _agent_replies(conversations: list[dict[str, Any]]) -> list[str]:
    return sorted(
        c["created_at"]
        for c in conversations
        if c["source"] == 0 and not c["incoming"] and not c["private"]
    )


STATUS_LABELS = {int(code): labels[0] for code, labels in data.TICKET_FIELDS[0]["choices"].items()}
SOURCE_LABELS = {code: label for label, code in data.TICKET_FIELDS[1]["choices"].items()}


def handle_seconds(account: FakeFreshdesk) -> dict[int, float | None]:
    sums: dict[int, float | None] = {}
    for entry in account.time_entries:
        ticket = entry["ticket_id"]
        sums.setdefault(ticket, None)
        if not entry["timer_running"]:
            hours, minutes = (int(p) for p in entry["time_spent"].split(":"))
            sums[ticket] = (sums[ticket] or 0) + hours * 3600 + minutes * 60
    return sums


def tickets(account: FakeFreshdesk) -> dict[str, dict[str, Any]]:
    handle = handle_seconds(account)
    rows = {}
    for t in account.tickets.values():
        tombstone = "deleted" if t["deleted"] else "spam" if t["spam"] else None
        status = tombstone or STATUS[t["status"]]
        stats = t["stats"]
        row: dict[str, Any] = {
            "created_at": db_time(t["created_at"]),
            "updated_at": db_time(t["updated_at"]),
            "status": status,
            "priority": PRIORITY[t["priority"]],
            "channel": CHANNEL[t["source"]],
            "subject": t["subject"],
            "requester_id": _text(t["requester_id"]),
            "assignee_id": _text(t["responder_id"]),
            "group_id": _text(t["group_id"]),
            "organization_id": _text(t["company_id"]),
            "first_response_at": None,
            "first_resolved_at": None,
            "resolved_at": None,
            "resolved_at_estimated": 0,
            "reopens": 0,
            "agent_replies": None,
            "escalated": int(t["is_escalated"] or t["fr_escalated"]),
            "handle_seconds": handle.get(t["id"]),
            "first_response_due_at": db_time(t["fr_due_by"]),
            "resolution_due_at": db_time(t["due_by"]),
            "tags": t["tags"],
            "custom_fields": {
                "Region": t["custom_fields"]["cf_region"],
                "Plan": t["custom_fields"]["cf_plan"],
                "Type": t["type"],
            },
            "raw": None,
            # Dimensions (#13.3): the account's labels from ticket_fields.
            "type": t["type"],
            "custom_status": None if tombstone else STATUS_LABELS[t["status"]],
            "brand": None,
            "ticket_form": None,
            "via_detail": SOURCE_LABELS.get(t["source"]),
            "product": None,
            "mailbox": None,
            "language": None,
            # Time in status and routing (issue #18): Freshdesk states none of them.
            **dict.fromkeys(TIME_IN_STATUS_COLUMNS),
        }
        if tombstone is None:
            reopened = stats["reopened_at"]
            row["reopens"] = 1 if reopened else 0
            row["first_response_at"] = db_time(stats["first_responded_at"])
            if status in ("solved", "closed"):
                # Latest resolution; resolved_at older than the reopen is stale -> closed_at.
                resolved = stats["resolved_at"]
                if resolved is None or (reopened and resolved < reopened):
                    resolved = stats["closed_at"]
                row["resolved_at"] = db_time(resolved)
                row["first_resolved_at"] = None if reopened else db_time(resolved)
                replies = _agent_replies(account.conversations(t["id"]))
                row["agent_replies"] = len(replies)
                # An outbound ticket (source 10) follows its stats only (#13.4).
                if row["first_response_at"] is None and replies and t["source"] != 10:
                    row["first_response_at"] = db_time(replies[0])
        rows[str(t["id"])] = row
    return rows


def interactions(account: FakeFreshdesk) -> dict[str, dict[str, Any]]:
    rows = {}
    for t in account.active():
        if STATUS[t["status"]] not in ("solved", "closed"):
            continue
        for c in account.conversations(t["id"]):
            rows[str(c["id"])] = {
                "ticket_id": str(t["id"]),
                "author_id": str(c["user_id"]),
                "author_role": "customer" if c["incoming"] else "agent",
                "public": int(not c["private"]),
                "created_at": db_time(c["created_at"]),
                "custom_fields": {"source": c["source"]},
                "raw": None,
            }
    return rows


def surveys(account: FakeFreshdesk) -> dict[str, dict[str, Any]]:
    return {
        str(r["id"]): {
            "ticket_id": str(r["ticket_id"]),
            "customer_id": str(r["user_id"]),
            "agent_id": _text(r["agent_id"]),
            "kind": "csat",
            "score": float(RATING[r["ratings"]["default_question"]]),
            "scale_min": 1.0,
            "scale_max": 7.0,
            "higher_is_better": 1,
            "created_at": db_time(r["created_at"]),
            "comment": r["feedback"] or None,
            "group_id": _text(r["group_id"]),
            "offered_at": None,  # a Freshdesk rating is an answer; the API has no offer time
            "answered_at": db_time(r["created_at"]),
            "custom_fields": {
                "survey_id": r["survey_id"],
                "group_id": _text(r["group_id"]),
                "ratings": r["ratings"],
            },
            "raw": None,
        }
        for r in account.ratings
    }


COMPANY_LABELS = {"website": "Website", "seats": "Seats"}
"""The custom fields of the fake's company_fields; others keep their API name."""


def organizations(account: FakeFreshdesk) -> dict[str, dict[str, Any]]:
    rows = {}
    for c in account.companies:
        custom = {COMPANY_LABELS.get(k, k): v for k, v in c["custom_fields"].items()}
        rows[str(c["id"])] = {
            "name": c["name"],
            "domain": c["domains"][0] if c["domains"] else None,
            "created_at": utc_db_time(c["created_at"]),
            "custom_fields": {
                "domains": c["domains"],
                "account_tier": c["account_tier"],
                "health_score": c["health_score"],
                "industry": c["industry"],
                "renewal_date": c["renewal_date"],
                **custom,
            },
            "raw": None,
            "churned_at": None,  # no organization_churn_field
        }
    return rows


def resolved_count(account: FakeFreshdesk) -> int:
    return sum(STATUS[t["status"]] in ("solved", "closed") for t in account.active())


def by_ticket(rows: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, row in rows.items():
        grouped[row["ticket_id"]].append(key)
    return grouped

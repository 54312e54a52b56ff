"""A Freshdesk ticket payload (with ``include=stats``) as a ``deskmetrics.Ticket``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.options import FreshdeskOptions
from deskmetrics_freshdesk.ticket_fields import TicketFields
from deskmetrics_freshdesk.timestamps import parse_time

Status = deskmetrics.Status
Channel = deskmetrics.Channel
Priority = deskmetrics.Priority

STATUSES: dict[int, deskmetrics.Status] = {
    2: Status.OPEN,
    3: Status.PENDING,
    4: Status.SOLVED,
    5: Status.CLOSED,
}
"""Freshdesk's default statuses (metrics spec §2); custom ones (6+) come from status_map."""

PRIORITIES: dict[int, deskmetrics.Priority] = {
    1: Priority.LOW,
    2: Priority.NORMAL,  # "Medium"
    3: Priority.HIGH,
    4: Priority.URGENT,
}

CHANNELS: dict[int, deskmetrics.Channel] = {
    1: Channel.EMAIL,
    2: Channel.WEB,  # Portal
    3: Channel.PHONE,
    4: Channel.WEB,  # Forum (community portal)
    5: Channel.SOCIAL,  # Twitter
    6: Channel.SOCIAL,  # Facebook
    7: Channel.CHAT,
    8: Channel.WEB,  # MobiHelp: the in-app form
    9: Channel.WEB,  # Feedback Widget
    10: Channel.EMAIL,  # Outbound Email
    11: Channel.OTHER,  # Ecommerce
    12: Channel.CHAT,  # Bot
    13: Channel.SOCIAL,  # WhatsApp
    15: Channel.CHAT,  # Web Chat (observed by the Chatwoot importer)
}


class TicketMapper:
    """Maps payloads; warns once per unknown custom status or source code."""

    def __init__(
        self,
        options: FreshdeskOptions,
        fields: TicketFields,
        *,
        keep_raw: bool,
        warn: Callable[[str], None],
        mailboxes: Callable[[], dict[int, str]] = dict,
    ) -> None:
        self.options = options
        self.fields = fields
        self._load_mailboxes = mailboxes
        self._mailboxes: dict[int, str] | None = None
        self.keep_raw = keep_raw
        self.warn = warn
        self._warned: set[tuple[str, int]] = set()

    def status(self, code: int) -> deskmetrics.Status:
        configured = self.options.status_map.get(str(code))
        if configured is not None:
            return configured
        if code in STATUSES:
            return STATUSES[code]
        self._warn_once(
            "status",
            code,
            f"custom status {code} ({self.fields.status_labels.get(code, 'no label')}) is not in "
            f"status_map; counted as open",
        )
        return Status.OPEN

    def channel(self, code: int | None) -> deskmetrics.Channel | None:
        if code is None:
            return None
        configured = self.options.channel_map.get(str(code))
        if configured is not None:
            return configured
        if code in CHANNELS:
            return CHANNELS[code]
        self._warn_once(
            "source",
            code,
            f"ticket source {code} ({self.fields.source_labels.get(code, 'no label')}) is not "
            f"known; stored as channel other (set channel_map to choose)",
        )
        return Channel.OTHER

    def _warn_once(self, kind: str, code: int, message: str) -> None:
        if (kind, code) not in self._warned:
            self._warned.add((kind, code))
            self.warn(message)

    def dimensions(self, payload: dict[str, Any], status: deskmetrics.Status) -> dict[str, Any]:
        """type, the status's own label, the source's label, product and mailbox (#13.3)."""
        code = payload.get("status")
        source = payload.get("source")
        return {
            "type": payload.get("type"),
            "custom_status": (
                self.fields.status_labels.get(int(code))
                if isinstance(code, int) and status not in deskmetrics.TOMBSTONE_STATUSES
                else None
            ),
            "via_detail": self.fields.source_labels.get(source)
            if isinstance(source, int)
            else None,
            "product": _named(self.fields.product_labels, payload.get("product_id"), "product"),
            "mailbox": self.mailbox(payload.get("email_config_id")),
        }

    def mailbox(self, value: Any) -> str | None:
        if value is None:
            return None
        if self._mailboxes is None:
            # Read the first time a ticket names a mailbox: accounts without any pay nothing.
            self._mailboxes = self._load_mailboxes()
        return _named(self._mailboxes, value, "mailbox")

    def escalated(self, payload: dict[str, Any]) -> bool:
        rule = self.options.escalation
        if any(payload.get(flag) for flag in rule.flags):
            return True
        if set(rule.tags) & set(payload.get("tags") or []):
            return True
        return _text(payload.get("group_id")) in rule.group_ids

    def ticket(
        self, payload: dict[str, Any], *, tombstone: deskmetrics.Status | None = None
    ) -> deskmetrics.Ticket:
        """The ticket; raises deskmetrics.RecordError when the payload cannot be one.

        ``tombstone`` is the status of the deleted/spam listings, whose payloads are whole
        tickets: a full record (not a TicketUpdate) also marks tickets never synced before.
        """
        if tombstone is not None:
            status = tombstone
        elif payload.get("deleted"):
            status = Status.DELETED
        elif payload.get("spam"):
            status = Status.SPAM
        else:
            status = self.status(int(payload["status"]))
        custom = self.fields.readable(payload.get("custom_fields"))
        if "type" in payload:
            custom[self.fields.type_label] = payload["type"]
        data: dict[str, Any] = {
            "id": _text(payload.get("id")),
            "created_at": parse_time(payload.get("created_at")),
            "updated_at": parse_time(payload.get("updated_at")),
            "status": status,
            "priority": PRIORITIES.get(payload.get("priority")),  # type: ignore[arg-type]
            "channel": self.channel(payload.get("source")),
            "subject": payload.get("subject"),
            "requester_id": _text(payload.get("requester_id")),
            "assignee_id": _text(payload.get("responder_id")),
            "group_id": _text(payload.get("group_id")),
            "organization_id": _text(payload.get("company_id")),
            "escalated": self.escalated(payload),
            "first_response_due_at": parse_time(payload.get("fr_due_by")),
            "resolution_due_at": parse_time(payload.get("due_by")),
            "tags": list(payload.get("tags") or []),
            "custom_fields": custom,
            **self.dimensions(payload, status),
        }
        stats = payload.get("stats")
        if isinstance(stats, dict):
            data.update(stats_fields(stats, status))
        if status in deskmetrics.RESOLVED_STATUSES and "resolved_at" not in data:
            data.update(estimated_resolution(stats, data["updated_at"], data["created_at"]))
        if self.keep_raw:
            data["raw"] = payload
        return deskmetrics.Ticket.build(data)


def stats_fields(stats: dict[str, Any], status: deskmetrics.Status) -> dict[str, Any]:
    """first_response_at, first_resolved_at, resolved_at and reopens from ``stats``.

    A field is left out (so the stored value stays) when ``stats`` cannot tell it:
    - ``first_responded_at`` null: stats fill in late, and a first response never un-happens;
      the conversations stream may derive it instead.
    - ``first_resolved_at`` of a reopened ticket: Freshdesk keeps only the latest resolution,
      so the first one is known only if an earlier sync saw it.
    - ``resolved_at`` of a resolved ticket whose stats carry no resolution yet (the mapper
      then estimates it, see :func:`estimated_resolution`).
    """
    first_response = parse_time(stats.get("first_responded_at"))
    resolved = parse_time(stats.get("resolved_at"))
    closed = parse_time(stats.get("closed_at"))
    reopened = parse_time(stats.get("reopened_at"))
    fields: dict[str, Any] = {"reopens": 1 if reopened is not None else 0}
    if first_response is not None:
        fields["first_response_at"] = first_response
    if status in deskmetrics.RESOLVED_STATUSES:
        latest = latest_resolution(resolved, closed, reopened)
        if latest is not None:
            fields["resolved_at"] = latest
            fields["resolved_at_estimated"] = False
            if reopened is None:
                fields["first_resolved_at"] = latest
    else:
        # Unresolved now: no resolution counts (the backlog reads resolved_at null).
        fields["resolved_at"] = None
        fields["resolved_at_estimated"] = False
        if reopened is None:
            fields["first_resolved_at"] = None
    return fields


def estimated_resolution(
    stats: dict[str, Any] | None, updated: datetime | None, created: datetime | None
) -> dict[str, Any]:
    """resolved_at of a resolved ticket whose stats name no resolution: an estimate.

    Left unresolved it would count as backlog, overdue and an SLA breach. The last status
    change (``stats.status_updated_at``) is the move to Resolved/Closed; without it, the
    ticket's last update is the latest time it can have been resolved.
    """
    changed = parse_time(stats.get("status_updated_at")) if stats else None
    best = changed or updated
    if best is None or created is None or best < created:
        return {}
    return {"resolved_at": best, "resolved_at_estimated": True}


def latest_resolution(
    resolved: datetime | None, closed: datetime | None, reopened: datetime | None
) -> datetime | None:
    """The latest time the ticket became resolved (metrics spec §3).

    ``resolved_at`` is the latest move to Resolved; a ticket closed without being resolved uses
    ``closed_at``. A ``resolved_at`` older than the last reopen is stale: the ticket was then
    closed directly, so ``closed_at`` is the resolution.
    """
    if resolved is not None and (reopened is None or resolved >= reopened):
        return resolved
    if closed is not None and (reopened is None or closed >= reopened):
        return closed
    return resolved or closed


def _named(names: dict[int, str], value: Any, kind: str) -> str | None:
    if value is None:
        return None
    try:
        return names.get(int(value), f"{kind} {value}")
    except (TypeError, ValueError):
        return f"{kind} {value}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)

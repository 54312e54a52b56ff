"""One event of the incremental ticket event export → interactions and history rows.

An event is one ticket update; its ``child_events`` say what the update did. With
``include=comment_events`` a comment is a child event of type ``Comment`` (``author_id``,
``public``, ``created_at``): it becomes an :class:`deskmetrics.Interaction`. A change of status,
assignee or group is a ``Create`` or ``Change`` child event: it becomes a
:class:`deskmetrics.TicketEvent`, timed by its parent update.

Two shapes of a change are read. The ticket audit events reference documents ``field_name``,
``value`` and ``previous_value`` (https://developer.zendesk.com/documentation/ticketing/
reference-guides/ticket-audit-events-reference/); exports are also seen naming the field as the
key (``{"status": "open", "previous_value": "new"}``). Other child events (tags, priority,
notifications, SLA targets) are not history the KPIs need and are left alone.

Who wrote a comment (``author_role``): an agent when its author is one of the account's agents or
admins (the user listing the agents stream reads); ``system`` for Zendesk's own user (id -1,
triggers and automations); the customer side otherwise (requesters, CCs, end users). An agent
who is the requester of their own ticket still counts as an agent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_zendesk.people import AGENT_ROLES
from deskmetrics_zendesk.timestamps import parse_time
from deskmetrics_zendesk.vocabulary import STATUSES

Role = deskmetrics.AuthorRole
SYSTEM_USER = -1
"""The author id Zendesk gives updates and comments made by triggers and automations."""

FIELDS: dict[str, deskmetrics.EventField] = {
    "status": deskmetrics.EventField.STATUS,
    "assignee_id": deskmetrics.EventField.ASSIGNEE,
    "group_id": deskmetrics.EventField.GROUP,
}
_CHANGES = frozenset({"Create", "Change"})


def _kind(child: Mapping[str, Any]) -> Any:
    return child.get("event_type") or child.get("type")


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _status(value: Any) -> str | None:
    if value is None or value == "":
        return None
    # An unknown status stays as sent: the record refuses it, naming the value.
    found = STATUSES.get(str(value))
    return found.value if found is not None else str(value)


class EventMapper:
    """Maps export events, knowing which user ids are the account's agents and admins."""

    def __init__(self, agent_ids: Collection[str]) -> None:
        self.agent_ids = frozenset(agent_ids)

    def role(self, author_id: Any) -> deskmetrics.AuthorRole:
        if author_id == SYSTEM_USER:
            return Role.SYSTEM
        return Role.AGENT if str(author_id) in self.agent_ids else Role.CUSTOMER

    def records(self, event: Mapping[str, Any]) -> list[deskmetrics.Record]:
        """The interactions and history rows of one update (raises on a malformed one)."""
        ticket_id = str(event["ticket_id"])
        at = _event_time(event)
        records: list[deskmetrics.Record] = []
        for child in event.get("child_events") or ():
            kind = _kind(child)
            if kind == "Comment" and "author_id" in child:
                records.append(self._comment(ticket_id, child, at))
            elif kind in _CHANGES:
                change = self._change(ticket_id, child, at, event.get("updater_id"))
                if change is not None:
                    records.append(change)
        return records

    def _comment(
        self, ticket_id: str, child: Mapping[str, Any], at: datetime | None
    ) -> deskmetrics.Interaction:
        author = child.get("author_id")
        return deskmetrics.Interaction.build({
            "id": str(child["id"]),
            "ticket_id": ticket_id,
            "author_id": _text(author),
            "author_role": self.role(author),
            "public": child.get("public") is not False,
            "created_at": parse_time(child.get("created_at")) or at,
        })  # fmt: skip

    def _change(
        self, ticket_id: str, child: Mapping[str, Any], at: datetime | None, updater: Any
    ) -> deskmetrics.TicketEvent | None:
        name = child.get("field_name")
        if name in FIELDS:
            value = child.get("value")
        else:
            name = next((key for key in FIELDS if key in child), None)
            if name is None:
                return None
            value = child[name]
        field = FIELDS[name]
        convert = _status if field is deskmetrics.EventField.STATUS else _text
        return deskmetrics.TicketEvent.build({
            "id": str(child["id"]),
            "ticket_id": ticket_id,
            "created_at": at,
            "field": field,
            "value": convert(value),
            "previous_value": convert(child.get("previous_value")),
            "author_id": None if updater in (None, SYSTEM_USER) else str(updater),
        })  # fmt: skip


def _event_time(event: Mapping[str, Any]) -> datetime | None:
    # ``created_at`` on ticket updates; the reference's own example carries ``time``.
    return parse_time(event.get("created_at") or event.get("time"))


def agent_ids(users: list[Mapping[str, Any]]) -> set[str]:
    """The ids of the agents and admins among ``users``."""
    return {str(user["id"]) for user in users if user.get("role") in AGENT_ROLES}

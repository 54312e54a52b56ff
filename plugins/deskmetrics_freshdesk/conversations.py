"""A ticket's conversations (``/api/v2/tickets/{id}/conversations``) as interactions and counts.

Conversations hold replies and notes, never the ticket's opening message, so an agent-written
opening (an outbound email) is not counted as a reply, as metrics spec §3 asks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.timestamps import parse_time

AuthorRole = deskmetrics.AuthorRole

SURVEY_FEEDBACK = 6
"""The conversation source of a survey answer's comment: not a customer message."""

REPLY_SOURCES = frozenset({0, 5, 7})
"""Conversation sources that are replies: 0 Reply, 5 tweet, 7 Facebook post. Notes (2),
survey feedback (6), forwards to third parties (8) and phone logs (9) are not."""


def is_agent_reply(conversation: dict[str, Any]) -> bool:
    """An outgoing public reply: what spec §3 counts as an agent reply."""
    return (
        not conversation.get("incoming")
        and not conversation.get("private")
        and conversation.get("source") in REPLY_SOURCES
    )


def interaction(conversation: dict[str, Any], *, keep_raw: bool) -> deskmetrics.Interaction:
    incoming = bool(conversation.get("incoming"))
    user = conversation.get("user_id")
    data: dict[str, Any] = {
        "id": str(conversation["id"]),
        "ticket_id": str(conversation["ticket_id"]),
        "author_id": None if user is None else str(user),
        # Incoming = from outside (customer email or portal reply); everything else is written
        # inside the helpdesk by an agent, notes included. Survey feedback is the survey tool
        # speaking, whatever ``incoming`` says: not a customer message.
        "author_role": (
            AuthorRole.SYSTEM
            if conversation.get("source") == SURVEY_FEEDBACK
            else AuthorRole.CUSTOMER
            if incoming
            else AuthorRole.AGENT
        ),
        "public": not conversation.get("private"),
        "created_at": parse_time(conversation.get("created_at")),
        "custom_fields": {"source": conversation.get("source")},
    }
    if keep_raw:
        data["raw"] = conversation
    return deskmetrics.Interaction.build(data)


def ticket_update(
    ticket_id: str,
    conversations: list[dict[str, Any]],
    *,
    stats_first_response: bool,
    outbound: bool = False,
) -> deskmetrics.TicketUpdate:
    """agent_replies always; first_response_at only when the ticket's stats have none.

    ``stats.first_responded_at`` is the ticket's own value and wins (spec §10); writing the
    conversations' value over it would make the stored value depend on which stream ran last.
    An outbound ticket (the agent wrote first) follows its stats only: an agent reply sent
    after it was closed, say, is not a first response to a customer.
    """
    replies = [parse_time(c.get("created_at")) for c in conversations if is_agent_reply(c)]
    fields: dict[str, Any] = {"id": ticket_id, "agent_replies": len(replies)}
    first: datetime | None = min((r for r in replies if r is not None), default=None)
    if not stats_first_response and not outbound and first is not None:
        fields["first_response_at"] = first
    return deskmetrics.TicketUpdate.build(fields)

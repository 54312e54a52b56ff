"""Ticket facts derived from interactions.csv: first_response_at and agent_replies (spec §3, §10).

The index is built while streaming the interactions file and holds a few values per ticket, never
the interactions themselves, so it stays small next to a file of millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import deskmetrics

DERIVED_FIELDS = ("first_response_at", "agent_replies")


@dataclass(slots=True)
class _Thread:
    first_at: datetime
    """The ticket's chronologically first interaction (any author, any visibility)."""
    opened_by_agent_reply: bool
    """Whether that first interaction is a public agent message: an opening, not a reply."""
    replies: int = 0
    """Public agent interactions, the opening message included."""
    earliest: datetime | None = None
    second: datetime | None = None
    """The two earliest public agent interactions; the second stands in if the first opened it."""


class ReplyIndex:
    """ticket_id -> what its interactions say about agent replies."""

    def __init__(self) -> None:
        self._threads: dict[str, _Thread] = {}

    def __len__(self) -> int:
        return len(self._threads)

    def add(self, interaction: deskmetrics.Interaction) -> None:
        at = interaction.created_at
        is_reply = interaction.public and interaction.author_role == deskmetrics.AuthorRole.AGENT
        thread = self._threads.get(interaction.ticket_id)
        if thread is None:
            thread = self._threads[interaction.ticket_id] = _Thread(at, is_reply)
        elif at < thread.first_at:
            # Ties keep the row that came first in the file.
            thread.first_at, thread.opened_by_agent_reply = at, is_reply
        if is_reply:
            thread.replies += 1
            if thread.earliest is None or at < thread.earliest:
                thread.earliest, thread.second = at, thread.earliest
            elif thread.second is None or at < thread.second:
                thread.second = at

    def derive(self, ticket_id: str) -> dict[str, Any]:
        """first_response_at and agent_replies for a ticket; empty when it has no interactions."""
        thread = self._threads.get(ticket_id)
        if thread is None:
            return {}
        if thread.opened_by_agent_reply:
            # An agent-written opening message (outbound ticket) is not a reply to anyone.
            return {"first_response_at": thread.second, "agent_replies": thread.replies - 1}
        return {"first_response_at": thread.earliest, "agent_replies": thread.replies}

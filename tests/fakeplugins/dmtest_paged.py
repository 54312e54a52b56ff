"""A deterministic connector: agents, then tickets in fixed-size batches with an offset cursor.

Every ticket is a pure function of its number, so re-reading a range after a crash yields the
very same records, and a store synced with interruptions can be compared with one synced in one go.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import deskmetrics

BASE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed", "deleted", "spam")


def make_agent(number: int) -> deskmetrics.Agent:
    return deskmetrics.Agent(
        id=f"a{number}", name=f"Agent {number}", email=f"a{number}@example.test", group_id="g1"
    )


def make_ticket(number: int) -> deskmetrics.Ticket:
    created = BASE + timedelta(minutes=7 * number)
    status = STATUSES[number % len(STATUSES)]
    resolved = status in ("solved", "closed")
    return deskmetrics.Ticket(
        id=str(number),
        created_at=created,
        updated_at=created + timedelta(hours=2),
        status=status,
        priority=("low", "normal", "high", "urgent")[number % 4],
        channel=("email", "web", "chat")[number % 3],
        subject=f"Ticket {number}",
        assignee_id=f"a{number % 5}",
        group_id="g1",
        first_response_at=created + timedelta(seconds=90 * (number % 11)),
        resolved_at=created + timedelta(hours=1 + number % 5) if resolved else None,
        reopens=number % 3,
        agent_replies=number % 4,
        escalated=number % 10 == 0,
        handle_seconds=float(60 * (number % 7)) if number % 2 else None,
        tags=[f"t{number % 3}", "vip"] if number % 5 == 0 else [f"t{number % 3}"],
        custom_fields={"plan": ("free", "pro")[number % 2], "seats": number % 9},
    )


class PagedConnector(deskmetrics.Connector):
    name = "dmtest-paged"
    description = "Deterministic fake helpdesk for the core tests"
    streams = ("agents", "tickets")

    class Options(deskmetrics.ConnectorOptions):
        tickets: int = 200
        batch: int = 50
        agents: int = 5
        delay: float = 0.0
        """Seconds to sleep before each ticket batch (the kill test needs time to aim)."""
        fail_after: int | None = None
        """Raise after yielding this many ticket batches in one read."""
        token: deskmetrics.Secret | None = None
        """When set, a failure's message quotes it (as careless HTTP libraries do)."""
        check_failure: str | None = None
        """``auth``: check() raises ConnectorError; ``bug``: it raises a plain RuntimeError."""

    reads: ClassVar[list[tuple[str, str, dict | None]]] = []
    """(connection, stream, state) of every read, across instances, for in-process tests."""

    def check(self) -> str:
        options = self.options
        assert isinstance(options, self.Options)
        token = options.token.get_secret_value() if options.token else "none"
        if options.check_failure == "auth":
            raise deskmetrics.ConnectorError(f"401 Unauthorized: token {token} was refused")
        if options.check_failure == "bug":
            raise RuntimeError(f"unexpected payload for token {token}")
        return f"{options.tickets} tickets available"

    def read(self, stream: str, state: dict | None) -> Iterator[deskmetrics.Batch]:
        options = self.options
        assert isinstance(options, self.Options)
        type(self).reads.append((self.connection, stream, state))
        if stream == "agents":
            agents = [make_agent(n) for n in range(options.agents)]
            yield deskmetrics.Batch(
                [deskmetrics.Group(id="g1", name="Support"), *agents],
                state={"offset": options.agents},
            )
            return
        offset = (state or {}).get("offset", 0)
        yielded = 0
        while offset < options.tickets:
            if options.fail_after is not None and yielded == options.fail_after:
                token = options.token.get_secret_value() if options.token else "none"
                raise deskmetrics.ConnectorError(
                    f"HTTP 500 from https://dmtest.example/api?page={offset}&token={token}"
                )
            if options.delay:
                time.sleep(options.delay)
            end = min(offset + options.batch, options.tickets)
            yield deskmetrics.Batch(
                [make_ticket(n) for n in range(offset, end)], state={"offset": end}
            )
            yielded += 1
            offset = end


@deskmetrics.hookimpl
def register_connectors(register: Callable[[type[deskmetrics.Connector]], None]) -> None:
    register(PagedConnector)

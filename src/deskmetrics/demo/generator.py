"""The demo helpdesk's record stream: ``DemoSpec`` says what to make, ``demo_records`` makes it.

``demo_records(DemoSpec(...))`` streams groups, agents, customers, then every ticket followed by
its interactions and survey responses, then the relationship NPS responses. The same spec always
gives the same records; nothing is held in memory beyond one hour's ticket arrivals and the
(capped) customer list, so a million tickets stream as easily as a thousand.

The data is meant to exercise every KPI of the metrics specification: seasonality and growth,
channel and priority mixes, lognormal response and resolution times, reopens, escalations,
first-contact resolution, solved-without-reply tickets, SLA deadlines met and breached (and some
still running at the end), unassigned and unreplied recent tickets, tombstones, CSAT (offered and
answered), CES, NPS and customer churn. Every event happens before ``end``; only SLA deadlines
may lie after it, as they do for any ticket still within its SLA.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from deskmetrics.demo.activity import nps_responses, ticket_interactions, ticket_surveys
from deskmetrics.demo.calendar import arrival_times
from deskmetrics.demo.directory import Directory
from deskmetrics.demo.history import ticket_history
from deskmetrics.demo.tickets import TicketMaker
from deskmetrics.demo.vocabulary import ORGANIZATIONS
from deskmetrics.models import Organization, Record


@dataclass(frozen=True)
class DemoSpec:
    """What to generate. Equal specs (with an explicit ``end``) give identical records."""

    tickets: int = 6000
    weeks: int = 12
    """Tickets are created over this many weeks before ``end``."""
    end: datetime | None = None
    """When the demo stops (aware). None: Monday 00:00 UTC of the current ISO week, so the last
    full weeks are covered. Compute metrics with ``as_of = end``."""
    seed: int = 42
    agents: int = 12
    interactions: bool = True
    """False skips Interaction records (benchmarks with a million tickets)."""
    surveys: bool = True
    history: bool = True
    """False skips the status/assignment history (TicketEvent records, ticket_events.csv)."""

    def __post_init__(self) -> None:
        if self.tickets < 0:
            raise ValueError(f"tickets must be 0 or more, not {self.tickets}")
        if self.weeks < 1:
            raise ValueError(f"weeks must be at least 1, not {self.weeks}")
        if self.agents < 1:
            raise ValueError(f"agents must be at least 1, not {self.agents}")
        if self.end is not None and self.end.utcoffset() is None:
            raise ValueError("end must be timezone-aware (e.g. datetime(..., tzinfo=UTC))")

    def window(self) -> tuple[datetime, datetime]:
        """``(start, end)`` of ticket creation, in UTC; ``end`` resolved from the clock if None."""
        end = self.end.astimezone(UTC) if self.end is not None else current_week_start()
        return end - timedelta(weeks=self.weeks), end


DEFAULT_SPEC = DemoSpec()


def current_week_start(now: datetime | None = None) -> datetime:
    """Monday 00:00 UTC of the ISO week containing ``now`` (default: the current time)."""
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def demo_records(spec: DemoSpec = DEFAULT_SPEC) -> Iterator[Record]:
    """Stream the demo helpdesk's records (see the module docstring for order and content)."""
    start_time, end_time = spec.window()
    # Events are whole seconds strictly before the end, whatever its fraction of a second.
    end = math.ceil(end_time.timestamp())
    start = math.ceil(start_time.timestamp())

    rng = random.Random(spec.seed)
    # Messages and surveys draw from their own generators: switching them off must not change
    # a single ticket, so benchmarks and demos see the same helpdesk.
    message_rng = random.Random(rng.getrandbits(64))
    survey_rng = random.Random(rng.getrandbits(64))

    directory = Directory(rng, agents=spec.agents, tickets=spec.tickets, start=start, end=end)
    yield from directory.groups
    yield from directory.agents
    for organization in ORGANIZATIONS:
        yield Organization(
            id=organization.id, name=organization.name, domain=f"{organization.id}.example"
        )
    yield from directory.customers(rng)

    maker = TicketMaker(directory, end)
    for number, created in enumerate(arrival_times(rng, spec.tickets, start, end), start=1):
        story = maker.make(rng, number, created)
        yield story.ticket
        if spec.interactions:
            yield from ticket_interactions(message_rng, story, directory)
        if spec.history:
            yield from ticket_history(story, directory)
        if spec.surveys:
            yield from ticket_surveys(survey_rng, story, directory, end)

    if spec.surveys:
        yield from nps_responses(survey_rng, directory, start, end)

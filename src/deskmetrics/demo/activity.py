"""What happens around a synthetic ticket: its messages and the surveys customers answer.

Everything here is derived from a ``TicketStory`` and drawn from its own random generator, so
turning interactions or surveys off leaves the tickets themselves unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import pairwise

from deskmetrics.demo.calendar import HOUR, to_datetime
from deskmetrics.demo.comments import survey_comment
from deskmetrics.demo.directory import NEVER, Directory
from deskmetrics.demo.draws import cumulative, lognormal, pick
from deskmetrics.demo.tickets import TicketStory
from deskmetrics.demo.vocabulary import CSAT_COMPLAINTS, CSAT_PRAISE
from deskmetrics.models import AuthorRole, Channel, Interaction, SurveyKind, SurveyResponse

AUTO_ACK_RATE = 0.2
"""Share of e-mail and web tickets that get an automatic acknowledgement (a system message)."""
FOLLOW_UP_RATE = 0.85
PRIVATE_NOTE_RATE = 0.15

CSAT_OFFER_RATE, CSAT_ANSWER_RATE = 0.40, 0.60
CSAT_DELAY = 24 * HOUR
"""Satisfaction surveys go out a day after the ticket is solved."""
COMMENT_RATE = 0.3
CES_RATE = 0.10
NPS_RATE = 0.15
CES_MIX = (0.03, 0.04, 0.07, 0.10, 0.18, 0.28, 0.30)
"""Chance of effort scores 1…7 (7 = very easy)."""
NPS_MIX = (0.01, 0.01, 0.01, 0.02, 0.03, 0.05, 0.07, 0.12, 0.18, 0.22, 0.28)
"""Chance of scores 0…10: 50 % promoters, 20 % detractors, so NPS ≈ +30."""

_CES_CUM = cumulative(CES_MIX)
_NPS_CUM = cumulative(NPS_MIX)

Event = tuple[int, AuthorRole, str | None, bool]
"""(time, author role, author id, public) of one message."""


def ticket_interactions(
    rng: random.Random, story: TicketStory, directory: Directory
) -> Iterator[Interaction]:
    """The ticket's messages in time order, consistent with its fields.

    The customer opens the ticket; each public agent reply after the first answers a customer
    follow-up (or the message that reopened the ticket); private notes and system messages never
    count as replies.
    """
    ticket = story.ticket
    created = story.created
    events: list[Event] = [(created, AuthorRole.CUSTOMER, ticket.requester_id, True)]
    if ticket.channel in (Channel.EMAIL, Channel.WEB) and rng.random() < AUTO_ACK_RATE:
        ack = created + 1 + int(rng.random() * 30)
        if ack <= story.last_event:
            events.append((ack, AuthorRole.SYSTEM, None, True))
    agent = directory.agent_ids[story.agent] if story.agent is not None else None
    reopened = story.reopened
    for previous, reply in pairwise(story.replies):
        answers_reopen = any(previous < t <= reply for t in reopened)
        if not answers_reopen and rng.random() < FOLLOW_UP_RATE:
            asked = previous + 1 + int(rng.random() * max(reply - previous - 1, 0))
            events.append((asked, AuthorRole.CUSTOMER, ticket.requester_id, True))
    events.extend((t, AuthorRole.CUSTOMER, ticket.requester_id, True) for t in reopened)
    events.extend((t, AuthorRole.AGENT, agent, True) for t in story.replies)
    if story.escalated_at is not None:
        events.append((story.escalated_at, AuthorRole.SYSTEM, None, False))
        events.append((story.escalated_at, AuthorRole.AGENT, agent, False))
    elif story.assigned_at is not None and rng.random() < PRIVATE_NOTE_RATE:
        noted = story.assigned_at + int(rng.random() * (story.last_event - story.assigned_at))
        events.append((noted, AuthorRole.AGENT, agent, False))
    # Stable sort: at equal times the order above (cause before effect) is kept.
    events.sort(key=lambda event: event[0])
    for number, (at, role, author, public) in enumerate(events, start=1):
        yield Interaction(
            id=f"{ticket.id}-{number}",
            ticket_id=ticket.id,
            author_id=author,
            author_role=role,
            public=public,
            created_at=to_datetime(at),
        )


def ticket_surveys(
    rng: random.Random, story: TicketStory, directory: Directory, end: int
) -> Iterator[SurveyResponse]:
    """CSAT (offered, maybe answered) and CES responses for a resolved ticket."""
    ticket = story.ticket
    if not ticket.is_resolved or ticket.resolved_at is None:
        return
    resolved = int(ticket.resolved_at.timestamp())
    if rng.random() < CSAT_OFFER_RATE:
        offered = resolved + CSAT_DELAY + int(rng.random() * HOUR)
        answered = offered + lognormal(rng, 3 * HOUR, 1.2)
        if offered < end:
            score: float | None = None
            comment = None
            if rng.random() < CSAT_ANSWER_RATE and answered < end:
                score, comment = _csat(rng, story, directory)
            yield SurveyResponse(
                id=f"csat-{ticket.id}",
                ticket_id=ticket.id,
                customer_id=ticket.requester_id,
                agent_id=ticket.assignee_id,
                kind=SurveyKind.CSAT,
                score=score,
                scale_min=1,
                scale_max=5,
                created_at=to_datetime(answered if score is not None else offered),
                comment=comment,
            )
    if rng.random() < CES_RATE:
        at = resolved + lognormal(rng, 2 * HOUR, 1.0)
        effort = 1 + pick(_CES_CUM, rng.random())
        if ticket.reopens:
            effort = max(1, effort - 2)  # having to come back is hard work
        if at < end:
            yield SurveyResponse(
                id=f"ces-{ticket.id}",
                ticket_id=ticket.id,
                customer_id=ticket.requester_id,
                agent_id=ticket.assignee_id,
                kind=SurveyKind.CES,
                score=float(effort),
                scale_min=1,
                scale_max=7,
                higher_is_better=True,
                created_at=to_datetime(at),
            )


def _csat(rng: random.Random, story: TicketStory, directory: Directory) -> tuple[float, str | None]:
    ticket = story.ticket
    chance = 0.92
    if ticket.reopens:
        chance -= 0.25
    due = ticket.resolution_due_at
    if due is not None and ticket.resolved_at is not None and ticket.resolved_at > due:
        chance -= 0.2
    if story.agent is not None:
        speed = directory.agent_speed[story.agent]
        chance += 0.04 if speed < 0.7 else -0.12 if speed > 1.5 else 0.0
    if rng.random() < chance:
        score = 5.0 if rng.random() < 0.68 else 4.0
        praise = rng.random() < COMMENT_RATE
        comment = survey_comment(ticket, True, rng.choice(CSAT_PRAISE)) if praise else None
    else:
        u = rng.random()
        score = 3.0 if u < 0.45 else 2.0 if u < 0.7 else 1.0
        complain = rng.random() < 2 * COMMENT_RATE
        comment = survey_comment(ticket, False, rng.choice(CSAT_COMPLAINTS)) if complain else None
    return score, comment


def nps_responses(
    rng: random.Random, directory: Directory, start: int, end: int
) -> Iterator[SurveyResponse]:
    """A relationship NPS survey answered by some customers during the demo window."""
    for index, signup in enumerate(directory.customer_created):
        if rng.random() >= NPS_RATE:
            continue
        churned = directory.customer_churned[index]
        lo, hi = max(signup, start), min(churned if churned != NEVER else end, end)
        at = lo + int(rng.random() * (hi - lo))
        score = pick(_NPS_CUM, rng.random())
        if lo < hi:
            customer = directory.customer_id(index)
            yield SurveyResponse(
                id=f"nps-{customer}",
                customer_id=customer,
                kind=SurveyKind.NPS,
                score=float(score),
                scale_min=0,
                scale_max=10,
                created_at=to_datetime(at),
            )

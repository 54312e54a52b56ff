"""The normalized schema: every connector maps its helpdesk onto these records.

Field names and vocabularies are those of the KPI specification (docs/metrics.md). Every record
carries the source's own id (``id``, text) and, once stored, the connection it came from
(``source``): the sync engine sets ``source``, so a connector never writes into another
connection's rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from deskmetrics.errors import RecordError, describe_validation_error
from deskmetrics.record_trusted import TrustedBuild, trusted_build


class Status(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"
    CLOSED = "closed"
    DELETED = "deleted"
    SPAM = "spam"


RESOLVED_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})
TOMBSTONE_STATUSES = frozenset({Status.DELETED, Status.SPAM})


class Channel(StrEnum):
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    PHONE = "phone"
    SOCIAL = "social"
    API = "api"
    OTHER = "other"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class AuthorRole(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"


class SurveyKind(StrEnum):
    CSAT = "csat"
    NPS = "nps"
    CES = "ces"


def _require_aware_utc(value: datetime) -> datetime:
    if value.tzinfo is UTC:
        return value  # the usual case, and this runs for every timestamp of every record
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive timestamp is ambiguous; connectors must attach the source's zone first.
        raise ValueError("timestamp has no time zone (connectors must make it timezone-aware)")
    return value.astimezone(UTC)


UTCDateTime = Annotated[datetime, AfterValidator(_require_aware_utc)]
"""A timezone-aware timestamp, normalized to UTC on validation. Naive input is rejected."""


_TRUSTED_BUILDS: dict[type[BaseModel], TrustedBuild] = {}
"""Each record type's unvalidated constructor, made on its first ``trusted`` call."""


class Record(BaseModel):
    """Fields every normalized record has. Subclasses name their store table in ``table``.

    Fields a connector does not set keep the value already stored when a record is upserted
    again (set a field to ``None`` explicitly to clear it). So a stream that does not know a
    ticket's SLA deadlines does not wipe those another stream wrote.
    """

    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, frozen=False, defer_build=True
    )

    table: ClassVar[str]

    id: str = Field(min_length=1, description="The source's own id for this record.")
    source: str | None = Field(
        default=None, description="The connection name; set by the sync engine when stored."
    )
    custom_fields: dict[str, Any] = Field(
        default_factory=dict, description="Source-specific fields by readable name."
    )
    raw: dict[str, Any] | None = Field(
        default=None, description="The source payload, kept only when the connection has keep_raw."
    )

    def label(self) -> str:
        """How errors name this record: ``ticket 4711``."""
        return f"{type(self).__name__.lower()} {self.id}"

    @classmethod
    def build(cls, data: dict[str, Any]) -> Self:
        """Validate source data into a record; errors name the record, each field and why.

        Raises :class:`deskmetrics.RecordError` such as
        ``ticket 4711: 1 invalid field`` / ``  created_at: Input should be a valid datetime…``.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = describe_validation_error(exc)
            name = f"{cls.__name__.lower()} {data.get('id', '(no id)')}"
            plural = "s" if len(problems) != 1 else ""
            raise RecordError(f"{name}: {len(problems)} invalid field{plural}", problems) from None

    @classmethod
    def trusted(cls, data: dict[str, Any]) -> Self:
        """The record ``build`` would return, without validating: for a mapper's own output only.

        Every value must already have its field's exact type and form (an aware UTC
        ``datetime``, an enum member, ``str``, ``int``/``float`` within the field's bounds, a
        fresh ``list``/``dict``), and the record type's own rules must hold (a ticket's times
        not before ``created_at``): nothing is checked, wrong data is stored wrong. Anything a
        mapper has not proved goes through :meth:`build`. About 10× cheaper than ``build``.
        """
        build = _TRUSTED_BUILDS.get(cls)
        if build is None:
            build = _TRUSTED_BUILDS[cls] = trusted_build(cls)
        record: Self = build(data)
        return record


class Ticket(Record):
    table: ClassVar[str] = "tickets"

    created_at: UTCDateTime
    updated_at: UTCDateTime | None = None
    status: Status = Status.OPEN
    priority: Priority | None = None
    channel: Channel | None = None
    subject: str | None = None
    requester_id: str | None = None
    assignee_id: str | None = None
    group_id: str | None = None
    organization_id: str | None = None
    first_response_at: UTCDateTime | None = None
    first_resolved_at: UTCDateTime | None = None
    resolved_at: UTCDateTime | None = None
    resolved_at_estimated: bool = Field(
        default=False,
        description="resolved_at is an estimate (e.g. the last update of a solved ticket whose "
        "source gave no solve time), not the recorded resolution.",
    )
    reopens: int = Field(default=0, ge=0)
    agent_replies: int | None = Field(default=None, ge=0)
    escalated: bool = False
    handle_seconds: float | None = Field(default=None, ge=0)
    first_response_due_at: UTCDateTime | None = None
    resolution_due_at: UTCDateTime | None = None
    tags: list[str] = Field(default_factory=list)
    # Dimensions a support lead slices by (issue #13.3), as the helpdesk labels them.
    type: str | None = Field(default=None, description="Ticket type (incident, question, …).")
    custom_status: str | None = Field(
        default=None, description="The helpdesk's own status label (Waiting on Customer, …)."
    )
    brand: str | None = None
    ticket_form: str | None = None
    via_detail: str | None = Field(
        default=None, description="Which address, number or source the ticket came in through."
    )
    product: str | None = None
    mailbox: str | None = None
    language: str | None = None
    # Time in status and routing as the helpdesk's own metric set states them (issue #18):
    # totals over the ticket's life so far, in seconds; business = inside its schedule.
    requester_wait_seconds: float | None = Field(
        default=None, ge=0, description="Time in new, open and on-hold (the requester waits)."
    )
    requester_wait_business_seconds: float | None = Field(default=None, ge=0)
    agent_wait_seconds: float | None = Field(
        default=None, ge=0, description="Time in pending (the agent waits for the requester)."
    )
    agent_wait_business_seconds: float | None = Field(default=None, ge=0)
    on_hold_seconds: float | None = Field(
        default=None, ge=0, description="Time in on-hold (waiting for a third party)."
    )
    on_hold_business_seconds: float | None = Field(default=None, ge=0)
    assignee_stations: int | None = Field(
        default=None, ge=0, description="How many assignees the ticket had."
    )
    group_stations: int | None = Field(
        default=None, ge=0, description="How many groups the ticket passed through."
    )
    first_assigned_at: UTCDateTime | None = Field(
        default=None, description="When the ticket was first assigned."
    )

    @model_validator(mode="after")
    def _timestamps_follow_creation(self) -> Ticket:
        for name in ("first_response_at", "first_resolved_at", "resolved_at", "first_assigned_at"):
            value = getattr(self, name)
            if value is not None and value < self.created_at:
                raise ValueError(f"{name} ({value.isoformat()}) is before created_at")
        return self

    @property
    def is_resolved(self) -> bool:
        return self.status in RESOLVED_STATUSES


class TicketUpdate(Record):
    """New values for some fields of a ticket, from a stream other than the ticket's own.

    SLA events, time entries and conversations arrive separately from tickets. Only the fields
    you set are changed (set one to ``None`` to clear it). If the ticket is not stored yet, the
    update waits in ``pending_updates`` and is applied when the ticket arrives.
    """

    table: ClassVar[str] = "tickets"

    status: Status | None = None
    first_response_at: UTCDateTime | None = None
    first_resolved_at: UTCDateTime | None = None
    resolved_at: UTCDateTime | None = None
    resolved_at_estimated: bool | None = None
    reopens: int | None = Field(default=None, ge=0)
    agent_replies: int | None = Field(default=None, ge=0)
    escalated: bool | None = None
    handle_seconds: float | None = Field(default=None, ge=0)
    first_response_due_at: UTCDateTime | None = None
    resolution_due_at: UTCDateTime | None = None


class Interaction(Record):
    table: ClassVar[str] = "interactions"

    ticket_id: str
    author_id: str | None = None
    author_role: AuthorRole
    public: bool = True
    created_at: UTCDateTime


class EventField(StrEnum):
    """What a ticket event changed (issue #18 item 1: the status and assignment history)."""

    STATUS = "status"
    ASSIGNEE = "assignee"
    GROUP = "group"


class TicketEvent(Record):
    """One change of a ticket's status, assignee or group, as the helpdesk's history records it.

    ``value`` is the value after the change and ``previous_value`` the one before (``None``:
    unassigned, or not stated). A status value is a status category (``Status``): new, open,
    pending, on_hold, solved, closed; a custom status is stored by its category.
    """

    table: ClassVar[str] = "ticket_events"

    ticket_id: str = Field(min_length=1)
    created_at: UTCDateTime
    field: EventField
    value: str | None = None
    previous_value: str | None = None
    author_id: str | None = Field(default=None, description="Who made the change, if known.")

    @model_validator(mode="before")
    @classmethod
    def _usual_spellings(cls, data: Any) -> Any:
        # Helpdesk exports write "assignee_id", "On-hold", "Pending": the same changes.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("field"), str):
            field = data["field"].strip().lower()
            data["field"] = _EVENT_FIELD_SPELLINGS.get(field, field)
        if data.get("field") == EventField.STATUS:
            for name in ("value", "previous_value"):
                if isinstance(data.get(name), str):
                    status = data[name].strip().lower().replace("-", "_").replace(" ", "_")
                    data[name] = _STATUS_SPELLINGS.get(status, status)
        return data

    @model_validator(mode="after")
    def _status_values_are_statuses(self) -> TicketEvent:
        if self.field is EventField.STATUS:
            for name in ("value", "previous_value"):
                value = getattr(self, name)
                if value is not None and value not in _STATUS_VALUES:
                    raise ValueError(
                        f"{name} {value!r} is not a status ({', '.join(sorted(_STATUS_VALUES))})"
                    )
            if self.value is None:
                raise ValueError("a status change needs the new status (value)")
        return self


_STATUS_VALUES = frozenset(status.value for status in Status)
_STATUS_SPELLINGS = {"hold": "on_hold", "onhold": "on_hold", "": None}
_EVENT_FIELD_SPELLINGS = {"assignee_id": "assignee", "group_id": "group"}


class SurveyResponse(Record):
    table: ClassVar[str] = "surveys"

    ticket_id: str | None = None
    customer_id: str | None = None
    agent_id: str | None = None
    kind: SurveyKind
    score: float | None = Field(default=None, description="None: offered, not answered.")
    scale_min: float
    scale_max: float
    higher_is_better: bool = True
    created_at: UTCDateTime
    comment: str | None = None
    group_id: str | None = Field(
        default=None, description="The group the survey was answered for (a survey keeps it)."
    )
    offered_at: UTCDateTime | None = Field(
        default=None, description="When the survey was sent (null: the source does not say)."
    )
    answered_at: UTCDateTime | None = Field(
        default=None, description="When the customer answered (null: not answered, or unknown)."
    )

    @model_validator(mode="before")
    @classmethod
    def _default_scale(cls, data: Any) -> Any:
        # Each kind has a conventional scale; sources only need to say so when they differ.
        if isinstance(data, dict) and data.get("kind") in DEFAULT_SCALES:
            low, high = DEFAULT_SCALES[SurveyKind(data["kind"])]
            if data.get("scale_min") is None:
                data = {**data, "scale_min": low}
            if data.get("scale_max") is None:
                data = {**data, "scale_max": high}
        return data

    @model_validator(mode="after")
    def _score_within_scale(self) -> SurveyResponse:
        if self.scale_min >= self.scale_max:
            raise ValueError(f"scale_min {self.scale_min} is not below scale_max {self.scale_max}")
        if self.kind is SurveyKind.NPS and (self.scale_min, self.scale_max) != (0, 10):
            # NPS is defined on 0-10 (promoters 9-10, detractors 0-6); thresholds on another
            # scale would score all 50s of a 0-100 survey as promoters.
            raise ValueError(
                f"the NPS scale is 0–10, not {self.scale_min:g}–{self.scale_max:g} "
                f"(scale_min–scale_max); map the answers onto 0–10 first (the CSV connector's "
                f"nps_scale option does)"
            )
        if self.score is not None and not self.scale_min <= self.score <= self.scale_max:
            raise ValueError(
                f"score {self.score:g} is outside the scale {self.scale_min:g}–{self.scale_max:g}"
            )
        return self


DEFAULT_SCALES: dict[SurveyKind, tuple[float, float]] = {
    SurveyKind.CSAT: (1, 5),
    SurveyKind.NPS: (0, 10),
    SurveyKind.CES: (1, 7),
}


class Customer(Record):
    table: ClassVar[str] = "customers"

    name: str | None = None
    created_at: UTCDateTime
    churned_at: UTCDateTime | None = None
    email: str | None = Field(
        default=None, description="Join key to a billing/CRM customers file (lower case)."
    )
    external_id: str | None = Field(
        default=None, description="The id another system (billing, CRM) knows the customer by."
    )
    organization_id: str | None = Field(
        default=None, description="The organization (company) the customer belongs to."
    )
    language: str | None = Field(default=None, description="The customer's language or locale.")

    @model_validator(mode="after")
    def _churn_after_creation(self) -> Customer:
        if self.churned_at is not None and self.churned_at < self.created_at:
            raise ValueError("churned_at is before created_at")
        return self


class Organization(Record):
    """A customer organization (Zendesk organization, Freshdesk company); tickets name it."""

    table: ClassVar[str] = "organizations"

    name: str | None = None
    domain: str | None = None
    created_at: UTCDateTime | None = None
    churned_at: UTCDateTime | None = Field(
        default=None,
        description="When the organization stopped being a customer (organization-level churn).",
    )


class Agent(Record):
    table: ClassVar[str] = "agents"

    name: str | None = None
    email: str | None = None
    group_id: str | None = None


class Group(Record):
    table: ClassVar[str] = "groups"

    name: str | None = None


RECORD_TYPES: tuple[type[Record], ...] = (
    Group,
    Agent,
    Organization,
    Customer,
    Ticket,
    Interaction,
    SurveyResponse,
    TicketEvent,
)
"""Every stored record type, in the order the store writes them (TicketUpdate comes after)."""

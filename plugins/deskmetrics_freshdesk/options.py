"""The ``[connections.NAME]`` keys of a Freshdesk connection, validated before any request."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

import deskmetrics

DEFAULT_START = datetime(2010, 1, 1, tzinfo=UTC)
"""Freshdesk was founded in 2010: the default start reads an account's whole history."""

ESCALATION_FLAGS = ("is_escalated", "fr_escalated", "nr_escalated")

_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


EscalationFlag = Literal["is_escalated", "fr_escalated", "nr_escalated"]
"""Freshdesk's own escalation booleans."""


class EscalationRule(deskmetrics.ConnectorOptions):
    """A ticket counts as escalated when ANY of these holds."""

    flags: list[EscalationFlag] = Field(
        default_factory=lambda: list[EscalationFlag](["is_escalated", "fr_escalated"]),
        description="Freshdesk's own escalation booleans that count.",
    )
    tags: list[str] = Field(default_factory=list, description="Any of these tags counts.")
    group_ids: list[str] = Field(
        default_factory=list, description="Being assigned to one of these groups counts."
    )


class FreshdeskOptions(deskmetrics.ConnectorOptions):
    domain: str | None = Field(
        default=None, description="The account name: acme for acme.freshdesk.com."
    )
    api_key: deskmetrics.Secret = Field(description='The API key; write "${FRESHDESK_API_KEY}".')
    base_url: str | None = Field(
        default=None, description="Overrides https://{domain}.freshdesk.com (tests, proxies)."
    )
    start_date: datetime = Field(
        default=DEFAULT_START, description="Where the first sync starts (not the API's 30 days)."
    )
    per_page: int = Field(default=100, ge=1, le=100)
    lookback_minutes: int = Field(
        default=60, ge=0, description="Re-read tickets updated this long before the cursor."
    )
    time_entries_lookback_days: int = Field(
        default=7, ge=0, description="Re-read time entries executed this long before the cursor."
    )
    status_map: dict[str, deskmetrics.Status] = Field(
        default_factory=dict, description="Freshdesk status code -> status (custom statuses)."
    )
    channel_map: dict[str, deskmetrics.Channel] = Field(
        default_factory=dict, description="Freshdesk source code -> channel (overrides)."
    )
    escalation: EscalationRule = Field(default_factory=EscalationRule)
    conversations: Literal["resolved_changed", "all", "off"] = "resolved_changed"
    ticket_activities: bool = Field(
        default=False,
        description="Sync the status and assignment history from the ticket-activities export "
        "(an admin key; plans with the scheduled activity export, turned on by an admin).",
    )
    ticket_activities_days: int = Field(
        default=30, ge=1, le=366,
        description="Days of daily export files the first sync reads (Freshdesk keeps them "
        "for a limited time); later syncs go on from the last day read.",
    )  # fmt: skip
    conversation_concurrency: int = Field(default=4, ge=1, le=32)
    timeout: float = Field(default=60.0, gt=0, description="Seconds per HTTP request.")
    churn_field: str | None = Field(
        default=None,
        description="API name of the contact field that records churn: a date field (its "
        "date) or a checkbox (ticked: the contact's last update). Unset: no churn time.",
    )
    organization_churn_field: str | None = Field(
        default=None,
        description="API name of the company field that records churn: a date field (its "
        "date) or a checkbox (ticked: the company's last update). Unset: companies have no "
        "churn time.",
    )

    @field_validator("domain")
    @classmethod
    def _bare_domain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower().removeprefix("https://").removeprefix("http://")
        value = value.split("/")[0].removesuffix(".freshdesk.com")
        if not _DOMAIN.match(value):
            raise ValueError("must be the account name, e.g. acme for acme.freshdesk.com")
        return value

    @field_validator("start_date", mode="before")
    @classmethod
    def _aware_start(cls, value: object) -> object:
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, str) and len(value) == 10:
            value = value + "T00:00:00Z"
        if isinstance(value, datetime) and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    @field_validator("status_map", "channel_map")
    @classmethod
    def _numeric_codes(cls, value: dict[str, object]) -> dict[str, object]:
        for code in value:
            if not code.strip().isdigit():
                raise ValueError(f'{code!r} is not a Freshdesk numeric code (e.g. "6")')
        return {code.strip(): target for code, target in value.items()}

    @field_validator("status_map")
    @classmethod
    def _no_tombstones(cls, value: dict[str, deskmetrics.Status]) -> dict[str, deskmetrics.Status]:
        for code, status in value.items():
            if status in deskmetrics.TOMBSTONE_STATUSES:
                raise ValueError(
                    f"{code}: {status.value} is reserved for Freshdesk's deleted/spam listings"
                )
        return value

    @model_validator(mode="after")
    def _somewhere_to_connect(self) -> FreshdeskOptions:
        if self.domain is None and self.base_url is None:
            raise ValueError("set domain (acme for acme.freshdesk.com) or base_url")
        return self

    @property
    def url(self) -> str:
        return (self.base_url or f"https://{self.domain}.freshdesk.com").rstrip("/")

    @property
    def account(self) -> str:
        """The rate-limit account: Freshdesk's limits are per account, not per key."""
        return f"freshdesk:{self.domain or self.url}"

"""The options of a ``connector = "zendesk"`` connection, validated when the config is loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

import deskmetrics

EscalationRule = Literal["group_stations", "assignee_stations", "tag"]
Sideload = Literal["users", "groups"]

RESOLUTION_METRICS = ("resolution_time", "requester_wait_time", "agent_work_time")
"""Zendesk SLA metrics that can give a ticket's resolution deadline, in order of preference."""


class ZendeskOptions(deskmetrics.ConnectorOptions):
    """Account, credentials (OAuth by default, API token as the legacy option) and sync knobs."""

    subdomain: str | None = Field(
        default=None, description="The account: acme for https://acme.zendesk.com."
    )
    base_url: str | None = Field(
        default=None,
        description="Overrides https://{subdomain}.zendesk.com (a proxy, or a test server).",
    )

    # OAuth (the default): a bearer token, refreshed with the refresh-token grant, or obtained
    # with the client-credentials grant when only the client id and secret are given.
    access_token: deskmetrics.Secret | None = None
    refresh_token: deskmetrics.Secret | None = None
    client_id: str | None = None
    client_secret: deskmetrics.Secret | None = None

    # Legacy: email + API token (Zendesk switches every API token off on 2027-04-30).
    email: str | None = None
    api_token: deskmetrics.Secret | None = None

    start_date: datetime | None = Field(
        default=None,
        description="Where the first sync starts (tickets, ratings, SLA events); default: all.",
    )
    per_page: int = Field(default=1000, ge=50, le=1000)
    incremental_requests_per_minute: int = Field(
        default=10, ge=1, description="10 on every plan; 30 with the High Volume API add-on."
    )
    timeout: float = Field(default=60.0, gt=0, description="Seconds per request.")
    support_type_scope: Literal["agent", "ai_agent", "all"] = "agent"
    ticket_sideloads: list[Sideload] = Field(
        default_factory=list,
        description="Extra sideloads on the ticket export; their agents and groups are stored.",
    )
    escalation: list[EscalationRule] = Field(
        default_factory=lambda: list[EscalationRule](["group_stations", "tag"]),
        description="A ticket is escalated when any of these rules holds.",
    )
    escalation_tags: list[str] = Field(default_factory=lambda: ["escalated"])
    handle_time_field: str | None = Field(
        default=None,
        description="Custom field (title or id) holding seconds worked, e.g. the Time Tracking "
        "app's 'Total time spent (sec)'.",
    )
    churn_field: str | None = Field(
        default=None,
        description="Key of the user field that records churn: a date field (its date) or a "
        "checkbox (ticked: the user's last update). Unset: customers have no churn time.",
    )
    organization_churn_field: str | None = Field(
        default=None,
        description="Key of the organization field that records churn: a date field (its "
        "date) or a checkbox (ticked: the organization's last update). Unset: organizations "
        "have no churn time.",
    )
    sla_resolution_metrics: list[str] = Field(default_factory=lambda: list(RESOLUTION_METRICS))

    @field_validator("subdomain")
    @classmethod
    def _bare_subdomain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().lower()
        # People paste the whole host name; the account is its first label.
        value = value.removeprefix("https://").removeprefix("http://")
        value = value.removesuffix("/").removesuffix(".zendesk.com")
        if not value or not all(c.isalnum() or c == "-" for c in value):
            raise ValueError(f"{value!r} is not a Zendesk subdomain (acme for acme.zendesk.com)")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("start_date", mode="before")
    @classmethod
    def _date_or_datetime(cls, value: object) -> object:
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        return value

    @field_validator("start_date")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # a bare date or time is read as UTC
        return value

    @model_validator(mode="after")
    def _one_account_one_auth(self) -> ZendeskOptions:
        if self.subdomain is None and self.base_url is None:
            raise ValueError("set subdomain (acme for acme.zendesk.com), or base_url")
        oauth = any(
            value is not None
            for value in (self.access_token, self.refresh_token, self.client_secret)
        )
        legacy = self.email is not None or self.api_token is not None
        if oauth and legacy:
            raise ValueError(
                "choose one way to sign in: OAuth (access_token / refresh_token / client_id + "
                "client_secret) or the legacy email + api_token, not both"
            )
        if legacy and (self.email is None or self.api_token is None):
            raise ValueError("the legacy API-token sign-in needs both email and api_token")
        if not oauth and not legacy:
            raise ValueError(
                "no credentials: set access_token (OAuth, with refresh_token, client_id and "
                "client_secret to refresh it), or client_id + client_secret, or the legacy "
                "email + api_token"
            )
        if legacy:
            return self
        if self.refresh_token is not None and self.client_id is None:
            raise ValueError(
                "refresh_token needs client_id (and client_secret for confidential clients)"
            )
        no_token = self.access_token is None and self.refresh_token is None
        if no_token and (self.client_id is None or self.client_secret is None):
            raise ValueError(
                "without access_token or refresh_token, OAuth needs client_id and "
                "client_secret (the client-credentials grant)"
            )
        return self

    @property
    def url(self) -> str:
        """Where the API lives: base_url, or the account's zendesk.com address."""
        return self.base_url or f"https://{self.subdomain}.zendesk.com"

    @property
    def account(self) -> str:
        """The key of the account's shared rate budget."""
        return f"zendesk:{self.subdomain or self.base_url}"

    @property
    def uses_oauth(self) -> bool:
        return self.api_token is None

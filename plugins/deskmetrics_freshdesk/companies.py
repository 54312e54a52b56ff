"""Freshdesk companies as ``deskmetrics.Organization`` records (tickets name them by company_id).

Custom company fields are keyed by their label from ``GET /api/v2/company_fields``, like ticket
custom fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.ticket_fields import unique_labels
from deskmetrics_freshdesk.timestamps import parse_time

PROFILE_FIELDS = ("account_tier", "health_score", "industry", "renewal_date")
"""Built-in company attributes worth a breakdown; description and note stay in ``raw``."""


@dataclass(frozen=True)
class CompanyFields:
    custom_names: dict[str, str] = field(default_factory=dict)
    """API name (``website``) -> readable name (``Website``), unique per account."""

    @classmethod
    def from_api(cls, fields: list[dict[str, Any]]) -> CompanyFields:
        custom = {
            str(item["name"]): str(item.get("label") or item["name"])
            for item in fields
            if not item.get("default") and isinstance(item.get("name"), str)
        }
        return cls(unique_labels(custom))

    def readable(self, custom_fields: dict[str, Any] | None) -> dict[str, Any]:
        """Custom field values keyed by their label; unknown fields keep their API name."""
        values = custom_fields or {}
        return {self.custom_names.get(name, name): value for name, value in values.items()}


def organization(
    payload: dict[str, Any],
    fields: CompanyFields,
    *,
    keep_raw: bool,
    churn_field: str | None = None,
) -> deskmetrics.Organization:
    domains = [str(d) for d in payload.get("domains") or []]
    custom: dict[str, Any] = {"domains": domains}
    custom |= {name: payload.get(name) for name in PROFILE_FIELDS}
    # Custom fields last: a custom field labelled like a built-in one is the account's own data.
    custom |= fields.readable(payload.get("custom_fields"))
    data: dict[str, Any] = {
        "id": str(payload["id"]),
        "name": payload.get("name"),
        # The store keeps one domain per organization: the first Freshdesk lists; all are above.
        "domain": domains[0] if domains else None,
        "created_at": parse_time(payload.get("created_at")),
        "custom_fields": custom,
    }
    if churn_field is not None:
        data["churned_at"] = churn_time(payload, churn_field)
    if keep_raw:
        data["raw"] = payload
    return deskmetrics.Organization.build(data)


def churn_time(payload: dict[str, Any], field: str) -> datetime | None:
    """A date field's value, or for a ticked checkbox the company's last update (an estimate).

    ``field`` is the field's API name: a custom one (``churned_on``; a ``cf_`` prefix may be
    written or not) or a built-in attribute such as ``renewal_date``.
    """
    custom = payload.get("custom_fields") or {}
    bare = field.removeprefix("cf_")
    value = custom.get(field, custom.get(bare, custom.get(f"cf_{bare}", payload.get(field))))
    if value is None or value is False or value == "":
        return None
    if value is True:
        value, field = payload.get("updated_at"), "updated_at"
    else:
        field = f"custom_fields.{field}" if field not in payload else field
    try:
        return parse_time(value)
    except (TypeError, ValueError, AttributeError):
        raise deskmetrics.RecordError(
            f"company {payload.get('id')}: 1 invalid field",
            [f"{field}: not an ISO-8601 time: {value!r}"],
        ) from None

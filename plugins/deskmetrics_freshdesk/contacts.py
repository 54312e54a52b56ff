"""Freshdesk contacts → ``deskmetrics.Customer`` (tickets' requester_id, ratings' user_id).

A customer's churn time comes from the contact field named by the ``churn_field`` option,
when set (docs/connectors/freshdesk.md, "Customers and churn").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.timestamps import parse_time


def customer(
    payload: dict[str, Any], *, churn_field: str | None = None, keep_raw: bool = False
) -> deskmetrics.Customer:
    custom = {k: v for k, v in (payload.get("custom_fields") or {}).items() if v is not None}
    data: dict[str, Any] = {
        "id": str(payload["id"]),
        "name": payload.get("name"),
        "created_at": _time(payload, "created_at", payload.get("created_at")),
        "email": _lower(payload.get("email")),
        "external_id": _text(payload.get("unique_external_id")),
        "organization_id": _text(payload.get("company_id")),
        "language": payload.get("language"),
        "custom_fields": custom,
    }
    if churn_field is not None:
        data["churned_at"] = churn_time(payload, churn_field)
    if keep_raw:
        data["raw"] = payload
    return deskmetrics.Customer.build(data)


def churn_time(payload: dict[str, Any], field: str) -> datetime | None:
    """A date field's value, or for a ticked checkbox the contact's last update (an estimate).

    ``field`` is a custom field's API name (``cf_churned_on``; the ``cf_`` may be left out).
    """
    fields = payload.get("custom_fields") or {}
    value = fields.get(field, fields.get(f"cf_{field}"))
    if value is None or value is False or value == "":
        return None
    if value is True:
        return _time(payload, "updated_at", payload.get("updated_at"))
    return _time(payload, f"custom_fields.{field}", value)


def _time(payload: dict[str, Any], name: str, value: Any) -> datetime | None:
    try:
        return parse_time(value)
    except (TypeError, ValueError, AttributeError):
        raise deskmetrics.RecordError(
            f"customer {payload.get('id')}: 1 invalid field",
            [f"{name}: not an ISO-8601 time: {value!r}"],
        ) from None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _lower(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None

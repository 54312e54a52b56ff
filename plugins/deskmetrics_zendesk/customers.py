"""Zendesk end users (incremental user export) → ``deskmetrics.Customer``.

Agents and admins are not customers (the agents stream has them). A customer's churn time comes
from the user field named by the ``churn_field`` option, when set (docs/connectors/zendesk.md,
"Customers and churn").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import deskmetrics
from deskmetrics_zendesk.timestamps import parse_time

END_USER = "end-user"


def customer_from(
    user: Mapping[str, Any], *, churn_field: str | None = None, keep_raw: bool = False
) -> deskmetrics.Customer | None:
    """The customer an end user is; None for agents and admins."""
    if user.get("role") != END_USER:
        return None
    fields = user.get("user_fields") or {}
    data: dict[str, Any] = {
        "id": str(user["id"]),
        "name": user.get("name"),
        "created_at": _time(user, "created_at", user.get("created_at")),
        "email": _lower(user.get("email")),
        "external_id": _text(user.get("external_id")),
        "organization_id": _text(user.get("organization_id")),
        "language": user.get("locale"),
        "custom_fields": {key: value for key, value in fields.items() if value is not None},
    }
    if churn_field is not None:
        data["churned_at"] = churn_time(user, fields.get(churn_field), churn_field)
    if keep_raw:
        data["raw"] = dict(user)
    return deskmetrics.Customer.build(data)


def churn_time(user: Mapping[str, Any], value: Any, field: str) -> datetime | None:
    """A date field's value, or for a ticked checkbox the user's last update.

    A checkbox has no time of its own: the user's ``updated_at`` is the latest time it can
    have been ticked (an estimate; docs/metrics.md "Churn sources").
    """
    if value is None or value is False or value == "":
        return None
    if value is True:
        return _time(user, "updated_at", user.get("updated_at"))
    return _time(user, f"user_fields.{field}", value)


def _time(user: Mapping[str, Any], name: str, value: Any) -> datetime | None:
    try:
        return parse_time(value)
    except (TypeError, ValueError):
        raise deskmetrics.RecordError(
            f"customer {user.get('id')}: 1 invalid field",
            [f"{name}: not an ISO-8601 time: {value!r}"],
        ) from None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _lower(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None

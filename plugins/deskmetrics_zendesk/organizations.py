"""Zendesk organizations (incremental organization export) → ``deskmetrics.Organization``.

Deleted organizations are stored too: old tickets still name them, and a breakdown by
organization should show their name rather than a bare id. Their deletion time goes to
``custom_fields["deleted_at"]`` so reports can tell them apart. Organization-level churn comes
from the organization field named by ``organization_churn_field``, when set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import deskmetrics
from deskmetrics_zendesk.timestamps import parse_time

DELETED_AT = "deleted_at"


def organization_from(
    organization: Mapping[str, Any], *, churn_field: str | None = None, keep_raw: bool = False
) -> deskmetrics.Organization:
    # Only fields the payload states are set: the store keeps what a record leaves unset.
    data: dict[str, Any] = {"id": str(organization["id"])}
    if "name" in organization:
        data["name"] = organization["name"]
    if "domain_names" in organization:
        # The store keeps one domain per organization: the first listed (all are in ``raw``).
        domains = organization["domain_names"] or []
        data["domain"] = domains[0] if domains else None
    if "created_at" in organization:
        data["created_at"] = _time(organization, "created_at")
    if "organization_fields" in organization:
        # Keyed by the field's ``key`` (already readable, e.g. ``support_tier``), values as sent.
        data["custom_fields"] = dict(organization["organization_fields"] or {})
    if churn_field is not None:
        data["churned_at"] = _churn_time(organization, churn_field)
    deleted_at = organization.get("deleted_at")
    if deleted_at:
        custom = data.setdefault("custom_fields", {})
        # An organization field that happens to use this key keeps its value.
        custom.setdefault(DELETED_AT, deleted_at)
    if keep_raw:
        data["raw"] = dict(organization)
    return deskmetrics.Organization.build(data)


def _churn_time(organization: Mapping[str, Any], field: str) -> Any:
    """A date field's value, or for a ticked checkbox the organization's last update (the
    latest time it can have been ticked: an estimate, as for the user ``churn_field``)."""
    value = (organization.get("organization_fields") or {}).get(field)
    if value is None or value is False or value == "":
        return None
    if value is True:
        return _time(organization, "updated_at")
    return _time(organization, f"organization_fields.{field}", value)


def _time(organization: Mapping[str, Any], name: str, value: Any = None) -> Any:
    value = organization.get(name) if value is None else value
    try:
        return parse_time(value)
    except (TypeError, ValueError):
        # Named like a validation error, so the rejected row says which field and what it held.
        raise deskmetrics.RecordError(
            f"organization {organization.get('id')}: 1 invalid field",
            [f"{name}: not an ISO-8601 time: {value!r}"],
        ) from None

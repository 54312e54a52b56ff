"""Agents and groups from their list endpoints."""

from __future__ import annotations

from typing import Any

import deskmetrics


def agent(payload: dict[str, Any], *, keep_raw: bool) -> deskmetrics.Agent:
    contact = payload.get("contact") or {}
    groups = [str(g) for g in payload.get("group_ids") or []]
    data: dict[str, Any] = {
        "id": str(payload["id"]),
        "name": contact.get("name"),
        "email": contact.get("email"),
        # The store keeps one group per agent: the first Freshdesk lists; all are kept below.
        "group_id": groups[0] if groups else None,
        "custom_fields": {
            "group_ids": groups,
            "type": payload.get("type"),
            "occasional": payload.get("occasional"),
            "ticket_scope": payload.get("ticket_scope"),
            "active": contact.get("active"),
        },
    }
    if keep_raw:
        data["raw"] = payload
    return deskmetrics.Agent.build(data)


def group(payload: dict[str, Any], *, keep_raw: bool) -> deskmetrics.Group:
    data: dict[str, Any] = {
        "id": str(payload["id"]),
        "name": payload.get("name"),
        "custom_fields": {"business_hour_id": payload.get("business_hour_id")},
    }
    if keep_raw:
        data["raw"] = payload
    return deskmetrics.Group.build(data)

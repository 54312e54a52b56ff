"""Zendesk users with an agent or admin role → agents; groups → groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import deskmetrics

AGENT_ROLES = frozenset({"agent", "admin"})


def agent_from_user(user: Mapping[str, Any]) -> deskmetrics.Agent | None:
    """The agent a user is, or None for end users (requesters are not agents)."""
    if user.get("role") not in AGENT_ROLES or user.get("id") is None:
        return None
    data: dict[str, Any] = {"id": str(user["id"]), "name": user.get("name")}
    if "email" in user:
        data["email"] = user["email"]
    if "default_group_id" in user:
        group = user["default_group_id"]
        data["group_id"] = None if group is None else str(group)
    return deskmetrics.Agent.build(data)


def group_from(group: Mapping[str, Any]) -> deskmetrics.Group:
    return deskmetrics.Group.build({"id": str(group["id"]), "name": group.get("name")})

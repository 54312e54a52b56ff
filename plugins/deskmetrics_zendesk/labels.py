"""Names for the ids a Zendesk ticket carries: custom statuses, brands, ticket forms.

Read once per sync of the tickets stream (a few requests); an endpoint the token or plan cannot
read leaves that dimension as the bare id (``brand 360002783572``), with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TicketLabels:
    custom_statuses: dict[str, str] = field(default_factory=dict)
    brands: dict[str, str] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_api(
        cls,
        statuses: list[dict[str, Any]],
        brands: list[dict[str, Any]],
        forms: list[dict[str, Any]],
    ) -> TicketLabels:
        return cls(_names(statuses, "agent_label"), _names(brands, "name"), _names(forms, "name"))

    def custom_status(self, value: Any) -> str | None:
        return _label(self.custom_statuses, value, "custom status")

    def brand(self, value: Any) -> str | None:
        return _label(self.brands, value, "brand")

    def form(self, value: Any) -> str | None:
        return _label(self.forms, value, "ticket form")


def via_detail(via: Any, recipient: Any) -> str | None:
    """Which address or number a ticket came in through.

    ``via.source.to`` holds the support side (an e-mail ``address``, a voice ``phone`` or
    ``formatted_phone``); ``recipient`` is the original recipient address of e-mail tickets.
    A ticket a rule or an API call made names its source (``rel``, ``from.title``) instead.
    """
    # Decoded JSON objects are dicts: checked as such, not as Mappings (an abc check per call).
    source = via.get("source") if isinstance(via, dict) else None
    to = source.get("to") if isinstance(source, dict) else None
    if isinstance(to, dict):
        for key in ("address", "formatted_phone", "phone", "name"):
            if to.get(key):
                return str(to[key])
    if isinstance(recipient, str) and recipient:
        return recipient
    origin = source.get("from") if isinstance(source, dict) else None
    if isinstance(origin, dict) and origin.get("title"):
        return str(origin["title"])
    if isinstance(source, dict) and source.get("rel"):
        return str(source["rel"])
    return None


def _names(items: list[dict[str, Any]], key: str) -> dict[str, str]:
    return {str(item["id"]): str(item[key]) for item in items if "id" in item and item.get(key)}


def _label(names: Mapping[str, str], value: Any, kind: str) -> str | None:
    if value is None:
        return None
    return names.get(str(value), f"{kind} {value}")

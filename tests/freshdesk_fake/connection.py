"""A [connections.*] table pointing the Freshdesk connector at the fake account."""

from __future__ import annotations

from typing import Any


def connection_options(url: str, **extra: Any) -> dict[str, Any]:
    """Options for the fake at ``url``: its key from $FRESHDESK_API_KEY, small pages."""
    return {
        "connector": "freshdesk",
        "base_url": url,
        "api_key": "${FRESHDESK_API_KEY}",
        "start_date": "2023-12-01",
        "per_page": 5,
        **extra,
    }

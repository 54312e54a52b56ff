"""The vendors' own documented example payloads, as fixtures.

Each ``{vendor}/{name}.json`` is an example response from the Zendesk or Freshdesk API reference,
pretty-printed, with the few edits SOURCES.md lists (ids made to point at each other, JSON
syntax errors of the page repaired). GAPS.md records what today's connectors make of them.

    from vendor_payloads import load
    page = load("zendesk", "tickets_cursor_metric_sets")
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent
VENDORS = ("zendesk", "freshdesk")


def names(vendor: str) -> list[str]:
    """The fixture names of ``vendor``, sorted."""
    if vendor not in VENDORS:
        raise ValueError(f"no vendor {vendor!r} in {ROOT}: choose one of {', '.join(VENDORS)}")
    return sorted(path.stem for path in (ROOT / vendor).glob("*.json"))


def path_of(vendor: str, name: str) -> Path:
    """Where fixture ``name`` of ``vendor`` lives; ValueError naming the choices if it does not."""
    available = names(vendor)
    if name not in available:
        raise ValueError(
            f"no fixture {vendor}/{name}.json in {ROOT}; {vendor} has: {', '.join(available)}"
        )
    return ROOT / vendor / f"{name}.json"


def load(vendor: str, name: str) -> Any:
    """The parsed fixture: a new object on every call, so a test may change it freely."""
    path = path_of(vendor, name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None

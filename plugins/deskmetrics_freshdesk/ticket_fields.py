"""Labels from ``GET /api/v2/ticket_fields``: status and source names, custom field names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TicketFields:
    status_labels: dict[int, str] = field(default_factory=dict)
    source_labels: dict[int, str] = field(default_factory=dict)
    custom_names: dict[str, str] = field(default_factory=dict)
    """API name (``cf_region``) -> readable name (``Region``), unique per account."""
    type_label: str = "Type"
    product_labels: dict[int, str] = field(default_factory=dict)
    """Product id -> name, from the ``product`` field's choices (``{"ddd": 1}``)."""

    @classmethod
    def from_api(cls, fields: list[dict[str, Any]]) -> TicketFields:
        status: dict[int, str] = {}
        source: dict[int, str] = {}
        custom: dict[str, str] = {}
        type_label = "Type"
        products: dict[int, str] = {}
        for item in fields:
            name, choices = item.get("name"), item.get("choices")
            if name == "status" and isinstance(choices, dict):
                # {"2": ["Open", "Being Processed"]}: agent label, then customer label.
                for code, labels in choices.items():
                    label = labels[0] if isinstance(labels, list) and labels else labels
                    if str(code).isdigit():
                        status[int(code)] = str(label)
            elif name == "source" and isinstance(choices, dict):
                # {"Email": 1, ...}: the other way round from status.
                source.update({int(code): str(label) for label, code in choices.items()})
            elif name == "product" and isinstance(choices, dict):
                products.update(
                    {int(code): str(label) for label, code in choices.items() if _is_id(code)}
                )
            elif name == "ticket_type" and item.get("label"):
                type_label = str(item["label"])
            elif not item.get("default") and isinstance(name, str):
                custom[name] = str(item.get("label") or name)
        return cls(status, source, unique_labels(custom), type_label, products)

    def readable(self, custom_fields: dict[str, Any] | None) -> dict[str, Any]:
        """Custom field values keyed by their label; unknown fields keep their API name."""
        values = custom_fields or {}
        return {self.custom_names.get(name, name): value for name, value in values.items()}


def _is_id(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def unique_labels(names: dict[str, str]) -> dict[str, str]:
    """API name -> label, with ``Label (api_name)`` where two fields share a label."""
    # Both then carry their API name so neither hides the other.
    counts = Counter(names.values())
    return {
        name: label if counts[label] == 1 else f"{label} ({name})" for name, label in names.items()
    }

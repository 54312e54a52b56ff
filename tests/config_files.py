"""Configuration files written by tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def toml_config(
    path: Path, connections: Mapping[str, Mapping[str, Any]], db: str = "dm.db"
) -> Path:
    """Write a config file with ``[database] path`` and one table per connection."""
    import json

    lines = ["[database]", f"path = {json.dumps(db)}"]
    for name, table in connections.items():
        lines += ["", f"[connections.{name}]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

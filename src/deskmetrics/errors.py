"""Errors users see. Each message says where (file, key, record, field) and why, never a secret."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only annotated: importing pydantic costs every command's start-up
    from pydantic import ValidationError


class DeskmetricsError(Exception):
    """Base class: the message is written for the user and printed as is by the CLI."""


class ConfigError(DeskmetricsError):
    """The configuration is wrong: the message names the file, the key and why."""


class ConnectorError(DeskmetricsError):
    """A connector cannot reach or read its source (credentials, permissions, HTTP errors)."""


class StoreError(DeskmetricsError):
    """The database cannot be opened or written (corrupt, locked, from a newer version)."""


class RecordError(DeskmetricsError):
    """Input records failed validation; ``problems`` holds one line per bad field."""

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        shown = self.problems[:20]
        more = len(self.problems) - len(shown)
        lines = [message, *(f"  {p}" for p in shown)]
        if more > 0:
            lines.append(f"  … and {more} more")
        super().__init__("\n".join(lines))


def describe_validation_error(
    error: ValidationError, *, show_input: bool = True, secret_fields: frozenset[str] = frozenset()
) -> list[str]:
    """One ``field: reason`` line per pydantic error.

    The offending value is quoted unless ``show_input`` is false or the field is a secret.
    """
    lines = []
    for item in error.errors(include_url=False):
        loc = ".".join(str(part) for part in item["loc"]) or "(record)"
        reason = item["msg"]
        if reason.startswith("Value error, "):
            reason = reason.removeprefix("Value error, ")
        hidden = not show_input or (item["loc"] and str(item["loc"][0]) in secret_fields)
        value = item.get("input")
        if hidden or isinstance(value, dict) or item["type"] == "missing":
            lines.append(f"{loc}: {reason}")
        else:
            lines.append(f"{loc}: {reason} (got {value!r})")
    return lines

"""The keys of a ``[connections.NAME]`` table with ``connector = "jsonl"``."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import deskmetrics
from pydantic import Field, field_validator


class JsonLinesOptions(deskmetrics.ConnectorOptions):
    path: str = Field(
        min_length=1,
        description="Directory holding tickets.jsonl and, optionally, surveys.jsonl.",
    )
    incremental: Literal["offset", "updated_at"] = Field(
        default="offset",
        description=(
            "offset: the files only grow (lines are appended), read from where the last sync "
            "stopped; updated_at: the files are rewritten whole, keep lines changed since."
        ),
    )
    on_error: Literal["fail", "reject"] = Field(
        default="fail",
        description="fail: a bad line fails the stream; reject: store it as a rejected row.",
    )
    timezone: str = Field(default="UTC", description="IANA zone of timestamps without offset.")
    batch_size: int = Field(default=1000, ge=1, le=100_000)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not an IANA time zone (e.g. Europe/Berlin)") from None
        return value

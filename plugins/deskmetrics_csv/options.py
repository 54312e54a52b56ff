"""The ``[connections.NAME]`` keys of a CSV connection, validated before anything is read."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

import deskmetrics
from deskmetrics_csv.streams import CANONICAL_FIELDS, STREAMS


class CsvOptions(deskmetrics.ConnectorOptions):
    path: str = Field(min_length=1, description="Directory holding the CSV files.")
    columns: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per stream (file stem), the file's header -> canonical field name.",
    )
    values: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per canonical field, the file's code -> the value to store.",
    )
    timezone: deskmetrics.TimeZone = Field(
        default="UTC", description="IANA zone of timestamps without offset."
    )
    on_error: Literal["reject", "skip"] = Field(
        default="reject",
        description="reject: a file with bad rows stores nothing; skip: store the good rows.",
    )
    batch_size: int = Field(default=1000, ge=1, le=100_000)
    datetime_format: str | None = Field(
        default=None, description="strptime format tried when a timestamp is not ISO 8601."
    )
    delimiter: str | None = Field(default=None, description="Overrides delimiter detection.")
    nps_scale: Literal[10, 100] = Field(
        default=10,
        description="100: NPS answers are 0-100 and are stored as score / 10 (0-10).",
    )

    @field_validator("columns")
    @classmethod
    def _known_streams_and_fields(
        cls, value: dict[str, dict[str, str]]
    ) -> dict[str, dict[str, str]]:
        for stream, renames in value.items():
            if stream not in STREAMS:
                raise ValueError(
                    f"{stream!r} is not one of the files' streams ({', '.join(STREAMS)})"
                )
            known = STREAMS[stream].fields
            for header, target in renames.items():
                if target not in known:
                    raise ValueError(
                        f"{stream}: {header!r} is mapped to {target!r}, which is not a "
                        f"{stream} field ({', '.join(known)})"
                    )
        return value

    @field_validator("values")
    @classmethod
    def _known_fields(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for name in value:
            if name not in CANONICAL_FIELDS:
                raise ValueError(f"{name!r} is not a canonical field name (see docs/csv-format.md)")
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError('must be one character, e.g. ";" or "\\t"')
        return value

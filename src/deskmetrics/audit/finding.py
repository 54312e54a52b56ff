"""One line of the audit table: a check, its outcome, a few record ids and the fix."""

from __future__ import annotations

from dataclasses import dataclass, field

SAMPLE = 5
"""How many ids a finding names."""


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    """``ok``, ``fail`` (exit 1) or ``info`` (worth knowing, not wrong)."""
    count: int
    detail: str
    ids: list[str] = field(default_factory=list)
    fix: str = ""
    connection: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "fail"

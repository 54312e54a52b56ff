"""Which business-hours schedule measures a ticket: per connection, or one for the report.

``deskmetrics report --schedule NAME`` applies one schedule to every source. Without it, each
connection's ``schedule = "NAME"`` applies to its own tickets and ``[report] schedule`` to the
others; a ticket whose source has no schedule is left out of the ``*_business`` variants.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScheduleChoice:
    default: Any = None
    """A schedule (``business_seconds(start, end)``) for sources without their own, or None."""
    by_source: Mapping[str, Any] = field(default_factory=dict)

    def for_source(self, source: str) -> Any:
        return self.by_source.get(source, self.default)

    @property
    def names(self) -> list[str]:
        found = {s.name for s in self.by_source.values()}
        if self.default is not None:
            found.add(self.default.name)
        return sorted(found)

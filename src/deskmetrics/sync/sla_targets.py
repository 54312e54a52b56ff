"""SLA deadlines from configured targets, for sources that do not supply their own (spec §4).

```toml
[connections.sheets.sla]
business_hours = true          # count targets in the connection's schedule (schedule = "NAME")
first_response = { urgent = "1h", high = "4h", normal = "8h", low = "1d" }
resolution = { urgent = "8h", high = "1d", normal = "3d", low = "5d" }
```

While syncing, a ticket with a priority and no deadline from its source gets
``due = created_at + target`` (in business time when ``business_hours`` is true). A deadline the
source supplies always wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.config.loading import Config, ConnectionConfig
from deskmetrics.models import Priority, Ticket


@dataclass(frozen=True)
class SlaTargets:
    first_response: dict[Priority, float] = field(default_factory=dict)
    resolution: dict[Priority, float] = field(default_factory=dict)
    schedule: Schedule | None = None

    def _due(self, created: datetime, seconds: float) -> datetime:
        if self.schedule is None:
            return created + timedelta(seconds=seconds)
        return self.schedule.add_business_seconds(created, seconds)

    def apply(self, records: Any) -> None:
        """Fill missing deadlines of the tickets among ``records`` (in place)."""
        for record in records:
            if not isinstance(record, Ticket) or record.priority is None:
                continue
            target = self.first_response.get(record.priority)
            if target is not None and record.first_response_due_at is None:
                record.first_response_due_at = self._due(record.created_at, target)
            target = self.resolution.get(record.priority)
            if target is not None and record.resolution_due_at is None:
                record.resolution_due_at = self._due(record.created_at, target)


def sla_targets(config: Config, connection: ConnectionConfig) -> SlaTargets | None:
    """The connection's ``sla`` table (validated when the configuration was loaded), or None."""
    table = connection.sla
    if table is None:
        return None
    schedule = None
    if table.business_hours and connection.schedule is not None:
        schedule = config.schedules[connection.schedule]
    return SlaTargets(dict(table.first_response), dict(table.resolution), schedule)

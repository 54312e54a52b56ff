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
from deskmetrics.calendar.schedules import parse_schedules
from deskmetrics.config.durations import parse_duration
from deskmetrics.config.loading import Config, ConnectionConfig
from deskmetrics.models import Priority, Ticket

_KEYS = ("first_response", "resolution", "business_hours")


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
    """The connection's ``sla`` table, validated; None when it has none."""
    table = connection.settings.get("sla")
    if table is None:
        return None
    key = f"connections.{connection.name}.sla"
    if not isinstance(table, dict):
        raise config.error(key, "must be a table with first_response and/or resolution")
    for name in table:
        if name not in _KEYS:
            raise config.error(f"{key}.{name}", f"unknown key (known: {', '.join(_KEYS)})")
    targets: dict[str, dict[Priority, float]] = {}
    for kind in ("first_response", "resolution"):
        by_priority = table.get(kind, {})
        if not isinstance(by_priority, dict):
            raise config.error(f"{key}.{kind}", 'must be a table such as { urgent = "1h" }')
        targets[kind] = {}
        for priority, value in by_priority.items():
            if priority not in Priority.__members__.values():
                known = ", ".join(p.value for p in Priority)
                raise config.error(f"{key}.{kind}.{priority}", f"not a priority ({known})")
            try:
                targets[kind][Priority(priority)] = parse_duration(value)
            except ValueError as exc:
                raise config.error(f"{key}.{kind}.{priority}", str(exc)) from None
    schedule = None
    business = table.get("business_hours", False)
    if not isinstance(business, bool):
        raise config.error(f"{key}.business_hours", "must be true or false")
    if business:
        name = connection.settings.get("schedule")
        if not isinstance(name, str):
            raise config.error(
                f"{key}.business_hours",
                f'needs a business-hours schedule: add schedule = "NAME" to '
                f"[connections.{connection.name}] and a [schedules.NAME] table",
            )
        schedules = parse_schedules(config)
        if name not in schedules:
            known = ", ".join(schedules) or "none configured"
            raise config.error(
                f"connections.{connection.name}.schedule", f"no schedule {name!r} ({known})"
            )
        schedule = schedules[name]
    return SlaTargets(targets["first_response"], targets["resolution"], schedule)

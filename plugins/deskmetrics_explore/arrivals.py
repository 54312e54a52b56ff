"""When work arrives (issue #18 item 7): created tickets by weekday and hour of the report's
time zone, one grouped query over the created cohort."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import deskmetrics
from deskmetrics import Scope
from deskmetrics_explore.slots import local_start, slot_sql

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Row = list[str | int | float | None]


def weekday_hour_counts(scope: Scope, zone: ZoneInfo) -> list[list[int]]:
    """grid[weekday][hour] of created tickets, Monday = 0, local wall-clock hour."""
    inner, params = scope.ticket_sql(f"{slot_sql('t.created_at')} AS slot", "created", group=False)
    sql = f"SELECT slot, count(*) FROM ({inner}) GROUP BY slot"
    grid = [[0] * 24 for _ in WEEKDAYS]
    for slot, count in scope.conn.execute(sql, params):
        local = local_start(slot, zone)
        grid[local.weekday()][local.hour] += count
    return grid


def arrivals_table(scope: Scope, zone: ZoneInfo) -> deskmetrics.SectionTable:
    # Hours as rows, weekdays as columns: 9 columns fit a terminal; 26 would not.
    grid = weekday_hour_counts(scope, zone)
    rows: list[Row] = []
    for hour in range(24):
        counts = [grid[day][hour] for day in range(len(WEEKDAYS))]
        rows.append([f"{hour:02d}:00", *counts, sum(counts)])
    rows.append(["total", *(sum(day) for day in grid), sum(map(sum, grid))])
    columns = ["hour", *WEEKDAYS, "total"]
    return deskmetrics.SectionTable(
        f"Created tickets by weekday and hour ({zone.key})", columns, rows
    )

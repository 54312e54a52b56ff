"""When work arrives (issue #18 item 7): created tickets by weekday and hour of the report's
time zone, from the created cohort's counts per quarter-hour slot (created_counts.py)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import deskmetrics
from deskmetrics_explore.slots import local_start

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Row = list[str | int | float | None]


def weekday_hour_counts(slots: list[tuple[str, int]], zone: ZoneInfo) -> list[list[int]]:
    """grid[weekday][hour] of created tickets, Monday = 0, local wall-clock hour, from the
    tickets per UTC quarter-hour slot (created_counts.py)."""
    grid = [[0] * 24 for _ in WEEKDAYS]
    for slot, count in slots:
        local = local_start(slot, zone)
        grid[local.weekday()][local.hour] += count
    return grid


def arrivals_tables(slots: list[tuple[str, int]], zone: ZoneInfo) -> list[deskmetrics.SectionTable]:
    """The weekday × hour grid (a heatmap where the reporter can draw one) and its day totals."""
    # Hours as rows, weekdays as columns: 8 columns fit a terminal; 25 would not.
    grid = weekday_hour_counts(slots, zone)
    rows: list[Row] = [
        [f"{hour:02d}:00", *(grid[day][hour] for day in range(len(WEEKDAYS)))] for hour in range(24)
    ]
    heatmap = deskmetrics.SectionTable(
        f"Created tickets by weekday and hour ({zone.key})", ["hour", *WEEKDAYS], rows,
        heatmap=True,
    )  # fmt: skip
    total = sum(map(sum, grid))
    days: list[Row] = [
        [day, sum(hours), round(100.0 * sum(hours) / total, 1) if total else None]
        for day, hours in zip(WEEKDAYS, grid, strict=True)
    ]
    totals = deskmetrics.SectionTable(
        f"Created tickets by weekday ({zone.key})", ["weekday", "tickets", "share %"], days
    )
    return [heatmap, totals]

"""A breakdown as the table, markdown and html reporters lay it out: one home for all three.

A (possibly nested) breakdown becomes a title, a header of the nested dimensions and the compact
metric columns, and one row per entry, parents before their children. Each reporter only draws
it: rich, Markdown or HTML, with its own way of showing the nesting.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import deskmetrics


@dataclass(frozen=True)
class BreakdownRow:
    path: tuple[deskmetrics.BreakdownEntry, ...]
    """The entry with its ancestors, outermost first."""
    values: tuple[deskmetrics.MetricValue | None, ...]
    """One per column; None where the entry has no value for that metric."""

    @property
    def entry(self) -> deskmetrics.BreakdownEntry:
        return self.path[-1]

    @property
    def depth(self) -> int:
        return len(self.path) - 1


@dataclass(frozen=True)
class BreakdownTable:
    dimensions: tuple[str, ...]
    """The nested dimensions, outermost first, e.g. ``("group", "agent")``."""
    columns: tuple[str, ...]
    """Metric ids of the value columns."""
    labels: tuple[str, ...]
    """The value columns' headings (metric labels)."""
    rows: tuple[BreakdownRow, ...]

    @property
    def title(self) -> str:
        """``By group › agent``."""
        return f"By {' › '.join(self.dimensions)}"

    @property
    def heading(self) -> str:
        """The first column's heading: ``Group › Agent``."""
        return " › ".join(d.title() for d in self.dimensions)


def breakdown_table(
    report: deskmetrics.Report,
    dimension: str,
    entries: list[deskmetrics.BreakdownEntry],
    columns: list[str],
) -> BreakdownTable:
    return BreakdownTable(
        dimensions=tuple(nested_dimensions(dimension, entries)),
        columns=tuple(columns),
        labels=tuple(report.definitions[m].label for m in columns),
        rows=tuple(
            BreakdownRow(path, tuple(path[-1].metrics.get(m) for m in columns))
            for path in walk_paths(entries)
        ),
    )


def nested_dimensions(dimension: str, entries: list[deskmetrics.BreakdownEntry]) -> list[str]:
    names = [dimension]
    while entries and entries[0].breakdowns:
        (name, entries), *_ = entries[0].breakdowns.items()
        names.append(name)
    return names


def walk_paths(
    entries: list[deskmetrics.BreakdownEntry], path: tuple[deskmetrics.BreakdownEntry, ...] = ()
) -> Iterator[tuple[deskmetrics.BreakdownEntry, ...]]:
    """Every entry of a (possibly nested) breakdown with its ancestors, parents first."""
    for entry in entries:
        yield (*path, entry)
        for children in entry.breakdowns.values():
            yield from walk_paths(children, (*path, entry))

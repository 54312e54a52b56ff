"""ReportSection: a plugin-provided block of a report (tables of text), rendered by every reporter.

Metrics are numbers with a definition; some findings are not ("customers who mention refunds",
with three example comments). A plugin registers a section builder through the
``register_report_sections`` hook; ``build_report`` calls it with the store and the computed
report, inside the report's snapshot, and reporters render the result generically: a title,
notes, and tables whose cells are plain values, optionally linked to a ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from deskmetrics.report.model import Report
    from deskmetrics.store.database import Store

Cell = str | int | float | None


@dataclass
class SectionTable:
    """One table: ``columns`` names, ``rows`` of cells; ``links`` maps (row, column) to the
    ticket id a cell refers to (reporters that can link, such as HTML, link it)."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"title": self.title, "columns": self.columns, "rows": self.rows}
        if self.links:
            data["links"] = [
                {"row": row, "column": column, "ticket_id": ticket}
                for (row, column), ticket in sorted(self.links.items())
            ]
        return data


@dataclass
class ReportSection:
    id: str
    title: str
    tables: list[SectionTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Sentences shown under the title (method, coverage, why something is missing)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "notes": self.notes,
            "tables": [table.to_dict() for table in self.tables],
        }


class SectionBuilder(Protocol):
    """What ``register_report_sections`` registers: a ``name`` and ``build``."""

    name: str

    def build(self, store: Store, report: Report) -> ReportSection | None: ...

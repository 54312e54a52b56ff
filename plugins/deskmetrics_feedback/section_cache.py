"""The "What customers say" section of recent reports, kept for reports over unchanged data.

Building the section reads every commented answer of two periods, samples the period's
tickets for contact reasons and reads the sample's subjects and tags: ~4 s at 1,000,000
tickets. What it shows depends only on the surveys and tickets (and, through filters, the
agents, groups and customers), the report's period, ``as_of``, filters and breakdowns, and the
CSAT totals the report computed; so it is kept in ``feedback_sections`` (kept.py) under a key
of all of these, the tables' states (store_state.py) standing for their data. A report with the
same key reads the section back.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final

import deskmetrics
from deskmetrics_feedback import contact_reasons
from deskmetrics_feedback.kept import Missing, keep_value, kept_value
from deskmetrics_feedback.records import db_time
from deskmetrics_feedback.store_state import FILTERED, SURVEYS, TICKETS, state_of
from deskmetrics_feedback.themes import METHOD

TABLE: Final = "feedback_sections"
KEEP: Final = 24
FORMAT: Final = "section/1"
"""Names the section's layout in the key: a plugin that shows something new rebuilds."""


def section_key(report: deskmetrics.Report, conn: sqlite3.Connection, csat: tuple[int, int]) -> str:
    """``csat``: the period's (CSAT answers, satisfied), as the section shows them."""
    tables = [*SURVEYS, *TICKETS, *(FILTERED if report.filters else ())]
    return state_of(
        conn,
        tables,
        FORMAT,
        METHOD,
        f"contact sample={contact_reasons.SAMPLE}",
        db_time(report.start),
        db_time(report.end),
        db_time(report.as_of),
        repr(sorted((f.field, f.value) for f in report.filters)),
        repr(list(report.breakdowns)),
        repr(csat),
    )


def cached_section(
    conn: sqlite3.Connection, key: str
) -> deskmetrics.ReportSection | Missing | None:
    found = kept_value(conn, TABLE, key)
    return found if isinstance(found, Missing) else _load(found)


def keep_section(
    conn: sqlite3.Connection, key: str, section: deskmetrics.ReportSection | None
) -> None:
    keep_value(conn, TABLE, key, None if section is None else _dump(section), KEEP)


def _dump(section: deskmetrics.ReportSection) -> dict[str, Any]:
    return {
        "id": section.id,
        "title": section.title,
        "notes": section.notes,
        "tables": [
            {
                "title": table.title,
                "columns": table.columns,
                "rows": table.rows,
                "links": [[r, c, ticket] for (r, c), ticket in table.links.items()],
                "sources": [[r, c, source] for (r, c), source in table.sources.items()],
                "heatmap": table.heatmap,
            }
            for table in section.tables
        ],
    }


def _load(data: Any) -> deskmetrics.ReportSection | None:
    if data is None:
        return None
    tables = [
        deskmetrics.SectionTable(
            t["title"],
            t["columns"],
            t["rows"],
            links={(r, c): ticket for r, c, ticket in t["links"]},
            sources={(r, c): source for r, c, source in t["sources"]},
            heatmap=t["heatmap"],
        )
        for t in data["tables"]
    ]
    return deskmetrics.ReportSection(data["id"], data["title"], tables, data["notes"])

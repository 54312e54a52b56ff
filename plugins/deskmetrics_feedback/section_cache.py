"""The "What customers say" section of recent reports, kept for reports over unchanged data.

Building the section reads every commented answer of two periods, samples the period's
tickets for contact reasons and reads the sample's subjects and tags: ~4 s at 1,000,000
tickets. What it shows depends only on the surveys and tickets (and, through filters, the
agents, groups and customers), the report's period, ``as_of``, filters and breakdowns, and the
CSAT totals the report computed; so it is kept in ``feedback_sections`` (``key``, ``section``
as JSON, ``written_at``) under a key of all of these, the tables' states (store_state.py)
standing for their data. A report with the same key reads the section back. The most recent
``KEEP`` are kept; like every feedback table it is derived, and deleting it loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Final

import deskmetrics
from deskmetrics_feedback.comment_themes import now_text
from deskmetrics_feedback.derived import visible, write_derived
from deskmetrics_feedback.records import db_time
from deskmetrics_feedback.store_state import FILTERED, SURVEYS, TICKETS, state_of
from deskmetrics_feedback.themes import METHOD

TABLE: Final = "feedback_sections"
COLUMNS: Final = (
    "key TEXT NOT NULL, section TEXT NOT NULL, written_at TEXT NOT NULL, PRIMARY KEY (key)"
)
KEEP: Final = 24
FORMAT: Final = "section/1"
"""Names the section's layout in the key: a plugin that shows something new rebuilds."""

_NONE = "null"
"""Stored for a period without comments (no section)."""


def section_key(report: deskmetrics.Report, conn: sqlite3.Connection, csat: tuple[int, int]) -> str:
    """``csat``: the period's (CSAT answers, satisfied), as the section shows them."""
    tables = [*SURVEYS, *TICKETS, *(FILTERED if report.filters else ())]
    return state_of(
        conn,
        tables,
        FORMAT,
        METHOD,
        db_time(report.start),
        db_time(report.end),
        db_time(report.as_of),
        repr(sorted((f.field, f.value) for f in report.filters)),
        repr(list(report.breakdowns)),
        repr(csat),
    )


class Missing:
    """No section kept under the key."""


MISSING: Final = Missing()


def cached_section(
    conn: sqlite3.Connection, key: str
) -> deskmetrics.ReportSection | Missing | None:
    if not visible(conn, TABLE):
        return MISSING
    row = conn.execute(f"SELECT section FROM {TABLE} WHERE key = ?", (key,)).fetchone()
    if row is None:
        return MISSING
    return _load(json.loads(row[0]))


def keep_section(
    conn: sqlite3.Connection, key: str, section: deskmetrics.ReportSection | None
) -> None:
    payload = _NONE if section is None else json.dumps(_dump(section))

    def fill(schema: str) -> None:
        conn.execute(f"DELETE FROM {schema}.{TABLE} WHERE key = ?", (key,))
        conn.execute(f"INSERT INTO {schema}.{TABLE} VALUES (?, ?, ?)", (key, payload, now_text()))
        conn.execute(
            f"DELETE FROM {schema}.{TABLE} WHERE key NOT IN (SELECT key FROM {schema}.{TABLE} "
            "ORDER BY written_at DESC, key LIMIT ?)",
            (KEEP,),
        )

    write_derived(conn, {TABLE: COLUMNS}, fill)


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

"""The feedback metrics' counts, kept per query for reports over unchanged data.

One query per survey kind gives every count the three metrics need (metrics.py), but it scans
each kind's latest responses: ~0.9 s per report at 1,000,000 tickets. Its result depends only
on the query (periods, filters, ``as_of``) and on the surveys, tickets and the tables a filter
reads, so it is kept in ``feedback_metric_counts`` (kept.py) under a key of the query and
those tables' states (store_state.py). Scopes with breakdown dimensions are not kept: a
dimension (another plugin's) may read any table.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Final

import deskmetrics
from deskmetrics_feedback.kept import Missing, keep_value, kept_value
from deskmetrics_feedback.store_state import FILTERED, SURVEYS, TICKETS, state_of

TABLE: Final = "feedback_metric_counts"
KEEP: Final = 48
FORMAT: Final = "counts/1"

Key = tuple[str | None, ...]
Counts = dict[str, int]
"""answered, commented, scored, negative, other_language (the last three: labels)."""

_TEMP_NAME = re.compile(r"\b(dm_latest_[a-z]+)_\d+\b")
"""The report's temp table of latest responses: its number differs from report to report."""


def counts_key(scope: deskmetrics.Scope, sql: str, params: dict[str, object]) -> str | None:
    """None when the counts are not kept (a breakdown)."""
    if scope.dimensions:
        return None
    query = _TEMP_NAME.sub(r"\1", sql)
    shown = repr(sorted((name, repr(value)) for name, value in params.items()))
    return state_of(scope.conn, [*SURVEYS, *TICKETS, *FILTERED], FORMAT, query, shown)


def kept_counts(conn: sqlite3.Connection, key: str) -> dict[Key, Counts] | None:
    found = kept_value(conn, TABLE, key)
    if isinstance(found, Missing):
        return None
    return {tuple(k): counts for k, counts in found}


def keep_counts(conn: sqlite3.Connection, key: str, counts: dict[Key, Counts]) -> None:
    keep_value(conn, TABLE, key, [[list(k), c] for k, c in counts.items()], KEEP)

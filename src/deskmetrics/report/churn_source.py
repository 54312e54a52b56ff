"""Whether customer retention and churn have anything to stand on (issue #13.1).

Churn is a business event a helpdesk rarely records: a connector stores ``churned_at`` only
when told where churn lives (a ``churn_field``, a CSV ``churned_at`` column). Without any, every
customer looks retained, so the report says so instead of showing a silent 100 %.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from deskmetrics.errors import ConfigError
from deskmetrics.sync.churn_file import ChurnFile, match_churn_file

NO_CHURN_SOURCE = (
    "customer retention and churn: no churn source configured (no stored customer has a churn "
    "time; set churn_field or organization_churn_field on a Zendesk or Freshdesk connection, "
    "point [churn] file at a billing/CRM customers file, or fill churned_at in customers.csv)"
)


def churn_source_note(conn: sqlite3.Connection, sources: Iterable[str]) -> str | None:
    """The note the report needs: None when some customer has a churn time, or when there
    are no customers at all (retention and churn are then null, which says it already).

    ``sources``: the connections the report is limited to (empty: all).
    """
    chosen = sorted(sources)
    where = f" WHERE source IN ({', '.join('?' * len(chosen))})" if chosen else ""
    if conn.execute(f"SELECT 1 FROM customers{where} LIMIT 1", chosen).fetchone() is None:
        return None
    joiner = " AND" if chosen else " WHERE"
    # An organization's churn time (organization_churn_field) is a churn source too.
    for table in ("customers", "organizations"):
        churned = conn.execute(
            f"SELECT 1 FROM {table}{where}{joiner} churned_at IS NOT NULL LIMIT 1", chosen
        ).fetchone()
        if churned is not None:
            return None
    return NO_CHURN_SOURCE


def churn_file_note(conn: sqlite3.Connection, churn_file: ChurnFile | None) -> str | None:
    """How the ``[churn]`` file joins the customers, when something matched nobody (or the file
    cannot be read): a churn rate over half-matched customers is worth a second look."""
    if churn_file is None:
        return None
    try:
        match = match_churn_file(conn, churn_file)
    except ConfigError as exc:
        return f"customer retention and churn: the churn file cannot be used: {exc}"
    if not (match.unmatched_customers or match.unmatched_rows):
        return None
    return f"customer retention and churn: {match.summary()}"

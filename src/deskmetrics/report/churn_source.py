"""Whether customer retention and churn have anything to stand on (issue #13.1).

Churn is a business event a helpdesk rarely records: a connector stores ``churned_at`` only
when told where churn lives (a ``churn_field``, a CSV ``churned_at`` column). Without any, every
customer looks retained, so the report says so instead of showing a silent 100 %.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

NO_CHURN_SOURCE = (
    "customer retention and churn: no churn source configured (no stored customer has a churn "
    "time; set churn_field on a Zendesk or Freshdesk connection, or fill churned_at in "
    "customers.csv)"
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
    churned = conn.execute(
        f"SELECT 1 FROM customers{where}{joiner} churned_at IS NOT NULL LIMIT 1", chosen
    ).fetchone()
    return None if churned is not None else NO_CHURN_SOURCE

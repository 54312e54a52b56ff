"""Who customer retention and churn count: people or organizations (``[report] retention_unit``).

The customer metrics read ``customers c`` (``Scope.customer_sql``); this module gives the table
or subquery standing in for it, with the columns those metrics use (``source``, ``id``,
``created_at``, ``churned_at``). Definitions (docs/metrics.md, "Retention unit"):

- ``customers``: people. A customer's churn time is its own, or its organization's when that is
  earlier (a company that cancels takes its people with it).
- ``organizations``: stored organizations. Created at their own ``created_at``, else their
  first customer's; churned at their own ``churned_at`` (``organization_churn_field``), else
  when the last of their customers churned (all of them have a churn time).
"""

from __future__ import annotations

import sqlite3
from typing import Literal

RetentionUnit = Literal["customers", "organizations"]
UNITS: tuple[RetentionUnit, ...] = ("customers", "organizations")

_CUSTOMERS_WITH_ORGANIZATION_CHURN = """(
SELECT c.source, c.id, c.name, c.created_at,
    CASE WHEN o.churned_at IS NULL OR c.churned_at < o.churned_at THEN c.churned_at
         ELSE o.churned_at END AS churned_at
FROM customers c
LEFT JOIN organizations o ON o.source = c.source AND o.id = c.organization_id)"""

_ORGANIZATIONS = """(
SELECT o.source, o.id, o.name, COALESCE(o.created_at, m.first_created) AS created_at,
    COALESCE(o.churned_at, CASE WHEN m.active = 0 THEN m.last_churned END) AS churned_at
FROM organizations o
LEFT JOIN (
    SELECT source, organization_id, min(created_at) AS first_created,
        sum(churned_at IS NULL) AS active, max(churned_at) AS last_churned
    FROM customers WHERE organization_id IS NOT NULL GROUP BY source, organization_id
) m ON m.source = o.source AND m.organization_id = o.id)"""


def customer_table(conn: sqlite3.Connection, unit: RetentionUnit) -> str:
    """The FROM item the customer metrics count, for ``unit``."""
    if unit == "organizations":
        return _ORGANIZATIONS
    # Plain customers unless some organization has a churn time: the same query as ever
    # for every store without organization-level churn.
    churned = conn.execute(
        "SELECT 1 FROM organizations WHERE churned_at IS NOT NULL LIMIT 1"
    ).fetchone()
    return "customers" if churned is None else _CUSTOMERS_WITH_ORGANIZATION_CHURN

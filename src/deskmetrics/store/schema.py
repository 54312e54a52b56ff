"""The store's tables, as forward-only migrations keyed by ``PRAGMA user_version``.

Timestamps are UTC text in one fixed format (``2026-01-05T10:00:00.000000Z``) so that text order
is time order: range filters use the indexes and SQLite's date functions still read them.

Foreign keys are declared (tools such as datasette follow them) but not enforced: connectors
deliver streams independently, and a survey or reply may name a ticket that is synced later, or
lies before the connection's start date.
"""

from __future__ import annotations

from deskmetrics.store.history_summary import BACKFILL, STRETCHES_COLUMN, TABLE

_RECORD_COLUMNS = """
    source TEXT NOT NULL,
    id TEXT NOT NULL,
    custom_fields TEXT NOT NULL DEFAULT '{}',
    raw TEXT,
    synced_at TEXT NOT NULL"""

V1 = f"""
CREATE TABLE "groups" (
    name TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id)
);
CREATE TABLE agents (
    name TEXT,
    email TEXT,
    group_id TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id),
    FOREIGN KEY (source, group_id) REFERENCES "groups"(source, id)
);
CREATE TABLE organizations (
    name TEXT,
    domain TEXT,
    created_at TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id)
);
CREATE TABLE customers (
    name TEXT,
    created_at TEXT NOT NULL,
    churned_at TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id)
);
CREATE TABLE tickets (
    created_at TEXT NOT NULL,
    updated_at TEXT,
    status TEXT NOT NULL,
    priority TEXT,
    channel TEXT,
    subject TEXT,
    requester_id TEXT,
    assignee_id TEXT,
    group_id TEXT,
    organization_id TEXT,
    first_response_at TEXT,
    first_resolved_at TEXT,
    resolved_at TEXT,
    reopens INTEGER NOT NULL DEFAULT 0,
    agent_replies INTEGER,
    escalated INTEGER NOT NULL DEFAULT 0,
    handle_seconds REAL,
    first_response_due_at TEXT,
    resolution_due_at TEXT,
    tags TEXT NOT NULL DEFAULT '[]',{_RECORD_COLUMNS},
    PRIMARY KEY (source, id),
    FOREIGN KEY (source, assignee_id) REFERENCES agents(source, id),
    FOREIGN KEY (source, group_id) REFERENCES "groups"(source, id),
    FOREIGN KEY (source, requester_id) REFERENCES customers(source, id),
    FOREIGN KEY (source, organization_id) REFERENCES organizations(source, id)
);
CREATE INDEX tickets_created_at ON tickets(created_at);
CREATE INDEX tickets_resolved_at ON tickets(resolved_at);

-- One row per ticket and tag, kept in step with tickets.tags by the store, for tag filters.
CREATE TABLE ticket_tags (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (source, ticket_id, tag),
    FOREIGN KEY (source, ticket_id) REFERENCES tickets(source, id)
) WITHOUT ROWID;
CREATE INDEX ticket_tags_tag ON ticket_tags(tag);

CREATE TABLE interactions (
    ticket_id TEXT NOT NULL,
    author_id TEXT,
    author_role TEXT NOT NULL,
    public INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id),
    FOREIGN KEY (source, ticket_id) REFERENCES tickets(source, id)
);
CREATE INDEX interactions_ticket ON interactions(source, ticket_id);

CREATE TABLE surveys (
    ticket_id TEXT,
    customer_id TEXT,
    agent_id TEXT,
    kind TEXT NOT NULL,
    score REAL,
    scale_min REAL NOT NULL,
    scale_max REAL NOT NULL,
    higher_is_better INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    comment TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id),
    FOREIGN KEY (source, ticket_id) REFERENCES tickets(source, id)
);
CREATE INDEX surveys_kind_created ON surveys(kind, created_at);

-- TicketUpdate records for tickets not stored yet; applied (and deleted) when they arrive.
CREATE TABLE pending_updates (
    source TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    fields TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (source, ticket_id, seq)
);

-- Cursor state per connection and stream, written in the same transaction as each batch.
CREATE TABLE sync_state (
    connection TEXT NOT NULL,
    stream TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (connection, stream)
);

-- One row per stream per sync run (sync_id groups the streams of one connection's sync):
-- the audit trail behind `deskmetrics status`.
CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    sync_id TEXT NOT NULL,
    connection TEXT NOT NULL,
    stream TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL,
    full_refresh INTEGER NOT NULL DEFAULT 0,
    records INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{{}}',
    error TEXT
);
CREATE INDEX sync_runs_connection ON sync_runs(connection, started_at);

-- Input rows a connector could not store (kept when a connection skips bad rows).
CREATE TABLE rejected_rows (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES sync_runs(id),
    connection TEXT NOT NULL,
    stream TEXT NOT NULL,
    location TEXT NOT NULL,
    field TEXT,
    value TEXT,
    reason TEXT NOT NULL,
    data TEXT,
    rejected_at TEXT NOT NULL
);
"""


def _seconds(start: str, end: str) -> str:
    # Frozen copy of deskmetrics.metrics.scope.seconds_between (exact to the microsecond): a
    # migration must not change when the engine's SQL does.
    return (
        f"((CAST(round((julianday(substr({end}, 1, 19)) - julianday(substr({start}, 1, 19)))"
        f" * 86400) AS INTEGER) * 1000000 + substr({end}, 21, 6) - substr({start}, 21, 6))"
        " / 1000000.0)"
    )


_RESOLVED = "t.status IN ('solved', 'closed')"
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

# Browsable views of the KPI building blocks (docs/store.md, "Views"): for people and tools
# such as datasette; the metrics engine does not read them. Booleans are 1/0, null = not known.
V2 = f"""
CREATE VIEW ticket_facts AS
SELECT
    t.source, t.id, t.created_at, t.status, t.channel, t.priority,
    t.assignee_id AS agent_id, a.name AS agent_name,
    t.group_id, g.name AS group_name, t.organization_id, o.name AS organization_name,
    t.first_response_at, t.first_resolved_at, t.resolved_at,
    CASE WHEN t.first_response_at IS NOT NULL
        THEN {_seconds("t.created_at", "t.first_response_at")} END AS first_response_seconds,
    CASE WHEN {_RESOLVED} AND t.resolved_at IS NOT NULL
        THEN {_seconds("t.created_at", "t.resolved_at")} END AS resolution_seconds,
    CASE WHEN {_RESOLVED} AND t.first_resolved_at IS NOT NULL
        THEN {_seconds("t.created_at", "t.first_resolved_at")} END AS first_resolution_seconds,
    t.handle_seconds,
    t.first_response_at IS NOT NULL AS replied,
    {_RESOLVED} AS resolved,
    t.reopens > 0 AS reopened,
    t.reopens, t.agent_replies, t.escalated,
    CASE WHEN {_RESOLVED} AND t.agent_replies >= 1
        THEN t.agent_replies = 1 AND t.reopens = 0 END AS fcr,
    CASE
        WHEN t.first_response_due_at IS NULL THEN NULL
        WHEN t.first_response_at IS NOT NULL THEN t.first_response_at <= t.first_response_due_at
        WHEN t.first_response_due_at < {_NOW} THEN 0
    END AS sla_first_response_met,
    CASE
        WHEN t.resolution_due_at IS NULL THEN NULL
        WHEN t.resolved_at IS NOT NULL THEN t.resolved_at <= t.resolution_due_at
        WHEN t.resolution_due_at < {_NOW} THEN 0
    END AS sla_resolution_met,
    t.first_response_due_at, t.resolution_due_at, t.tags
FROM tickets t
LEFT JOIN agents a ON a.source = t.source AND a.id = t.assignee_id
LEFT JOIN "groups" g ON g.source = t.source AND g.id = t.group_id
LEFT JOIN organizations o ON o.source = t.source AND o.id = t.organization_id
WHERE t.status NOT IN ('deleted', 'spam');

CREATE VIEW survey_facts AS
SELECT
    r.source, r.id, r.ticket_id, r.kind, r.score, r.scale_min, r.scale_max,
    r.higher_is_better, r.created_at,
    COALESCE(r.agent_id, t.assignee_id) AS agent_id, a.name AS agent_name,
    CASE WHEN r.kind = 'csat' THEN r.score > (r.scale_min + r.scale_max) / 2.0 END AS satisfied,
    CASE WHEN r.kind = 'nps' THEN r.score >= 9 END AS promoter,
    CASE WHEN r.kind = 'nps' THEN r.score < 7 END AS detractor,
    r.comment
FROM (
    SELECT s.*, ROW_NUMBER() OVER (
        PARTITION BY s.source, s.kind, s.ticket_id IS NULL, COALESCE(s.ticket_id, s.id)
        ORDER BY s.created_at DESC, s.id DESC
    ) AS newest
    FROM surveys s WHERE s.score IS NOT NULL
) r
LEFT JOIN tickets t ON t.source = r.source AND t.id = r.ticket_id
LEFT JOIN agents a ON a.source = r.source AND a.id = COALESCE(r.agent_id, t.assignee_id)
WHERE r.newest = 1 AND (t.status IS NULL OR t.status NOT IN ('deleted', 'spam'));

CREATE VIEW daily_volume AS
SELECT source, day, sum(created) AS created, sum(resolved) AS resolved
FROM (
    SELECT source, substr(created_at, 1, 10) AS day, 1 AS created, 0 AS resolved
    FROM tickets WHERE status NOT IN ('deleted', 'spam')
    UNION ALL
    SELECT t.source, substr(t.resolved_at, 1, 10), 0, 1
    FROM tickets t WHERE {_RESOLVED} AND t.resolved_at IS NOT NULL
)
GROUP BY source, day;
"""

# Real helpdesk data (issue #13): estimated resolutions, the dimensions a support lead slices
# by, customers joined to organizations and billing/CRM files, surveys' offer and answer times.
# Self-contained (columns only), so it can be renumbered freely against other migrations.
REAL_DATA = """
ALTER TABLE tickets ADD COLUMN resolved_at_estimated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN email TEXT;
ALTER TABLE customers ADD COLUMN external_id TEXT;
ALTER TABLE customers ADD COLUMN organization_id TEXT;
ALTER TABLE customers ADD COLUMN language TEXT;
CREATE INDEX customers_email ON customers(email);
ALTER TABLE tickets ADD COLUMN type TEXT;
ALTER TABLE tickets ADD COLUMN custom_status TEXT;
ALTER TABLE tickets ADD COLUMN brand TEXT;
ALTER TABLE tickets ADD COLUMN ticket_form TEXT;
ALTER TABLE tickets ADD COLUMN via_detail TEXT;
ALTER TABLE tickets ADD COLUMN product TEXT;
ALTER TABLE tickets ADD COLUMN mailbox TEXT;
ALTER TABLE tickets ADD COLUMN language TEXT;
ALTER TABLE surveys ADD COLUMN group_id TEXT;
ALTER TABLE surveys ADD COLUMN offered_at TEXT;
ALTER TABLE surveys ADD COLUMN answered_at TEXT;
"""


def micros(start: str, end: str) -> str:
    """SQL for the integer numerator of seconds_between, as the store keeps it (schema 4).

    The engine reads these stored microseconds (divided by 1e6: the same float) instead of
    parsing two timestamps per ticket per report.
    """
    return (
        f"CAST(round((julianday(substr({end}, 1, 19)) - julianday(substr({start}, 1, 19)))"
        f" * 86400) AS INTEGER) * 1000000 + substr({end}, 21, 6) - substr({start}, 21, 6)"
    )


_V3_DURATIONS: dict[str, tuple[str, str]] = {
    "first_response_us": ("created_at", "first_response_at"),
    "resolution_us": ("created_at", "resolved_at"),
    "first_resolution_us": ("created_at", "first_resolved_at"),
}
"""The durations schema 3 added (its table rebuild fills exactly these)."""

DURATION_COLUMNS: dict[str, tuple[str, str]] = {
    **_V3_DURATIONS,
    "first_assignment_us": ("created_at", "first_assigned_at"),  # schema 10
}
"""Stored ticket durations and the (start, end) columns they are computed from; the store
writes them in the same statement as the columns they derive from."""

_TICKET_COLUMNS = (
    "created_at, updated_at, status, priority, channel, subject, requester_id, assignee_id, "
    "group_id, organization_id, first_response_at, first_resolved_at, resolved_at, reopens, "
    "agent_replies, escalated, handle_seconds, first_response_due_at, resolution_due_at, tags, "
    "source, id, custom_fields, raw, synced_at, resolved_at_estimated, type, custom_status, brand, "
    "ticket_form, via_detail, product, mailbox, language"
)

# Speed at millions of tickets (issue #14): the durations every report needs are stored columns
# (written by the store in the same statement as the timestamps they come from), and the two
# cohort indexes carry every column the built-in KPIs of their cohort and the agent, group,
# channel and priority breakdowns read, so a report's scans never touch the wide table rows.
# (Generated columns would be simpler, but SQLite does not read them from a covering index.)
# New columns go at the end of the widest rows otherwise: the table is rebuilt in place (rowids
# kept) and the V2 views, which name it, are dropped and created again around the rebuild.
# It runs after REAL_DATA (schema 3), so the rebuilt table keeps that migration's columns.
V3 = f"""
DROP VIEW ticket_facts;
DROP VIEW survey_facts;
DROP VIEW daily_volume;
CREATE TABLE tickets_v3 (
    created_at TEXT NOT NULL,
    updated_at TEXT,
    status TEXT NOT NULL,
    priority TEXT,
    channel TEXT,
    subject TEXT,
    requester_id TEXT,
    assignee_id TEXT,
    group_id TEXT,
    organization_id TEXT,
    first_response_at TEXT,
    first_resolved_at TEXT,
    resolved_at TEXT,
    reopens INTEGER NOT NULL DEFAULT 0,
    agent_replies INTEGER,
    escalated INTEGER NOT NULL DEFAULT 0,
    handle_seconds REAL,
    first_response_due_at TEXT,
    resolution_due_at TEXT,
    tags TEXT NOT NULL DEFAULT '[]',{_RECORD_COLUMNS},
    resolved_at_estimated INTEGER NOT NULL DEFAULT 0,
    type TEXT,
    custom_status TEXT,
    brand TEXT,
    ticket_form TEXT,
    via_detail TEXT,
    product TEXT,
    mailbox TEXT,
    language TEXT,
    first_response_us INTEGER,
    resolution_us INTEGER,
    first_resolution_us INTEGER,
    PRIMARY KEY (source, id),
    FOREIGN KEY (source, assignee_id) REFERENCES agents(source, id),
    FOREIGN KEY (source, group_id) REFERENCES "groups"(source, id),
    FOREIGN KEY (source, requester_id) REFERENCES customers(source, id),
    FOREIGN KEY (source, organization_id) REFERENCES organizations(source, id)
);
INSERT INTO tickets_v3 (rowid, {_TICKET_COLUMNS}, {", ".join(_V3_DURATIONS)})
    SELECT rowid, {_TICKET_COLUMNS},
        {", ".join(micros(start, end) for start, end in _V3_DURATIONS.values())}
    FROM tickets ORDER BY rowid;
DROP TABLE tickets;
ALTER TABLE tickets_v3 RENAME TO tickets;
CREATE INDEX tickets_created_at ON tickets(
    created_at, status, first_response_us, escalated, first_response_at, resolved_at,
    first_response_due_at, resolution_due_at, assignee_id, group_id, channel, priority
);
CREATE INDEX tickets_resolved_at ON tickets(
    resolved_at, status, resolution_us, first_resolution_us, handle_seconds, agent_replies,
    reopens, created_at, resolution_due_at, assignee_id, group_id, channel, priority
);
-- Lets a report see in one index scan that no ticket has two responses of a kind.
CREATE INDEX surveys_kind_ticket ON surveys(kind, source, ticket_id);
-- Covers the survey KPIs' read of each kind's responses since the report's start.
DROP INDEX surveys_kind_created;
CREATE INDEX surveys_kind_created ON surveys(
    kind, created_at, source, ticket_id, id, agent_id, score, scale_min, scale_max,
    higher_is_better
);
-- The few deleted and spam tickets, so survey KPIs can leave them out without reading tickets.
CREATE INDEX tickets_tombstones ON tickets(source, id) WHERE status IN ('deleted', 'spam');
{V2}"""

# Time in status and routing from the helpdesk's metric set (issue #18 items 2 and 5).
# Self-contained (columns only), so it can be renumbered freely against other migrations.
TIME_IN_STATUS = """
ALTER TABLE tickets ADD COLUMN requester_wait_seconds REAL;
ALTER TABLE tickets ADD COLUMN requester_wait_business_seconds REAL;
ALTER TABLE tickets ADD COLUMN agent_wait_seconds REAL;
ALTER TABLE tickets ADD COLUMN agent_wait_business_seconds REAL;
ALTER TABLE tickets ADD COLUMN on_hold_seconds REAL;
ALTER TABLE tickets ADD COLUMN on_hold_business_seconds REAL;
ALTER TABLE tickets ADD COLUMN assignee_stations INTEGER;
ALTER TABLE tickets ADD COLUMN group_stations INTEGER;
ALTER TABLE tickets ADD COLUMN first_assigned_at TEXT;
"""

# Organization-level churn (issue #13.1: a Zendesk organization field, a Freshdesk company
# field), and an index for survey KPIs counted by answer time (#13.4: a report reads the
# responses created or answered since its start, each side by its own index).
# Self-contained, so it can be renumbered freely against other migrations.
CHURN_AND_ANSWER_TIMES = """
ALTER TABLE organizations ADD COLUMN churned_at TEXT;
CREATE INDEX surveys_kind_answered ON surveys(kind, answered_at);
"""

# The ticket status and assignment history (issue #18 item 1): one row per change of status
# (its category), assignee or group. Plain columns, a primary key and ordinary indexes, so the
# PostgreSQL store can take it as it is. Self-contained, so it can be renumbered freely.
TICKET_EVENTS = f"""
CREATE TABLE ticket_events (
    ticket_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT,
    previous_value TEXT,
    author_id TEXT,{_RECORD_COLUMNS},
    PRIMARY KEY (source, id)
);
CREATE INDEX ticket_events_ticket ON ticket_events(source, ticket_id, field, created_at);
"""

# The resolved cohort's covering index gains the time-in-status and routing columns (and the
# ticket's key, which the history fallbacks' correlated subqueries name), so the explore
# plugin's KPIs over that cohort read the index alone instead of each ticket's table row
# (issue #14 goal 2). Only DROP / CREATE INDEX: it translates to PostgreSQL unchanged.
RESOLVED_INDEX_STATUS_TIMES = """
DROP INDEX tickets_resolved_at;
CREATE INDEX tickets_resolved_at ON tickets(
    resolved_at, status, resolution_us, first_resolution_us, handle_seconds, agent_replies,
    reopens, created_at, resolution_due_at, assignee_id, group_id, channel, priority,
    requester_wait_seconds, agent_wait_seconds, on_hold_seconds, requester_wait_business_seconds,
    agent_wait_business_seconds, on_hold_business_seconds, assignee_stations, group_stations,
    first_assigned_at, source, id
);
"""

# Per-ticket history summaries (issue #18 at #14's speed): the time-in-status and routing figures
# of each ticket's stored history, kept at write time (history_summary.py) so the KPIs read a
# column. The backfill fills it for stores that already hold histories. Self-contained.
HISTORY_SUMMARY = f"""{TABLE}
{BACKFILL};
"""

# The explore plugin's resolved-cohort reads at 1 M tickets (issue #18 at #14's speed): the time
# to first assignment becomes a stored duration like first_response_us (written by the store from
# created_at and first_assigned_at, DURATION_COLUMNS), and the resolved cohort's covering index
# gains it and requester_id (customers helped, the agent table), the two explore columns that
# still read each ticket's table row or parsed two timestamps per ticket. Self-contained; its
# PostgreSQL text (the backfill's arithmetic) is postgres/schema.py's PG_MIGRATIONS[10].
FIRST_ASSIGNMENT_COLUMN = "ALTER TABLE tickets ADD COLUMN first_assignment_us INTEGER;"
RESOLVED_INDEX_COLUMNS = """
    resolved_at, status, resolution_us, first_resolution_us, handle_seconds, agent_replies,
    reopens, created_at, resolution_due_at, assignee_id, group_id, channel, priority,
    requester_wait_seconds, agent_wait_seconds, on_hold_seconds, requester_wait_business_seconds,
    agent_wait_business_seconds, on_hold_business_seconds, assignee_stations, group_stations,
    first_assigned_at, first_assignment_us, requester_id, source, id
"""
RESOLVED_INDEX_FIRST_ASSIGNMENT = f"""{FIRST_ASSIGNMENT_COLUMN}
UPDATE tickets SET first_assignment_us = {micros("created_at", "first_assigned_at")}
    WHERE first_assigned_at IS NOT NULL;
DROP INDEX tickets_resolved_at;
CREATE INDEX tickets_resolved_at ON tickets({RESOLVED_INDEX_COLUMNS});
"""

# Each ticket's status stretches beside its summary (issue #18: business time in status in the
# report's schedule without walking ticket_events per ticket and report), filled for the
# summaries already kept. Self-contained (one column and its backfill), so it can be renumbered.
HISTORY_STRETCHES = STRETCHES_COLUMN

MIGRATIONS: tuple[str, ...] = (
    V1,
    V2,
    REAL_DATA,
    V3,
    TIME_IN_STATUS,
    CHURN_AND_ANSWER_TIMES,
    TICKET_EVENTS,
    RESOLVED_INDEX_STATUS_TIMES,
    HISTORY_SUMMARY,
    RESOLVED_INDEX_FIRST_ASSIGNMENT,
    HISTORY_STRETCHES,
)
"""Migration N (1-based) takes a database from user_version N-1 to N. Only ever append."""

SCHEMA_VERSION = len(MIGRATIONS)

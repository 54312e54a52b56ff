"""The store's tables, as forward-only migrations keyed by ``PRAGMA user_version``.

Timestamps are UTC text in one fixed format (``2026-01-05T10:00:00.000000Z``) so that text order
is time order: range filters use the indexes and SQLite's date functions still read them.

Foreign keys are declared (tools such as datasette follow them) but not enforced: connectors
deliver streams independently, and a survey or reply may name a ticket that is synced later, or
lies before the connection's start date.
"""

from __future__ import annotations

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
    FOREIGN KEY (source, requester_id) REFERENCES customers(source, id)
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

MIGRATIONS: tuple[str, ...] = (V1,)
"""Migration N (1-based) takes a database from user_version N-1 to N. Only ever append."""

SCHEMA_VERSION = len(MIGRATIONS)

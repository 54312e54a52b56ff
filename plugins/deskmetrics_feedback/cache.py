"""The ``feedback_sentiment`` table: each survey comment's sentiment, scored once.

Keyed by survey (source, id) with a hash of the comment it scored: a survey whose comment
changed (or appeared) is rescored on the next refresh, one whose comment went is dropped. It is
a derived table, rebuilt from ``surveys`` at any time, so deleting it loses nothing.

Refreshing happens lazily, when a report asks for feedback metrics or its section: inside the
report's snapshot, as a savepoint. The surveys' state (store_state.py) is kept with the scores:
a report over unchanged surveys compares it and reads no comment (hashing every comment again
took ~0.3 s per report at 80,000 comments). If the database cannot be written (another process
holds the write lock, read-only file) the scores go to a temporary table of the same name
instead, which SQLite finds first, so the report is still right and the next one tries to store
them again.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator

from deskmetrics_feedback.derived import visible
from deskmetrics_feedback.sentiment import Sentiment, analyse
from deskmetrics_feedback.store_state import SURVEYS, keep_state, state_of, stored_state

TABLE = "feedback_sentiment"
COLUMNS = """
    source TEXT NOT NULL,
    survey_id TEXT NOT NULL,
    comment_hash TEXT NOT NULL,
    label TEXT NOT NULL,
    score REAL,
    language TEXT NOT NULL,
    PRIMARY KEY (source, survey_id)"""
_BATCH = 5000


def comment_hash(comment: str) -> str:
    return hashlib.blake2b(comment.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def _stale(conn: sqlite3.Connection, table: str = TABLE) -> Iterator[tuple[str, str, str, str]]:
    """(source, id, comment, hash) of commented surveys whose score is missing or outdated."""
    rows = conn.execute(
        f"SELECT s.source, s.id, s.comment, f.comment_hash FROM surveys s "
        f"LEFT JOIN {table} f ON f.source = s.source AND f.survey_id = s.id "
        "WHERE s.comment IS NOT NULL"
    )
    for source, survey_id, comment, stored in rows:
        digest = comment_hash(comment)
        if digest != stored:
            yield source, survey_id, comment, digest


def _write(conn: sqlite3.Connection, table: str) -> int:
    conn.execute(f"CREATE TABLE IF NOT EXISTS {table} ({COLUMNS})")
    # Comments removed since the last refresh: their scores go.
    conn.execute(
        f"DELETE FROM {table} WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE "
        f"s.source = {table}.source AND s.id = {table}.survey_id AND s.comment IS NOT NULL)"
    )
    stale = list(_stale(conn, table))
    for start in range(0, len(stale), _BATCH):
        rows = []
        for source, survey_id, comment, digest in stale[start : start + _BATCH]:
            found: Sentiment = analyse(comment)
            rows.append((source, survey_id, digest, found.label, found.score, found.language))
        conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?, ?, ?)", rows)
    return len(stale)


def _up_to_date(conn: sqlite3.Connection) -> bool:
    """Read-only check, so that a report with nothing new to score takes no write lock."""
    if not (_exists(conn, "main") or _exists(conn, "temp")):
        # Nothing stored yet: up to date only when there is nothing to score.
        none = conn.execute("SELECT 1 FROM surveys WHERE comment IS NOT NULL LIMIT 1").fetchone()
        if none is None:
            conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TABLE} ({COLUMNS})")
            return True
        return False
    orphan = conn.execute(
        f"SELECT 1 FROM {TABLE} f WHERE NOT EXISTS (SELECT 1 FROM surveys s WHERE "
        "s.source = f.source AND s.id = f.survey_id AND s.comment IS NOT NULL) LIMIT 1"
    ).fetchone()
    return orphan is None and next(_stale(conn), None) is None


def refresh(conn: sqlite3.Connection) -> int:
    """Score every new or changed comment; returns how many were (re)scored."""
    state = state_of(conn, SURVEYS)
    if visible(conn, TABLE) and stored_state(conn, TABLE) == state:
        return 0
    scored = _refresh(conn)
    keep_state(conn, TABLE, state)
    return scored


def _refresh(conn: sqlite3.Connection) -> int:
    if _up_to_date(conn):
        return 0
    conn.execute("SAVEPOINT feedback_sentiment")
    try:
        # A stand-in from an earlier locked report (same connection) would shadow the table.
        conn.execute(f"DROP TABLE IF EXISTS temp.{TABLE}")
        scored = _write(conn, f"main.{TABLE}")
    except sqlite3.OperationalError:
        conn.execute("ROLLBACK TO feedback_sentiment")
        conn.execute("RELEASE feedback_sentiment")
        # Not writable now: score into a temp table, which shadows the stored one.
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {TABLE} ({COLUMNS})")
        if _exists(conn, "main"):
            conn.execute(f"INSERT OR IGNORE INTO temp.{TABLE} SELECT * FROM main.{TABLE}")
        return _write(conn, f"temp.{TABLE}")
    conn.execute("RELEASE feedback_sentiment")
    return scored


def _exists(conn: sqlite3.Connection, schema: str) -> bool:
    found = conn.execute(
        f"SELECT 1 FROM {schema}.sqlite_schema WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    return found is not None

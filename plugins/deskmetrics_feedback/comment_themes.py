"""Themes of survey comments: one model for the whole store, fitted once and kept.

The model is fitted on the store's English comments (a seeded sample of at most
``FIT_SAMPLE``), and every comment gets a fixed theme. Both are derived tables:

- ``feedback_theme_models`` (``kind``, ``fingerprint``, ``themes``, ``written_at``): the
  fitted themes' names and top terms (JSON), with a fingerprint of the comments they were
  fitted on (contact reasons keep their results here too, kind ``contact``);
- ``feedback_comment_themes`` (``source``, ``survey_id``, ``theme``, ``theme_name``,
  ``weight``): each English comment's theme number and name, and how strongly it loads on it
  (comments sharing no term with any theme have no row).

A report compares the fingerprint of the scored comments with the stored one: equal, it reads
the tables (no scikit-learn import); different (comments came, changed or went), it refits and
rewrites both; the surveys' state it was checked against is kept (store_state.py), so a report
over unchanged surveys skips even the fingerprint. Same comments, same fingerprint, same themes:
the fit is deterministic. Because
every period is counted with the same model, a theme has the same name in every period and the
change against the previous period compares like with like. A refit keeps a previous theme's
name for the new theme whose top terms overlap it (naming.py), so names survive a sync.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from deskmetrics_feedback.cache import TABLE as SENTIMENT
from deskmetrics_feedback.derived import visible, write_derived
from deskmetrics_feedback.naming import match_previous
from deskmetrics_feedback.store_state import SURVEYS, keep_state, state_of, stored_state
from deskmetrics_feedback.themes import METHOD, theme_name

MODELS: Final = "feedback_theme_models"
ASSIGNED: Final = "feedback_comment_themes"
KIND: Final = "comments"
TABLES: Final = {
    MODELS: (
        "kind TEXT NOT NULL, fingerprint TEXT NOT NULL, themes TEXT NOT NULL, "
        "written_at TEXT NOT NULL, PRIMARY KEY (kind, fingerprint)"
    ),
    ASSIGNED: (
        "source TEXT NOT NULL, survey_id TEXT NOT NULL, theme INTEGER NOT NULL, "
        "theme_name TEXT NOT NULL, weight REAL NOT NULL, PRIMARY KEY (source, survey_id)"
    ),
}
SCORED_LABELS: Final = "('positive', 'negative', 'neutral')"

_ENGLISH = (
    f"SELECT f.source, f.survey_id, f.comment_hash FROM {SENTIMENT} f "
    f"WHERE f.label IN {SCORED_LABELS} ORDER BY f.source, f.survey_id"
)


@dataclass(frozen=True)
class CommentThemes:
    names: list[str]
    terms: list[list[str]]


def now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fingerprint(conn: sqlite3.Connection) -> str:
    """A hash of which English comments there are and what they say (their stored hashes)."""
    digest = hashlib.blake2b(METHOD.encode(), digest_size=16)
    cursor = conn.execute(_ENGLISH)
    while chunk := cursor.fetchmany(20_000):
        digest.update("\n".join("\t".join(row) for row in chunk).encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()


def _stored(conn: sqlite3.Connection) -> tuple[str, CommentThemes] | None:
    if not visible(conn, MODELS) or not visible(conn, ASSIGNED):
        return None
    row = conn.execute(f"SELECT fingerprint, themes FROM {MODELS} WHERE kind = ?", (KIND,))
    found = row.fetchone()
    if found is None:
        return None
    themes = json.loads(found[1])
    return found[0], CommentThemes([t["name"] for t in themes], [t["terms"] for t in themes])


def comment_themes(conn: sqlite3.Connection) -> CommentThemes:
    """The store's comment themes, refitted first when the comments changed (sentiment must be
    refreshed before: it says which comments are English)."""
    state = state_of(conn, SURVEYS)
    stored = _stored(conn)
    if stored is not None and stored_state(conn, ASSIGNED) == state:
        return stored[1]
    current = fingerprint(conn)
    if stored is not None and stored[0] == current:
        themes = stored[1]
    else:
        themes = _refit(conn, current, stored[1] if stored is not None else None)
    keep_state(conn, ASSIGNED, state)
    return themes


def _names(terms: list[list[str]], before: CommentThemes | None) -> list[str]:
    """Each theme's name: the one of the previous fit's theme it continues, else its terms."""
    if before is None:
        return [theme_name(t) for t in terms]
    matched = match_previous(terms, before.terms)
    pairs = zip(terms, matched, strict=True)
    return [theme_name(t) if j is None else before.names[j] for t, j in pairs]


def _refit(conn: sqlite3.Connection, current: str, before: CommentThemes | None) -> CommentThemes:
    from deskmetrics_feedback.themes import fit_themes

    rows = conn.execute(
        f"SELECT f.source, f.survey_id, s.comment FROM {SENTIMENT} f JOIN surveys s "
        f"ON s.source = f.source AND s.id = f.survey_id WHERE f.label IN {SCORED_LABELS} "
        "ORDER BY f.source, f.survey_id"
    ).fetchall()
    fitted = fit_themes([comment for _s, _i, comment in rows])
    themes = CommentThemes([], [])
    assigned: list[tuple[str, str, int, str, float]] = []
    if fitted is not None:
        names = _names(fitted.terms, before)
        themes = CommentThemes(names, fitted.terms)
        assignment, weight = fitted.assign([comment for _s, _i, comment in rows])
        for (source, survey_id, _c), theme, load in zip(rows, assignment, weight, strict=True):
            if theme >= 0:
                assigned.append((source, survey_id, theme, names[theme], load))
    payload = json.dumps([{"name": n, "terms": t} for n, t in zip(themes.names, themes.terms,
                                                                  strict=True)])  # fmt: skip

    def fill(schema: str) -> None:
        conn.execute(f"DELETE FROM {schema}.{ASSIGNED}")
        conn.executemany(f"INSERT INTO {schema}.{ASSIGNED} VALUES (?, ?, ?, ?, ?)", assigned)
        conn.execute(f"DELETE FROM {schema}.{MODELS} WHERE kind = ?", (KIND,))
        conn.execute(
            f"INSERT INTO {schema}.{MODELS} VALUES (?, ?, ?, ?)",
            (KIND, current, payload, now_text()),
        )

    write_derived(conn, TABLES, fill)
    return themes

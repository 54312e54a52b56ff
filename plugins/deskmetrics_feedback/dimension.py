"""The ``theme`` breakdown: each survey answer by the theme of its comment.

``deskmetrics report --by theme`` then gives CSAT, NPS, CES and the feedback metrics per comment
theme ("customers who mention refunds": their CSAT, beside everyone's), and nests with the other
dimensions (``--by theme --by agent``, ``--by channel --by theme``). Answers without an English
comment with a theme are "(none)". Ticket metrics have no theme and leave that breakdown.
"""

from __future__ import annotations

import sqlite3

import deskmetrics
from deskmetrics_feedback.comment_themes import ASSIGNED, comment_themes

NAME = "theme"
KEY = (
    f"(SELECT ct.theme_name FROM {ASSIGNED} ct WHERE ct.source = s.source AND ct.survey_id = s.id)"
)


def prepare(conn: sqlite3.Connection) -> None:
    """Scores and themes up to date before the breakdown's first query reads them."""
    from deskmetrics_feedback.cache import refresh

    refresh(conn)
    comment_themes(conn)


def theme_dimension() -> deskmetrics.Dimension:
    return deskmetrics.Dimension(NAME, {"surveys": KEY}, prepare=prepare)

"""Contact reasons: themes of the subjects and tags of the tickets created in a period.

A period with at most ``SAMPLE`` tickets is read whole. A bigger one is estimated from a
seeded sample: the period's tickets in (source, id) order, ``SAMPLE`` positions drawn with a
fixed seed (the same tickets give the same sample), and only those tickets' subjects and tags
are read. Themes are fitted on the current period's sample and applied to the previous
period's sample too, so both periods are counted with the same themes; a theme's count is its
share of the sample times the period's tickets (``margin_points``: how far a share can be off).

The result is cached by a fingerprint of the sampled texts (``feedback_theme_models``, kind
``contact``): a report over data that did not change reads it back without fitting, or
importing scikit-learn.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import random
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import deskmetrics
from deskmetrics_feedback.comment_themes import MODELS, TABLES, now_text
from deskmetrics_feedback.derived import visible, write_derived
from deskmetrics_feedback.records import BEFORE, NOW
from deskmetrics_feedback.themes import FIT_SAMPLE, METHOD, SEED, fit_themes, theme_name

SAMPLE: Final = FIT_SAMPLE
KIND: Final = "contact"
KEEP: Final = 24
"""Cached results kept: one per period and filters looked at recently."""
_KEYS = "dm_feedback_sample"


@dataclass(frozen=True)
class PeriodSample:
    total: int
    """Tickets created in the period (after the report's filters)."""
    texts: list[str]
    """Subject and tags of each sampled ticket with any (every ticket when total ≤ SAMPLE)."""
    drawn: int
    """Tickets sampled (= total when not sampled)."""

    @property
    def estimated(self) -> bool:
        return self.drawn < self.total

    def scale(self, count: int) -> int:
        """A count in the sample, as a count of the period's tickets."""
        return count if not self.estimated else round(count * self.total / self.drawn)


@dataclass(frozen=True)
class ContactReasons:
    names: list[str]
    counts: list[int]
    previous: list[int | None]
    """Count in the previous period, None when it had no tickets."""
    now: PeriodSample
    before: PeriodSample


def margin_points(sample: PeriodSample) -> float:
    """Widest 95 % margin of a share estimated from the sample (at a share of 50 %), in points."""
    if not sample.estimated:
        return 0.0
    finite = (sample.total - sample.drawn) / (sample.total - 1)
    return 100 * 1.96 * math.sqrt(0.25 / sample.drawn * finite)


def _text(subject: str | None, tags: str | None) -> str:
    words = [subject or ""]
    with contextlib.suppress(TypeError, ValueError):
        words += [str(tag).replace("_", " ").replace("-", " ") for tag in json.loads(tags or "")]
    return " ".join(w for w in words if w).strip()


def sample_periods(scope: deskmetrics.Scope) -> dict[str, PeriodSample]:
    """By period key: the period's ticket count and the texts of its (sampled) tickets.

    The positions to sample depend only on the period's count; the creation times at those
    positions are picked from one ordered read of the covering index (streamed: no list of a
    million times in memory, no sort in Python), then only the sampled tickets' rows are read.
    Tickets created in the same microsecond are sampled together.
    """
    sql, params = scope.ticket_sql("count(*)", "created")
    totals = {str(key[0]): int(n) for key, (n,) in scope.aggregate(sql, params).items()}
    wanted = {
        period: sorted(random.Random(SEED).sample(range(totals[period]), SAMPLE))
        for period, _lo, _hi in scope.periods
        if totals.get(period, 0) > SAMPLE
    }
    created = _created_at(scope, wanted)
    found = {}
    for period, _lo, _hi in scope.periods:
        total = totals.get(period, 0)
        drawn, texts = _texts(scope, period, sorted(created[period])) if total else (0, [])
        found[period] = PeriodSample(total, texts, total if total <= SAMPLE else drawn)
    return found


def _created_at(scope: deskmetrics.Scope, wanted: dict[str, list[int]]) -> dict[str, set[str]]:
    """By period: the creation times at the ``wanted`` positions (0-based, ascending) of the
    period's tickets in creation order; every one of a period with no positions wanted.

    One ordered read per period, the rows between two wanted positions skipped by ``islice``
    (in C: a Python step per ticket was ~1.5 s per million tickets)."""
    found: dict[str, set[str]] = {}
    for period in scope.periods:
        alone = dataclasses.replace(scope, periods=(period,))
        sql, params = alone.ticket_sql("t.created_at AS created", "created", group=False)
        # Ordered outside the builder's query, SQLite reads the created_at index in order.
        rows = scope.conn.execute(f"SELECT created FROM ({sql}) ORDER BY created", params)
        positions = wanted.get(period[0])
        if positions is None:
            found[period[0]] = {at for (at,) in rows}
            continue
        picked: set[str] = set()
        after = 0  # the position of the next row the cursor gives
        for position in positions:
            row = next(itertools.islice(rows, position - after, None), None)
            if row is None:
                break
            picked.add(row[0])
            after = position + 1
        found[period[0]] = picked
    return found


def _texts(scope: deskmetrics.Scope, period: str, created: Sequence[str]) -> tuple[int, list[str]]:
    """How many of the period's tickets were created at ``created``, and their subject and
    tags (blank ones left out)."""
    conn = scope.conn
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {_KEYS} (created_at TEXT PRIMARY KEY)")
    conn.executemany(f"INSERT INTO temp.{_KEYS} VALUES (?)", [(c,) for c in created])
    try:
        where = f"t.created_at IN (SELECT created_at FROM temp.{_KEYS}) AND p.k = :sampled"
        sql, params = scope.ticket_sql(
            "t.source, t.id, t.subject, t.tags", "created", where, group=False
        )
        rows = conn.execute(f"{sql} ORDER BY 2, 3", {**params, "sampled": period}).fetchall()
    finally:
        conn.execute(f"DELETE FROM temp.{_KEYS}")
    texts = (_text(subject, tags) for _p, _s, _i, subject, tags in rows)
    return len(rows), [text for text in texts if text]


def _fingerprint(now: PeriodSample, before: PeriodSample) -> str:
    digest = hashlib.blake2b(f"{METHOD} sample={SAMPLE}".encode(), digest_size=16)
    for sample in (now, before):
        digest.update(f"\x00{sample.total} {sample.drawn}\x00".encode())
        digest.update("\n".join(sample.texts).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def contact_reasons(scope: deskmetrics.Scope) -> ContactReasons | None:
    """Themes of the report period's contact reasons with the previous period's counts, or
    None when there are too few tickets (or shared words) to find any. ``scope``: the two
    periods, keys ``now`` and ``before`` (records.periods_scope)."""
    samples = sample_periods(scope)
    current, previous = samples[NOW], samples[BEFORE]
    conn = scope.conn
    key = _fingerprint(current, previous)
    cached = _cached(conn, key)
    if cached is None:
        cached = _fit(current, previous)
        _store(conn, key, cached)
    names, counts, counts_before = cached
    if not names:
        return None
    previous_counts = [previous.scale(c) if previous.total else None for c in counts_before]
    return ContactReasons(
        names, [current.scale(c) for c in counts], previous_counts, current, previous
    )


Fitted = tuple[list[str], list[int], list[int]]
"""Theme names, and each theme's count in the current and previous samples."""


def _fit(current: PeriodSample, previous: PeriodSample) -> Fitted:
    fitted = fit_themes(current.texts)
    if fitted is None:
        return [], [], []
    now, _w = fitted.assign(current.texts)
    before, _w = fitted.assign(previous.texts)
    in_now, in_before = Counter(now), Counter(before)
    names = [theme_name(terms) for terms in fitted.terms]
    return names, [in_now[i] for i in range(len(names))], [in_before[i] for i in range(len(names))]


def _cached(conn: sqlite3.Connection, key: str) -> Fitted | None:
    if not visible(conn, MODELS):
        return None
    found = conn.execute(
        f"SELECT themes FROM {MODELS} WHERE kind = ? AND fingerprint = ?", (KIND, key)
    ).fetchone()
    if found is None:
        return None
    payload = json.loads(found[0])
    return payload["names"], payload["counts"], payload["previous"]


def _store(conn: sqlite3.Connection, key: str, fitted: Fitted) -> None:
    names, counts, previous = fitted
    payload = json.dumps({"names": names, "counts": counts, "previous": previous})

    def fill(schema: str) -> None:
        conn.execute(
            f"DELETE FROM {schema}.{MODELS} WHERE kind = ? AND fingerprint = ?", (KIND, key)
        )
        conn.execute(
            f"INSERT INTO {schema}.{MODELS} VALUES (?, ?, ?, ?)", (KIND, key, payload, now_text())
        )
        # Only the most recent results are worth keeping.
        conn.execute(
            f"DELETE FROM {schema}.{MODELS} WHERE kind = ? AND fingerprint NOT IN (SELECT "
            f"fingerprint FROM {schema}.{MODELS} WHERE kind = ? ORDER BY written_at DESC, "
            "fingerprint LIMIT ?)",
            (KIND, KIND, KEEP),
        )

    write_derived(conn, {MODELS: TABLES[MODELS]}, fill)

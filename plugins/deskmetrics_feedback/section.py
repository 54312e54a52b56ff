"""The "What customers say" report section: sentiment mix, comment themes with their scores and
example comments, and contact reasons with their trend against the previous period."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import deskmetrics
from deskmetrics_feedback.cache import refresh
from deskmetrics_feedback.comment_themes import CommentThemes, comment_themes
from deskmetrics_feedback.contact_reasons import ContactReasons, contact_reasons, margin_points
from deskmetrics_feedback.kept import Missing
from deskmetrics_feedback.records import (
    BEFORE,
    NOW,
    Response,
    comment_text,
    csat_totals,
    periods_scope,
    responses,
)
from deskmetrics_feedback.requirements import missing_message
from deskmetrics_feedback.section_cache import cached_section, keep_section, section_key

SECTION_ID = "feedback"
TITLE = "What customers say"
EXAMPLES = 3
EXAMPLE_CHARS = 160
SCORED = ("positive", "negative", "neutral")
Row = list[str | int | float | None]


@dataclass(frozen=True)
class Grouping:
    """The store's comment themes in one period: members of each and last period's counts."""

    names: list[str]
    members: list[list[int]]
    """Indexes into the period's English responses, per theme."""
    previous_counts: list[int | None]
    """None when the previous period has no English comments."""


class FeedbackSection:
    name = "feedback"

    def build(
        self, store: deskmetrics.Store, report: deskmetrics.Report
    ) -> deskmetrics.ReportSection | None:
        missing = missing_message()
        if missing is not None:
            return deskmetrics.ReportSection(SECTION_ID, TITLE, notes=[missing])
        scope = periods_scope(report, store.conn)
        csat_all = _csat_everyone(report, scope)
        key = section_key(report, store.conn, csat_all)
        kept = cached_section(store.conn, key)
        if not isinstance(kept, Missing):
            return kept
        built = _build(store.conn, report, scope, csat_all)
        keep_section(store.conn, key, built)
        return built


def _build(
    conn: sqlite3.Connection,
    report: deskmetrics.Report,
    scope: deskmetrics.Scope,
    csat_all: tuple[int, int],
) -> deskmetrics.ReportSection | None:
    refresh(conn)
    store_themes = comment_themes(conn)  # before reading responses: their themes
    answers = responses(scope)
    commented = [r for r in answers[NOW] if r.label != "empty"]
    if not commented:
        return None
    english = [r for r in commented if r.label in SCORED]
    previous = [r for r in answers[BEFORE] if r.label in SCORED]
    section = deskmetrics.ReportSection(SECTION_ID, TITLE, notes=[_coverage(commented)])
    section.tables.append(_sentiment_table(commented))
    themes = _group(store_themes, english, previous)
    if themes is not None:
        section.tables.append(_theme_table(themes, english, csat_all))
        section.tables.append(_examples_table(themes, english, conn))
    else:
        section.notes.append("Too few English comments to find themes.")
    reasons = contact_reasons(scope)
    if reasons is not None:
        section.tables.append(_reasons_table(reasons))
        if reasons.now.estimated:
            section.notes.append(_sampling_note(reasons))
    section.notes.extend(_breakdown_notes(report))
    return section


def _group(
    themes: CommentThemes, english: Sequence[Response], previous: Sequence[Response]
) -> Grouping | None:
    members: list[list[int]] = [[] for _ in themes.names]
    for index, response in enumerate(english):
        if response.theme is not None:
            members[response.theme].append(index)
    if not any(members):
        return None
    before = Counter(r.theme for r in previous)
    previous_counts = [before[i] if previous else None for i in range(len(themes.names))]
    return Grouping(themes.names, members, previous_counts)


def _order(grouping: Grouping) -> list[int]:
    """Themes with comments in the period, biggest first; ties by name, so the order is stable."""
    shown = [i for i, members in enumerate(grouping.members) if members]
    return sorted(shown, key=lambda i: (-len(grouping.members[i]), grouping.names[i]))


def _coverage(commented: Sequence[Response]) -> str:
    labels = Counter(r.label for r in commented)
    other = labels["other_language"]
    scored = sum(labels[label] for label in SCORED)
    return (
        f"{len(commented)} comments: {scored} scored for sentiment (support-domain VADER, "
        f"rough, not human-grade), {other} in another or undetermined language counted but "
        "not scored. Themes: TF-IDF + NMF fitted once over all English comments in the "
        "store, so a theme has the same name in every period; contact reasons: the same over "
        "this period's ticket subjects and tags. Trends compare with the previous period of "
        "the same length."
    )


def _sentiment_table(commented: Sequence[Response]) -> deskmetrics.SectionTable:
    labels = Counter(r.label for r in commented)
    rows: list[Row] = []
    for label in ("positive", "neutral", "negative", "other_language", "empty"):
        if labels[label]:
            rows.append(
                [label.replace("_", " "), labels[label], _pct(labels[label], len(commented))]
            )
    return deskmetrics.SectionTable(
        "Sentiment of comments", ["sentiment", "comments", "share %"], rows
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _csat(rows: Sequence[Response]) -> float | None:
    csat = [r for r in rows if r.kind == "csat"]
    return _pct(sum(not r.unhappy for r in csat), len(csat))


def _nps(rows: Sequence[Response]) -> float | None:
    nps = [r for r in rows if r.kind == "nps"]
    if not nps:
        return None
    promoters = sum(r.score >= 9 for r in nps)
    detractors = sum(r.score < 7 for r in nps)
    return round(100.0 * (promoters - detractors) / len(nps), 1)


def _change(now: int, before: int | None) -> str:
    if before is None:
        return "new"
    return f"{now - before:+d}"


def _csat_everyone(report: deskmetrics.Report, scope: deskmetrics.Scope) -> tuple[int, int]:
    """(CSAT answers, satisfied) of the period: the report's CSAT counts them already."""
    csat = report.metrics.get("csat")
    if csat is not None and csat.successes is not None:
        return csat.n, round(csat.successes)
    return csat_totals(scope).get(NOW, (0, 0))


def _csat_rest(members: Sequence[Response], everyone: tuple[int, int]) -> float | None:
    """CSAT of every other answer of the period: all answers' totals less the theme's."""
    csat = [r for r in members if r.kind == "csat"]
    n, satisfied = everyone
    return _pct(satisfied - sum(not r.unhappy for r in csat), n - len(csat))


def _theme_table(
    themes: Grouping, english: Sequence[Response], everyone: tuple[int, int]
) -> deskmetrics.SectionTable:
    """``everyone``: (CSAT answers, satisfied) of the whole period, commented or not."""
    rows: list[Row] = []
    for i in _order(themes):
        members = [english[j] for j in themes.members[i]]
        judged = [r for r in members if r.unhappy is not None]
        csat, csat_rest = _csat(members), _csat_rest(members, everyone)
        gap = None if csat is None or csat_rest is None else round(csat - csat_rest, 1)
        rows.append([
            themes.names[i],
            len(members),
            _pct(sum(r.label == "negative" for r in members), len(members)),
            _pct(sum(bool(r.unhappy) for r in judged), len(judged)),
            csat,
            gap,
            _nps(members),
            _change(len(members), themes.previous_counts[i]),
        ])  # fmt: skip
    columns = [
        "theme", "comments", "negative %", "dissatisfied or detractor %", "CSAT %",
        "CSAT vs rest (points)", "NPS", "vs previous period",
    ]  # fmt: skip
    return deskmetrics.SectionTable("Comment themes", columns, rows)


def _examples_table(
    themes: Grouping, english: Sequence[Response], conn: sqlite3.Connection
) -> deskmetrics.SectionTable:
    table = deskmetrics.SectionTable(
        "Example comments", ["theme", "ticket", "score", "comment"], []
    )
    for i in _order(themes):
        seen: set[str] = set()
        ranked = sorted(themes.members[i], key=lambda j: (-(english[j].weight or 0.0), j))
        for j in ranked:
            response = english[j]
            text = " ".join(comment_text(conn, response).split())
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            if len(text) > EXAMPLE_CHARS:
                text = text[: EXAMPLE_CHARS - 1] + "…"
            if response.ticket_id is not None:
                table.links[(len(table.rows), 1)] = response.ticket_id
                table.sources[(len(table.rows), 1)] = response.source
            table.rows.append([themes.names[i], response.ticket_id, response.score, text])
            if len(seen) == EXAMPLES:
                break
    return table


def _reasons_table(reasons: ContactReasons) -> deskmetrics.SectionTable:
    rows: list[Row] = []
    order = sorted(range(len(reasons.names)), key=lambda i: (-reasons.counts[i], reasons.names[i]))
    for i in order:
        count, before = reasons.counts[i], reasons.previous[i]
        if count == 0 and not before:
            continue
        rows.append([
            reasons.names[i], count, _pct(count, reasons.now.total), before, _change(count, before),
        ])  # fmt: skip
    columns = ["contact reason", "tickets", "share %", "previous period", "change"]
    return deskmetrics.SectionTable("Contact reasons (ticket subjects and tags)", columns, rows)


def _sampling_note(reasons: ContactReasons) -> str:
    now, before = reasons.now, reasons.before
    text = (
        f"Contact reasons are estimated from a seeded sample of {now.drawn:,} of the period's "
        f"{now.total:,} tickets (share ±{margin_points(now):.1f} points at 95 %)"
    )
    if before.estimated:
        text += f" and {before.drawn:,} of the previous period's {before.total:,}"
    return text + "; counts are the sample's shares times the tickets."


def _breakdown_notes(report: deskmetrics.Report) -> list[str]:
    """What --by means here: the themes are the period's; a breakdown splits the metrics."""
    by = list(report.breakdowns)
    if not by:
        return []
    if by == ["theme"]:
        return [
            "--by theme breaks the survey KPIs above down by these themes (each answer by its "
            "comment's theme; no English comment: (none)); the tables here are the whole period."
        ]
    shown = ", ".join(f"--by {name}" for name in by)
    return [
        f"{shown} splits the KPIs above, not these tables (themes are fitted over every "
        f"comment, so that they are the same in every row): for CSAT or NPS by theme per "
        f"{by[0]}, use --by {by[0]} --by theme."
    ]

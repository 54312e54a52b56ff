"""The "What customers say" report section: sentiment mix, comment themes with their scores and
example comments, and contact reasons with their trend against the previous period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import deskmetrics
from deskmetrics_feedback.cache import refresh
from deskmetrics_feedback.naming import stable_names
from deskmetrics_feedback.records import (
    ContactTicket,
    Response,
    contact_tickets,
    period_scope,
    responses,
)
from deskmetrics_feedback.requirements import missing_message
from deskmetrics_feedback.themes import ThemeModel, find_themes

SECTION_ID = "feedback"
TITLE = "What customers say"
EXAMPLES = 3
EXAMPLE_CHARS = 160
SCORED = ("positive", "negative", "neutral")
Row = list[str | int | float | None]


@dataclass(frozen=True)
class Grouping:
    """Themes of one period: names (stable across periods), members of each, and the model."""

    names: list[str]
    members: list[list[int]]
    model: ThemeModel
    previous_counts: list[int | None]


class FeedbackSection:
    name = "feedback"

    def build(
        self, store: deskmetrics.Store, report: deskmetrics.Report
    ) -> deskmetrics.ReportSection | None:
        missing = missing_message()
        if missing is not None:
            return deskmetrics.ReportSection(SECTION_ID, TITLE, notes=[missing])
        refresh(store.conn)
        span = report.end - report.start
        now = period_scope(report, store.conn, report.start, report.end)
        before = period_scope(report, store.conn, report.start - span, report.start)
        current = responses(now)
        commented = [r for r in current if r.comment and r.comment.strip()]
        if not commented:
            return None
        english = [r for r in commented if r.label in SCORED]
        previous = [r for r in responses(before) if r.label in SCORED]
        section = deskmetrics.ReportSection(SECTION_ID, TITLE, notes=[_coverage(commented)])
        section.tables.append(_sentiment_table(commented))
        themes = _group([_text(r) for r in english], [_text(r) for r in previous if r.comment])
        if themes is not None:
            section.tables.append(_theme_table(themes, english, current))
            section.tables.append(_examples_table(themes, english))
        else:
            section.notes.append("Too few English comments in this period to find themes.")
        tickets = contact_tickets(now)
        reasons = _group([t.text for t in tickets], [t.text for t in contact_tickets(before)])
        if reasons is not None:
            section.tables.append(_reasons_table(reasons, tickets))
        return section


def _text(response: Response) -> str:
    return response.comment or ""


def _group(texts: Sequence[str], previous_texts: Sequence[str]) -> Grouping | None:
    model = find_themes(texts)
    if model is None:
        return None
    before = find_themes(previous_texts)
    previous_terms = before.terms if before is not None else []
    names, matched = stable_names(model.terms, previous_terms)
    members: list[list[int]] = [[] for _ in model.terms]
    for index, theme in enumerate(model.assignment):
        if theme >= 0:
            members[theme].append(index)
    counts_before = Counter(before.assignment) if before is not None else Counter()
    previous_counts = [None if j is None else counts_before[j] for j in matched]
    return Grouping(names, members, model, previous_counts)


def _order(grouping: Grouping) -> list[int]:
    """Biggest theme first; ties by name, so the order is stable."""
    return sorted(
        range(len(grouping.names)), key=lambda i: (-len(grouping.members[i]), grouping.names[i])
    )


def _coverage(commented: Sequence[Response]) -> str:
    labels = Counter(r.label for r in commented)
    other = labels["other_language"]
    scored = sum(labels[label] for label in SCORED)
    return (
        f"{len(commented)} comments: {scored} scored for sentiment (support-domain VADER, "
        f"rough, not human-grade), {other} in another or undetermined language counted but "
        "not scored. Themes: TF-IDF + NMF over the English comments; contact reasons: the "
        "same over ticket subjects and tags. Trends compare with the previous period of the "
        "same length."
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


def _theme_table(
    themes: Grouping, english: Sequence[Response], everyone: Sequence[Response]
) -> deskmetrics.SectionTable:
    rows: list[Row] = []
    for i in _order(themes):
        members = [english[j] for j in themes.members[i]]
        ids = {(r.source, r.id) for r in members}
        rest = [r for r in everyone if (r.source, r.id) not in ids]
        judged = [r for r in members if r.unhappy is not None]
        csat, csat_rest = _csat(members), _csat(rest)
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


def _examples_table(themes: Grouping, english: Sequence[Response]) -> deskmetrics.SectionTable:
    table = deskmetrics.SectionTable(
        "Example comments", ["theme", "ticket", "score", "comment"], []
    )
    for i in _order(themes):
        seen: set[str] = set()
        ranked = sorted(themes.members[i], key=lambda j: (-themes.model.weight[j], j))
        for j in ranked:
            response = english[j]
            text = " ".join((response.comment or "").split())
            if text.casefold() in seen:
                continue
            seen.add(text.casefold())
            if len(text) > EXAMPLE_CHARS:
                text = text[: EXAMPLE_CHARS - 1] + "…"
            if response.ticket_id is not None:
                table.links[(len(table.rows), 1)] = response.ticket_id
            table.rows.append([themes.names[i], response.ticket_id, response.score, text])
            if len(seen) == EXAMPLES:
                break
    return table


def _reasons_table(reasons: Grouping, tickets: Sequence[ContactTicket]) -> deskmetrics.SectionTable:
    rows: list[Row] = []
    for i in _order(reasons):
        count = len(reasons.members[i])
        rows.append([
            reasons.names[i], count, _pct(count, len(tickets)),
            reasons.previous_counts[i], _change(count, reasons.previous_counts[i]),
        ])  # fmt: skip
    columns = ["contact reason", "tickets", "share %", "previous period", "change"]
    return deskmetrics.SectionTable("Contact reasons (ticket subjects and tags)", columns, rows)

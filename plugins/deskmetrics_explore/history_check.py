"""The "History cross-check" report section (issue #18 item 3): where a resolved ticket has both
the helpdesk's own metric-set figure and a stored status/assignment history, the two are
compared, and the tickets on which they differ by more than a tolerance are counted and named.

Tolerance (docs/metrics.md, "Cross-check of the metric set and the history"): a time differs
when the two are more than 5 minutes and more than 10 % of the metric set's figure apart
(Zendesk states whole minutes, and its clocks and the history's timestamps are not the same
records); a station count differs when the counts are not equal. Shown only when some ticket of
the period has both, so sources without a history (or without a metric set) get no section.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import deskmetrics
from deskmetrics_explore import history
from deskmetrics_explore.section import db_time

SECTION_ID = "history_check"
TITLE = "History cross-check"
MINUTES_TOLERANCE = 5
SHARE_TOLERANCE = 0.10
SHOWN_IDS = 5
NOTE = (
    "Per resolved ticket that has both, the helpdesk's own figure (its metric set) against the "
    "same figure from the stored status/assignment history. A time differs when they are more "
    f"than {MINUTES_TOLERANCE} minutes and more than {SHARE_TOLERANCE:.0%} apart, a station "
    "count when it is not equal. The KPIs use the helpdesk's figure; a difference points at a "
    "gap in the synced history (or a rule the helpdesk counts differently). docs/metrics.md."
)


@dataclass(frozen=True)
class _Measure:
    label: str
    stated: str
    derived: str
    """The column of the ticket's stored history summary (``ticket_history``, history.py)."""
    is_time: bool = True


MEASURES = (
    _Measure("Requester wait", "t.requester_wait_seconds",
             history.SUMMARY_COLUMNS[history.REQUESTER_WAIT]),
    _Measure("Agent wait", "t.agent_wait_seconds", history.SUMMARY_COLUMNS[history.AGENT_WAIT]),
    _Measure("On-hold", "t.on_hold_seconds", history.SUMMARY_COLUMNS[history.ON_HOLD]),
    _Measure("Assignee stations", "t.assignee_stations", "assignee_stations", False),
    _Measure("Group stations", "t.group_stations", "group_stations", False),
)  # fmt: skip

_OF_TICKET = "FROM ticket_history h WHERE h.source = t.source AND h.ticket_id = t.id"
"""The ticket's summary row: it exists exactly when the ticket has a history."""


def _both(m: _Measure) -> str:
    return f"{m.stated} IS NOT NULL AND h.{m.derived} IS NOT NULL"


def _differs(m: _Measure) -> str:
    """SQL: ticket ``t`` has both figures of ``m`` and they differ beyond the tolerance."""
    stated, derived = m.stated, f"h.{m.derived}"
    if not m.is_time:
        return f"{_both(m)} AND {stated} <> {derived}"
    gap = f"abs({stated} - {derived})"
    return (
        f"{_both(m)} AND {gap} > {MINUTES_TOLERANCE * 60}"
        f" AND {gap} > {SHARE_TOLERANCE} * abs({stated})"
    )


# The comparison runs in SQL, on the stored numbers: per resolved ticket with a history, one
# integer says which figures it has both of (bit 2i) and which of those differ (bit 2i + 1), so
# a Counter of the integers gives every count; only a ticket that differs somewhere also sends
# its id and gaps as text. (Before, every ticket sent all ten figures as text, parsed in Python:
# 40 % of a 200 k-ticket report's CPU.)
_MASK = " | ".join(
    f"(CASE WHEN {_both(m)} THEN {1 << (2 * i)} ELSE 0 END)"
    f" | (CASE WHEN {_differs(m)} THEN {1 << (2 * i + 1)} ELSE 0 END)"
    for i, m in enumerate(MEASURES)
)
MASKS = deskmetrics.ValuesRequest("resolved", f"(SELECT {_MASK} {_OF_TICKET})", ordered=False)
_GAPS = " || char(31) || ".join(
    # CAST: a number never meets '' in one COALESCE (PostgreSQL wants one type; docs/store.md).
    f"COALESCE(CAST(CASE WHEN {_differs(m)} THEN abs({m.stated} - h.{m.derived}) END AS TEXT), '')"
    for m in MEASURES
)
_ANY = " OR ".join(f"({_differs(m)})" for m in MEASURES)
DIFFERING = deskmetrics.ValuesRequest(
    "resolved",
    f"(SELECT CASE WHEN {_ANY} THEN t.source || '/' || t.id || char(31) || {_GAPS} END"
    f" {_OF_TICKET})",
    ordered=False,
)


@dataclass
class _Tally:
    compared: int = 0
    differ: int = 0
    largest: float = 0.0

    def __post_init__(self) -> None:
        self.ids: list[str] = []


def tally(masks: Iterable[int], differing: Iterable[object]) -> list[_Tally]:
    """Per measure: the tickets with both figures and those that differ (from ``masks``), the
    largest gap and the differing tickets' ids (from the ``differing`` texts)."""
    tallies = [_Tally() for _ in MEASURES]
    for mask, count in Counter(masks).items():
        for i, found in enumerate(tallies):
            found.compared += count if mask >> (2 * i) & 1 else 0
            found.differ += count if mask >> (2 * i + 1) & 1 else 0
    for text in differing:
        if not isinstance(text, str):
            continue
        ticket, *gaps = text.split("\x1f")
        for found, gap in zip(tallies, gaps, strict=True):
            if gap:
                found.largest = max(found.largest, float(gap))
                found.ids.append(ticket)
    return tallies


class HistoryCheckSection:
    name = "history_check"

    def build(
        self, store: deskmetrics.Store, report: deskmetrics.Report
    ) -> deskmetrics.ReportSection | None:
        scope = deskmetrics.Scope(
            conn=store.conn,
            periods=(("", db_time(report.start), db_time(report.end)),),
            as_of=db_time(report.as_of),
            filters=report.filters,
        )
        if not scope.applies("tickets"):
            return None
        scope.prefetch([MASKS, DIFFERING])
        masks = [int(mask) for values in scope.values(MASKS).values() for mask in values]
        texts = [text for values in scope.values(DIFFERING).values() for text in values]
        tallies = tally(masks, texts)
        if not any(found.compared for found in tallies):
            return None
        rows: list[list[str | int | float | None]] = []
        for measure, found in zip(MEASURES, tallies, strict=True):
            if not found.compared:
                continue
            largest = f"{found.largest / 60:.0f} min" if measure.is_time else f"{found.largest:.0f}"
            rows.append([
                measure.label, found.compared, found.differ,
                largest if found.differ else "", ", ".join(sorted(found.ids)[:SHOWN_IDS]),
            ])  # fmt: skip
        table = deskmetrics.SectionTable(
            "Metric set against history",
            ["Figure", "Tickets with both", "Differ", "Largest difference", "Tickets (first 5)"],
            rows,
        )
        return deskmetrics.ReportSection(SECTION_ID, TITLE, tables=[table], notes=[NOTE])

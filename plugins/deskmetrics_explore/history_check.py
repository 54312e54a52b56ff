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

# One text per resolved ticket with any history: its id, then each measure's two figures. The
# summary row exists exactly when the ticket has a history: one lookup gives all five figures.
_PAIRS = " || char(31) || ".join(
    # CAST: a number never meets '' in one COALESCE (PostgreSQL wants one type; docs/store.md).
    f"COALESCE(CAST({m.stated} AS TEXT), '') || char(30)"
    f" || COALESCE(CAST(h.{m.derived} AS TEXT), '')"
    for m in MEASURES
)
PAIRS = deskmetrics.ValuesRequest(
    "resolved",
    f"(SELECT t.source || '/' || t.id || char(31) || {_PAIRS} FROM ticket_history h"
    " WHERE h.source = t.source AND h.ticket_id = t.id)",
)


def differs(stated: float, derived: float, is_time: bool) -> bool:
    if not is_time:
        return stated != derived
    gap = abs(stated - derived)
    return gap > MINUTES_TOLERANCE * 60 and gap > SHARE_TOLERANCE * abs(stated)


@dataclass
class _Tally:
    compared: int = 0
    differ: int = 0
    largest: float = 0.0

    def __post_init__(self) -> None:
        self.ids: list[str] = []


def tally(texts: Iterable[object]) -> list[_Tally]:
    tallies = [_Tally() for _ in MEASURES]
    for text in texts:
        if not isinstance(text, str):
            continue
        ticket, *pairs = text.split("\x1f")
        for measure, found, pair in zip(MEASURES, tallies, pairs, strict=True):
            stated, derived = pair.split("\x1e")
            if not stated or not derived:
                continue
            found.compared += 1
            gap = abs(float(stated) - float(derived))
            if differs(float(stated), float(derived), measure.is_time):
                found.differ += 1
                found.largest = max(found.largest, gap)
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
        texts = [text for values in scope.values(PAIRS).values() for text in values]
        tallies = tally(texts)
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

"""build_report: period, metrics, breakdowns, series and significance → one Report.

Queries per metric: one for the period and every series bucket together, plus one per level of
``--by``. SQLite does the grouping; see deskmetrics.metrics.scope.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.calendar.timezones import iana_zone
from deskmetrics.config.report_settings import ReportSettings
from deskmetrics.gc_tuning import bulk_allocations
from deskmetrics.metrics.definition import Metric
from deskmetrics.metrics.dimensions import Dimension, all_dimensions, label_for, label_lookup
from deskmetrics.metrics.engine import applies, compute_all, keys_of, value_for
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.retention_unit import customer_table
from deskmetrics.metrics.scope import Key, Scope
from deskmetrics.metrics.statistics import nps_z, significant, two_proportion_z
from deskmetrics.metrics.value import MetricValue
from deskmetrics.report.churn_source import churn_file_note, churn_source_note
from deskmetrics.report.model import BreakdownEntry, Bucket, Report, Series
from deskmetrics.report.period import buckets, resolve_period
from deskmetrics.report.section import ReportSection
from deskmetrics.report.targets import parse_targets
from deskmetrics.store.encoding import to_db_time
from deskmetrics.store.interface import StoreBackend as Store
from deskmetrics.sync.churn_file import ChurnFile

OVERALL = ""


def build_report(
    store: Store,
    settings: ReportSettings | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    timezone: str | None = None,
    by: Sequence[str] = (),
    separate: bool = False,
    grain: str | None = None,
    filters: Sequence[Filter] = (),
    schedule: ScheduleChoice | Any = None,
    metrics: Mapping[str, Metric] | None = None,
) -> Report:
    """Compute a report. ``start``/``end`` are local dates in the report zone, ``end`` exclusive.

    ``by`` nests each dimension in the previous one; with ``separate`` each is its own breakdown.
    ``settings`` are the configuration's (``Config.report_settings()``); the defaults without.
    ``schedule``: a business-hours schedule for every source, or a ScheduleChoice (per source);
    by default the settings' schedules.
    Raises ValueError with a user-facing message for an unknown dimension, grain or empty period.
    """
    settings = settings or ReportSettings()
    if schedule is None:
        schedule = settings.schedule
    elif not isinstance(schedule, ScheduleChoice):
        schedule = ScheduleChoice(default=schedule)
    min_sample = settings.min_sample
    zone_name = timezone or settings.timezone
    zone = ZoneInfo(iana_zone(zone_name))
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    known_dimensions = all_dimensions()
    for name in by:
        if name not in known_dimensions:
            raise ValueError(
                f"unknown dimension {name!r} (choose from {', '.join(known_dimensions)})"
            )
    dimensions = [known_dimensions[name] for name in by]
    if len(set(by)) != len(by):
        raise ValueError("each --by dimension may be given once")
    span = resolve_period(start, end, as_of, zone)
    spans = buckets(span, grain) if grain else []
    from deskmetrics.plugin.registry import get_registry

    if metrics is None:
        metrics = get_registry().metrics
    # Validated before computing: a typo in [targets] should not cost a whole report's run.
    # Any registered metric may have a target, also one this report leaves out.
    known = {**get_registry().metrics, **metrics} if settings.targets else metrics
    target_specs = tuple(parse_targets(settings, known))

    base = Scope(
        conn=store.conn,
        periods=(
            (OVERALL, to_db_time(span.start), to_db_time(span.end)),
            *((f"b{i}", to_db_time(b.start), to_db_time(b.end)) for i, b in enumerate(spans)),
        ),
        as_of=to_db_time(as_of),
        filters=tuple(filters),
        multi_source=_multi_source(store.conn, filters),
        backlog_overdue_hours=settings.backlog_overdue_hours,
        customer_table=customer_table(store.conn, settings.retention_unit),
        schedule=schedule,
        first_is_union=bool(spans),
        # The series' value scan also groups by the first breakdown dimension (scope.py).
        companion=dimensions[0] if spans and dimensions else None,
    )
    # One snapshot for every query: a sync committing meanwhile never splits the report.
    with store.snapshot(), bulk_allocations():
        try:
            chosen = {mid: m for mid, m in metrics.items() if applies(m, base)}
            results = compute_all(chosen, base, min_sample)

            def values_at(key: Key) -> dict[str, MetricValue]:
                return {
                    mid: value_for(m, results[mid], key, min_sample) for mid, m in chosen.items()
                }

            series = None
            if grain:
                bucket_list = [
                    Bucket(b.start, b.end, values_at((f"b{i}",))) for i, b in enumerate(spans)
                ]
                _compare(bucket_list, chosen)
                series = Series(grain, bucket_list)

            overall_only = replace(base, periods=base.periods[:1], first_is_union=False)
            _prepare(dimensions, store.conn)
            notes: list[str] = _customer_notes(store.conn, chosen, filters, settings.churn_file)
            breakdowns = _all_breakdowns(overall_only, metrics, dimensions, separate,
                                         min_sample, notes)  # fmt: skip
            report = Report(
                as_of=as_of,
                start=span.start,
                end=span.end,
                timezone=zone_name,
                metrics=values_at((OVERALL,)),
                definitions=chosen,
                breakdowns=breakdowns,
                notes=notes,
                series=series,
                filters=tuple(filters),
                schedule=", ".join(schedule.names) if schedule is not None else None,
                min_sample=min_sample,
                target_specs=target_specs,
            )
            report.sections = _sections(store, report)
            return report
        finally:
            # Temp tables live on the store's connection: drop them, the report holds the results.
            base.release()


def _prepare(dimensions: Sequence[Dimension], conn: sqlite3.Connection) -> None:
    for dimension in dimensions:
        if dimension.prepare is not None:
            dimension.prepare(conn)


def _sections(store: Store, report: Report) -> list[ReportSection]:
    """The sections plugins add (register_report_sections), in registration order."""
    from deskmetrics.plugin.registry import get_registry

    found = []
    for builder in get_registry().report_sections.values():
        section = builder.build(store, report)
        if section is not None:
            found.append(section)
    return found


def _customer_notes(
    conn: sqlite3.Connection,
    chosen: Mapping[str, Metric],
    filters: Sequence[Filter],
    churn_file: ChurnFile | None,
) -> list[str]:
    if not any(metric.subject == "customers" for metric in chosen.values()):
        return []
    notes = [churn_source_note(conn, {f.value for f in filters if f.field == "source"})]
    notes.append(churn_file_note(conn, churn_file))
    return [note for note in notes if note is not None]


def _multi_source(conn: sqlite3.Connection, filters: Sequence[Filter]) -> bool:
    if len({f.value for f in filters if f.field == "source"}) == 1:
        return False
    # Two index probes instead of a DISTINCT over every ticket.
    first = conn.execute("SELECT source FROM tickets ORDER BY source LIMIT 1").fetchone()
    if first is None:
        return False
    other = conn.execute(
        "SELECT 1 FROM tickets WHERE source > ? ORDER BY source LIMIT 1", first
    ).fetchone()
    return other is not None


def _all_breakdowns(
    scope: Scope,
    metrics: Mapping[str, Metric],
    by: Sequence[Dimension],
    separate: bool,
    min_sample: int,
    notes: list[str],
) -> dict[str, list[BreakdownEntry]]:
    if not separate:
        return _breakdowns(scope, metrics, list(by), min_sample, notes)
    found: dict[str, list[BreakdownEntry]] = {}
    for dimension in by:
        found.update(_breakdowns(scope, metrics, [dimension], min_sample, notes))
    return found


def _drop_uncarried(
    chosen: dict[str, Metric],
    results: dict[str, dict[Key, MetricValue]],
    dimension: str,
    notes: list[str],
) -> None:
    """Survey KPIs whose answers all lack ``dimension`` leave that breakdown, with a note.

    Otherwise one "(none)" row would hold the whole NPS, as if it were a group of its own.
    """
    for mid in [m for m, metric in chosen.items() if metric.subject == "surveys"]:
        keys = results[mid]
        if keys and all(key[-1] is None for key in keys):
            label = chosen.pop(mid).label
            del results[mid]
            note = f"{label} is not broken down by {dimension}: no survey answer carries one"
            if note not in notes:
                notes.append(note)


def _breakdowns(
    scope: Scope,
    metrics: Mapping[str, Metric],
    dimensions: list[Dimension],
    min_sample: int,
    notes: list[str],
) -> dict[str, list[BreakdownEntry]]:
    """Nested breakdowns: level j groups by the first j dimensions; entries nest by prefix."""
    if not dimensions:
        return {}
    by = [dimension.name for dimension in dimensions]
    levels = []
    for depth in range(1, len(by) + 1):
        level_scope = replace(scope, dimensions=tuple(dimensions[:depth]))
        chosen = {mid: m for mid, m in metrics.items() if applies(m, level_scope)}
        results = compute_all(chosen, level_scope, min_sample)
        _drop_uncarried(chosen, results, by[depth - 1], notes)
        levels.append((chosen, results))
    sources = frozenset(f.value for f in scope.filters if f.field == "source")
    names = [label_lookup(scope.conn, d, scope.multi_source, sources) for d in dimensions]

    def entries(depth: int, prefix: Key) -> list[BreakdownEntry]:
        chosen, results = levels[depth]
        keys = {k for k in keys_of(results.values()) if k[: len(prefix)] == prefix}
        found = []
        for key in keys:
            entry = BreakdownEntry(
                key=key[-1],
                label=label_for(key[-1], names[depth]),
                metrics={
                    mid: value_for(m, results[mid], key, min_sample) for mid, m in chosen.items()
                },
            )
            if depth + 1 < len(by):
                entry.breakdowns = {by[depth + 1]: entries(depth + 1, key)}
            found.append(entry)
        # "(none)" last; otherwise by label, then key, so the order is stable.
        found.sort(key=lambda e: (e.key is None, e.label.casefold(), e.key or ""))
        return found

    return {by[0]: entries(0, (OVERALL,))}


def _compare(bucket_list: list[Bucket], metrics: Mapping[str, Metric]) -> None:
    """Each bucket's change from the previous one, and its significance at 5 % (spec §8)."""
    for i, bucket in enumerate(bucket_list):
        for mid, value in bucket.metrics.items():
            value.compared = True
            if i == 0:
                continue
            before = bucket_list[i - 1].metrics[mid]
            if value.value is None or before.value is None:
                continue
            value.change = value.value - before.value
            test = metrics[mid].test
            if test == "proportion":
                z = two_proportion_z(before.successes or 0, before.n, value.successes or 0, value.n)
                value.significant = significant(z)
            elif test == "nps" and before.variance is not None and value.variance is not None:
                z = nps_z(
                    before.value / 100, before.variance, before.n,
                    value.value / 100, value.variance, value.n,
                )  # fmt: skip
                value.significant = significant(z)

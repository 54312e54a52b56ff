"""list_members: the tickets, survey answers or customers behind one KPI value.

Same period, filters and breakdown key as a report, one scope: the listing is computed from the
metric's own declaration (members.py) next to the value itself, so ``len(members)`` is the KPI's
``n`` and the met rows are its numerator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.calendar.timezones import iana_zone
from deskmetrics.config.report_settings import ReportSettings
from deskmetrics.metrics.definition import Metric
from deskmetrics.metrics.dimensions import NONE_LABEL, all_dimensions, label_for, label_lookup
from deskmetrics.metrics.engine import applies, compute, value_for
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.members import MemberRow, member_rows, members_of
from deskmetrics.metrics.retention_unit import customer_table
from deskmetrics.metrics.scope import Scope
from deskmetrics.metrics.value import MetricValue
from deskmetrics.store.encoding import to_db_time
from deskmetrics.store.interface import StoreBackend as Store

TicketLink = Callable[[str, str], str | None]
"""(source, ticket id) → the ticket's page in its helpdesk, or None."""
PERIOD = ""


@dataclass(frozen=True)
class Member:
    """A member as listed: the record, its ticket, what it contributed and its helpdesk link."""

    subject: str
    source: str
    id: str
    ticket_id: str | None
    value: float | None
    met: bool | None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "source": self.source,
            "id": self.id,
            "ticket_id": self.ticket_id,
            "value": self.value,
            "met": self.met,
            "url": self.url,
        }


@dataclass(frozen=True)
class MemberList:
    metric: Metric
    value: MetricValue
    """The KPI's value for the same period, filters and key."""
    start: datetime
    end: datetime
    key: tuple[tuple[str, str], ...] = ()
    """The breakdown key as (dimension, label) pairs, outermost first."""
    members: list[Member] = field(default_factory=list)
    has_condition: bool = True
    """Whether the KPI has a condition to meet (a proportion or count; a mean has none)."""

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def met(self) -> int | None:
        """Members that met the KPI's condition; None for a KPI without one (a mean)."""
        if not self.has_condition:
            return None
        return sum(1 for m in self.members if m.met)


def list_members(
    store: Store,
    metric_id: str,
    settings: ReportSettings | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    timezone: str | None = None,
    key: Sequence[tuple[str, str]] = (),
    filters: Sequence[Filter] = (),
    schedule: ScheduleChoice | None = None,
    metrics: Mapping[str, Metric] | None = None,
    links: TicketLink | None = None,
) -> MemberList:
    """The members of ``metric_id`` for the period [start, end) and breakdown ``key``.

    ``key``: (dimension, key or display name) pairs, e.g. ``[("group", "Billing"),
    ("agent", "Ann Lee")]`` for the nested breakdown cell; ``(none)`` names the empty key.
    Raises ValueError with a user-facing message for an unknown metric, dimension or key, or a
    metric that cannot list its members.
    """
    from deskmetrics.plugin.registry import get_registry
    from deskmetrics.report.build import _multi_source
    from deskmetrics.report.period import resolve_period

    settings = settings or ReportSettings()
    metrics = get_registry().metrics if metrics is None else metrics
    metric = metrics.get(metric_id)
    if metric is None:
        raise ValueError(f"unknown KPI {metric_id!r} (known: {', '.join(sorted(metrics))})")
    declaration = members_of(metric)
    if declaration is None:
        raise ValueError(f"KPI {metric_id!r} does not declare which records make up its value")
    zone = ZoneInfo(iana_zone(timezone or settings.timezone))
    as_of = (as_of or datetime.now(UTC)).astimezone(UTC)
    span = resolve_period(start, end, as_of, zone)
    known = all_dimensions()
    for name, _value in key:
        if name not in known:
            raise ValueError(f"unknown dimension {name!r} (choose from {', '.join(known)})")
    scope = Scope(
        conn=store.conn,
        periods=((PERIOD, to_db_time(span.start), to_db_time(span.end)),),
        as_of=to_db_time(as_of),
        dimensions=tuple(known[name] for name, _v in key),
        filters=tuple(filters),
        multi_source=_multi_source(store.conn, filters),
        backlog_overdue_hours=settings.backlog_overdue_hours,
        customer_table=customer_table(store.conn, settings.retention_unit),
        schedule=schedule if schedule is not None else settings.schedule,
    )
    if not applies(metric, scope):
        raise ValueError(
            f"KPI {metric_id!r} does not apply with this breakdown, filter or schedule"
        )
    with store.snapshot():
        try:
            for dimension in scope.dimensions:
                if dimension.prepare is not None:
                    dimension.prepare(store.conn)
            wanted, labels = _resolve_key(scope, key)
            value = value_for(metric, compute(metric, scope, settings.min_sample), wanted,
                              settings.min_sample)  # fmt: skip
            rows = [row for row in member_rows(declaration, scope) if row.key == wanted]
        finally:
            scope.release()
    return MemberList(
        metric=metric,
        value=value,
        start=span.start,
        end=span.end,
        key=tuple(zip((name for name, _v in key), labels, strict=True)),
        members=[_listed(declaration.subject, row, links) for row in rows],
        has_condition=declaration.met is not None,
    )


def _resolve_key(
    scope: Scope, key: Sequence[tuple[str, str]]
) -> tuple[tuple[str | None, ...], list[str]]:
    """The scope key for user-given (dimension, key or name) pairs, and their labels."""
    sources = frozenset(f.value for f in scope.filters if f.field == "source")
    resolved: list[str | None] = [PERIOD]
    labels = []
    for dimension, (name, given) in zip(scope.dimensions, key, strict=True):
        names = label_lookup(scope.conn, dimension, scope.multi_source, sources)
        if given == NONE_LABEL:
            resolved.append(None)
        elif given in names:
            resolved.append(given)
        else:
            by_name = [k for k, label in names.items() if label == given]
            if len(by_name) > 1:
                raise ValueError(f"{name} {given!r} names {len(by_name)} keys: give the key")
            resolved.append(by_name[0] if by_name else given)
        labels.append(label_for(resolved[-1], names))
    return tuple(resolved), labels


def _listed(subject: str, row: MemberRow, links: TicketLink | None) -> Member:
    url = links(row.source, row.ticket_id) if links and row.ticket_id is not None else None
    return Member(subject, row.source, row.id, row.ticket_id, row.value, row.met, url)

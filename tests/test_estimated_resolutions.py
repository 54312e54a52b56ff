"""Issue #13.2: a solved or closed ticket without a recorded solve time is never open.

Tickets go through the real Zendesk and Freshdesk mappers into a store, then into a report: the
estimate keeps them out of the backlog, and reports can count estimated resolutions.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from deskmetrics import Filter, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics_freshdesk import FreshdeskOptions
from deskmetrics_freshdesk.ticket_fields import TicketFields
from deskmetrics_freshdesk.tickets import TicketMapper as FreshdeskMapper
from deskmetrics_zendesk.escalation import Escalation
from deskmetrics_zendesk.ticket_fields import FieldRegistry
from deskmetrics_zendesk.tickets import TicketMapper as ZendeskMapper

START, END = date(2026, 1, 5), date(2026, 1, 12)
AS_OF = datetime(2026, 1, 12, tzinfo=UTC)


def zendesk(id: int, status: str, **extra: Any) -> Ticket:
    mapper = ZendeskMapper(FieldRegistry([]), Escalation((), []))
    payload = {"id": id, "created_at": "2026-01-06T09:00:00Z",
               "updated_at": "2026-01-07T15:30:00Z", "status": status, **extra}  # fmt: skip
    return mapper.ticket(payload)


def freshdesk(id: int, status: int, stats: dict[str, Any] | None) -> Ticket:
    options = FreshdeskOptions.model_validate({"domain": "acme", "api_key": "k"})
    mapper = FreshdeskMapper(options, TicketFields.from_api([]), keep_raw=False, warn=print)
    payload: dict[str, Any] = {"id": id, "status": status, "created_at": "2026-01-06T09:00:00Z",
                               "updated_at": "2026-01-08T10:00:00Z"}  # fmt: skip
    if stats is not None:
        payload["stats"] = stats
    return mapper.ticket(payload)


def report(tmp_path: Path, tickets: list[Ticket], **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(tickets, source="desk")
        config = parse_config({"report": {"min_sample": 1}}, None)
        options = {"start": START, "end": END, "as_of": AS_OF, **options}
        return build_report(store, config.report_settings(), **options).to_dict()


def metric(result: dict[str, Any], name: str) -> Any:
    return result["metrics"][name]["value"]


RECORDED = {"resolved_at": "2026-01-07T12:00:00Z", "closed_at": None, "reopened_at": None}


def tickets() -> list[Ticket]:
    return [
        zendesk(1, "solved"),  # no metric set: estimated from updated_at
        zendesk(2, "closed"),
        zendesk(3, "open"),  # genuinely open: the only backlog
        freshdesk(4, 4, {"resolved_at": None, "status_updated_at": "2026-01-07T11:00:00Z"}),
        freshdesk(5, 5, RECORDED),  # recorded by Freshdesk's stats
    ]


def test_resolved_tickets_without_a_solve_time_are_not_backlog(tmp_path: Path) -> None:
    result = report(tmp_path, tickets())
    assert metric(result, "backlog") == 1
    assert metric(result, "resolution_rate") == 80.0  # 4 of 5 created tickets resolved
    with Store(tmp_path / "x.db") as store:
        rows = store.conn.execute(
            "SELECT id, resolved_at, resolved_at_estimated FROM tickets ORDER BY id"
        ).fetchall()
    assert rows == [
        ("1", "2026-01-07T15:30:00.000000Z", 1),
        ("2", "2026-01-07T15:30:00.000000Z", 1),
        ("3", None, 0),
        ("4", "2026-01-07T11:00:00.000000Z", 1),
        ("5", "2026-01-07T12:00:00.000000Z", 0),
    ]


def test_reports_count_estimated_resolutions(tmp_path: Path) -> None:
    result = report(tmp_path, tickets(), by=["resolution"])
    volume = {
        e["key"]: e["metrics"]["ticket_volume"]["value"] for e in result["breakdowns"]["resolution"]
    }
    assert volume == {"estimated": 3, "recorded": 1, None: 1}
    estimated = report(tmp_path, [], filters=[Filter.parse("resolution=estimated")])
    assert metric(estimated, "ticket_volume") == 3

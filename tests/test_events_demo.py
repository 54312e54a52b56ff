"""The demo's status and assignment history (ticket_events.csv, issue #18 item 4): seeded,
deterministic, and consistent with tickets.csv ticket by ticket."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from deskmetrics import Store, Ticket, TicketEvent
from deskmetrics.demo.files import write_demo_csv
from deskmetrics.demo.generator import DemoSpec, demo_records
from deskmetrics_explore import history

END = datetime(2026, 1, 5, tzinfo=UTC)
SPEC = DemoSpec(tickets=1500, weeks=6, end=END, seed=7)


def test_the_history_is_deterministic_and_every_live_ticket_has_one() -> None:
    first = [r for r in demo_records(SPEC) if isinstance(r, TicketEvent)]
    again = [r for r in demo_records(SPEC) if isinstance(r, TicketEvent)]
    assert first == again and len({e.id for e in first}) == len(first)
    tickets = [r for r in demo_records(SPEC) if isinstance(r, Ticket)]
    live = {t.id for t in tickets if t.status.value not in ("deleted", "spam")}
    assert {e.ticket_id for e in first} == live


def test_each_ticket_ends_where_tickets_csv_says() -> None:
    records = list(demo_records(SPEC))
    last: dict[tuple[str, str], TicketEvent] = {}
    for event in sorted(
        (r for r in records if isinstance(r, TicketEvent)), key=lambda e: e.created_at
    ):
        last[event.ticket_id, event.field.value] = event
    for ticket in (r for r in records if isinstance(r, Ticket)):
        if ticket.status.value in ("deleted", "spam"):
            continue
        assert last[ticket.id, "status"].value == ticket.status.value, ticket.id
        assignee = last.get((ticket.id, "assignee"))
        assert (assignee.value if assignee else None) == ticket.assignee_id, ticket.id
        assert last[ticket.id, "group"].value == ticket.group_id, ticket.id


def test_the_history_gives_the_figures_tickets_csv_states(tmp_path: Path) -> None:
    with Store(tmp_path / "demo.db") as store:
        store.write(list(demo_records(SPEC)), source="demo")
        pairs = [
            ("t.requester_wait_seconds", history.status_seconds(history.REQUESTER_WAIT)),
            ("t.agent_wait_seconds", history.status_seconds(history.AGENT_WAIT)),
            ("t.on_hold_seconds", history.status_seconds(history.ON_HOLD)),
            ("t.assignee_stations", history.stations("assignee")),
            ("t.group_stations", history.stations("group")),
            ("t.first_assigned_at", history.first_assigned_at()),
        ]
        columns = ", ".join(f"{stated}, {derived}" for stated, derived in pairs)
        rows = store.conn.execute(
            f"SELECT t.id, {columns} FROM tickets t WHERE t.status IN ('solved', 'closed')"
        ).fetchall()
    assert len(rows) > 1000
    for ticket_id, *values in rows:
        for (stated, derived), (column, _) in zip(
            zip(values[::2], values[1::2], strict=True), pairs, strict=True
        ):
            if isinstance(stated, float):
                assert abs(stated - derived) < 1e-6, (ticket_id, column, stated, derived)
            else:
                assert stated == derived, (ticket_id, column, stated, derived)


def test_the_demo_writes_ticket_events_csv(tmp_path: Path) -> None:
    counts = write_demo_csv(tmp_path, DemoSpec(tickets=200, weeks=2, end=END))
    lines = (tmp_path / "ticket_events.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,ticket_id,created_at,field,value,previous_value"
    assert counts["ticket_events.csv"] == len(lines) - 1 > 200
    assert lines[1].split(",")[3:] == ["status", "open", "new"]

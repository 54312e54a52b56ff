"""The built-in CSV connector, driven through the real config loader, registry and sync engine."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import deskmetrics
import deskmetrics.config.loading
import deskmetrics.plugin.registry
import deskmetrics.sync.engine
from deskmetrics.demo.data import DemoSpec, demo_records
from deskmetrics.demo.files import CSV_COLUMNS, write_demo_csv
from deskmetrics.store.encoding import row_to_record
from deskmetrics_csv import CsvConnector
from deskmetrics_csv.streams import STREAMS

CANONICAL = {
    "groups.csv": """\
        id,name
        g1,Support
        g2,Billing
        """,
    "agents.csv": """\
        id,name,email,group_id
        a1,Ada Lovelace,ada@example.com,g1
        """,
    "customers.csv": """\
        id,name,created_at,churned_at
        c1,Acme,2025-06-01T00:00:00Z,
        c2,Globex,2025-07-01T00:00:00Z,2026-02-01T12:00:00Z
        """,
    "interactions.csv": """\
        id,ticket_id,author_id,author_role,public,created_at
        m1,t1,c1,customer,true,2026-01-05T09:30:00Z
        m2,t1,a1,agent,false,2026-01-05T09:40:00Z
        m3,t1,a1,agent,true,2026-01-05T10:15:00Z
        """,
    "tickets.csv": """\
        id,created_at,updated_at,status,priority,channel,requester_id,assignee_id,group_id,\
organization_id,first_response_at,first_resolved_at,resolved_at,reopens,agent_replies,escalated,\
handle_seconds,first_response_due_at,resolution_due_at,tags
        t1,2026-01-05T09:30:00Z,2026-01-06T08:00:00Z,solved,high,email,c1,a1,g1,o1,\
2026-01-05T10:15:00Z,2026-01-05T16:00:00Z,2026-01-06T08:00:00Z,1,2,true,1800.5,\
2026-01-05T13:30:00Z,2026-01-07T09:30:00Z,"billing, vip"
        t2,2026-01-06T11:00:00+01:00,,open,,chat,c2,,,,,,,0,,no,,,,
        """,
    "surveys.csv": """\
        id,ticket_id,customer_id,agent_id,kind,score,scale_min,scale_max,higher_is_better,\
created_at,comment
        s1,t1,c1,a1,csat,5,,,,2026-01-06T09:00:00Z,Great
        s2,t1,c1,a1,nps,,,,,2026-01-06T09:00:00Z,
        s3,,c2,,ces,2,1,7,false,2026-01-07T10:00:00Z,"Took a while, but ok"
        """,
}


class Helpdesk:
    """A directory of CSV files with a connection to it, synced the way `deskmetrics sync` does."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.data = tmp_path / "data"
        self.data.mkdir()
        self.store = deskmetrics.Store(tmp_path / "t.db")

    def write(self, name: str, text: str, *, bom: bool = False) -> Path:
        """Write a CSV file given as indented text (dedented; lines end with a bare \\n)."""
        body = textwrap.dedent(text).encode("utf-8")
        path = self.data / name
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body)
        return path

    def write_all(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            self.write(name, text)

    def connector(self, **options: Any) -> deskmetrics.Connector:
        table = {"connector": "csv", "path": "data", **options}
        config = deskmetrics.config.loading.parse_config(
            {"connections": {"helpdesk": table}}, self.root / "deskmetrics.toml"
        )
        return deskmetrics.config.loading.build_connector(
            config,
            config.connections["helpdesk"],
            deskmetrics.plugin.registry.get_registry().connectors,
        )

    def sync(self, **options: Any) -> deskmetrics.sync.engine.ConnectionResult:
        return deskmetrics.sync.engine.sync_connector(self.store, self.connector(**options))

    def rows(self, table: str) -> list[dict[str, Any]]:
        rows = self.store.db.query(f'SELECT * FROM "{table}" ORDER BY id')
        return [{k: v for k, v in row.items() if k != "synced_at"} for row in rows]

    def row(self, table: str, id_: str) -> dict[str, Any]:
        return next(row for row in self.rows(table) if row["id"] == id_)

    def dump(self) -> list[tuple[Any, ...]]:
        """Every record, cursor and tag row, byte for byte (synced_at and updated_at included)."""
        tables = (
            "groups",
            "agents",
            "customers",
            "tickets",
            "ticket_tags",
            "interactions",
            "surveys",
            "sync_state",
        )
        return [
            (table, *row)
            for table in tables
            for row in self.store.conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2, 3')
        ]

    def last_runs(self) -> dict[str, deskmetrics.store.Run]:
        """The most recent run of each stream."""
        runs: dict[str, deskmetrics.store.Run] = {}
        for run in self.store.runs("helpdesk"):
            runs.setdefault(run.stream, run)
        return runs

    def state(self, stream: str) -> dict[str, Any] | None:
        return self.store.get_state("helpdesk", stream)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Helpdesk]:
    helpdesk = Helpdesk(tmp_path)
    yield helpdesk
    helpdesk.store.close()


def _error_of(result: deskmetrics.sync.engine.ConnectionResult, stream: str) -> str | None:
    return next(s.error for s in result.streams if s.stream == stream)


def _touch(path: Path, seconds_later: int = 10) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + seconds_later * 1_000_000_000))


# -- the canonical format --------------------------------------------------------------------


def test_registered_under_its_name() -> None:
    assert deskmetrics.plugin.registry.get_registry().connectors["csv"] is CsvConnector
    assert CsvConnector.streams == (
        "groups",
        "agents",
        "organizations",
        "customers",
        "interactions",
        "tickets",
        "surveys",
        "ticket_events",
    )
    # Every declared stream has its file spec, with the record type the declaration names.
    for name, declared in CsvConnector.stream_specs.items():
        assert declared.records == (STREAMS[name].model,)
    assert set(STREAMS) == set(CsvConnector.streams)


def test_canonical_files_are_stored_with_exact_values(desk: Helpdesk) -> None:
    desk.write_all(CANONICAL)

    result = desk.sync()

    assert result.status == "succeeded", result.error
    assert {s.stream: s.records for s in result.streams} == {
        "groups": 2,
        "agents": 1,
        "organizations": 0,
        "customers": 2,
        "interactions": 3,
        "tickets": 2,
        "surveys": 3,
        "ticket_events": 0,
    }
    common = {"source": "helpdesk", "custom_fields": "{}", "raw": None}
    no_contact = {"email": None, "external_id": None, "organization_id": None, "language": None}
    dimensions = "type custom_status brand ticket_form via_detail product mailbox language"
    no_dimensions = dict.fromkeys(dimensions.split())
    time_in_status = (
        "requester_wait_seconds requester_wait_business_seconds agent_wait_seconds "
        "agent_wait_business_seconds on_hold_seconds on_hold_business_seconds "
        "assignee_stations group_stations first_assigned_at"
    )
    no_dimensions |= dict.fromkeys(time_in_status.split())  # optional columns, not in the files
    assert desk.rows("groups") == [
        {"id": "g1", "name": "Support", **common},
        {"id": "g2", "name": "Billing", **common},
    ]
    assert desk.rows("agents") == [
        {"id": "a1", "name": "Ada Lovelace", "email": "ada@example.com", "group_id": "g1", **common}
    ]
    assert desk.rows("customers") == [
        {"id": "c1", "name": "Acme", "created_at": "2025-06-01T00:00:00.000000Z",
         "churned_at": None, **no_contact, **common},
        {"id": "c2", "name": "Globex", "created_at": "2025-07-01T00:00:00.000000Z",
         "churned_at": "2026-02-01T12:00:00.000000Z", **no_contact, **common},
    ]  # fmt: skip
    assert [
        (r["id"], r["ticket_id"], r["author_id"], r["author_role"], r["public"], r["created_at"])
        for r in desk.rows("interactions")
    ] == [
        ("m1", "t1", "c1", "customer", 1, "2026-01-05T09:30:00.000000Z"),
        ("m2", "t1", "a1", "agent", 0, "2026-01-05T09:40:00.000000Z"),
        ("m3", "t1", "a1", "agent", 1, "2026-01-05T10:15:00.000000Z"),
    ]
    assert desk.rows("tickets") == [
        {
            "id": "t1",
            "created_at": "2026-01-05T09:30:00.000000Z",
            "updated_at": "2026-01-06T08:00:00.000000Z",
            "status": "solved",
            "priority": "high",
            "channel": "email",
            "subject": None,
            "requester_id": "c1",
            "assignee_id": "a1",
            "group_id": "g1",
            "organization_id": "o1",
            "first_response_at": "2026-01-05T10:15:00.000000Z",
            "first_resolved_at": "2026-01-05T16:00:00.000000Z",
            "resolved_at": "2026-01-06T08:00:00.000000Z",
            "resolved_at_estimated": 0,
            **no_dimensions,
            "reopens": 1,
            "agent_replies": 2,
            "escalated": 1,
            "handle_seconds": 1800.5,
            "first_response_due_at": "2026-01-05T13:30:00.000000Z",
            "resolution_due_at": "2026-01-07T09:30:00.000000Z",
            "tags": '["billing", "vip"]',
            **common,
            # Stored durations (schema 4), in microseconds: 45 min, 22 h 30 min, 6 h 30 min.
            "first_response_us": 2_700_000_000,
            "resolution_us": 81_000_000_000,
            "first_resolution_us": 23_400_000_000,
            "first_assignment_us": None,  # schema 10; the file states no first assignment
        },
        {
            "id": "t2",
            "created_at": "2026-01-06T10:00:00.000000Z",
            "updated_at": None,
            "status": "open",
            "priority": None,
            "channel": "chat",
            "subject": None,
            "requester_id": "c2",
            "assignee_id": None,
            "group_id": None,
            "organization_id": None,
            "first_response_at": None,
            "first_resolved_at": None,
            "resolved_at": None,
            "resolved_at_estimated": 0,
            **no_dimensions,
            "reopens": 0,
            "agent_replies": None,
            "escalated": 0,
            "handle_seconds": None,
            "first_response_due_at": None,
            "resolution_due_at": None,
            "tags": "[]",
            **common,
            "first_response_us": None,
            "resolution_us": None,
            "first_resolution_us": None,
            "first_assignment_us": None,
        },
    ]
    tags = desk.store.conn.execute("SELECT ticket_id, tag FROM ticket_tags ORDER BY 1, 2")
    assert tags.fetchall() == [("t1", "billing"), ("t1", "vip")]
    surveys = [
        row_to_record(deskmetrics.SurveyResponse, row)
        for row in desk.store.db.query("SELECT * FROM surveys ORDER BY id")
    ]
    assert [
        (
            s.id,
            s.ticket_id,
            s.kind,
            s.score,
            s.scale_min,
            s.scale_max,
            s.higher_is_better,
            s.comment,
        )
        for s in surveys
    ] == [
        ("s1", "t1", "csat", 5.0, 1.0, 5.0, True, "Great"),
        ("s2", "t1", "nps", None, 0.0, 10.0, True, None),  # offered, not answered
        ("s3", None, "ces", 2.0, 1.0, 7.0, False, "Took a while, but ok"),
    ]


def test_the_demo_export_round_trips(desk: Helpdesk) -> None:
    # The demo generator writes the same conventions from real-looking records: reading its files
    # back must give those records, field for field.
    spec = DemoSpec(tickets=150, end=datetime(2026, 3, 2, tzinfo=UTC))
    write_demo_csv(desk.data, spec)

    result = desk.sync()

    assert result.status == "succeeded", result.error
    expected = {(type(r).table, r.id): r for r in demo_records(spec)}
    stored = 0
    for model in (deskmetrics.Group, deskmetrics.Agent, deskmetrics.Organization,
                  deskmetrics.Customer, deskmetrics.Ticket, deskmetrics.Interaction,
                  deskmetrics.SurveyResponse, deskmetrics.TicketEvent):  # fmt: skip
        columns = [c for c in CSV_COLUMNS[f"{model.table}.csv"] if c in model.model_fields]
        for row in desk.store.db.query(f'SELECT * FROM "{model.table}"'):
            record = row_to_record(model, row)
            original = expected[(model.table, record.id)]
            fields = [*columns, "custom_fields"]
            assert record.model_dump(include=set(fields)) == original.model_dump(
                include=set(fields)
            )
            stored += 1
    assert stored == len(expected)


def test_check_lists_the_files_with_row_counts(desk: Helpdesk) -> None:
    desk.write("agents.csv", "id\na1\n")
    desk.write(
        "tickets.csv", "id,created_at\n" + "".join(f"t{i},2026-01-05\n" for i in range(1234))
    )

    assert desk.connector().check() == (
        f"{desk.data}: tickets.csv (1,234 rows), agents.csv (1 row)"
    )


@pytest.mark.parametrize("d", [";", "\t", "|"])
def test_other_delimiters_are_detected(desk: Helpdesk, d: str) -> None:
    desk.write(
        "tickets.csv",
        f"id{d}created_at{d}tags{d}subject\n"
        f't1{d}2026-01-05T09:30:00Z{d}"a,b"{d}"Printer; jammed | again"\n',
    )

    assert desk.sync().status == "succeeded"

    ticket = desk.row("tickets", "t1")
    assert (ticket["tags"], ticket["subject"]) == ('["a", "b"]', "Printer; jammed | again")


def test_delimiter_option_overrides_detection(desk: Helpdesk) -> None:
    # A one-column file gives the sniffer nothing to go on; the option settles it.
    desk.write("groups.csv", "id;name\ng1;Support, 2nd line\n")

    desk.sync(delimiter=";")

    assert [(g["id"], g["name"]) for g in desk.rows("groups")] == [("g1", "Support, 2nd line")]


def test_utf8_bom_and_crlf_line_ends_are_read(desk: Helpdesk) -> None:
    path = desk.write("groups.csv", "id,name\r\ng1,Zürich Süd\r\n", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid")

    desk.sync()

    assert [(g["id"], g["name"], g["custom_fields"]) for g in desk.rows("groups")] == [
        ("g1", "Zürich Süd", "{}")
    ]


# -- mapping another export ------------------------------------------------------------------


def test_columns_and_values_map_another_export(desk: Helpdesk) -> None:
    desk.write(
        "tickets.csv",
        """\
        Ticket ID;Created;State;Prio;Labels;id
        4711;05/01/2026 09:30;Resolved;2;VIP, Refund;internal-1
        4712;2026-01-06 10:00;waiting on customer;3;;internal-2
        4713;2026-01-07T10:00:00Z;open;;;internal-3
        """,
    )

    result = desk.sync(
        columns={"tickets": {"Ticket ID": "id", "created": "created_at", "State": "status",
                             "Prio": "priority", "Labels": "tags"}},
        values={"status": {"Resolved": "solved", "Waiting on Customer": "pending"},
                "priority": {"2": "normal", "3": "urgent"},
                "tags": {"vip": "key-account"}},
        datetime_format="%d/%m/%Y %H:%M",
    )  # fmt: skip

    assert result.status == "succeeded", result.error
    assert [
        (t["id"], t["created_at"], t["status"], t["priority"], t["tags"], t["custom_fields"])
        for t in desk.rows("tickets")
    ] == [
        ("4711", "2026-01-05T09:30:00.000000Z", "solved", "normal", '["key-account", "Refund"]',
         '{"id": "internal-1"}'),
        ("4712", "2026-01-06T10:00:00.000000Z", "pending", "urgent", "[]",
         '{"id": "internal-2"}'),
        ("4713", "2026-01-07T10:00:00.000000Z", "open", None, "[]", '{"id": "internal-3"}'),
    ]  # fmt: skip


def test_the_worked_example_of_the_docs(desk: Helpdesk) -> None:
    # docs/csv-format.md, "Mapping another export": keep the two in step.
    desk.write(
        "tickets.csv",
        """\
        Ticket ID;Created;State;Prio;Labels;Agent
        4711;05/01/2026 09:30;Resolved;2;VIP, Refund;Ada
        4712;2026-01-06 10:00;Waiting on customer;3;;Grace
        """,
    )

    result = desk.sync(
        timezone="Europe/Berlin",
        datetime_format="%d/%m/%Y %H:%M",
        columns={"tickets": {"Ticket ID": "id", "Created": "created_at", "State": "status",
                             "Prio": "priority", "Labels": "tags"}},
        values={"status": {"Resolved": "solved", "Waiting on customer": "pending"},
                "priority": {"1": "low", "2": "normal", "3": "urgent"},
                "tags": {"VIP": "key-account"}},
    )  # fmt: skip

    assert result.status == "succeeded", result.error
    assert [
        (t["id"], t["created_at"], t["status"], t["priority"], t["tags"], t["custom_fields"])
        for t in desk.rows("tickets")
    ] == [
        ("4711", "2026-01-05T08:30:00.000000Z", "solved", "normal", '["key-account", "Refund"]',
         '{"Agent": "Ada"}'),
        ("4712", "2026-01-06T09:00:00.000000Z", "pending", "urgent", "[]", '{"Agent": "Grace"}'),
    ]  # fmt: skip


def test_an_unmapped_code_names_the_values_table_to_add(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "id,created_at,status\nt1,2026-01-05,Resolved\n")

    result = desk.sync()

    assert _error_of(result, "tickets") == (
        "tickets.csv: 1 bad row; nothing from this file was stored\n"
        '  tickets.csv, line 2, column "status", value "Resolved": not one of new, open, '
        "pending, on_hold, solved, closed, deleted, spam (map other codes in a "
        "[connections.helpdesk.values.status] table)"
    )


def test_naive_timestamps_are_read_in_the_configured_zone_across_dst(desk: Helpdesk) -> None:
    desk.write(
        "customers.csv",
        """\
        id,created_at
        winter,2026-03-28 12:00
        summer,2026-03-30 12:00
        just-before-spring-change,2026-03-29 01:30
        just-after-spring-change,2026-03-29T03:30
        summer-again,2026-10-24 12:00
        winter-again,2026-10-26 12:00
        date-only,2026-01-05
        explicit-offset,2026-03-30T12:00:00-05:00
        explicit-utc,2026-03-30T12:00:00Z
        """,
    )

    desk.sync(timezone="Europe/Berlin")

    assert {c["id"]: c["created_at"] for c in desk.rows("customers")} == {
        "winter": "2026-03-28T11:00:00.000000Z",
        "summer": "2026-03-30T10:00:00.000000Z",
        "just-before-spring-change": "2026-03-29T00:30:00.000000Z",
        "just-after-spring-change": "2026-03-29T01:30:00.000000Z",
        "summer-again": "2026-10-24T10:00:00.000000Z",
        "winter-again": "2026-10-26T11:00:00.000000Z",
        "date-only": "2026-01-04T23:00:00.000000Z",
        "explicit-offset": "2026-03-30T17:00:00.000000Z",
        "explicit-utc": "2026-03-30T12:00:00.000000Z",
    }


def test_headers_match_canonical_names_ignoring_case_and_spaces(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "ID , Created_At,Channel\nt1,2026-01-05,Email\n")

    desk.sync()

    ticket = desk.row("tickets", "t1")
    assert (ticket["created_at"], ticket["channel"], ticket["custom_fields"]) == (
        "2026-01-05T00:00:00.000000Z",
        "email",
        "{}",
    )


def test_a_timestamp_matching_neither_iso_nor_the_format_names_both(desk: Helpdesk) -> None:
    desk.write("customers.csv", "id,created_at\nc1,05.01.2026\n")

    result = desk.sync(datetime_format="%d/%m/%Y")

    assert _error_of(result, "customers") == (
        "customers.csv: 1 bad row; nothing from this file was stored\n"
        '  customers.csv, line 2, column "created_at", value "05.01.2026": not a valid timestamp '
        "(ISO 8601 or '%d/%m/%Y' expected, e.g. 2026-01-05T09:30:00Z)"
    )


# -- cells: custom fields, tags, booleans, raw -------------------------------------------------


def test_unknown_columns_become_custom_fields_and_empty_cells_are_left_out(desk: Helpdesk) -> None:
    desk.write(
        "tickets.csv",
        """\
        id,created_at,Region,Contract value, source
        t1,2026-01-05T09:30:00Z,EU , 1200,web-form
        t2,2026-01-05T09:30:00Z,,,
        """,
    )

    desk.sync()

    assert [json.loads(t["custom_fields"]) for t in desk.rows("tickets")] == [
        {"Region": "EU", "Contract value": "1200", "source": "web-form"},
        {},
    ]
    assert {t["source"] for t in desk.rows("tickets")} == {"helpdesk"}


def test_tags_are_split_trimmed_and_deduplicated(desk: Helpdesk) -> None:
    desk.write(
        "tickets.csv",
        """\
        id,created_at,tags
        t1,2026-01-05,"billing, vip ,,billing,"
        t2,2026-01-05,single
        t3,2026-01-05,
        """,
    )

    desk.sync()

    assert [t["tags"] for t in desk.rows("tickets")] == ['["billing", "vip"]', '["single"]', "[]"]
    tags = desk.store.conn.execute("SELECT ticket_id, tag FROM ticket_tags ORDER BY 1, 2")
    assert tags.fetchall() == [("t1", "billing"), ("t1", "vip"), ("t2", "single")]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("true", 1), ("TRUE", 1), ("Yes", 1), ("1", 1), ("false", 0), ("No", 0), ("0", 0), ("", 0)],
)
def test_booleans(desk: Helpdesk, cell: str, stored: int) -> None:
    desk.write("tickets.csv", f"id,created_at,escalated\nt1,2026-01-05,{cell}\n")

    desk.sync()

    assert desk.row("tickets", "t1")["escalated"] == stored


def test_numbers_accept_spreadsheet_whole_numbers(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "id,created_at,reopens,handle_seconds\nt1,2026-01-05,2.0,90\n")

    desk.sync()

    ticket = desk.row("tickets", "t1")
    assert (ticket["reopens"], ticket["handle_seconds"]) == (2, 90.0)


def test_keep_raw_stores_the_row_under_its_original_headers(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "Ticket ID,created_at,Note\n7, 2026-01-05 ,\n")

    desk.sync(keep_raw=True, columns={"tickets": {"Ticket ID": "id"}})

    assert json.loads(desk.row("tickets", "7")["raw"]) == {
        "Ticket ID": "7",
        "created_at": " 2026-01-05 ",
        "Note": "",
    }


# -- derivation from interactions --------------------------------------------------------------

INTERACTIONS = """\
    id,ticket_id,author_role,public,created_at
    m1,in,customer,true,2026-01-05T09:00:00Z
    m2,in,system,true,2026-01-05T09:01:00Z
    m3,in,agent,false,2026-01-05T09:05:00Z
    m4,in,agent,true,2026-01-05T09:20:00Z
    m5,in,customer,true,2026-01-05T09:30:00Z
    m6,in,agent,true,2026-01-05T09:40:00Z
    m7,out,agent,true,2026-01-05T10:00:00Z
    m8,out,customer,true,2026-01-05T11:00:00Z
    m9,out,agent,true,2026-01-05T11:30:00Z
    m10,quiet,customer,true,2026-01-05T12:00:00Z
    m11,explicit,customer,true,2026-01-05T12:00:00Z
    m12,explicit,agent,true,2026-01-05T12:10:00Z
    m13,out-only,agent,true,2026-01-05T13:00:00Z
    """


def test_first_response_and_replies_are_derived_from_interactions(desk: Helpdesk) -> None:
    desk.write("interactions.csv", INTERACTIONS)
    desk.write(
        "tickets.csv",
        """\
        id,created_at,first_response_at,agent_replies
        in,2026-01-05T09:00:00Z,,
        out,2026-01-05T10:00:00Z,,
        quiet,2026-01-05T12:00:00Z,,
        explicit,2026-01-05T12:00:00Z,2026-01-05T12:03:00Z,5
        out-only,2026-01-05T13:00:00Z,,
        none,2026-01-05T14:00:00Z,,
        """,
    )

    result = desk.sync()

    assert result.status == "succeeded", result.error
    assert {
        t["id"]: (t["first_response_at"], t["agent_replies"]) for t in desk.rows("tickets")
    } == {
        # The private note and the system message do not count.
        "in": ("2026-01-05T09:20:00.000000Z", 2),
        # The agent-written opening message is not a reply.
        "out": ("2026-01-05T11:30:00.000000Z", 1),
        "quiet": (None, 0),
        "explicit": ("2026-01-05T12:03:00.000000Z", 5),
        "out-only": (None, 0),
        "none": (None, None),
    }


def test_derivation_fills_only_the_missing_field(desk: Helpdesk) -> None:
    desk.write("interactions.csv", INTERACTIONS)
    desk.write(
        "tickets.csv",
        "id,created_at,agent_replies\nin,2026-01-05T09:00:00Z,7\nout,2026-01-05T10:00:00Z,\n",
    )

    desk.sync()

    assert {
        t["id"]: (t["first_response_at"], t["agent_replies"]) for t in desk.rows("tickets")
    } == {
        "in": ("2026-01-05T09:20:00.000000Z", 7),
        "out": ("2026-01-05T11:30:00.000000Z", 1),
    }


def test_a_changed_interactions_file_re_derives_tickets(desk: Helpdesk) -> None:
    desk.write("interactions.csv", INTERACTIONS)
    desk.write("tickets.csv", "id,created_at\nin,2026-01-05T09:00:00Z\n")
    desk.sync()
    assert desk.row("tickets", "in")["first_response_at"] == "2026-01-05T09:20:00.000000Z"

    desk.write(
        "interactions.csv",
        INTERACTIONS + "    m0,in,agent,true,2026-01-05T09:10:00Z\n",
    )
    desk.sync()

    runs = desk.last_runs()
    assert (runs["interactions"].records, runs["tickets"].records) == (14, 1)
    ticket = desk.row("tickets", "in")
    assert (ticket["first_response_at"], ticket["agent_replies"]) == (
        "2026-01-05T09:10:00.000000Z",
        3,
    )


def test_a_derived_reply_before_creation_is_reported_as_derived(desk: Helpdesk) -> None:
    desk.write("interactions.csv", INTERACTIONS)
    desk.write("tickets.csv", "id,created_at\nin,2026-01-05T09:30:00Z\n")

    result = desk.sync()

    assert _error_of(result, "tickets") == (
        "tickets.csv: 1 bad row; nothing from this file was stored\n"
        '  tickets.csv, line 2, column "created_at", value "2026-01-05T09:30:00Z": '
        "first_response_at (2026-01-05T09:20:00+00:00) is before created_at "
        "(first_response_at was derived from interactions.csv)"
    )


def test_unreadable_interactions_leave_tickets_underived_with_a_warning(desk: Helpdesk) -> None:
    desk.write("interactions.csv", "id,ticket_id,created_at\nm1,t1,2026-01-05T10:00:00Z\n")
    desk.write("tickets.csv", "id,created_at\nt1,2026-01-05T09:00:00Z\n")

    result = desk.sync()

    assert [s.status for s in result.streams if s.stream in ("interactions", "tickets")] == [
        "failed",
        "succeeded",
    ]
    assert result.warnings == [
        "helpdesk: tickets: first_response_at and agent_replies not derived, interactions.csv "
        "is unreadable: interactions.csv: missing required column author_role (headers found: "
        '"id", "ticket_id", "created_at"); name the column so, or map a header in '
        "[connections.helpdesk.columns.interactions]"
    ]
    ticket = desk.row("tickets", "t1")
    assert (ticket["first_response_at"], ticket["agent_replies"]) == (None, None)


# -- bad rows: reject (default) and skip -------------------------------------------------------

BAD_TICKETS = """\
    id,created_at,status,subject,escalated,resolved_at
    t1,2026-01-05T09:30:00Z,open,"Printer
    on fire",no,
    t2,yesterday,open,ok,no,
    t3,2026-01-05T09:30:00Z,opened,"Line one
    line two
    line three",perhaps,
    t4,2026-01-05T09:30:00Z,solved,ok,no,2026-01-01T00:00:00Z
    ,2026-01-05T09:30:00Z,open,ok,no,
    t5,2026-01-05T09:30:00Z,open,ok,no,
    """


def test_reject_policy_stores_nothing_from_a_bad_file_and_names_every_bad_cell(
    desk: Helpdesk,
) -> None:
    desk.write_all(CANONICAL)
    assert desk.sync().status == "succeeded"
    before = desk.dump()
    desk.write("tickets.csv", BAD_TICKETS)

    # A batch size of 1 would store t1 at once if validation did not come first.
    result = desk.sync(batch_size=1)

    assert result.status == "failed"
    assert _error_of(result, "tickets") == (
        "tickets.csv: 4 bad rows; nothing from this file was stored\n"
        '  tickets.csv, line 4, column "created_at", value "yesterday": not a valid timestamp '
        "(ISO 8601 expected, e.g. 2026-01-05T09:30:00Z)\n"
        '  tickets.csv, line 5, column "status", value "opened": not one of new, open, pending, '
        "on_hold, solved, closed, deleted, spam (map other codes in a "
        "[connections.helpdesk.values.status] table)\n"
        '  tickets.csv, line 5, column "escalated", value "perhaps": not a boolean '
        "(true/false, 1/0 or yes/no expected)\n"
        '  tickets.csv, line 8, column "resolved_at", value "2026-01-01T00:00:00Z": resolved_at '
        "(2026-01-01T00:00:00+00:00) is before created_at\n"
        '  tickets.csv, line 9, column "id", value "": a value is required'
    )
    assert desk.dump() == before
    assert desk.last_runs()["tickets"].records == 0
    assert desk.store.count("rejected_rows") == 0
    # The other streams were unchanged, and said so without writing anything.
    assert {s.stream: s.records for s in result.streams if s.stream != "tickets"} == {
        "groups": 0,
        "agents": 0,
        "organizations": 0,
        "customers": 0,
        "interactions": 0,
        "surveys": 0,
        "ticket_events": 0,
    }


def test_skip_policy_stores_good_rows_and_keeps_the_bad_ones(desk: Helpdesk) -> None:
    desk.write("tickets.csv", BAD_TICKETS)

    result = desk.sync(on_error="skip", batch_size=2)

    assert result.status == "succeeded", result.error
    assert [(t["id"], t["subject"]) for t in desk.rows("tickets")] == [
        ("t1", "Printer\non fire"),
        ("t5", "ok"),
    ]
    rejected = list(
        desk.store.db.query(
            "SELECT stream, location, field, value, reason, data FROM rejected_rows ORDER BY id"
        )
    )
    assert [(r["location"], r["field"], r["value"]) for r in rejected] == [
        ("tickets.csv:4", "created_at", "yesterday"),
        ("tickets.csv:5", "status", "opened"),
        ("tickets.csv:5", "escalated", "perhaps"),
        ("tickets.csv:8", "resolved_at", "2026-01-01T00:00:00Z"),
        ("tickets.csv:9", "id", ""),
    ]
    assert rejected[0]["reason"] == (
        "not a valid timestamp (ISO 8601 expected, e.g. 2026-01-05T09:30:00Z)"
    )
    assert {r["stream"] for r in rejected} == {"tickets"}
    assert json.loads(rejected[1]["data"]) == {
        "id": "t3",
        "created_at": "2026-01-05T09:30:00Z",
        "status": "opened",
        "subject": "Line one\nline two\nline three",
        "escalated": "perhaps",
        "resolved_at": "",
    }
    run = desk.last_runs()["tickets"]
    assert (run.status, run.records, run.rejected) == ("succeeded", 2, 5)


def test_survey_score_outside_its_scale_names_the_score(desk: Helpdesk) -> None:
    desk.write(
        "surveys.csv",
        "id,kind,score,scale_max,created_at\ns1,csat,6,,2026-01-05\ns2,csat,6,10,2026-01-05\n",
    )

    result = desk.sync()

    assert _error_of(result, "surveys") == (
        "surveys.csv: 1 bad row; nothing from this file was stored\n"
        '  surveys.csv, line 2, column "score", value "6": score 6 is outside the scale 1–5'
    )


def test_range_errors_name_their_column_in_file_order(desk: Helpdesk) -> None:
    desk.write(
        "tickets.csv",
        "id,created_at,reopens,handle_seconds\nt1,2026-01-05,-1,nan\nt2,2026-01-05,1.5,-3\n",
    )
    desk.write(
        "surveys.csv",
        "id,kind,score,scale_min,scale_max,created_at\n"
        "s1,csat,3,5,1,2026-01-05\n"
        "s2,binary,1,,,2026-01-05\n",
    )
    desk.write("customers.csv", "id,created_at,churned_at\nc1,2026-01-05,2025-12-31T23:00:00Z\n")

    result = desk.sync()

    assert _error_of(result, "tickets") == (
        "tickets.csv: 2 bad rows; nothing from this file was stored\n"
        '  tickets.csv, line 2, column "reopens", value "-1": input should be greater than or '
        "equal to 0\n"
        '  tickets.csv, line 2, column "handle_seconds", value "nan": not a finite number\n'
        '  tickets.csv, line 3, column "reopens", value "1.5": not a whole number\n'
        '  tickets.csv, line 3, column "handle_seconds", value "-3": input should be greater '
        "than or equal to 0"
    )
    # A bad kind leaves no default scale, but only the kind is reported.
    assert _error_of(result, "surveys") == (
        "surveys.csv: 2 bad rows; nothing from this file was stored\n"
        '  surveys.csv, line 2, column "scale_min", value "5": scale_min 5.0 is not below '
        "scale_max 1.0\n"
        '  surveys.csv, line 3, column "kind", value "binary": not one of csat, nps, ces (map '
        "other codes in a [connections.helpdesk.values.kind] table)"
    )
    assert _error_of(result, "customers") == (
        "customers.csv: 1 bad row; nothing from this file was stored\n"
        '  customers.csv, line 2, column "churned_at", value "2025-12-31T23:00:00Z": churned_at '
        "is before created_at"
    )


def test_a_row_with_more_cells_than_the_header_is_bad(desk: Helpdesk) -> None:
    desk.write("groups.csv", "id,name\ng1,Support,extra\ng2,Billing,\n")

    result = desk.sync()

    assert _error_of(result, "groups") == (
        "groups.csv: 1 bad row; nothing from this file was stored\n"
        "  groups.csv, line 2: row has 3 cells but the header has 2 (a delimiter inside a cell "
        "that is not quoted?)"
    )


def test_missing_required_column_names_file_column_and_headers(desk: Helpdesk) -> None:
    desk.write("interactions.csv", "id,Ticket,author_role,created_at\nm1,t1,agent,2026-01-05\n")

    result = desk.sync()

    assert _error_of(result, "interactions") == (
        'interactions.csv: missing required column ticket_id (headers found: "id", "Ticket", '
        '"author_role", "created_at"); name the column so, or map a header in '
        "[connections.helpdesk.columns.interactions]"
    )
    assert desk.store.count("interactions") == 0


def test_two_headers_on_one_field_is_an_error(desk: Helpdesk) -> None:
    desk.write("groups.csv", "ID,Name,Team name\ng1,Support,Support EU\n")

    result = desk.sync(columns={"groups": {"Team name": "name"}})

    assert _error_of(result, "groups") is None  # "Name" yields to the rename: a custom field
    assert desk.rows("groups")[0]["custom_fields"] == '{"Name": "Support"}'

    result = desk.sync(columns={"groups": {"Team name": "name", "Name": "name"}})

    assert _error_of(result, "groups") == (
        'groups.csv: columns "Name" and "Team name" both give name; keep one (or rename one in '
        "[connections.helpdesk.columns.groups])"
    )


def test_invalid_utf8_names_file_and_line(desk: Helpdesk) -> None:
    (desk.data / "groups.csv").write_bytes(b"id,name\ng1,Support\ng2,Z\xfcrich\n")

    result = desk.sync()

    assert _error_of(result, "groups") == (
        "groups.csv, line 3: not UTF-8 text (byte 0xFC at position 5 of the line); "
        "save the file as UTF-8"
    )
    assert desk.store.count("groups") == 0


def test_an_unclosed_quote_is_an_error_not_a_swallowed_file(desk: Helpdesk) -> None:
    desk.write("groups.csv", 'id,name\ng1,"Support\ng2,Billing\n')

    result = desk.sync()

    assert _error_of(result, "groups") == (
        "groups.csv, line 2: not readable as CSV (unexpected end of data); a quote opened in "
        "this row is never closed"
    )


# -- incremental sync --------------------------------------------------------------------------


def test_resync_of_unchanged_files_reads_nothing(desk: Helpdesk) -> None:
    desk.write_all(CANONICAL)
    desk.sync()
    states = desk.store.states("helpdesk")

    result = desk.sync()

    assert result.records == 0
    assert desk.store.states("helpdesk") == states  # not even updated_at moved
    assert desk.state("tickets")["files"].keys() == {"tickets.csv", "interactions.csv"}


def test_a_touched_identical_file_is_not_read_again(desk: Helpdesk) -> None:
    desk.write_all(CANONICAL)
    desk.sync()
    before = desk.state("agents")["files"]["agents.csv"]
    _touch(desk.data / "agents.csv")

    result = desk.sync()

    assert result.records == 0
    after = desk.state("agents")["files"]["agents.csv"]
    assert after["mtime_ns"] == before["mtime_ns"] + 10_000_000_000
    assert (after["size"], after["sha256"]) == (before["size"], before["sha256"])


def test_only_the_changed_file_is_read_again(desk: Helpdesk) -> None:
    desk.write_all(CANONICAL)
    desk.sync()
    desk.write("agents.csv", CANONICAL["agents.csv"] + "        a2,Grace,grace@example.com,g2\n")

    desk.sync()

    assert {stream: run.records for stream, run in desk.last_runs().items()} == {
        "groups": 0,
        "agents": 2,
        "organizations": 0,
        "customers": 0,
        "interactions": 0,
        "tickets": 0,
        "surveys": 0,
        "ticket_events": 0,
    }
    assert [a["id"] for a in desk.rows("agents")] == ["a1", "a2"]


def test_changing_the_mapping_re_reads_an_unchanged_file(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "id,created_at,status\nt1,2026-01-05,open\nt2,2026-01-05,Done\n")
    first = desk.sync(on_error="skip")
    assert (first.records, desk.last_runs()["tickets"].rejected) == (1, 1)

    again = desk.sync(on_error="skip")
    mapped = desk.sync(on_error="skip", values={"status": {"done": "solved"}})
    unrelated = desk.sync(on_error="skip", values={"status": {"done": "solved"}, "kind": {}})

    assert (again.records, mapped.records, unrelated.records) == (0, 2, 0)
    assert [(t["id"], t["status"]) for t in desk.rows("tickets")] == [
        ("t1", "open"),
        ("t2", "solved"),
    ]


def test_a_file_that_appears_later_is_read(desk: Helpdesk) -> None:
    desk.write("groups.csv", "id\ng1\n")
    desk.sync()
    assert desk.state("agents")["files"] == {"agents.csv": None}

    desk.write("agents.csv", "id\na1\n")
    desk.sync()

    assert desk.last_runs()["agents"].records == 1


def test_a_header_only_file_records_its_state(desk: Helpdesk) -> None:
    desk.write("tickets.csv", "id,created_at\n")

    result = desk.sync()

    assert result.status == "succeeded"
    assert desk.state("tickets")["files"]["tickets.csv"]["size"] == 14


def test_state_rides_on_the_last_batch_only(desk: Helpdesk) -> None:
    desk.write("groups.csv", "id\n" + "".join(f"g{i}\n" for i in range(5)))

    for policy in ("reject", "skip"):
        batches = list(desk.connector(batch_size=2, on_error=policy).read("groups", None))

        assert [len(b.records) for b in batches] == [2, 2, 1]
        assert [b.state is None for b in batches] == [True, True, False]
        assert batches[-1].state["files"]["groups.csv"]["size"] == 18


def test_a_large_file_is_validated_then_stored_in_batches(desk: Helpdesk) -> None:
    rows = "".join(f"t{i},2026-01-05T09:30:00Z,{i % 4}\n" for i in range(2500))
    desk.write("tickets.csv", "id,created_at,reopens\n" + rows)

    result = desk.sync(batch_size=1000)

    assert result.status == "succeeded"
    assert desk.store.count("tickets") == 2500
    total = desk.store.conn.execute("SELECT sum(reopens) FROM tickets").fetchone()[0]
    assert total == 625 * (0 + 1 + 2 + 3)


# -- connection problems and options -----------------------------------------------------------


def test_missing_directory_fails_check_and_sync(desk: Helpdesk) -> None:
    connector = desk.connector(path="nowhere")
    expected = f"{desk.root / 'nowhere'}: directory not found (set by connections.helpdesk.path)"

    with pytest.raises(deskmetrics.ConnectorError) as raised:
        connector.check()
    assert str(raised.value) == expected

    result = deskmetrics.sync.engine.sync_connector(desk.store, connector)
    assert result.status == "failed"
    assert result.error == f"groups: {expected}"
    assert all(s.error == expected for s in result.streams)


def test_path_to_a_file_is_not_a_directory(desk: Helpdesk) -> None:
    desk.write("groups.csv", "id\ng1\n")

    with pytest.raises(deskmetrics.ConnectorError, match=r"groups\.csv: not a directory"):
        desk.connector(path="data/groups.csv").check()


def test_check_of_an_empty_directory_names_the_expected_files(desk: Helpdesk) -> None:
    with pytest.raises(deskmetrics.ConnectorError) as raised:
        desk.connector().check()

    assert str(raised.value) == (
        f"{desk.data}: none of tickets.csv, interactions.csv, surveys.csv, customers.csv, "
        "agents.csv, groups.csv, organizations.csv, ticket_events.csv is there"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"on_error": "maybe"},
            "connections.helpdesk.on_error: Input should be 'reject' or 'skip' (got 'maybe')",
        ),
        (
            {"timezone": "Europe/Berln"},
            "connections.helpdesk.timezone: 'Europe/Berln' is not an IANA time zone "
            "(e.g. Europe/Berlin)",
        ),
        ({"batch_size": 0}, "connections.helpdesk.batch_size: Input should be greater than"),
        ({"delimiter": ";;"}, "connections.helpdesk.delimiter: must be one character"),
        ({"colums": {}}, "connections.helpdesk.colums: Extra inputs are not permitted"),
        ({"values": {"stauts": {"a": "b"}}}, "'stauts' is not a canonical field name"),
        (
            {"columns": {"tickets": {"Created": "created"}}},
            "tickets: 'Created' is mapped to 'created', which is not a tickets field",
        ),
        ({"columns": {"ticket": {}}}, "'ticket' is not one of the files' streams"),
    ],
)
def test_bad_options_are_config_errors(
    desk: Helpdesk, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(deskmetrics.ConfigError) as raised:
        desk.connector(**options)

    assert str(raised.value).startswith(f"{desk.root / 'deskmetrics.toml'}: ")
    assert message in str(raised.value)


def test_an_emptied_cell_clears_the_stored_value_and_absent_columns_keep_theirs(
    desk: Helpdesk,
) -> None:
    desk.write(
        "tickets.csv",
        "id,created_at,status,resolved_at,tags,product\n"
        't1,2026-01-05T09:00:00Z,solved,2026-01-05T12:00:00Z,"refund,vip",Pro\n',
    )
    assert desk.sync().status == "succeeded"
    desk.store.write(
        [deskmetrics.TicketUpdate(id="t1", resolution_due_at=datetime(2026, 1, 6, tzinfo=UTC))],
        source="helpdesk",
    )
    # The ticket was reopened: its export now has empty resolved_at, tags and product cells.
    desk.write(
        "tickets.csv",
        "id,created_at,status,resolved_at,tags,product\nt1,2026-01-05T09:00:00Z,open,,,\n",
    )
    assert desk.sync().status == "succeeded"
    row = desk.row("tickets", "t1")
    assert (row["status"], row["resolved_at"], row["tags"], row["custom_fields"]) == (
        "open",
        None,
        "[]",
        "{}",
    )
    assert desk.store.count("ticket_tags") == 0
    # resolution_due_at is not a column of this file: what another stream stored stays.
    assert row["resolution_due_at"] == "2026-01-06T00:00:00.000000Z"


def test_a_folder_without_any_csv_file_syncs_nothing_with_a_warning(desk: Helpdesk) -> None:
    connector = desk.connector()
    result = deskmetrics.sync.engine.sync_connector(desk.store, connector)
    assert result.status == "succeeded"
    assert result.records == 0
    assert result.warnings == [
        f"{desk.data}: none of tickets.csv, interactions.csv, surveys.csv, customers.csv, "
        "agents.csv, groups.csv, organizations.csv, ticket_events.csv is there; nothing to sync"
    ]

"""The CSV connector's one-go row reader (row_reader.py) against its cell-by-cell checks: for any
row, both give the same record with the same fields set, or the checks name the problems.

The one-go path builds most records with ``Record.trusted`` (trusted_rows.py), unvalidated: so
the records are compared value by value, with each value's type and time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deskmetrics
from deskmetrics_csv.cells import Cells
from deskmetrics_csv.rows import Fill, HeaderMap, RowConverter
from deskmetrics_csv.streams import STREAMS

_GOOD: dict[str, list[str]] = {
    # Per kind of column: cells that read fine (edge cases included) ...
    "timestamp": [
        "2026-02-05T09:30:00Z",
        "2026-02-05T09:30:00.123456+02:00",
        "2026-02-05 09:30",
        "2026-03-29T02:30:00",
        "2026-10-25T02:30:00",
        " 2026-02-05T10:00:00Z ",
        "",
        "2027-01-05T09:30:00Z",
    ],
    "int": ["0", "3", " 2 ", "3.0", "1_000", "1e3", ""],
    "float": ["0", "12.5", " 7 ", "1e3", ""],
    "bool": ["true", "FALSE", "1", "0", "yes", "No", ""],
    "tags": ["", "a", "b, a ,b", ",,", "vip,Billing"],
    "text": ["", " ", "x", " padded ", "ünïcödé"],
}
_BAD: dict[str, list[str]] = {
    # ... and cells the checks refuse, alone or with the row's other cells.
    "timestamp": ["05.01.2026", "2026-13-01T00:00:00Z", "2025-01-01T00:00:00Z", " "],
    "int": ["2.5", "-1", "x", "-0.5"],
    "float": ["nan", "inf", "1,5", "-3"],
    "bool": ["maybe", "2"],
    "tags": [],
    "text": [],
}
_CHOICES = {
    "status": (["open", "Solved", "pending", "closed", ""], ["weird"]),
    "priority": (["low", "URGENT", ""], ["p1"]),
    "channel": (["email", "chat", ""], ["fax"]),
    "kind": (["csat", "NPS", "ces", "poll"], ["survey", ""]),
    "score": (["", "1", "4.5", "5", "9", "10", "0"], ["11", "-1", "x"]),
    "scale_min": (["", "", "0", "1"], ["x"]),
    "scale_max": (["", "", "5", "10", "7"], ["0"]),
    "author_role": (["agent", "customer", "bot"], ["robot", ""]),
}
_CREATED = ["2026-01-05T09:30:00Z", "2026-01-04 23:00", "2026-01-05T09:30:00.5+01:00"]


def _pools(name: str, kind: str, required: bool) -> tuple[list[str], list[str]]:
    if name in _CHOICES:
        return _CHOICES[name]
    if name in ("created_at", "id"):
        good = _CREATED if name == "created_at" else ["7", " t-9 ", "ü"]
        return good, ["", "yesterday"]
    good, bad = _GOOD.get(kind, _GOOD["text"]), _BAD.get(kind, [])
    if required:
        return [cell for cell in good if cell.strip()], [*bad, ""]
    return good, bad


def _converter(
    stream: str, values: dict[str, dict[str, str]], fill: Fill | None = None
) -> RowConverter:
    spec = STREAMS[stream]
    header = [*spec.fields, "Region"]
    cells = Cells(values=values, timezone="Europe/Berlin", connection="c", datetime_format=None)
    header_map = HeaderMap(spec, header, {}, "c")
    return RowConverter(spec, header_map, cells, keep_raw=False, fill=fill)


_MAPPED = {
    # Values tables on a timestamp and a bounded number: their reader, then UTC and the bound.
    "resolved_at": {"2025-01-01T00:00:00Z": "2026-02-05T09:30:00+02:00"},
    "reopens": {"x": "-1", "2.5": "4"},
    "status": {"weird": "Solved"},
}


def _derive(data: dict[str, Any]) -> list[str]:
    """As interactions.csv would: a first response (sometimes before creation), a reply count."""
    if data.get("first_response_at") is not None:
        return []
    data["first_response_at"] = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)
    data["agent_replies"] = 2
    return ["first_response_at", "agent_replies"]


@st.composite
def _rows(draw: st.DrawFn, stream: str) -> list[str]:
    """A row of good cells, and now and then one or two bad ones among them."""
    spec = STREAMS[stream]
    pools = [
        _pools(name, field.kind.name.lower(), name in spec.required)
        for name, field in spec.fields.items()
    ]
    row = [draw(st.sampled_from(good)) for good, _ in pools] + [draw(st.sampled_from(["", "EU"]))]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        column = draw(st.integers(0, len(pools) - 1))
        if pools[column][1]:
            row[column] = draw(st.sampled_from(pools[column][1]))
    return row


_SEEN: dict[str, int] = {"record": 0, "problems": 0, "trusted": 0}


def _identical(fast: deskmetrics.Record, checked: deskmetrics.Record) -> None:
    """The same record down to each value's type, time zone and list or dict of its own."""
    assert type(fast) is type(checked)
    assert fast.model_fields_set == checked.model_fields_set
    assert list(vars(fast)) == list(vars(checked))
    for name, value in vars(checked).items():
        mine = getattr(fast, name)
        assert (name, type(mine), mine) == (name, type(value), value)
        if hasattr(value, "tzinfo"):
            assert (name, mine.tzinfo) == (name, value.tzinfo)
        if isinstance(value, list | dict):
            assert mine is not value


def _same(converter: RowConverter, cells: list[str]) -> None:
    fast, fast_problems = converter.convert(2, cells)
    checked, problems = converter._checked(2, cells)
    assert [str(p) for p in fast_problems] == [str(p) for p in problems]
    if checked is None:
        assert fast is None and problems
        _SEEN["problems"] += 1
        return
    _SEEN["record"] += 1
    assert fast is not None
    _identical(fast, checked)
    assert fast.model_dump() == checked.model_dump()
    data = converter._read_row(cells)
    if data is not None and converter._trusted is not None:
        converter._add_row_fields(data, cells)
        if converter.fill is not None:
            converter.fill(data)
        _SEEN["trusted"] += converter._trusted(data) is not None


@settings(max_examples=600, deadline=None)
@given(cells=_rows("tickets"))
def test_tickets_read_in_one_go_equal_the_checked_ones(cells: list[str]) -> None:
    converter = _converter("tickets", {})
    _same(converter, cells)


@settings(max_examples=300, deadline=None)
@given(cells=_rows("tickets"))
def test_tickets_with_values_tables_and_derived_fields_equal_the_checked_ones(
    cells: list[str],
) -> None:
    converter = _converter("tickets", _MAPPED, fill=_derive)
    _same(converter, cells)


@settings(max_examples=400, deadline=None)
@given(cells=_rows("surveys"))
def test_surveys_read_in_one_go_equal_the_checked_ones(cells: list[str]) -> None:
    converter = _converter("surveys", {"kind": {"poll": "csat"}})
    _same(converter, cells)


@settings(max_examples=300, deadline=None)
@given(cells=_rows("interactions"))
def test_interactions_read_in_one_go_equal_the_checked_ones(cells: list[str]) -> None:
    converter = _converter("interactions", {"author_role": {"bot": "agent"}})
    _same(converter, cells)


@settings(max_examples=300, deadline=None)
@given(cells=_rows("customers"))
def test_customers_read_in_one_go_equal_the_checked_ones(cells: list[str]) -> None:
    converter = _converter("customers", {})
    _same(converter, cells)


def test_a_usual_ticket_row_is_read_without_the_cell_checks() -> None:
    converter = _converter("tickets", {})
    header = converter.columns.header
    row = dict.fromkeys(header, "")
    row |= {"id": "7", "created_at": "2026-01-05T09:30:00", "status": "Solved", "reopens": "2"}
    row |= {"escalated": "yes", "tags": "b,a,b", "handle_seconds": "90.5", "Region": "EU"}
    data = converter._read_row([row[title] for title in header])
    assert data is not None
    assert (data["status"].value, data["reopens"], data["escalated"]) == ("solved", 2, True)
    assert (data["tags"], data["handle_seconds"]) == (["b", "a"], 90.5)
    assert data["created_at"] == datetime(2026, 1, 5, 8, 30, tzinfo=UTC)  # from Berlin's 09:30
    assert data["created_at"].tzinfo is UTC
    assert data["priority"] is None and "custom_fields" not in data
    # A cell the one-go reader leaves to the checks: "3.0" is a whole number only to them.
    row["reopens"] = "3.0"
    assert converter._read_row([row[title] for title in header]) is None
    record, problems = converter.convert(2, [row[title] for title in header])
    assert problems == [] and record is not None
    assert (record.reopens, record.custom_fields) == (3, {"Region": "EU"})  # type: ignore[attr-defined]


def test_the_oracles_saw_good_and_bad_rows() -> None:
    # Runs after the property tests above (file order): each kind of outcome was exercised.
    if not any(_SEEN.values()):
        pytest.skip("only meaningful after the property tests of this file")
    assert _SEEN["record"] >= 100 and _SEEN["problems"] >= 100, _SEEN
    assert _SEEN["trusted"] >= 100 and _SEEN["trusted"] < _SEEN["record"], _SEEN

"""The real-data dimensions (#13.3) in --by and --where: columns, requester, language, group."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import (
    Customer,
    Filter,
    Record,
    Store,
    SurveyKind,
    SurveyResponse,
    Ticket,
    build_report,
)
from deskmetrics.config.loading import parse_config
from deskmetrics.metrics.dimensions import DIMENSIONS

START, END = date(2026, 1, 5), date(2026, 1, 12)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ticket(id: str, **fields: Any) -> Ticket:
    return Ticket(id=id, created_at=at("2026-01-06 09:00"), **fields)


RECORDS: list[Record] = [
    Customer(id="k1", name="Rita", email="rita@example.com", language="de",
             created_at=at("2025-01-01 00:00")),
    Customer(id="k2", name="Sam", language="en-US", created_at=at("2025-01-01 00:00")),
    ticket("t1", type="incident", brand="Acme", custom_status="Waiting on vendor",
           ticket_form="Printers", via_detail="help@acme.com", product="Printer",
           mailbox="Support", requester_id="k1", group_id="g1"),
    ticket("t2", type="question", brand="Acme", requester_id="k2", language="fr"),
    ticket("t3", type="incident", brand="Beta", requester_id="k1"),
    SurveyResponse(id="s1", ticket_id="t1", kind=SurveyKind.CSAT, score=5, group_id="g2",
                   created_at=at("2026-01-07 09:00")),
]  # fmt: skip


def build(tmp_path: Path, **options: Any) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        store.write(RECORDS, source="desk")
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        options = {"start": START, "end": END, "as_of": at("2026-01-12 00:00"), **options}
        return build_report(store, settings, **options).to_dict()


def volumes(report: dict[str, Any], dimension: str) -> dict[Any, Any]:
    return {
        e["label"]: e["metrics"]["ticket_volume"]["value"] for e in report["breakdowns"][dimension]
    }


@pytest.mark.parametrize(
    ("dimension", "expected"),
    [
        ("type", {"incident": 2, "question": 1}),
        ("brand", {"Acme": 2, "Beta": 1}),
        ("custom_status", {"Waiting on vendor": 1, "(none)": 2}),
        ("ticket_form", {"Printers": 1, "(none)": 2}),
        ("via_detail", {"help@acme.com": 1, "(none)": 2}),
        ("product", {"Printer": 1, "(none)": 2}),
        ("mailbox", {"Support": 1, "(none)": 2}),
        # The ticket's own language wins; else the requester's.
        ("language", {"de": 2, "fr": 1}),
        ("requester", {"Rita": 2, "Sam": 1}),  # by the customer's name
    ],
)
def test_breakdowns(tmp_path: Path, dimension: str, expected: dict[str, int]) -> None:
    assert dimension in DIMENSIONS
    assert volumes(build(tmp_path, by=[dimension]), dimension) == expected


@pytest.mark.parametrize(
    ("where", "volume"),
    [
        ("type=incident", 2),
        ("brand=Beta", 1),
        ("requester=Rita", 2),
        ("requester=RITA@example.com", 2),
        ("requester=k2", 1),
        ("language=de", 2),
    ],
)
def test_filters(tmp_path: Path, where: str, volume: int) -> None:
    report = build(tmp_path, filters=[Filter.parse(where)])
    assert report["metrics"]["ticket_volume"]["value"] == volume


def test_a_survey_keeps_its_own_group(tmp_path: Path) -> None:
    report = build(tmp_path, by=["group"])
    csat = {e["key"]: e["metrics"]["csat"]["value"] for e in report["breakdowns"]["group"]}
    assert csat["g2"] == 100.0  # the survey's group, not its ticket's g1
    assert csat["g1"] is None

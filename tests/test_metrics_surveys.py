"""Survey KPIs (spec §5): CSAT midpoint and latest-response rule, response rate, NPS, CES."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Record, Status, Store, SurveyKind, SurveyResponse, Ticket, build_report
from deskmetrics.config.loading import parse_config

START, END = date(2026, 1, 5), date(2026, 1, 12)
AS_OF = datetime(2026, 1, 12, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def response(
    id: str, kind: str, score: float | None, created: str = "2026-01-06 10:00", **fields: Any
) -> SurveyResponse:
    return SurveyResponse(
        id=id, kind=SurveyKind(kind), score=score, created_at=at(created), **fields
    )


def metrics(tmp_path: Path, sources: dict[str, list[Record]]) -> dict[str, Any]:
    with Store(tmp_path / "x.db") as store:
        for source, records in sources.items():
            store.write(records, source=source)
        config = parse_config({"report": {"min_sample": 1}}, None)
        report = build_report(store, config.report_settings(), start=START, end=END, as_of=AS_OF)
        return report.to_dict()["metrics"]


CSAT = [
    response("c1", "csat", 5, ticket_id="T1"),
    response("c2", "csat", 3, ticket_id="T2"),  # the midpoint of 1–5 is not satisfied
    response("c3", "csat", 4, "2026-01-06 10:00", ticket_id="T3"),
    response("c3b", "csat", 2, "2026-01-07 10:00", ticket_id="T3"),  # replaces c3
    response("c4", "csat", 4),  # no ticket: each counts on its own
    response("c5", "csat", 4),
    response("c6", "csat", None, ticket_id="T6"),  # offered, never answered
    response("c7", "csat", 5, "2026-01-08 10:00", ticket_id="T7"),
    response("c7b", "csat", 1, "2026-01-13 10:00", ticket_id="T7"),  # replaced after the period
    response("c8", "csat", 5, ticket_id="T8"),  # on a deleted ticket
    response("c9", "csat", 1, ticket_id="T9", scale_min=0, scale_max=1),  # binary good
    response("c10", "csat", 0, ticket_id="T10", scale_min=0, scale_max=1),  # binary bad
    response("c11", "csat", 5, "2026-01-04 10:00", ticket_id="T11"),  # before the period
    response("c12a", "csat", 1, "2026-01-09 10:00", ticket_id="T12"),
    response("c12b", "csat", 5, "2026-01-09 10:00", ticket_id="T12"),  # same instant: higher id
    Ticket(id="T8", created_at=at("2026-01-05 08:00"), status=Status.DELETED),
]


def test_csat_counts_each_tickets_latest_answer(tmp_path: Path) -> None:
    m = metrics(tmp_path, {"s": CSAT})
    # c1 ✓, c2 ✗, c3b ✗, c4 ✓, c5 ✓, c9 ✓, c10 ✗, c12b ✓
    assert (m["csat"]["value"], m["csat"]["n"]) == (62.5, 8)


def test_csat_response_rate(tmp_path: Path) -> None:
    m = metrics(tmp_path, {"s": CSAT})
    # the nine latest rows per ticket in the period, of which c6 is unanswered
    rate = m["csat_response_rate"]
    assert (rate["n"], rate["value"]) == (9, pytest.approx(100 * 8 / 9))


def test_response_rate_only_from_sources_that_record_offers(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        {
            "records-offers": [
                response("a1", "csat", 5, ticket_id="1"),
                response("a2", "csat", None, ticket_id="2"),
            ],
            "answers-only": [response("b1", "csat", 5, ticket_id="1")],
        },
    )
    assert (m["csat_response_rate"]["value"], m["csat_response_rate"]["n"]) == (50.0, 2)
    assert (m["csat"]["value"], m["csat"]["n"]) == (100.0, 2)


def test_response_rate_is_null_when_no_source_records_offers(tmp_path: Path) -> None:
    m = metrics(tmp_path, {"s": [response("a1", "csat", 5, ticket_id="1")]})
    assert m["csat_response_rate"]["value"] is None
    assert m["csat_response_rate"]["n"] == 0


def nps_answers() -> list[Record]:
    scores = [10] * 25 + [9] * 25 + [8] * 15 + [7] * 15 + [6] * 10 + [0] * 10
    return [response(f"n{i}", "nps", score) for i, score in enumerate(scores)]


def test_nps_worked_example(tmp_path: Path) -> None:
    m = metrics(tmp_path, {"s": nps_answers()})
    nps = m["nps"]
    assert nps["value"] == pytest.approx(30.0)
    assert nps["n"] == 100
    # 30 ± 15.31
    assert nps["ci_low"] == pytest.approx(14.69, abs=0.01)
    assert nps["ci_high"] == pytest.approx(45.31, abs=0.01)
    assert (nps["promoters"], nps["passives"], nps["detractors"]) == (50.0, 30.0, 20.0)
    assert list(nps) == [
        "value", "unit", "n", "ci_low", "ci_high", "promoters", "passives", "detractors",
        "low_sample",
    ]  # fmt: skip


def test_nps_interval_is_clamped(tmp_path: Path) -> None:
    m = metrics(tmp_path, {"s": [response("n1", "nps", 10), response("n2", "nps", 0)]})
    nps = m["nps"]
    # 0 ± 1.96 × 100 × sqrt(1 / 2) = ±138.6, clamped to the scale
    assert (nps["value"], nps["ci_low"], nps["ci_high"]) == (0.0, -100.0, 100.0)


def test_ces_raw_mean_normalized_and_interval(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        {"s": [response("e1", "ces", 5), response("e2", "ces", 7), response("e3", "ces", 6)]},
    )
    ces = m["ces"]
    half = 1.96 / 3**0.5  # s = 1, n = 3
    assert ces["value"] == pytest.approx(6.0)
    assert (ces["ci_low"], ces["ci_high"]) == (
        pytest.approx(6 - half, abs=1e-5),
        pytest.approx(6 + half, abs=1e-5),
    )
    # 100 × (x − 1) / 6 for 5, 7, 6: 66.67, 100, 83.33
    assert ces["normalized"] == pytest.approx(250 / 3)
    assert (ces["scale_min"], ces["scale_max"]) == (1, 7)


def test_ces_normalized_is_reversed_when_lower_is_better(tmp_path: Path) -> None:
    low_good = {"scale_min": 1, "scale_max": 5, "higher_is_better": False}
    m = metrics(
        tmp_path,
        {"s": [response("e1", "ces", 1, **low_good), response("e2", "ces", 2, **low_good)]},
    )
    ces = m["ces"]
    # 100 × (5 − 1) / 4 = 100 and 100 × (5 − 2) / 4 = 75
    assert (ces["value"], ces["normalized"]) == (1.5, 87.5)
    assert (ces["scale_min"], ces["scale_max"]) == (1, 5)


def test_ces_mixed_scales_have_no_single_scale(tmp_path: Path) -> None:
    m = metrics(
        tmp_path,
        {"s": [response("e1", "ces", 5), response("e2", "ces", 4, scale_min=1, scale_max=5)]},
    )
    assert (m["ces"]["scale_min"], m["ces"]["scale_max"]) == (None, None)
    # 100 × 4/6 and 100 × 3/4
    assert m["ces"]["normalized"] == pytest.approx((400 / 6 + 75) / 2)


def test_series_buckets_count_survey_kpis_as_reports_of_each_bucket(tmp_path: Path) -> None:
    # A series reads its buckets through the latest responses' time indexes and tests each
    # response's ticket for a tombstone once: each day's CSAT, response rate and NPS must equal
    # a report of that day alone (which scans the table), the deleted ticket's answer excluded.
    nps = [
        response("n1", "nps", 10, "2026-01-06 09:00", ticket_id="T1"),
        response("n2", "nps", 3, "2026-01-06 11:00", ticket_id="T8"),  # the deleted ticket
        response("n3", "nps", 8, "2026-01-07 09:00"),
        response("n4", "nps", 6, "2026-01-08 09:00", ticket_id="T2"),
    ]
    with Store(tmp_path / "x.db") as store:
        store.write([*CSAT, *nps], source="s")
        settings = parse_config({"report": {"min_sample": 1}}, None).report_settings()
        series = build_report(store, settings, start=START, end=END, as_of=AS_OF, grain="day")
        assert series.series is not None
        seen = 0
        for bucket in series.series.buckets:
            day = bucket.start.date()
            alone = build_report(
                store, settings, start=day, end=date.fromordinal(day.toordinal() + 1), as_of=AS_OF
            )
            for mid in ("csat", "csat_response_rate", "nps"):
                got, want = bucket.metrics[mid], alone.metrics[mid]
                assert (got.n, got.successes, got.value) == (want.n, want.successes, want.value)
                seen += got.n
    assert seen > 8
    assert series.metrics["nps"].n == 3  # n2, on the deleted ticket, is not counted


def test_latest_responses_read_only_the_window_not_the_history(tmp_path: Path) -> None:
    # A ticket answered twice long before the period (c0a, c0b) makes no difference to what
    # the period reads, and the responses are reached through the time indexes: a store
    # with years of answers pays for its window, not for its history (#14, goal 3).
    old = [
        response("c0a", "csat", 1, "2025-03-01 10:00", ticket_id="T0"),
        response("c0b", "csat", 2, "2025-03-02 10:00", ticket_id="T0"),
    ]
    statements: list[str] = []
    with Store(tmp_path / "x.db") as store:
        store.write([*CSAT, *old], source="s")
        store.conn.set_trace_callback(statements.append)
        config = parse_config({"report": {"min_sample": 1}}, None)
        report = build_report(store, config.report_settings(), start=START, end=END, as_of=AS_OF)
        store.conn.set_trace_callback(None)
        # The latest-responses table of each kind (a CREATE TABLE by its SELECT).
        reads = [
            sql.split(" AS ", 1)[1] if sql.startswith("CREATE TABLE") else sql
            for sql in statements
            if sql.startswith("CREATE TABLE temp.dm_latest") or "HAVING count(*) > 1" in sql
        ]
        plans = [
            " | ".join(row[-1] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for sql in reads
        ]
    assert (
        report.to_dict()["metrics"]["csat"]["value"]
        == metrics(tmp_path / "n", {"s": CSAT})["csat"]["value"]
    )
    assert len(plans) == 6  # 3 kinds × a table × (the period, the one before)
    for plan in plans:
        assert "(kind=?)" not in plan, plan  # a search on the kind alone reads all of history


# Created in this order on tickets T6 … T1: the responses' order (by ticket) is the reverse of
# their time order, and these CES scores' normalized values add up to a different float in
# the two orders (47.22222222222222 by ticket, 47.22222222222223 by time).
CES_BY_TIME = [
    response(f"e{i}", "ces", score, f"2026-01-0{6 + i // 3} 1{i}:00", ticket_id=f"T{6 - i}")
    for i, score in enumerate([3, 1, 4, 7, 4, 4])
]


def _normalized(score: float) -> float:
    return 100.0 * (score - 1) / 6


def test_ces_adds_its_normalized_scores_in_the_responses_order(tmp_path: Path) -> None:
    # CES's float average reads a sorted latest-responses table (by ticket, newest first), the
    # order it always added them up in, while counting KPIs read an unsorted one (#14 goal 2).
    by_time = [_normalized(r.score or 0) for r in CES_BY_TIME]
    by_ticket = list(reversed(by_time))
    assert sum(by_ticket) != sum(by_time)  # the order shows in the result
    statements: list[str] = []
    with Store(tmp_path / "x.db") as store:
        store.write([*CES_BY_TIME, *CSAT], source="s")
        store.conn.set_trace_callback(statements.append)
        config = parse_config({"report": {"min_sample": 1}}, None)
        report = build_report(store, config.report_settings(), start=START, end=END, as_of=AS_OF)
        store.conn.set_trace_callback(None)
    ces = report.to_dict()["metrics"]["ces"]
    total = 0.0
    for value in by_ticket:
        total += value  # as SQLite's avg() sums, one row after the other
    assert ces["normalized"] == total / 6
    tables = {
        sql.split("dm_latest_", 1)[1].split("_", 1)[0]: "ORDER BY" in sql
        for sql in statements
        if sql.startswith("CREATE TABLE temp.dm_latest") and "'2026-01-05T" in sql
    }
    # The report period's tables: CSAT's and NPS's are not sorted (only counting KPIs and
    # listings read them), CES's is.
    assert tables == {"csat": False, "nps": False, "ces": True}

"""csv, markdown, html, table and json on one tiny hand-made report: exact output, real numbers.

Three tickets, two agents, two ISO weeks, as of 2026-01-19:
first response 1 h, 3 h and 30 m → mean 5400 s, median 3600 s, p90 3600 + 0.8 × 7200 = 9360 s;
first contact resolution: ticket 1 (one reply, no reopen) of tickets 1 and 2 → 50 %, Wilson
9.45–90.55 %. Targets: first_response_time p90 ≤ 2 h (missed), FCR ≥ 70 (missed).
"""

# The expected CSV is pinned line for line, and its rows are longer than the line limit.
# ruff: noqa: E501

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from deskmetrics import Agent, Report, Status, Store, Ticket, build_report
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry

H = timedelta(hours=1)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return tiny_report(tmp_path_factory.mktemp("tiny"))


def render(name: str, report: Report) -> str:
    return get_registry().reporters[name]().render(report)


def tiny_report(tmp: Path) -> Report:
    t1 = datetime(2026, 1, 5, 9, tzinfo=UTC)
    t2 = datetime(2026, 1, 6, 10, tzinfo=UTC)
    t3 = datetime(2026, 1, 13, 8, tzinfo=UTC)
    records = [
        Agent(id="a1", name="Ann Lee"),
        Agent(id="a2", name="Bo | Chen"),
        Ticket(
            id="1",
            created_at=t1,
            assignee_id="a1",
            channel="email",
            status=Status.SOLVED,
            first_response_at=t1 + H,
            resolved_at=t1 + 2 * H,
            agent_replies=1,
        ),
        Ticket(
            id="2",
            created_at=t2,
            assignee_id="a1",
            channel="chat",
            status=Status.SOLVED,
            first_response_at=t2 + 3 * H,
            resolved_at=t2 + 24 * H,
            agent_replies=2,
            reopens=1,
        ),
        Ticket(
            id="3",
            created_at=t3,
            assignee_id="a2",
            channel="email",
            status=Status.OPEN,
            first_response_at=t3 + H / 2,
            agent_replies=1,
        ),
    ]
    config = parse_config(
        {
            "targets": {
                "first_response_time": {"p90": "2h"},
                "first_contact_resolution": {"min": 70},
            }
        },
        None,
    )
    chosen = ("ticket_volume", "first_response_time", "first_contact_resolution")
    metrics = {m: get_registry().metrics[m] for m in chosen}
    with Store(tmp / "tiny.db") as store:
        store.write(records, source="s")
        return build_report(
            store,
            config.report_settings(),
            start=date(2026, 1, 5),
            end=date(2026, 1, 19),
            as_of=datetime(2026, 1, 19, tzinfo=UTC),
            by=["agent"],
            grain="week",
            metrics=metrics,
        )


CSV = """\
scope,dimension,key,label,bucket_start,bucket_end,metric,unit,value,n,median,p90,ci_low,ci_high,low_sample,change,significant,target,target_met
overall,,,,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,ticket_volume,count,3,3,,,,,true,,,,
overall,,,,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_response_time,seconds,5400,3,3600,9360,,,true,,,p90 <= 7200,false
overall,,,,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_contact_resolution,percent,50,2,,,9.452865480086615,90.54713451991339,true,,,value >= 70,false
breakdown,agent,a1,Ann Lee,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,ticket_volume,count,2,2,,,,,true,,,,
breakdown,agent,a1,Ann Lee,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_response_time,seconds,7200,2,7200,10080,,,true,,,,
breakdown,agent,a1,Ann Lee,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_contact_resolution,percent,50,2,,,9.452865480086615,90.54713451991339,true,,,,
breakdown,agent,a2,Bo | Chen,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,ticket_volume,count,1,1,,,,,true,,,,
breakdown,agent,a2,Bo | Chen,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_response_time,seconds,1800,1,1800,1800,,,true,,,,
breakdown,agent,a2,Bo | Chen,2026-01-05T00:00:00Z,2026-01-19T00:00:00Z,first_contact_resolution,percent,,0,,,,,true,,,,
series,week,,,2026-01-05T00:00:00Z,2026-01-12T00:00:00Z,ticket_volume,count,2,2,,,,,true,,,,
series,week,,,2026-01-05T00:00:00Z,2026-01-12T00:00:00Z,first_response_time,seconds,7200,2,7200,10080,,,true,,,,
series,week,,,2026-01-05T00:00:00Z,2026-01-12T00:00:00Z,first_contact_resolution,percent,50,2,,,9.452865480086615,90.54713451991339,true,,,,
series,week,,,2026-01-12T00:00:00Z,2026-01-19T00:00:00Z,ticket_volume,count,1,1,,,,,true,-1,,,
series,week,,,2026-01-12T00:00:00Z,2026-01-19T00:00:00Z,first_response_time,seconds,1800,1,1800,1800,,,true,-5400,,,
series,week,,,2026-01-12T00:00:00Z,2026-01-19T00:00:00Z,first_contact_resolution,percent,,0,,,,,true,,,,
"""

MARKDOWN = """\
# deskmetrics report

**Period:** 2026-01-05 → 2026-01-19 (end exclusive, UTC) · **as of** 2026-01-19 00:00 UTC

## Targets

| KPI | Actual | Target | Status |
| :-- | --: | :-- | :-- |
| First response time | 2 h 36 m | p90 ≤ 2 h 0 m | ✘ missed |
| First contact resolution | 50.0 % | ≥ 70.0 % | ✘ missed |

## Speed

| KPI | Value | n | Median | P90 | 95 % CI | Target |
| :-- | --: | --: | --: | --: | --: | :-- |
| First response time | 1 h 30 m° | 3 | 1 h 0 m | 2 h 36 m |  | p90 ≤ 2 h 0 m ✘ missed |

## Quality

| KPI | Value | n | Median | P90 | 95 % CI | Target |
| :-- | --: | --: | --: | --: | --: | :-- |
| First contact resolution | 50.0 %° | 2 |  |  | 9.5–90.5 % | ≥ 70.0 % ✘ missed |

## Volume

| KPI | Value | n | Median | P90 | 95 % CI | Target |
| :-- | --: | --: | --: | --: | --: | :-- |
| Tickets created | 3 | 3 |  |  |  |  |

## By agent

| Agent | Tickets created | First response time | First contact resolution |
| :-- | --: | --: | --: |
| Ann Lee | 2 | 2 h 0 m° | 50.0 %° |
| Bo \\| Chen | 1 | 30 m 0 s° | –° |

## Series by week

| From | Tickets created | First response time | First contact resolution |
| :-- | --: | --: | --: |
| 2026-01-05 | 2 | 2 h 0 m° | 50.0 %° |
| 2026-01-12 | 1 (−1) | 30 m 0 s° (−1 h 30 m) | –° |

_° n below 30 (low sample); ! significant change from the previous bucket (5 %)_
"""


def test_csv_is_tidy_and_exact(report: Report) -> None:
    text = render("csv", report)
    assert text == CSV
    rows = list(csv.DictReader(io.StringIO(text)))
    # one row per metric × (overall + 2 agents + 2 weeks)
    assert len(rows) == 3 * 5
    frt = next(r for r in rows if r["scope"] == "overall" and r["metric"] == "first_response_time")
    assert float(frt["p90"]) == 9360
    assert frt["target_met"] == "false"


def test_markdown_is_exact(report: Report) -> None:
    assert render("markdown", report) == MARKDOWN


def test_table_has_a_target_column(report: Report) -> None:
    text = render("table", report)
    frt = next(line for line in text.splitlines() if line.strip().startswith("First response"))
    assert "p90 ≤ 2 h 0 m ✘ missed" in frt
    volume = next(line for line in text.splitlines() if line.strip().startswith("Tickets created"))
    assert "✘" not in volume and "✔" not in volume


def test_json_adds_only_a_targets_object(report: Report) -> None:
    data = json.loads(render("json", report))
    assert list(data) == ["as_of", "period", "metrics", "breakdowns", "series", "targets"]
    assert data["targets"] == {
        "first_response_time": {
            "stat": "p90", "op": "<=", "target": 7200.0, "actual": 9360.0, "met": False,
        },
        "first_contact_resolution": {
            "stat": "value", "op": ">=", "target": 70.0, "actual": 50.0, "met": False,
        },
    }  # fmt: skip


def test_html_is_self_contained_with_a_chart_per_kpi(report: Report) -> None:
    page = render("html", report)
    assert page.startswith("<!DOCTYPE html>")
    # Offline: nothing is fetched, and the policy forbids fetching.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "default-src 'none'" in page
    charts = re.findall(r'<svg class="chart" id="chart-([a-z_]+)"', page)
    assert charts == ["first_response_time", "first_contact_resolution", "ticket_volume"]
    # p90 target 2 h is drawn over the p90 series, whose week-1 point is 10080 s
    frt = page[page.index('id="chart-first_response_time"') :].split("</svg>")[0]
    assert 'class="target"' in frt and "2026-01-05: 2 h 48 m (n 2)" in frt
    # FCR has a value in week 1 only: one point, and a one-point line
    fcr = page[page.index('id="chart-first_contact_resolution"') :].split("</svg>")[0]
    assert fcr.count("<circle") == 1 and 'data-points="1"' in fcr
    assert "✘ missed · target p90 ≤ 2 h 0 m" in page
    # labels are escaped; breakdown cells carry raw values for sorting
    assert "Bo | Chen" in page and 'data-v="7200.0"' in page
    assert 'id="by-agent"' in page and 'class="sortable"' in page


def test_html_without_series_says_how_to_get_trends(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write([Ticket(id="1", created_at=datetime(2026, 1, 5, tzinfo=UTC))], source="s")
        plain = build_report(
            store, parse_config({}, None).report_settings(), start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=datetime(2026, 1, 12, tzinfo=UTC),
        )  # fmt: skip
    page = render("html", plain)
    assert "--grain week</code> for trend charts" in page
    assert '<svg class="chart"' not in page

"""``deskmetrics tickets KPI``: table, CSV and JSON listings, and one-line usage errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from deskmetrics import Store, build_report
from deskmetrics.config.loading import load_config
from deskmetrics.testing import DemoSpec, demo_records

END = datetime(2026, 3, 2, tzinfo=UTC)
PERIOD = ["--from", "2026-02-02", "--to", "2026-03-02", "--as-of", "2026-03-02T00:00:00Z"]


@pytest.fixture
def project(in_tmp: Path) -> Path:
    (in_tmp / "deskmetrics.toml").write_text(
        'database = { path = "help.db" }\n[connections.demo]\nconnector = "csv"\npath = "data"\n',
        encoding="utf-8",
    )
    with Store(in_tmp / "help.db") as store:
        store.write(demo_records(DemoSpec(tickets=600, weeks=8, end=END)), source="demo")
    return in_tmp


def report_value(project: Path, metric: str, **options: Any) -> Any:
    config = load_config(project / "deskmetrics.toml")
    with Store(config.database) as store:
        report = build_report(
            store, config.report_settings(), start=datetime(2026, 2, 2).date(),
            end=END.date(), as_of=END, **options,
        )  # fmt: skip
    return report


def test_json_lists_the_kpis_n(project: Path, dm: Any) -> None:
    result = dm("tickets", "first_response_time", *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    report = report_value(project, "first_response_time")
    assert data["n"] == len(data["members"]) == report.metrics["first_response_time"].n > 0
    assert data["met"] is None  # a mean has no condition to meet
    values = [m["value"] for m in data["members"]]
    assert sum(values) / len(values) == pytest.approx(report.metrics["first_response_time"].value)


def test_csv_for_a_breakdown_cell_and_a_filter(project: Path, dm: Any) -> None:
    result = dm("tickets", "csat", *PERIOD, "--by-key", "group=Billing", "--where",
                "channel=email", "--format", "csv")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    report = report_value(project, "csat", by=["group"], filters=[])
    assert rows and {r["subject"] for r in rows} == {"surveys"}
    assert {r["met"] for r in rows} <= {"yes", "no"}
    assert all(r["url"] == "" for r in rows)  # a CSV source has no helpdesk page
    whole = next(e for e in report.breakdowns["group"] if e.label == "Billing")
    assert len(rows) < whole.metrics["csat"].n  # the channel filter narrowed it


def test_table_header_says_n_and_met(project: Path, dm: Any) -> None:
    result = dm("tickets", "backlog_overdue", *PERIOD)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    report = report_value(project, "backlog_overdue")
    value = report.metrics["backlog_overdue"]
    assert f"n {value.n}, met {int(value.value)}" in first
    assert len(result.output.splitlines()) == value.n + 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frt"], "unknown KPI 'frt'"),
        (["csat", "--by-key", "team=x"], "unknown dimension 'team'"),
        (["csat", "--by-key", "group"], "is not DIM=VALUE"),
        (["csat", "--where", "colour=red"], "unknown field 'colour'"),
        (["customer_churn_rate", "--by-key", "agent=x"], "does not apply"),
    ],
)
def test_usage_errors_are_one_line(project: Path, dm: Any, args: list[str], message: str) -> None:
    result = dm("tickets", *args, *PERIOD)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_without_a_database(in_tmp: Path, dm: Any) -> None:
    result = dm("tickets", "csat")
    assert result.exit_code == 1
    assert "no database yet" in result.output
    assert not (in_tmp / "deskmetrics.db").exists()


def test_zendesk_tickets_link_to_the_helpdesk(project: Path, dm: Any) -> None:
    (project / "deskmetrics.toml").write_text(
        'database = { path = "help.db" }\n[connections.demo]\nconnector = "zendesk"\n'
        'subdomain = "acme"\naccess_token = "${ZENDESK_TOKEN}"\n',
        encoding="utf-8",
    )
    result = dm("tickets", "reopen_rate", *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    members = json.loads(result.output)["members"]
    assert members
    assert all(m["url"] == f"https://acme.zendesk.com/agent/tickets/{m['id']}" for m in members)
    assert "ZENDESK_TOKEN" not in result.output


def test_a_key_that_lists_nothing_says_how_keys_are_written(project: Path, dm: Any) -> None:
    result = dm("tickets", "first_response_time", *PERIOD, "--by-key", "agent=Nobody Here")
    assert result.exit_code == 0, result.output
    assert ": n 0 " in result.stdout.splitlines()[0]
    assert result.stderr == (
        "note: nothing listed for agent=Nobody Here in this period; a key is an id or a name "
        "as `deskmetrics report --by agent` shows it\n"
    )
    found = dm("tickets", "first_response_time", *PERIOD, "--by-key", "group=Billing")
    assert found.exit_code == 0 and found.stderr == ""  # a key that lists something: no note

"""``deskmetrics report``: options, reporters, output file and one-line usage errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deskmetrics import Agent, Status, Store, Ticket, build_report
from deskmetrics.cli import cli, report_commands
from deskmetrics.config.loading import load_config

if "report" not in cli.commands:  # until the CLI package wires the command family itself
    report_commands.register(cli)

PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "deskmetrics.toml"
    config.write_text(
        'database = { path = "help.db" }\n'
        "[schedules.support]\n"
        'timezone = "UTC"\n'
        'hours = { mon = "09:00-17:00", tue = "09:00-17:00" }\n',
        encoding="utf-8",
    )
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with Store(tmp_path / "help.db") as store:
        store.write(
            [
                Agent(id="a1", name="Ann Lee"),
                Ticket(id="1", created_at=at, assignee_id="a1",
                       first_response_at=at.replace(hour=10), tags=["refund"]),
                Ticket(id="2", created_at=at, assignee_id="a1", status=Status.SOLVED,
                       first_response_at=at.replace(hour=11, minute=14),
                       resolved_at=at.replace(day=6)),
            ],
            source="s",
        )  # fmt: skip
    return config


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project), "report", *args])


def test_json_format_is_the_report_object(project: Path) -> None:
    result = run(project, *PERIOD, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # The §9 keys, then the built-in report sections (the explore plugin's, issue #18).
    assert list(data) == ["as_of", "period", "metrics", "breakdowns", "series", "sections"]
    assert [section["id"] for section in data["sections"]] == ["explore"]
    config = load_config(project)
    with Store(config.database) as store:
        expected = build_report(
            store, config.report_settings(), start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=datetime(2026, 1, 12, tzinfo=UTC),
        ).to_dict()  # fmt: skip
    assert data == expected
    assert data["metrics"]["first_response_time"]["value"] == pytest.approx(
        5820
    )  # 1 h and 2 h 14 m


def test_table_is_the_default(project: Path) -> None:
    result = run(project, *PERIOD, "--by", "agent", "--grain", "week")
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("Speed", "Quality", "Satisfaction", "Volume", "Customers", "By agent"):
        assert text in out
    assert "1 h 37 m" in out  # mean of 1 h and 2 h 14 m
    assert "Ann Lee" in out
    assert "Series by week" in out


def test_filters_grain_and_schedule_options(project: Path) -> None:
    result = run(
        project, *PERIOD, "--format", "json", "--where", "agent=Ann Lee", "--tag", "refund",
        "--source", "s", "--grain", "day", "--schedule", "support", "--timezone", "UTC",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["metrics"]["ticket_volume"]["value"] == 1
    assert len(data["series"]["buckets"]) == 7
    # 09:00 → 10:00 on a Monday inside 09:00–17:00
    assert data["metrics"]["first_response_time_business"]["value"] == pytest.approx(3600)


def test_output_file(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    result = run(project, *PERIOD, "--format", "json", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["period"]["timezone"] == "UTC"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "is not a date"),
        (["--from", "2026-01-12", "--to", "2026-01-05"], "not before"),
        (["--by", "colour"], "colour"),
        (["--grain", "year"], "year"),
        (["--where", "colour=red"], "unknown field 'colour'"),
        (["--where", "channel"], "FIELD=VALUE"),
        (["--as-of", "yesterday"], "ISO instant"),
        (["--timezone", "Mars/Olympus"], "IANA"),
        (["--format", "pdf"], "no reporter named 'pdf'"),
        (["--schedule", "night"], "no schedule named 'night'"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(
    project: Path, args: list[str], message: str
) -> None:
    result = run(project, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_database(tmp_path: Path) -> None:
    config = tmp_path / "deskmetrics.toml"
    config.write_text('database = { path = "none.db" }\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "report"])
    assert result.exit_code == 1
    assert "no database yet" in result.output
    assert not (tmp_path / "none.db").exists()


def test_render_report_for_other_commands(project: Path) -> None:
    config = load_config(project)
    with Store(config.database) as store:
        text = report_commands.render_report(
            store, config, start=date(2026, 1, 5), end=date(2026, 1, 12),
            as_of=datetime(2026, 1, 12, tzinfo=UTC),
        )  # fmt: skip
    assert "First response time" in text


def test_as_of_without_offset_is_read_in_the_report_zone(project: Path) -> None:
    result = run(
        project, "--as-of", "2026-01-12T00:30:00", "--timezone", "Europe/Berlin",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2026-01-11T23:30:00Z"
    # Monday 00:30 in Berlin: the default period is the four weeks before that local week.
    assert data["period"]["start"] == "2025-12-15T00:00:00+01:00"
    assert data["period"]["end"] == "2026-01-12T00:00:00+01:00"

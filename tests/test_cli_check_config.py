"""`deskmetrics check` finds every problem of a file, each on one line naming file, key and why."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

BAD_SECTIONS = {
    "backlog_overdue_hours": (
        '[report]\nbacklog_overdue_hours = "three days"\n',
        "report.backlog_overdue_hours: must be a number of hours above 0",
    ),
    "targets": (
        "[targets]\ncsat = 85\n",
        'targets.csat: must be a table, e.g. csat = { min = 85 } or { p90 = "4h" }',
    ),
    "schedules": (
        '[schedules.office]\ntimezone = "Europe/Berlin"\nhours = "09:00-17:00"\n',
        'schedules.office.hours: must be a table of days, e.g. hours.mon = "09:00-17:00"',
    ),
    "cron": (
        '[jobs.nightly]\ncommand = "report"\ncron = "0 25 * * *"\n',
        "jobs.nightly.cron: '0 25 * * *' is not a cron expression: bad hour field "
        '(minute hour day-of-month month day-of-week, e.g. "*/15 * * * *")',
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SECTIONS))
def test_check_rejects_each_bad_section_with_one_line(dm: Any, in_tmp: Path, name: str) -> None:
    text, message = BAD_SECTIONS[name]
    (in_tmp / "deskmetrics.toml").write_text(text, encoding="utf-8")
    result = dm("check")
    assert result.exit_code == 2
    assert result.stderr == f"Error: deskmetrics.toml: {message}\n"
    assert "all good" not in result.stdout


def test_check_lists_every_problem_of_the_file(dm: Any, in_tmp: Path) -> None:
    text = "".join(section for section, _ in BAD_SECTIONS.values())
    (in_tmp / "deskmetrics.toml").write_text(text, encoding="utf-8")
    result = dm("check")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert sorted(lines) == sorted(
        f"Error: deskmetrics.toml: {message}" for _, message in BAD_SECTIONS.values()
    )
    as_json = dm("check", "--json")
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout)["problems"] == [
        line.removeprefix("Error: ") for line in lines
    ]


def test_check_knows_the_metrics_a_target_may_name(dm: Any, in_tmp: Path) -> None:
    (in_tmp / "deskmetrics.toml").write_text(
        "[targets]\ncsat_score = { min = 85 }\ncsat = { p90 = 85 }\n", encoding="utf-8"
    )
    result = dm("check")
    assert result.exit_code == 2
    first, second = result.stderr.splitlines()
    assert first.startswith("Error: deskmetrics.toml: targets.csat_score: unknown metric (known: ")
    assert second == "Error: deskmetrics.toml: targets.csat.p90: unknown key (known: min, max)"


def test_a_secret_never_appears_in_a_problem(
    dm: Any, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_TOKEN", "s3cr3t-value")
    (in_tmp / "deskmetrics.toml").write_text(
        '[connections.desk]\nconnector = "csv"\n'
        'token = "${DESK_TOKEN}"\nkeep_raw = "${DESK_TOKEN}"\n',
        encoding="utf-8",
    )
    result = dm("check")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: deskmetrics.toml: connections.desk.keep_raw: must be true or false\n"
    )
    assert "s3cr3t" not in result.stdout + result.stderr


def test_a_good_file_is_all_good_and_its_sections_are_typed(dm: Any, in_tmp: Path) -> None:
    (in_tmp / "deskmetrics.toml").write_text(
        '[report]\ntimezone = "Europe/Berlin"\nbacklog_overdue_hours = 48\n'
        '[targets]\ncsat = { min = 85 }\nfirst_response_time = { p90 = "4h" }\n'
        '[schedules.office]\ntimezone = "Europe/Berlin"\nhours.mon = "09:00-17:00"\n'
        '[jobs.nightly]\ncommand = "report"\ncron = "0 2 * * *"\n'
        "[reporters.table]\nwidth = 100\n",
        encoding="utf-8",
    )
    result = dm("check")
    assert (result.exit_code, result.stdout) == (
        0,
        "deskmetrics.toml: all good\nNo connections configured yet.\n",
    )
    from deskmetrics import load_config

    config = load_config(in_tmp / "deskmetrics.toml")
    settings = config.report_settings()
    assert (settings.timezone, settings.backlog_overdue_hours) == ("Europe/Berlin", 48.0)
    assert settings.targets == {"csat": {"min": 85.0}, "first_response_time": {"p90": 14400.0}}
    assert config.reporter_table("table") == {"width": 100}
    assert config.reporter_table("csv") == {}
    assert config.jobs["nightly"].cron == "0 2 * * *"


def test_check_help_documents_the_exit_codes(dm: Any) -> None:
    result = dm("check", "--help")
    assert "Exit codes: 0 all good; 1 the database or a connection failed its test; 2 a" in (
        " ".join(result.stdout.split())
    )


def test_every_command_shows_each_problem_on_its_own_error_line(dm: Any, in_tmp: Path) -> None:
    text = "".join(section for section, _ in BAD_SECTIONS.values())
    (in_tmp / "deskmetrics.toml").write_text(text, encoding="utf-8")
    result = dm("sync")
    assert result.exit_code == 2
    assert sorted(result.stderr.splitlines()) == sorted(
        f"Error: deskmetrics.toml: {message}" for _, message in BAD_SECTIONS.values()
    )
    assert not (in_tmp / "deskmetrics.db").exists()

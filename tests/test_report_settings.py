"""ReportSettings: what build_report takes from the configuration, so library and CLI agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from deskmetrics import ReportSettings, load_config


def test_settings_come_from_every_report_relevant_section(tmp_path: Path) -> None:
    path = tmp_path / "dm.toml"
    path.write_text(
        '[report]\ntimezone = "Europe/Berlin"\nmin_sample = 5\nbacklog_overdue_hours = 24\n'
        'schedule = "office"\n'
        '[schedules.office]\ntimezone = "Europe/Berlin"\nhours.mon = "09:00-17:00"\n'
        '[schedules.night]\ntimezone = "UTC"\nhours.tue = "00:00-08:00"\n'
        '[connections.desk]\nconnector = "csv"\nschedule = "night"\n'
        "[targets]\nbacklog = { max = 120 }\n",
        encoding="utf-8",
    )
    config = load_config(path)
    settings = config.report_settings()
    assert (settings.timezone, settings.min_sample, settings.backlog_overdue_hours) == (
        "Europe/Berlin",
        5,
        24.0,
    )
    assert settings.targets == {"backlog": {"max": 120.0}}
    assert settings.where == str(path)
    assert settings.schedule is not None
    assert settings.schedule.for_source("desk") is config.schedules["night"]
    assert settings.schedule.for_source("other") is config.schedules["office"]
    assert settings.schedule.names == ["night", "office"]


def test_defaults_without_a_file() -> None:
    settings = ReportSettings()
    assert (settings.timezone, settings.min_sample, settings.backlog_overdue_hours) == (
        "UTC",
        30,
        72.0,
    )
    assert (dict(settings.targets), settings.schedule) == ({}, None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Base"}, "'Mars/Base' is not an IANA time zone"),
        ({"min_sample": 0}, "min_sample must be a whole number of at least 1"),
        ({"backlog_overdue_hours": 0}, "backlog_overdue_hours must be a number of hours above 0"),
    ],
)
def test_library_callers_get_the_same_checks(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReportSettings(**options)  # type: ignore[arg-type]

"""`deskmetrics schedules import` turns a helpdesk's business hours into config that reads back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import deskmetrics
from deskmetrics.cli import get_cli
from deskmetrics.config.loading import load_config
from deskmetrics.plugin.manager import pm

NINE_TO_FIVE = ((9 * 60, 17 * 60),)


class HoursConnector(deskmetrics.Connector):
    name = "hours-test"
    streams = ("tickets",)

    def read(self, stream: str, state: deskmetrics.State | None) -> Iterator[deskmetrics.Batch]:
        yield deskmetrics.Batch([])

    def schedules(self) -> list[deskmetrics.Schedule]:
        return [
            deskmetrics.Schedule(
                name="Support EU",
                timezone="Europe/Berlin",
                weekly=(*[NINE_TO_FIVE] * 4, ((9 * 60, 12 * 60), (13 * 60, 15 * 60)), (), ()),
                holidays=frozenset({date(2026, 12, 25), date(2026, 12, 26)}),
            )
        ]


class Plugin:
    @deskmetrics.hookimpl
    def register_connectors(self, register: object) -> None:
        register(HoursConnector)  # type: ignore[operator]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    pm.register(Plugin(), name="test-hours")
    config = tmp_path / "deskmetrics.toml"
    config.write_text('[connections.desk]\nconnector = "hours-test"\n', encoding="utf-8")
    try:
        yield config
    finally:
        pm.unregister(name="test-hours")


def test_import_prints_tables_that_parse_back_to_the_same_schedule(project: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(get_cli(), ["--config", str(project), "schedules", "import", "desk"])
    assert printed.exit_code == 0, printed.output
    assert printed.output == (
        "# Imported from 'Support EU'\n"
        "[schedules.desk-support-eu]\n"
        'timezone = "Europe/Berlin"\n'
        'holidays = ["2026-12-25", "2026-12-26"]\n'
        'hours.mon = "09:00-17:00"\n'
        'hours.tue = "09:00-17:00"\n'
        'hours.wed = "09:00-17:00"\n'
        'hours.thu = "09:00-17:00"\n'
        'hours.fri = "09:00-12:00, 13:00-15:00"\n'
    )
    written = runner.invoke(
        get_cli(), ["--config", str(project), "schedules", "import", "desk", "--write"]
    )
    assert written.exit_code == 0, written.output
    (schedule,) = load_config(project).schedules.values()
    assert schedule.weekly_seconds == (4 * 8 + 5) * 3600
    assert schedule.holidays == frozenset({date(2026, 12, 25), date(2026, 12, 26)})
    listed = runner.invoke(get_cli(), ["--config", str(project), "schedules", "list"])
    assert "desk-support-eu: Europe/Berlin, 37 h a week" in listed.output
    again = runner.invoke(
        get_cli(), ["--config", str(project), "schedules", "import", "desk", "--write"]
    )
    assert again.exit_code == 2
    assert "already configured: desk-support-eu" in again.output


def test_import_names_an_unknown_connection(project: Path) -> None:
    result = CliRunner().invoke(
        get_cli(), ["--config", str(project), "schedules", "import", "nope"]
    )
    assert result.exit_code == 2
    assert "no connection named 'nope' (configured: desk)" in result.output

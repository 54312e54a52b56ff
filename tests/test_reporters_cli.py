"""Reporters through the CLI: --output for each, --by a,b,c, and a user's reporter plugin."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import deskmetrics
from deskmetrics import Agent, Group, Status, Store, Ticket
from deskmetrics.cli import cli

PERIOD = ["--from", "2026-01-05", "--to", "2026-01-19", "--as-of", "2026-01-19T00:00:00Z"]
AT = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    config = tmp_path / "deskmetrics.toml"
    config.write_text('database = { path = "help.db" }\n', encoding="utf-8")
    with Store(tmp_path / "help.db") as store:
        store.write([
            Group(id="g1", name="Billing"),
            Agent(id="a1", name="Ann Lee", group_id="g1"),
            Agent(id="a2", name="Bo Chen", group_id="g1"),
            Ticket(id="1", created_at=AT, assignee_id="a1", group_id="g1", channel="email",
                   status=Status.SOLVED, resolved_at=AT.replace(hour=12), agent_replies=1),
            Ticket(id="2", created_at=AT.replace(day=12), assignee_id="a2", group_id="g1",
                   channel="chat"),
        ], source="s")  # fmt: skip
    return config


def run(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project), "report", *PERIOD, *args])


@pytest.mark.parametrize("name", ["table", "json", "csv", "markdown", "html"])
def test_every_reporter_writes_to_output_or_stdout(project: Path, name: str) -> None:
    target = project.parent / f"report.{name}"
    written = run(project, "--format", name, "--output", str(target))
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert written.stderr == f"Wrote {target}\n"
    printed = run(project, "--format", name)
    assert printed.exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert printed.stdout == text
    assert "Ann Lee" not in text  # no breakdown asked for


def test_html_gets_a_weekly_series_unless_a_grain_is_given(project: Path) -> None:
    page = run(project, "--format", "html").stdout
    assert page.count('<svg class="chart"') >= 1
    assert "series by week" in page
    daily = run(project, "--format", "html", "--grain", "day").stdout
    assert "series by day" in daily
    assert json.loads(run(project, "--format", "json").stdout)["series"] is None


def test_a_comma_list_gives_separate_breakdowns(project: Path) -> None:
    data = json.loads(run(project, "--format", "json", "--by", "agent,group,channel").stdout)
    breakdowns = data["breakdowns"]
    assert list(breakdowns) == ["agent", "group", "channel"]
    assert [(e["label"], e["metrics"]["ticket_volume"]["value"]) for e in breakdowns["agent"]] == [
        ("Ann Lee", 1), ("Bo Chen", 1),
    ]  # fmt: skip
    assert [(e["key"], e["metrics"]["ticket_volume"]["value"]) for e in breakdowns["group"]] == [
        ("g1", 2),
    ]  # fmt: skip
    assert [e["key"] for e in breakdowns["channel"]] == ["chat", "email"]
    assert all("breakdowns" not in e for e in breakdowns["agent"])
    # Repeated --by still nests; mixing the two forms is refused.
    nested = json.loads(run(project, "--format", "json", "--by", "group", "--by", "agent").stdout)
    assert list(nested["breakdowns"]) == ["group"]
    assert [e["label"] for e in nested["breakdowns"]["group"][0]["breakdowns"]["agent"]] == [
        "Ann Lee", "Bo Chen",
    ]  # fmt: skip
    mixed = run(project, "--by", "agent,group", "--by", "channel")
    assert mixed.exit_code == 2
    assert "either one --by a,b,c (separate breakdowns) or repeated --by (nested)" in mixed.output
    unknown = run(project, "--by", "agent,colour")
    assert unknown.exit_code == 2 and "unknown dimension 'colour'" in unknown.output


def test_csv_of_separate_breakdowns(project: Path) -> None:
    text = run(project, "--format", "csv", "--by", "agent,channel").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    volume = {
        (r["dimension"], r["key"]): r["value"]
        for r in rows
        if r["scope"] == "breakdown" and r["metric"] == "ticket_volume"
    }
    assert volume == {("agent", "a1"): "1", ("agent", "a2"): "1",
                      ("channel", "chat"): "1", ("channel", "email"): "1"}  # fmt: skip


class ShoutReporter(deskmetrics.Reporter):
    name = "shout"
    description = "Ticket volume, loudly."
    extension = "txt"

    def render(self, report: deskmetrics.Report) -> str:
        return f"TICKETS: {report.metrics['ticket_volume'].value}!\n"


class ShoutPlugin:
    @deskmetrics.hookimpl
    def register_reporters(self, register: Any) -> None:
        register(ShoutReporter)


def test_a_user_reporter_is_a_format_and_a_listed_plugin(
    project: Path, register_plugin: Any
) -> None:
    missing = run(project, "--format", "nope")
    assert missing.exit_code == 2
    assert "installed: csv, html, json, markdown, table)" in missing.output
    register_plugin(ShoutPlugin(), name="test-shout")
    assert run(project, "--format", "shout").stdout == "TICKETS: 2!\n"
    missing = run(project, "--format", "nope")
    assert "installed: csv, html, json, markdown, shout, table)" in missing.output
    listed = CliRunner().invoke(cli, ["plugins", "--json"])
    plugins = {p["name"]: p for p in json.loads(listed.stdout)}
    assert plugins["test-shout"]["reporters"] == ["shout"]
    assert plugins["reporters"]["reporters"] == ["table", "json", "csv", "markdown", "html"]


class DailyOptions(deskmetrics.ReporterOptions):
    label: str = "Tickets"
    loud: bool = False


class DailyReporter(deskmetrics.Reporter):
    """A plugin's trend reporter: declares its default grain and its options."""

    name = "daily"
    default_grain = "day"
    Options = DailyOptions
    options: DailyOptions

    def render(self, report: deskmetrics.Report) -> str:
        assert report.series is not None
        label = self.options.label.upper() if self.options.loud else self.options.label
        return f"{label}: {len(report.series.buckets)} {report.series.grain}s\n"


class DailyPlugin:
    @deskmetrics.hookimpl
    def register_reporters(self, register: deskmetrics.RegisterReporter) -> None:
        register(DailyReporter)


def configure(project: Path, text: str) -> None:
    project.write_text('database = { path = "help.db" }\n' + text, encoding="utf-8")


def test_a_reporter_declares_its_default_grain_and_reads_its_options(
    project: Path, register_plugin: Any
) -> None:
    register_plugin(DailyPlugin(), name="test-daily")
    assert run(project, "--format", "daily").stdout == "Tickets: 14 days\n"
    assert run(project, "--format", "daily", "--grain", "week").stdout == "Tickets: 2 weeks\n"
    configure(project, '[reporters.daily]\nlabel = "Volume"\nloud = true\n')
    assert run(project, "--format", "daily").stdout == "VOLUME: 14 days\n"
    # Another reporter's table is not this one's business.
    configure(project, "[reporters.table]\nwidth = 60\n")
    assert run(project, "--format", "daily").stdout == "Tickets: 14 days\n"


def test_table_width_comes_from_the_reporters_table(project: Path) -> None:
    wide = run(project).stdout.splitlines()
    configure(project, "[reporters.table]\nwidth = 60\n")
    narrow = run(project).stdout.splitlines()
    assert max(map(len, wide)) > 60
    assert max(map(len, narrow)) <= 60


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('width = "wide"', "reporters.table.width: Input should be a valid integer"),
        ("width = 10", "reporters.table.width: Input should be greater than or equal to 40"),
        ("colour = true", "reporters.table.colour: Extra inputs are not permitted"),
    ],
)
def test_bad_reporter_options_are_one_line_naming_the_key(
    project: Path, table: str, message: str
) -> None:
    configure(project, f"[reporters.table]\n{table}\n")
    result = run(project)
    assert result.exit_code != 0
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {project}: {message}"), line


def test_check_validates_the_tables_of_installed_reporters(project: Path) -> None:
    def check() -> Result:
        return CliRunner().invoke(cli, ["--config", str(project), "check"])

    configure(project, "[reporters.table]\nwidth = 88\n[reporters.not-installed]\nx = 1\n")
    assert check().exit_code == 0
    configure(project, "[reporters.table]\nwidth = 8\n")
    bad = check()
    assert bad.exit_code == 2
    assert bad.stderr.strip() == (
        f"Error: {project}: reporters.table.width: "
        "Input should be greater than or equal to 40 (got 8)"
    )

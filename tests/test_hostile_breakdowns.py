"""Breakdowns never invent a "(none)" row holding a whole survey KPI (issue #17 item 10)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from deskmetrics import Agent, Store, SurveyKind, SurveyResponse, Ticket, build_report
from deskmetrics.cli import cli
from deskmetrics.config.loading import load_config

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]
NOTE = "NPS is not broken down by agent: no survey answer carries one"


def project(tmp_path: Path, *, nps_agent: str | None) -> Path:
    config = tmp_path / "deskmetrics.toml"
    config.write_text('database = { path = "help.db" }\n', encoding="utf-8")
    records = [Agent(id="a1", name="Ann"), Agent(id="a2", name="Bo")]
    records += [
        Ticket(id=str(n), created_at=AT, assignee_id="a1" if n % 2 else "a2") for n in range(4)
    ]
    # NPS answers from a survey tool: no ticket, and an agent only when the tool knows one.
    records += [
        SurveyResponse(id=f"n{n}", kind=SurveyKind.NPS, score=score, agent_id=nps_agent,
                       created_at=AT.replace(hour=10))
        for n, score in enumerate([10, 10, 9, 3])
    ]  # fmt: skip
    with Store(tmp_path / "help.db") as store:
        store.write(records, source="s")
    return config


def test_nps_without_agents_leaves_the_agent_breakdown_with_a_note(tmp_path: Path) -> None:
    config = project(tmp_path, nps_agent=None)
    result = CliRunner().invoke(
        cli, ["--config", str(config), "report", *PERIOD, "--by", "agent", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metrics"]["nps"]["value"] == 50  # 3 promoters, 1 detractor of 4
    rows = data["breakdowns"]["agent"]
    assert [row["label"] for row in rows] == ["Ann", "Bo"]  # no "(none)" row
    assert all("nps" not in row["metrics"] for row in rows)
    assert [row["metrics"]["ticket_volume"]["value"] for row in rows] == [2, 2]
    assert NOTE in data["notes"]  # with the feedback plugin, its comment rate has one too
    table = CliRunner().invoke(cli, ["--config", str(config), "report", *PERIOD, "--by", "agent"])
    assert f"note: {NOTE}" in table.stdout
    assert "(none)" not in table.stdout
    markdown = CliRunner().invoke(
        cli, ["--config", str(config), "report", *PERIOD, "--by", "agent", "--format", "markdown"]
    )
    assert f"**Note:** {NOTE}" in markdown.stdout
    html = CliRunner().invoke(
        cli, ["--config", str(config), "report", *PERIOD, "--by", "agent", "--format", "html"]
    )
    assert f'<p class="note">{NOTE}</p>' in html.stdout


def test_nps_with_agents_is_broken_down_as_before(tmp_path: Path) -> None:
    config = project(tmp_path, nps_agent="a1")
    with Store(tmp_path / "help.db") as store:
        report = build_report(
            store, load_config(config).report_settings(), start=AT.date(),
            end=AT.date().replace(day=12),
            as_of=datetime(2026, 1, 12, tzinfo=UTC), by=["agent"],
        )  # fmt: skip
    assert report.notes == []
    assert {e.label: e.metrics["nps"].value for e in report.breakdowns["agent"]} == {
        "Ann": 50,
        "Bo": None,
    }
    assert "notes" not in report.to_dict()

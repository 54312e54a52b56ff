"""Targets per channel and priority (issue #18 item 8): the [targets] form
``first_response_time = { p90 = "4h", channel.chat = { p90 = "5m" } }``, checked by
`deskmetrics check`, met / missed per breakdown row and counted by --fail-on-missed-targets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from deskmetrics import Channel, Priority, Status, Store, Ticket
from deskmetrics.cli import cli
from deskmetrics.config.loading import parse_config
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report.targets import Target, parse_targets

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]


def targets_of(section: dict[str, Any]) -> list[Target]:
    config = parse_config({"targets": section}, Path("dm.toml"))
    return parse_targets(config.report_settings(), get_registry().metrics)


def test_overall_and_per_row_targets_parse() -> None:
    found = targets_of({
        "first_response_time": {"p90": "4h", "channel": {"chat": {"p90": "5m"}}},
        "csat": {"priority": {"urgent": {"min": 90}, "low": {"min": 70}}},
    })  # fmt: skip
    assert found == [
        Target("first_response_time", "p90", "<=", 14400.0),
        Target("first_response_time", "p90", "<=", 300.0, "channel", "chat"),
        Target("csat", "value", ">=", 90.0, "priority", "urgent"),
        Target("csat", "value", ">=", 70.0, "priority", "low"),
    ]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"first_response_time": {"channel": {"fax": {"p90": "5m"}}}},
         "dm.toml: targets.first_response_time.channel.fax: unknown value (known: email, web, "),
        ({"first_response_time": {"priority": {"urgent": {"min": 5}}}},
         "dm.toml: targets.first_response_time.priority.urgent.min: unknown key (known: value, "),
        ({"csat": {"channel": {"chat": {}}}},
         "dm.toml: targets.csat.channel.chat: give exactly one of min, max"),
        ({"csat": {"channel": {"chat": 90}}},
         "dm.toml: targets.csat.channel.chat: must be a table"),
        ({"csat": {"channel": "chat"}}, "dm.toml: targets.csat.channel: must be a table"),
        ({"csat": {"channel": {"chat": {"p90": "5m"}}}},
         "dm.toml: targets.csat.channel.chat.p90: unknown key (known: min, max)"),
    ],
)  # fmt: skip
def test_bad_per_row_targets_are_one_line_errors(section: dict[str, Any], message: str) -> None:
    with pytest.raises(Exception) as caught:
        targets_of(section)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)


def test_check_validates_the_per_row_form(dm: Any, in_tmp: Path) -> None:
    (in_tmp / "deskmetrics.toml").write_text(
        '[targets]\nfirst_response_time = { p90 = "4h", channel.chatt = { p90 = "5m" } }\n',
        encoding="utf-8",
    )
    result = dm("check")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        "Error: deskmetrics.toml: targets.first_response_time.channel.chatt: unknown value"
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    hour = timedelta(hours=1)
    with Store(tmp_path / "help.db") as store:
        store.write([
            # chat: 10 min and 2 min → p90 9.2 min; email: 3 h; urgent: the 2-min chat
            Ticket(id="1", created_at=AT, channel=Channel.CHAT, first_response_at=AT + hour / 6),
            Ticket(id="2", created_at=AT, channel=Channel.CHAT, priority=Priority.URGENT,
                   first_response_at=AT + hour / 30),
            Ticket(id="3", created_at=AT, channel=Channel.EMAIL, first_response_at=AT + 3 * hour,
                   status=Status.SOLVED, resolved_at=AT + 4 * hour),
        ], source="s")  # fmt: skip
    return tmp_path / "deskmetrics.toml"


def run(project: Path, targets: str, *args: str) -> Result:
    project.write_text(f'database = {{ path = "help.db" }}\n[targets]\n{targets}', "utf-8")
    return CliRunner().invoke(cli, ["--config", str(project), "report", *PERIOD, *args])


TARGETS = (
    'first_response_time = { p90 = "4h", channel.chat = { p90 = "5m" }, '
    'channel.email = { p90 = "4h" }, priority.urgent = { p90 = "5m" } }\n'
)


def test_per_row_targets_are_met_or_missed_in_their_breakdown_row(project: Path) -> None:
    out = project.parent / "r.json"
    result = run(project, TARGETS, "--by", "channel", "--format", "json", "--output", str(out),
                 "--fail-on-missed-targets")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Wrote {out}",
        "target missed: first_response_time [channel=chat] p90 0.15 h, target <= 0.08 h",
    ]
    data = json.loads(out.read_text("utf-8"))
    assert data["targets"]["first_response_time"]["met"] is True  # overall p90 2.6 h
    rows = {(r["dimension"], r["key"]): r for r in data["breakdown_targets"]}
    chat = rows[("channel", "chat")]
    assert chat["actual"] == pytest.approx(552.0)  # 120 + 0.9 × 480 seconds
    assert (chat["met"], rows[("channel", "email")]["met"]) == (False, True)
    # No --by priority: the urgent row has no data, neither met nor missed.
    assert (rows[("priority", "urgent")]["met"], rows[("priority", "urgent")]["actual"]) == (
        None,
        None,
    )
    [section] = [s for s in data["sections"] if s["id"] == "breakdown_targets"]
    assert section["tables"][0]["rows"][0] == [
        "first_response_time", "channel = chat", "p90", "<= 300", pytest.approx(552.0), "missed",
    ]  # fmt: skip
    assert any("--by priority" in note for note in section["notes"])


def test_every_row_met_exits_0_and_the_table_reporter_shows_the_rows(project: Path) -> None:
    targets = 'first_response_time = { channel.chat = { p90 = "10m" } }\n'
    result = run(project, targets, "--by", "channel", "--fail-on-missed-targets")
    assert result.exit_code == 0, result.output
    assert "Targets per channel and priority" in result.stdout
    assert "channel = chat" in result.stdout and "met" in result.stdout


def test_separate_breakdowns_compare_both_dimensions(project: Path) -> None:
    result = run(project, TARGETS, "--by", "channel,priority", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["dimension"], r["key"]): r for r in json.loads(result.stdout)["breakdown_targets"]}
    assert rows[("priority", "urgent")]["actual"] == pytest.approx(120.0)
    assert rows[("priority", "urgent")]["met"] is True


def test_without_per_row_targets_the_json_shape_is_unchanged(project: Path) -> None:
    result = run(project, 'first_response_time = { p90 = "4h" }\n', "--format", "json")
    data = json.loads(result.stdout)
    assert "breakdown_targets" not in data
    assert "breakdown_targets" not in [s["id"] for s in data.get("sections", [])]

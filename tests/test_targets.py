"""KPI targets: the [targets] section, met / missed / no data, and --fail-on-missed-targets."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from deskmetrics import Status, Store, Ticket, build_report
from deskmetrics.cli import cli
from deskmetrics.config.durations import parse_duration
from deskmetrics.config.loading import parse_config
from deskmetrics.errors import ConfigError
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report.targets import Target, evaluate_targets, parse_targets

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
PERIOD = ["--from", "2026-01-05", "--to", "2026-01-12", "--as-of", "2026-01-12T00:00:00Z"]


def targets_of(section: dict[str, Any]) -> list[Target]:
    config = parse_config({"targets": section}, Path("dm.toml"))
    return parse_targets(config, get_registry().metrics)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("4h", 14400), ("30m", 1800), ("1h30m", 5400), ("90s", 90), ("2d", 172800),
     ("1.5h", 5400), ("1h 30m", 5400)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_the_documented_example_parses() -> None:
    assert targets_of({
        "first_response_time": {"p90": "4h"},
        "resolution_time": {"median": 86400},
        "csat": {"min": 85},
        "first_contact_resolution": {"min": 70},
        "backlog": {"max": 120},
    }) == [
        Target("first_response_time", "p90", "<=", 14400.0),
        Target("resolution_time", "median", "<=", 86400.0),
        Target("csat", "value", ">=", 85.0),
        Target("first_contact_resolution", "value", ">=", 70.0),
        Target("backlog", "value", "<=", 120.0),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"csat_score": {"min": 85}}, "dm.toml: targets.csat_score: unknown metric (known: "),
        ({"csat": 85}, "dm.toml: targets.csat: must be a table, e.g. csat = { min = 85 }"),
        ({"csat": {"min": "85"}}, "dm.toml: targets.csat.min: must be a number"),
        ({"csat": {"min": True}}, "dm.toml: targets.csat.min: must be a number"),
        ({"csat": {"p90": 85}}, "dm.toml: targets.csat.p90: unknown key (known: min, max)"),
        ({"csat": {"min": 80, "max": 90}}, "dm.toml: targets.csat: give exactly one of min, max"),
        ({"csat": {}}, "dm.toml: targets.csat: give exactly one of min, max"),
        ({"first_response_time": {"min": 60}},
         "dm.toml: targets.first_response_time.min: unknown key (known: value, median, p90)"),
        ({"first_response_time": {"p90": "soon"}},
         'dm.toml: targets.first_response_time.p90: must be seconds or a duration like "4h"'),
        ({"first_response_time": {"p90": -5}},
         "dm.toml: targets.first_response_time.p90: must be seconds"),
    ],
)  # fmt: skip
def test_every_problem_names_its_key(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        targets_of(section)
    assert str(caught.value).startswith(message)


def test_met_missed_and_no_data(tmp_path: Path) -> None:
    # Two tickets: first responses after 1 h and 3 h (mean 2 h, p90 2.8 h); none resolved.
    tickets = [
        Ticket(id=str(i), created_at=AT, first_response_at=AT + timedelta(hours=h))
        for i, h in enumerate((1, 3))
    ]
    config = parse_config(
        {"targets": {
            "first_response_time": {"value": "2h"},  # 7200 ≤ 7200: met (the bound is inclusive)
            "ticket_volume": {"min": 3},  # 2 < 3: missed
            "backlog": {"max": 2},  # 2 ≤ 2: met
            "first_contact_resolution": {"min": 70},  # nothing resolved: no data
            "first_response_time_business": {"p90": "1h"},  # not reported without a schedule
        }},
        None,
    )  # fmt: skip
    with Store(tmp_path / "x.db") as store:
        store.write(tickets, source="s")
        report = build_report(store, config.report_settings(),
                              start=date(2026, 1, 5), end=date(2026, 1, 12),
                              as_of=datetime(2026, 1, 12, tzinfo=UTC))  # fmt: skip
    results = report.targets
    assert {mid: (r.actual, r.met) for mid, r in results.items()} == {
        "first_response_time": (7200.0, True),
        "ticket_volume": (2, False),
        "backlog": (2, True),
        "first_contact_resolution": (None, None),
        "first_response_time_business": (None, None),
    }
    assert [r.status for r in results.values()] == ["met", "missed", "met", "no data", "no data"]
    # The same comparison for any list of targets, e.g. a stricter one:
    stricter = evaluate_targets(report, [Target("first_response_time", "p90", "<=", 3600)])
    assert stricter["first_response_time"].actual == pytest.approx(3600 + 0.9 * 7200)
    assert stricter["first_response_time"].met is False


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in ("DESKMETRICS_CONFIG", "DESKMETRICS_LOAD_PLUGINS", "DESKMETRICS_STRICT_PLUGINS"):
        monkeypatch.delenv(key, raising=False)
    with Store(tmp_path / "help.db") as store:
        store.write([
            Ticket(id="1", created_at=AT, status=Status.SOLVED, agent_replies=1,
                   first_response_at=AT + timedelta(hours=5), resolved_at=AT + timedelta(hours=6)),
            Ticket(id="2", created_at=AT, first_response_at=AT + timedelta(hours=1)),
        ], source="s")  # fmt: skip
    return tmp_path / "deskmetrics.toml"


def run(project: Path, targets: str, *args: str) -> Result:
    project.write_text(f'database = {{ path = "help.db" }}\n[targets]\n{targets}', "utf-8")
    return CliRunner().invoke(cli, ["--config", str(project), "report", *PERIOD, *args])


def test_fail_on_missed_targets_exits_1_after_writing(project: Path) -> None:
    # first response 5 h and 1 h: p90 4.6 h > 4 h; FCR 1 of 1 = 100 % ≥ 70.
    targets = 'first_response_time = { p90 = "4h" }\nfirst_contact_resolution = { min = 70 }\n'
    out = project.parent / "r.json"
    result = run(project, targets, "--format", "json", "--output", str(out),
                 "--fail-on-missed-targets")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Wrote {out}",
        "target missed: first_response_time p90 4.60 h, target <= 4.00 h",
    ]
    data = json.loads(out.read_text("utf-8"))
    assert data["targets"]["first_contact_resolution"]["met"] is True
    assert data["targets"]["first_response_time"]["met"] is False


def test_without_the_flag_or_with_every_target_met_exit_0(project: Path) -> None:
    assert run(project, 'first_response_time = { p90 = "4h" }\n').exit_code == 0
    met = run(project, 'first_response_time = { p90 = "5h" }\n', "--fail-on-missed-targets")
    assert met.exit_code == 0
    assert "✔ met" in met.stdout
    # "no data" is not a miss: the store has no surveys, so CSAT is null.
    no_data = run(project, "csat = { min = 85 }\n", "--fail-on-missed-targets")
    assert no_data.exit_code == 0


def test_a_bad_target_is_a_config_error(project: Path) -> None:
    result = run(project, "csat_score = { min = 85 }\n")
    assert result.exit_code == 2
    assert "targets.csat_score: unknown metric (known: agent_wait_time," in result.output
    assert ", backlog, backlog_overdue," in result.output
    assert "Traceback" not in result.output

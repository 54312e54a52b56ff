"""`deskmetrics init` and `deskmetrics check`, and how configuration errors reach the user."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from config_files import toml_config
from deskmetrics import load_config
from fake_site import FakeSite

TOKEN = "fd-key-0123456789abcdef"


def test_init_writes_a_commented_starter_that_loads(dm: Any, in_tmp: Path) -> None:
    result = dm("init")
    assert result.exit_code == 0
    assert result.stdout == (
        "Wrote deskmetrics.toml. Add a [connections.NAME] table, then run: deskmetrics check\n"
    )
    text = (in_tmp / "deskmetrics.toml").read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) >= 10
    assert '# access_token = "${ZENDESK_ACCESS_TOKEN}"' in text  # secrets shown as env references
    assert tomllib.loads(text) == {
        "database": {"path": "deskmetrics.db"},
        "report": {"timezone": "UTC", "min_sample": 30},
    }
    config = load_config(in_tmp / "deskmetrics.toml")
    assert (config.database, config.timezone, config.connections) == (
        in_tmp / "deskmetrics.db",
        "UTC",
        {},
    )
    checked = dm("check")
    assert (checked.exit_code, checked.stdout) == (
        0,
        "deskmetrics.toml: all good\nNo connections configured yet.\n",
    )


def test_init_lists_installed_connectors(dm: Any, in_tmp: Path, paged_plugin: type) -> None:
    dm("init")
    line = next(
        line
        for line in (in_tmp / "deskmetrics.toml").read_text().splitlines()
        if line.startswith("# Installed connectors: ")
    )
    assert "dmtest-paged" in line.removeprefix("# Installed connectors: ").split(", ")


def test_init_refuses_to_overwrite_without_force(dm: Any, in_tmp: Path) -> None:
    path = in_tmp / "deskmetrics.toml"
    path.write_text("# mine\n", encoding="utf-8")
    result = dm("init")
    assert result.exit_code == 1
    assert result.stderr == "Error: deskmetrics.toml already exists (use --force to overwrite it)\n"
    assert path.read_text() == "# mine\n"
    forced = dm("init", "--force")
    assert forced.exit_code == 0
    assert "[database]" in path.read_text()


def test_init_writes_where_it_is_told(dm: Any, in_tmp: Path) -> None:
    assert dm("init", "--path", "conf.toml").exit_code == 0
    assert (in_tmp / "conf.toml").is_file()
    # The global --config names the file too: init, then check the same file.
    assert dm("--config", "other.toml", "init").exit_code == 0
    assert (in_tmp / "other.toml").is_file()
    assert dm("--config", "other.toml", "check").exit_code == 0
    assert not (in_tmp / "deskmetrics.toml").exists()


@pytest.fixture
def two_connections(in_tmp: Path, paged_plugin: type) -> Path:
    return toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "desk": {"connector": "dmtest-paged", "tickets": 300, "token": "${DMTEST_TOKEN}"},
            "sheet": {"connector": "dmtest-paged", "tickets": 12},
        },
    )


def test_check_tests_every_connection(dm: Any, two_connections: Path) -> None:
    result = dm("check", env={"DMTEST_TOKEN": TOKEN})
    assert (result.exit_code, result.stdout) == (
        0,
        "deskmetrics.toml: all good\n"
        "ok   desk (dmtest-paged): 300 tickets available\n"
        "ok   sheet (dmtest-paged): 12 tickets available\n",
    )
    named = dm("check", "--json", "sheet", env={"DMTEST_TOKEN": TOKEN})
    assert json.loads(named.stdout) == {
        "config": "deskmetrics.toml",
        "connections": [
            {
                "connection": "sheet",
                "connector": "dmtest-paged",
                "ok": True,
                "message": "12 tickets available",
            }
        ],
    }


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        ("auth", "401 Unauthorized: token *** was refused"),
        ("bug", "RuntimeError: unexpected payload for token ***"),
    ],
)
def test_a_failing_connection_exits_1_without_its_secret(
    dm: Any, in_tmp: Path, paged_plugin: type, failure: str, message: str
) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "desk": {
                "connector": "dmtest-paged",
                "token": "${DMTEST_TOKEN}",
                "check_failure": failure,
            },
            "sheet": {"connector": "dmtest-paged"},
        },
    )
    result = dm("check", env={"DMTEST_TOKEN": TOKEN})
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        f"FAIL desk (dmtest-paged): {message}",
        "ok   sheet (dmtest-paged): 200 tickets available",
    ]
    as_json = dm("check", "--json", env={"DMTEST_TOKEN": TOKEN})
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["connections"][0]["message"] == message
    assert TOKEN not in result.output + as_json.output


def test_a_connection_config_error_exits_2(dm: Any, two_connections: Path) -> None:
    result = dm("check")  # DMTEST_TOKEN is not set
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "deskmetrics.toml: 1 of 2 connections failed",
        "FAIL desk (dmtest-paged): deskmetrics.toml: connections.desk.token: "
        "environment variable DMTEST_TOKEN is not set",
        "ok   sheet (dmtest-paged): 12 tickets available",
    ]
    only_sheet = dm("check", "sheet")
    assert only_sheet.exit_code == 0


def test_check_reports_option_errors_and_unknown_connectors(
    dm: Any, in_tmp: Path, paged_plugin: type
) -> None:
    toml_config(
        in_tmp / "deskmetrics.toml",
        {
            "desk": {"connector": "dmtest-paged", "tickets": "lots"},
            "other": {"connector": "dmtest-nope"},
        },
    )
    result = dm("check", "--json")
    assert result.exit_code == 2
    desk, other = json.loads(result.stdout)["connections"]
    assert desk["message"] == (
        "deskmetrics.toml: connections.desk.tickets: Input should be a valid integer, "
        "unable to parse string as an integer (got 'lots')"
    )
    assert other["message"].startswith(
        "deskmetrics.toml: connections.other.connector: no connector named 'dmtest-nope' "
        "(installed: "
    )
    assert "dmtest-paged" in other["message"]
    assert other["message"].endswith("; `deskmetrics plugins` lists them")


def test_check_of_an_unknown_connection_name(dm: Any, two_connections: Path) -> None:
    result = dm("check", "zendesk")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: deskmetrics.toml: no connection named 'zendesk' (configured: desk, sheet)\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[database]\npath = 'x.db'\n[report\n",
            "not valid TOML: Expected ']' at the end of a table declaration (at line 3, column 8)",
        ),
        (
            "[reports]\n",
            "reports: unknown section (known: database, report, connections, schedules, "
            "targets, jobs, reporters, churn)",
        ),
        ("[database]\nfile = 'x.db'\n", "database.file: unknown key (known: path, url, timeout)"),
        (
            "[report]\ntimezone = 'Berlin'\n",
            "report.timezone: 'Berlin' is not an IANA time zone (e.g. Europe/Berlin)",
        ),
        (
            "[connections.desk]\nsubdomain = 'acme'\n",
            'connections.desk.connector: missing: say which connector, e.g. "csv"',
        ),
    ],
)
@pytest.mark.parametrize("command", ["check", "sync", "state show"])
def test_config_errors_exit_2_with_one_line(
    dm: Any, in_tmp: Path, text: str, message: str, command: str
) -> None:
    (in_tmp / "deskmetrics.toml").write_text(text, encoding="utf-8")
    result = dm(*command.split())
    assert result.exit_code == 2
    assert result.stderr == f"Error: deskmetrics.toml: {message}\n"
    assert not (in_tmp / "deskmetrics.db").exists()


def test_config_errors_through_the_console_script(fake_site: FakeSite) -> None:
    work = fake_site.root.parent
    missing = fake_site.run("--config", "nowhere.toml", "check")
    assert (missing.returncode, missing.stderr) == (
        2,
        "Error: nowhere.toml: config file not found\n",
    )
    (work / "deskmetrics.toml").write_text("[report]\ntimezone = 'Mars/Base'\n")
    bad = fake_site.run("check")
    assert (bad.returncode, bad.stdout, bad.stderr) == (
        2,
        "",
        "Error: deskmetrics.toml: report.timezone: 'Mars/Base' is not an IANA time zone "
        "(e.g. Europe/Berlin)\n",
    )

"""Configuration: where the file is found, its sections, secrets, one clear message per problem."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
from dmtest_paged import PagedConnector
from pydantic import SecretStr

from deskmetrics import ConfigError, load_config
from deskmetrics.config.loading import build_connector, resolve_env, secret_values

CONNECTORS: dict[str, Any] = {"dmtest-paged": PagedConnector, "csv-ish": PagedConnector}
KNOWN = "database, report, connections, schedules, targets, jobs, reporters, churn"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return str(caught.value)


def connector_error(path: Path, name: str = "desk") -> str:
    config = load_config(path)
    with pytest.raises(ConfigError) as caught:
        build_connector(config, config.connections[name], CONNECTORS)
    return str(caught.value)


def test_full_file(in_tmp: Path) -> None:
    path = write(
        in_tmp / "dm.toml",
        """\
        [database]
        path = "data/store.db"

        [report]
        timezone = "Europe/Berlin"
        min_sample = 10

        [connections.desk]
        connector = "dmtest-paged"
        keep_raw = true
        every = "1h"
        tickets = 120
        batch = 40

        [connections.sheet]
        connector = "csv-ish"
        """,
    )
    config = load_config(path)
    assert config.path == path
    assert config.database == in_tmp / "data" / "store.db"
    assert (config.timezone, config.min_sample) == ("Europe/Berlin", 10)
    assert list(config.connections) == ["desk", "sheet"]
    desk = config.connections["desk"]
    assert (desk.connector, desk.keep_raw, desk.every) == ("dmtest-paged", True, "1h")
    assert desk.options == {"tickets": 120, "batch": 40}
    connector = build_connector(config, desk, CONNECTORS)
    assert isinstance(connector, PagedConnector)
    assert (connector.options.tickets, connector.options.batch, connector.options.agents) == (
        120,
        40,
        5,
    )
    assert (connector.connection, connector.keep_raw, connector.base_dir) == ("desk", True, in_tmp)


def test_database_path_is_relative_to_the_config_file(in_tmp: Path) -> None:
    sub = in_tmp / "conf"
    sub.mkdir()
    path = write(sub / "deskmetrics.toml", '[database]\npath = "../x.db"\n')
    assert load_config(path).database == sub / ".." / "x.db"
    write(sub / "deskmetrics.toml", "")
    assert load_config(path).database == sub / "deskmetrics.db"


def test_where_the_file_is_found(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing anywhere: defaults.
    config = load_config()
    assert (config.path, config.database, config.timezone) == (
        None,
        in_tmp / "deskmetrics.db",
        "UTC",
    )
    assert config.connections == {}
    # ./deskmetrics.toml
    write(in_tmp / "deskmetrics.toml", '[report]\ntimezone = "Asia/Tokyo"\n')
    assert load_config().timezone == "Asia/Tokyo"
    # $DESKMETRICS_CONFIG wins over the working directory...
    write(in_tmp / "env.toml", '[report]\ntimezone = "America/Chicago"\n')
    monkeypatch.setenv("DESKMETRICS_CONFIG", str(in_tmp / "env.toml"))
    assert load_config().timezone == "America/Chicago"
    # ... and an explicit path wins over both.
    write(in_tmp / "explicit.toml", '[report]\ntimezone = "Europe/Paris"\n')
    assert load_config(in_tmp / "explicit.toml").timezone == "Europe/Paris"


def test_missing_files(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(in_tmp / "nope.toml")
    assert str(caught.value) == f"{in_tmp / 'nope.toml'}: config file not found"
    monkeypatch.setenv("DESKMETRICS_CONFIG", "gone.toml")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == "gone.toml: config file not found (named by DESKMETRICS_CONFIG)"


def test_invalid_toml_names_the_line(in_tmp: Path) -> None:
    path = write(in_tmp / "d.toml", '[database]\npath = "x.db"\n[report\ntimezone = "UTC"\n')
    assert error_of(path) == (
        f"{path}: not valid TOML: Expected ']' at the end of a table declaration "
        "(at line 3, column 8)"
    )


def test_not_utf8(in_tmp: Path) -> None:
    path = in_tmp / "d.toml"
    path.write_bytes(b'[report]\ntimezone = "Z\xfcrich"\n')
    assert error_of(path) == f"{path}: not UTF-8 text (invalid start byte at byte 22)"


def test_a_utf8_bom_is_accepted(in_tmp: Path) -> None:
    path = in_tmp / "d.toml"
    path.write_bytes('\ufeff[report]\ntimezone = "UTC"\n'.encode())
    assert load_config(path).timezone == "UTC"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[databse]\npath = 'x'\n", f"databse: unknown section (known: {KNOWN})"),
        ("database = 'x.db'\n", "database: must be a table, e.g. [database]"),
        ("[database]\npaht = 'x.db'\n", "database.paht: unknown key (known: path, url, timeout)"),
        ("[database]\npath = ''\n", "database.path: must be a non-empty string"),
        (
            "[report]\ntimezon = 'UTC'\n",
            "report.timezon: unknown key (known: timezone, min_sample, backlog_overdue_hours, "
            "schedule, retention_unit)",
        ),
        (
            "[report]\ntimezone = 'Mars/Olympus_Mons'\n",
            "report.timezone: 'Mars/Olympus_Mons' is not an IANA time zone (e.g. Europe/Berlin)",
        ),
        (
            "[report]\ntimezone = 5\n",
            "report.timezone: 5 is not an IANA time zone (e.g. Europe/Berlin)",
        ),
        ("[report]\nmin_sample = 0\n", "report.min_sample: must be a whole number of at least 1"),
        (
            "[report]\nmin_sample = true\n",
            "report.min_sample: must be a whole number of at least 1",
        ),
        (
            "[connections.desk]\npath = 'exports'\n",
            'connections.desk.connector: missing: say which connector, e.g. "csv"',
        ),
        (
            "[connections]\ndesk = 'csv'\n",
            'connections.desk: must be a table with connector = "..."',
        ),
        (
            "[connections.desk]\nconnector = 'csv'\nkeep_raw = 'yes'\n",
            "connections.desk.keep_raw: must be true or false",
        ),
        (
            "[reporters]\nhtml = 5\n",
            "reporters.html: must be a table of the reporter's options, e.g. [reporters.html]",
        ),
        ("reporters = 5\n", "reporters: must be a table, e.g. [reporters.html]"),
        ("[jobs]\nnightly = 'report'\n", "jobs.nightly: must be a table with a command"),
        ("targets = 5\n", "targets: must be a table, e.g. [targets]"),
        (
            "[report]\nbacklog_overdue_hours = -1\n",
            "report.backlog_overdue_hours: must be a number of hours above 0",
        ),
        (
            "[database]\ntimeout = 'long'\n",
            "database.timeout: must be a number of seconds (0 or more)",
        ),
    ],
)
def test_each_problem_has_one_clear_message(in_tmp: Path, text: str, message: str) -> None:
    path = write(in_tmp / "deskmetrics.toml", text)
    assert error_of(path) == f"{path}: {message}"


def test_unknown_connector_lists_the_installed_ones(in_tmp: Path) -> None:
    path = write(in_tmp / "d.toml", "[connections.desk]\nconnector = 'zendsk'\n")
    assert connector_error(path) == (
        f"{path}: connections.desk.connector: no connector named 'zendsk' "
        "(installed: csv-ish, dmtest-paged); `deskmetrics plugins` lists them"
    )
    config = load_config(path)
    with pytest.raises(ConfigError, match=r"\(installed: none installed\)"):
        build_connector(config, config.connections["desk"], {})


def test_connector_options_are_validated_by_the_connector(in_tmp: Path) -> None:
    path = write(
        in_tmp / "d.toml",
        "[connections.desk]\nconnector = 'dmtest-paged'\ntickets = 'many'\ncolour = 'red'\n",
    )
    assert connector_error(path).splitlines() == [
        f"{path}: connections.desk.tickets: Input should be a valid integer, unable to parse "
        "string as an integer (got 'many')",
        f"{path}: connections.desk.colour: Extra inputs are not permitted (got 'red')",
    ]


def test_secrets_from_the_environment(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        in_tmp / "d.toml",
        '[connections.desk]\nconnector = "dmtest-paged"\ntoken = "${DMTEST_TOKEN}"\n',
    )
    assert connector_error(path) == (
        f"{path}: connections.desk.token: environment variable DMTEST_TOKEN is not set"
    )
    monkeypatch.setenv("DMTEST_TOKEN", "s3cr3t-Tok3n")
    config = load_config(path)
    assert config.connections["desk"].options == {"token": "${DMTEST_TOKEN}"}  # not resolved yet
    connector = build_connector(config, config.connections["desk"], CONNECTORS)
    assert isinstance(connector.options.token, SecretStr)
    assert connector.options.token.get_secret_value() == "s3cr3t-Tok3n"
    assert "s3cr3t" not in repr(connector.options)
    assert secret_values(connector) == ["s3cr3t-Tok3n"]


def test_a_bad_secret_value_is_not_quoted(in_tmp: Path) -> None:
    path = write(in_tmp / "d.toml", "[connections.desk]\nconnector = 'dmtest-paged'\ntoken = 42\n")
    assert connector_error(path) == (
        f"{path}: connections.desk.token: Input should be a valid string"
    )


def test_resolve_env_walks_strings_lists_and_tables(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DMTEST_A", "alpha")
    monkeypatch.setenv("DMTEST_B", "beta")
    config = load_config()
    value = {"url": "https://${DMTEST_A}.example/${DMTEST_B}", "list": ["${DMTEST_B}", 3], "n": 1}
    assert resolve_env(value, "connections.x", config) == {
        "url": "https://alpha.example/beta",
        "list": ["beta", 3],
        "n": 1,
    }
    with pytest.raises(ConfigError) as caught:
        resolve_env({"deep": ["ok", "${DMTEST_MISSING}"]}, "connections.x", config)
    assert str(caught.value) == (
        "(default configuration): connections.x.deep[1]: "
        "environment variable DMTEST_MISSING is not set"
    )
    assert resolve_env("$DMTEST_A and {DMTEST_A}", "k", config) == "$DMTEST_A and {DMTEST_A}"

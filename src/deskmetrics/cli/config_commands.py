"""``deskmetrics init`` writes a starter config; ``deskmetrics check`` validates and tests it."""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import click

from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.output_file import write_output
from deskmetrics.config.loading import CONFIG_FILE, Config, build_connector, secret_values
from deskmetrics.errors import ConfigError, DeskmetricsError
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report.reporter import check_reporter_tables
from deskmetrics.report.targets import parse_targets
from deskmetrics.store.opening import open_store
from deskmetrics.sync.churn_file import read_churn_file

STARTER = """\
# deskmetrics configuration (TOML). Reference: docs/configuration.md
#
# Secrets: do not paste tokens here. Write "${{ENV_VAR}}" and export that variable;
# deskmetrics reads it at run time and never logs, prints or stores it.

[database]
# The SQLite file everything is synced into, relative to this file.
path = "deskmetrics.db"

[report]
# Day, week and month boundaries of reports are taken in this IANA time zone.
timezone = "UTC"
# Metrics computed from fewer observations than this are marked low_sample.
min_sample = 30

# One [connections.NAME] table per data source; NAME is yours to choose.
# Installed connectors: {connectors}
#
# [connections.spreadsheets]
# connector = "csv"
# path = "exports"            # folder with tickets.csv, interactions.csv, surveys.csv, ...
# timezone = "UTC"            # zone of timestamps written without an offset
#
# [connections.support]
# connector = "zendesk"
# subdomain = "acme"
# access_token = "${{ZENDESK_ACCESS_TOKEN}}"
"""


def register(cli: click.Group) -> None:
    cli.add_command(init)
    cli.add_command(check)


@click.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write the file [default: the --config file, else {CONFIG_FILE}].",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_app
def init(app: App, path: Path | None, force: bool) -> None:
    """Write a commented starter config file."""
    # `deskmetrics --config X init` writes X: the file the next `--config X check` reads.
    path = path or Path(app.config_path or CONFIG_FILE)
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists (use --force to overwrite it)")
    if path.is_file():
        _refuse_non_config(path)
    if not path.parent.is_dir():
        raise click.ClickException(f"{path}: folder {path.parent} does not exist")
    connectors = ", ".join(sorted(get_registry().connectors)) or "none"
    write_output(path, STARTER.format(connectors=connectors))
    click.echo(f"Wrote {path}. Add a [connections.NAME] table, then run: deskmetrics check")


def _refuse_non_config(path: Path) -> None:
    """``init --force`` replaces a config file (a broken ``.toml`` too), never a database or a
    data export that a mistyped ``--path`` names."""
    try:
        head = path.read_bytes()[:1_000_000]
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot read it ({exc.strerror})") from None
    if head.startswith(b"SQLite format 3\0"):
        reason = "is an SQLite database"
    elif path.suffix.lower() == ".toml":
        return
    else:
        try:
            tomllib.loads(head.decode("utf-8"))
            return
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            reason = "is not a TOML config file"
    raise click.ClickException(f"{path} {reason}; refusing to overwrite it, even with --force")


@click.command()
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def check(app: App, names: tuple[str, ...], as_json: bool) -> None:
    """Validate the config and test every connection (or the NAMES given).

    Every problem of the file is listed, one line each naming the file, the key and the reason;
    then a PostgreSQL store is connected to, and each connector proves its credentials with one
    cheap call.

    Exit codes: 0 all good; 1 the database or a connection failed its test; 2 a problem in the
    configuration.
    """
    try:
        config = app.config
        problems = _target_problems(config) + _churn_problems(config)
    except ConfigError as exc:
        _print_problems(app.config_path, str(exc).splitlines(), as_json)
        sys.exit(2)
    if problems:
        _print_problems(config.where, problems, as_json)
        sys.exit(2)
    for name in names:
        if name not in config.connections:
            known = ", ".join(config.connections) or "none"
            raise ConfigError(f"{config.where}: no connection named {name!r} (configured: {known})")
    check_reporter_tables(config, get_registry().reporters)
    database = _check_database(config)
    results = [_check_connection(config, name) for name in names or tuple(config.connections)]
    config_errors = sum(item.pop("config_error") for item in results)
    if as_json:
        found = {"config": config.where, "connections": results}
        click.echo(json.dumps(found | ({"database": database} if database else {}), indent=2))
    else:
        failed = sum(not item["ok"] for item in results)
        verdict = f"{failed} of {len(results)} connections failed" if failed else "all good"
        if database and not database["ok"]:
            verdict = "the database failed" + (f", {verdict}" if failed else "")
        click.echo(f"{config.where}: {verdict}")
        if database:
            click.echo(f"{'ok  ' if database['ok'] else 'FAIL'} database: {database['message']}")
        if not results:
            click.echo("No connections configured yet.")
        for item in results:
            mark = "ok  " if item["ok"] else "FAIL"
            click.echo(f"{mark} {item['connection']} ({item['connector']}): {item['message']}")
    if config_errors:
        sys.exit(2)  # a connection's configuration is wrong: the documented config-error code
    if not all(item["ok"] for item in results) or (database and not database["ok"]):
        sys.exit(1)


def _check_database(config: Config) -> dict[str, Any] | None:
    """A PostgreSQL store is a server that can be down or refuse the login: connect to it (which
    brings its schema up to date, as any command would). A SQLite file needs no check."""
    if config.database_url is None:
        return None
    try:
        with open_store(config) as store:
            return {"ok": True, "message": f"connected, schema version {store.schema_version}"}
    except DeskmetricsError as exc:
        # The store's own message: the URL as written, its password never (store.md).
        return {"ok": False, "message": str(exc)}


def _target_problems(config: Config) -> list[str]:
    """``[targets]`` checked against the installed metrics (the loader cannot know them)."""
    try:
        parse_targets(config.report_settings(), get_registry().metrics)
    except ConfigError as exc:
        return str(exc).splitlines()
    return []


def _churn_problems(config: Config) -> list[str]:
    """The ``[churn]`` file read through, so a bad row shows before a sync would fail on it."""
    source = config.churn_file
    if source is None:
        return []
    try:
        read_churn_file(source)
    except ConfigError as exc:
        return [f"churn.file: {exc}"]
    return []


def _print_problems(where: object, problems: list[str], as_json: bool) -> None:
    """Each problem on its own line, as every other command shows a configuration error."""
    if as_json:
        report = {"config": str(where or CONFIG_FILE), "problems": problems}
        click.echo(json.dumps(report, indent=2))
        return
    for line in problems:
        click.echo(f"Error: {line}", err=True)


def _check_connection(config: Config, name: str) -> dict[str, Any]:
    """One connection's result: built from its options, then its connector's own check."""
    connection = config.connections[name]
    result: dict[str, Any] = {"connection": name, "connector": connection.connector}
    try:
        connector = build_connector(config, connection, get_registry().connectors)
    except ConfigError as exc:
        return {**result, "ok": False, "message": str(exc), "config_error": True}
    try:
        return {**result, "ok": True, "message": connector.check(), "config_error": False}
    except Exception as exc:
        # Any failure (an HTTP library's error too) is a failed check, never a traceback,
        # and its text is scrubbed of the connection's secrets.
        text = str(exc) if isinstance(exc, DeskmetricsError) else f"{type(exc).__name__}: {exc}"
        for secret in secret_values(connector):
            text = text.replace(secret, "***")
        return {**result, "ok": False, "message": text, "config_error": False}
    finally:
        connector.close()

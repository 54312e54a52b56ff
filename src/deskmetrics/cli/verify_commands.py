"""``deskmetrics verify [NAME]``: a data audit of the store, against itself and the helpdesk."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from deskmetrics.audit import helpdesk_counts
from deskmetrics.audit.finding import Finding
from deskmetrics.audit.store_checks import run_checks
from deskmetrics.cli.app import App, pass_app
from deskmetrics.config.loading import Config, build_connector, secret_values
from deskmetrics.errors import ConfigError, DeskmetricsError
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report.safe_text import escape_rich
from deskmetrics.store.interface import StoreBackend as Store
from deskmetrics.sync.churn_file import match_churn_file


def register(cli: click.Group) -> None:
    cli.add_command(verify)


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--offline", is_flag=True, help="Only check the store; do not ask the helpdesk for counts."
)
@pass_app
def verify(app: App, name: str | None, as_json: bool, offline: bool) -> None:
    """Audit the store: consistency checks, and ticket counts against the helpdesk.

    Exits with 1 when a check fails; each finding names a few records and the fix.
    """
    config = app.config
    if name is not None and name not in config.connections:
        known = ", ".join(sorted(config.connections)) or "none"
        raise click.UsageError(f"no connection {name!r} in the config (known: {known})")
    with app.open_store(create=False) as store:
        findings = run_checks(store.conn, name) + _churn_check(config, store)
        if not offline:
            names = [name] if name else sorted(config.connections)
            findings += [_count_check(config, store, each) for each in names]
    if as_json:
        click.echo(json.dumps({"findings": [asdict(f) for f in findings],
                               "failed": sum(f.failed for f in findings)}, indent=2))  # fmt: skip
    else:
        _print_table(findings)
    if any(f.failed for f in findings):
        sys.exit(1)


def _churn_check(config: Config, store: Store) -> list[Finding]:
    """How the ``[churn]`` file joins the stored customers (as the next sync would apply it)."""
    source = config.churn_file
    if source is None:
        return []
    try:
        match = match_churn_file(store.conn, source)
    except ConfigError as exc:
        return [Finding("churn_file", "fail", 0, str(exc), fix="fix the file (deskmetrics check)")]
    status = "info" if match.unmatched_customers or match.unmatched_rows else "ok"
    fix = "check the file's e-mails / external ids against the helpdesk's customers"
    return [Finding("churn_file", status, match.unmatched_customers + match.unmatched_rows,
                    match.summary(), ids=list(match.unmatched_keys), fix=fix)]  # fmt: skip


def _count_check(config: Config, store: Store, name: str) -> Finding:
    try:
        connector = build_connector(config, config.connections[name], get_registry().connectors)
    except DeskmetricsError as exc:
        return Finding(helpdesk_counts.CHECK, "fail", 0, str(exc), connection=name,
                       fix="fix the connection (deskmetrics check)")  # fmt: skip
    try:
        return helpdesk_counts.compare(store.conn, name, connector)
    except Exception as exc:
        # A count the helpdesk will not give is a failed check, never a traceback; its text is
        # scrubbed of the connection's secrets.
        text = str(exc) if isinstance(exc, DeskmetricsError) else f"{type(exc).__name__}: {exc}"
        for secret in secret_values(connector):
            text = text.replace(secret, "***")
        return Finding(helpdesk_counts.CHECK, "fail", 0, text, connection=name,
                       fix="deskmetrics check NAME, or run verify --offline")  # fmt: skip
    finally:
        connector.close()


def _print_table(findings: list[Finding]) -> None:
    table = Table("check", "connection", "status", "count", "records", "detail / fix")
    style = {"ok": "green", "fail": "bold red", "info": "yellow"}
    for f in findings:
        text = f.detail + (f"\nfix: {f.fix}" if f.status != "ok" and f.fix else "")
        row: list[Any] = [
            f.check, f.connection or "all", f"[{style[f.status]}]{f.status}[/]", str(f.count),
            escape_rich(", ".join(f.ids)), escape_rich(text),
        ]  # fmt: skip
        table.add_row(*row)
    Console(soft_wrap=False).print(table)
    failed = sum(f.failed for f in findings)
    click.echo(f"{failed} check(s) failed" if failed else "all checks passed")

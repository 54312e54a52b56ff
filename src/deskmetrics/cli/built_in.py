"""The built-in commands: which module defines each, and the line ``deskmetrics --help`` shows.

``deskmetrics --help`` lists every command without importing any command module (each pulls in
the store, the report or the sync engine); tests/test_lazy_imports.py fails when a line here
differs from the command's own docstring.
"""

from __future__ import annotations

from typing import NamedTuple


class BuiltIn(NamedTuple):
    module: str
    """The family module under deskmetrics.cli; its ``register(cli)`` adds the command."""
    help: str
    """The first paragraph of the command's docstring."""


BUILT_IN: dict[str, BuiltIn] = {
    "sync": BuiltIn("sync_commands", "Sync all connections, or the NAMES given."),
    "report": BuiltIn(
        "report_commands", "Report the KPIs for a period [--from, --to) in the report time zone."
    ),
    "tickets": BuiltIn(
        "tickets_commands",
        "List the tickets, survey answers or customers that make up KPI's value.",
    ),
    "serve": BuiltIn(
        "serve_commands",
        "Browse the KPIs, and the tickets behind every number, in a local web app (Datasette).",
    ),
    "state": BuiltIn("state_commands", "Inspect or reset the cursors that make syncs incremental."),
    "status": BuiltIn(
        "status_commands",
        "Show each connection's last sync, outcome, records, duration, cursor age and next run.",
    ),
    "schedule": BuiltIn(
        "scheduler_commands",
        "Run scheduled jobs until SIGTERM or Ctrl-C (for systemd, containers, Kubernetes).",
    ),
    "schedules": BuiltIn(
        "business_hours_commands",
        "Business-hours schedules: list the configured ones, import a helpdesk's.",
    ),
    "plugins": BuiltIn(
        "plugin_commands", "List installed plugins, their versions and what each registers."
    ),
    "install": BuiltIn(
        "plugin_commands", "Install plugins (or any package) into deskmetrics' Python environment."
    ),
    "uninstall": BuiltIn(
        "plugin_commands", "Uninstall plugins from deskmetrics' Python environment."
    ),
    "new-plugin": BuiltIn(
        "plugin_commands",
        "Scaffold a plugin package that installs and passes its own tests as generated.",
    ),
    "init": BuiltIn("config_commands", "Write a commented starter config file."),
    "check": BuiltIn(
        "config_commands", "Validate the config and test every connection (or the NAMES given)."
    ),
    "demo": BuiltIn(
        "demo_commands",
        "Generate a demo helpdesk, sync it like a real one, and print its KPI report.",
    ),
    "verify": BuiltIn(
        "verify_commands",
        "Audit the store: consistency checks, and ticket counts against the helpdesk.",
    ),
    "store": BuiltIn("store_commands", "Move the store between databases (docs/store.md)."),
}

"""``deskmetrics plugins``, ``install``, ``uninstall`` and ``new-plugin``."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

import deskmetrics
from deskmetrics.cli import cli as deskmetrics_cli
from deskmetrics.cli import commands_by_plugin
from deskmetrics.plugin.manager import DEFAULT_PLUGINS, plugin_version, pm
from deskmetrics.plugin.registry import get_registry
from deskmetrics.scaffold import KINDS, new_plugin, plugin_names


def register(cli: click.Group) -> None:
    cli.add_command(plugins_command)
    cli.add_command(install)
    cli.add_command(uninstall)
    cli.add_command(new_plugin_command)


def plugin_details() -> list[dict[str, Any]]:
    deskmetrics_cli.add_plugin_commands()  # what each plugin's register_commands adds is listed too
    registry = get_registry()
    details = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        version, package = plugin_version(name)
        if name in DEFAULT_PLUGINS:
            version, package = deskmetrics.__version__, "deskmetrics"
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        registers = dict(registry.provided_by.get(name, {}))
        if commands_by_plugin.get(name):
            registers["commands"] = commands_by_plugin[name]
        details.append(
            {"name": name, "version": version, "package": package, "hooks": hooks, **registers}
        )
    return details


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plugins_command(as_json: bool) -> None:
    """List installed plugins, their versions and what each registers."""
    details = plugin_details()
    if as_json:
        click.echo(json.dumps(details, indent=2))
        return
    table = Table("plugin", "version", "package", "registers")
    for item in details:
        provided = "; ".join(
            f"{kind}: {', '.join(item[kind])}"
            for kind in ("connectors", "reporters", "metrics", "commands")
            if item.get(kind)
        )
        table.add_row(item["name"], item["version"] or "", item["package"] or "", provided)
    Console().print(table)


def _pip(*args: str) -> None:
    # The current interpreter's pip, so plugins land where deskmetrics runs.
    completed = subprocess.run([sys.executable, "-m", "pip", *args], check=False)
    if completed.returncode:
        sys.exit(completed.returncode)


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade to the newest version.")
@click.option("-e", "--editable", is_flag=True, help="Install local project(s) in editable mode.")
def install(packages: tuple[str, ...], upgrade: bool, editable: bool) -> None:
    """Install plugins (or any package) into deskmetrics' Python environment."""
    args = ["install", *(["--upgrade"] if upgrade else [])]
    for package in packages:
        args += ["-e", package] if editable else [package]
    _pip(*args)


@click.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def uninstall(packages: tuple[str, ...], yes: bool) -> None:
    """Uninstall plugins from deskmetrics' Python environment."""
    _pip("uninstall", *(["-y"] if yes else []), *packages)


@click.command("new-plugin")
@click.argument("name")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="What the plugin provides.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the deskmetrics-NAME folder.",
)
def new_plugin_command(name: str, kind: str, directory: Path) -> None:
    """Scaffold a plugin package that installs and passes its own tests as generated.

    It holds a pyproject.toml with the entry point, the module, a README with next steps and
    tests (a connector's use the conformance suite). NAME is lowercase letters, digits and
    hyphens (e.g. zammad): the package is deskmetrics-NAME, the module deskmetrics_NAME.
    Nothing is overwritten.
    """
    try:
        names = plugin_names(name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    # A second plugin registering a taken name is skipped at load time: say so now instead.
    taken = names.ident if kind == "metric" else names.name
    for plugin, provided in get_registry().provided_by.items():
        if taken in provided.get(f"{kind}s", []):
            raise click.BadParameter(
                f"{kind} {taken!r} is already registered by plugin {plugin!r}; choose another name",
                param_hint="NAME",
            )
    if importlib.util.find_spec(names.module) is not None:
        raise click.BadParameter(
            f"a module named {names.module} is already installed; choose another name",
            param_hint="NAME",
        )
    try:
        target, written = new_plugin(name, kind, directory)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created a {kind} plugin in {target}:")
    for path in written:
        click.echo(f"  {path.relative_to(target)}")
    click.echo(
        f"Next: cd {target} && pip install -e '.[test]' && pytest  (README.md has the next steps)"
    )

"""Start-up: `import deskmetrics` and the CLI import a module only when it is used.

Every command, and every plugin (`import deskmetrics`), pays for what is imported at start-up:
the public names, the command modules and the plugins are all loaded on first use.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import deskmetrics
from deskmetrics.cli import add_plugin_commands, cli
from deskmetrics.cli.built_in import BUILT_IN, BuiltIn
from deskmetrics.cli.lazy_group import LazyGroup
from deskmetrics.plugin.manager import pm
from subprocess_env import DESKMETRICS_BIN, clean_env

INIT = Path(deskmetrics.__file__)
HEAVY = (
    "pydantic",
    "sqlite_utils",
    "pluggy",
    "rich",
    "httpx",
    "click",
    "deskmetrics.models",
    "deskmetrics.config.loading",
    "deskmetrics.store",
    "deskmetrics.metrics",
    "deskmetrics.report",
    "deskmetrics.sync.engine",
    "deskmetrics.connect.connector",
)
COMMAND_MODULES = sorted({f"deskmetrics.cli.{entry.module}" for entry in BUILT_IN.values()})

# The modules a fresh interpreter holds after running `code`, printed as JSON.
PROBE = "import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))\n"


def modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def loaded(modules: set[str], names: tuple[str, ...] | list[str]) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_import_deskmetrics_imports_none_of_the_heavy_modules() -> None:
    modules = modules_after("import deskmetrics")
    assert loaded(modules, HEAVY) == []
    assert sorted(m for m in modules if m.startswith("deskmetrics")) == ["deskmetrics"]


def test_a_public_name_imports_its_module_on_first_use() -> None:
    modules = modules_after("import deskmetrics\nassert deskmetrics.Ticket.__name__ == 'Ticket'")
    assert "deskmetrics.models" in modules
    assert loaded(modules, ("sqlite_utils", "httpx", "deskmetrics.report")) == []


def typing_imports() -> dict[str, tuple[str, str]]:
    """Public name -> (module, attribute) as the TYPE_CHECKING block of __init__ imports it."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    (block,) = [node for node in tree.body if isinstance(node, ast.If)]
    return {
        alias.asname or alias.name: (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def test_every_public_name_is_what_type_checkers_are_told_it_is() -> None:
    declared = typing_imports()
    assert sorted(declared) == sorted(deskmetrics.__all__)
    for name, (module, attribute) in declared.items():
        assert getattr(deskmetrics, name) is getattr(importlib.import_module(module), attribute)
    assert deskmetrics.status_timeline.__name__ == "timeline"
    assert set(deskmetrics.__all__) <= set(dir(deskmetrics))
    with pytest.raises(AttributeError, match="has no attribute 'Tikcet'"):
        _ = deskmetrics.Tikcet  # type: ignore[attr-defined]


def cli_modules(*args: str) -> set[str]:
    return modules_after(
        "from deskmetrics.cli import cli\n"
        f"try:\n    cli.main({list(args)!r}, prog_name='deskmetrics')\n"
        "except SystemExit:\n    pass"
    )


def test_help_lists_every_command_without_importing_their_modules() -> None:
    modules = cli_modules("--help")
    assert loaded(modules, COMMAND_MODULES) == []
    assert (
        loaded(modules, ("sqlite_utils", "deskmetrics.store", "deskmetrics.config.loading")) == []
    )
    assert "deskmetrics_csv" in modules  # plugins are loaded: they may add commands
    listed = subprocess.run(
        [str(DESKMETRICS_BIN), "--help"],
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name, entry in BUILT_IN.items():
        assert f"  {name} " in listed and entry.help[:30] in listed


def test_a_built_in_command_loads_only_its_own_module_and_no_plugin() -> None:
    modules = cli_modules("state", "--help")
    assert loaded(modules, COMMAND_MODULES) == ["deskmetrics.cli.state_commands"]
    plugins = ("deskmetrics_csv", "deskmetrics_reporters", "deskmetrics_zendesk")
    assert loaded(modules, (*plugins, "deskmetrics.plugin.manager")) == []


def test_a_mistyped_command_gets_the_same_suggestion_as_before() -> None:
    result = subprocess.run(
        [str(DESKMETRICS_BIN), "repor"], env=clean_env(), capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "No such command 'repor'." in result.stderr
    if hasattr(click.exceptions, "NoSuchCommand"):  # click >= 8.4 suggests close names
        assert "Did you mean 'report'?" in result.stderr


def test_the_help_table_matches_each_commands_own_help() -> None:
    for name, entry in BUILT_IN.items():
        real = cli.built_in_command(name)
        placeholder = click.Command(name, help=entry.help)
        for limit in (30, 45, 80, 200):
            assert placeholder.get_short_help_str(limit) == real.get_short_help_str(limit), name
        assert not real.hidden


def test_help_reads_the_same_before_and_after_every_command_is_imported() -> None:
    fresh = LazyGroup("deskmetrics", built_in=BUILT_IN, add_plugin_commands=lambda group: None)
    before = fresh.get_help(click.Context(fresh, info_name="deskmetrics", terminal_width=72))
    for name in BUILT_IN:
        fresh.built_in_command(name)
    assert sorted(fresh.commands) == sorted(BUILT_IN)
    after = fresh.get_help(click.Context(fresh, info_name="deskmetrics", terminal_width=72))
    assert before == after
    assert "  report      Report the KPIs for a period [--from, --to) in the..." in after


def test_a_plugin_cannot_take_the_name_of_a_built_in_command_not_imported_yet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = LazyGroup(
        "deskmetrics",
        built_in={"state": BuiltIn("state_commands", "Inspect or reset the cursors.")},
        add_plugin_commands=add_plugin_commands,
    )

    class Squatter:
        @deskmetrics.hookimpl
        def register_commands(self, cli: click.Group) -> None:
            @cli.command("state")
            def fake() -> None:
                """Not the real state."""

            @cli.command("extra")
            def extra() -> None:
                """A new command."""

    pm.register(Squatter(), name="test-squatter")
    try:
        add_plugin_commands(group)
    finally:
        pm.unregister(name="test-squatter")
    state = group.get_command(click.Context(group), "state")
    assert state is not None and state.callback is not None
    assert state.callback.__module__ == "deskmetrics.cli.state_commands"
    assert sorted(group.commands) == ["extra", "state"]
    assert (
        "plugin 'test-squatter' failed to register commands and was skipped: "
        "ValueError: command 'state' already exists"
    ) in capsys.readouterr().err

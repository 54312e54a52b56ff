"""`deskmetrics new-plugin`: names, refusals, and generated packages that install and pass as is.

The end-to-end test is the CI check of issue 8: it generates one plugin of each kind with the
real command line, pip-installs all three into this environment (one pip call, no network),
runs each package's own tests in a subprocess and uninstalls them again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskmetrics.scaffold import KINDS, new_plugin, plugin_names
from deskmetrics.scaffold.generator import template_files
from plugin_projects import installed, start_tests, summary_counts
from subprocess_env import DESKMETRICS_BIN, clean_env

# Ruff as the project runs it, minus the checks a plugin author's project need not share.
RUFF = Path(sys.executable).with_name("ruff")
RUFF_RULES = ["--select", "E,F,W,I,B,UP,SIM,RUF", "--ignore", "RUF012", "--line-length", "100"]


def dm(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DESKMETRICS_BIN), *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# -- names and refusals ----------------------------------------------------------------------


def test_names_derive_every_spelling() -> None:
    names = plugin_names("help-scout2")
    assert (names.name, names.dist, names.module) == (
        "help-scout2",
        "deskmetrics-help-scout2",
        "deskmetrics_help_scout2",
    )
    assert (names.ident, names.title, names.classname) == (
        "help_scout2",
        "Help Scout2",
        "HelpScout2",
    )
    assert plugin_names("deskmetrics-zammad") == plugin_names("zammad")


@pytest.mark.parametrize("bad", ["", "Zammad", "help_scout", "2do", "a--b", "-a", "a-", "a b", "ä"])
def test_bad_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="lowercase letters, digits and single hyphens"):
        plugin_names(bad)


def test_cli_refuses_a_bad_name_and_an_unknown_kind(tmp_path: Path) -> None:
    bad = dm("new-plugin", "Zammad", "--kind", "connector", cwd=tmp_path)
    assert bad.returncode == 2
    assert "Invalid value for NAME: 'Zammad' is not a plugin name" in bad.stderr
    kind = dm("new-plugin", "zammad", "--kind", "exporter", cwd=tmp_path)
    assert kind.returncode == 2
    assert "'exporter' is not one of 'connector', 'reporter', 'metric'" in kind.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_cli_refuses_a_name_an_installed_plugin_registers(tmp_path: Path) -> None:
    taken = dm("new-plugin", "csv", "--kind", "connector", cwd=tmp_path)
    assert taken.returncode == 2
    assert (
        "Invalid value for NAME: connector 'csv' is already registered by plugin 'csv'; "
        "choose another name" in taken.stderr
    )
    metric = dm("new-plugin", "ticket-volume", "--kind", "metric", cwd=tmp_path)
    assert metric.returncode == 2
    assert "metric 'ticket_volume' is already registered by plugin" in metric.stderr
    # No metric is called zendesk, but deskmetrics_zendesk is the built-in connector's module.
    module = dm("new-plugin", "zendesk", "--kind", "metric", cwd=tmp_path)
    assert module.returncode == 2
    assert "a module named deskmetrics_zendesk is already installed; choose another name" in (
        module.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    existing = tmp_path / "deskmetrics-zammad"
    existing.mkdir()
    (existing / "notes.txt").write_text("mine", encoding="utf-8")
    result = dm("new-plugin", "zammad", "--kind", "connector", "--dir", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"Error: {existing} already exists; remove it or choose another --dir\n"
    assert [p.name for p in existing.iterdir()] == ["notes.txt"]
    assert (existing / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_every_kind_has_pyproject_module_readme_and_tests(tmp_path: Path) -> None:
    for kind in KINDS:
        target, written = new_plugin(f"x-{kind}", kind, tmp_path)
        relative = {p.relative_to(target).as_posix() for p in written}
        module = f"deskmetrics_x_{kind}"
        assert {
            "pyproject.toml",
            "README.md",
            f"src/{module}/__init__.py",
            f"tests/test_x_{kind}.py",
        } <= relative
        for path in written:
            assert "{{" not in path.read_text(encoding="utf-8"), f"unfilled field in {path}"
        pyproject = (target / "pyproject.toml").read_text(encoding="utf-8")
        assert f'name = "deskmetrics-x-{kind}"' in pyproject
        assert f'[project.entry-points.deskmetrics]\nx-{kind} = "{module}"' in pyproject
        assert 'dependencies = ["deskmetrics"]' in pyproject
        assert f"deskmetrics new-plugin x-{kind} --kind {kind}" in (target / "README.md").read_text(
            encoding="utf-8"
        )


def test_templates_ship_in_the_wheel() -> None:
    """hatchling includes every file under the package folder; the templates are among them."""
    wheel = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).parent.parent
    shipped = {f.distribution_path for f in wheel.WheelBuilder(str(root)).recurse_included_files()}
    for kind in KINDS:
        for relative, _ in template_files(kind):
            folder = "common" if relative == "pyproject.toml.tmpl" else kind
            assert f"deskmetrics/scaffold/templates/{folder}/{relative}" in shipped


# -- generated, installed and tested like CI does -------------------------------------------


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[dict[str, Path]]:
    """One plugin per kind made by the real command, pip-installed editable; uninstalled after."""
    projects = {}
    for kind in KINDS:
        made = dm("new-plugin", f"dmscaf-{kind}", "--kind", kind, "--dir", "plugins", cwd=tmp_path)
        assert made.returncode == 0, made.stderr
        projects[kind] = tmp_path / "plugins" / f"deskmetrics-dmscaf-{kind}"
        assert made.stdout.startswith(
            f"Created a {kind} plugin in {Path('plugins', projects[kind].name)}:"
        )
    with installed(list(projects.values())):
        yield projects


@pytest.mark.slow
def test_generated_plugins_install_list_and_pass_their_own_tests(
    generated: dict[str, Path], tmp_path: Path
) -> None:
    expected = {"connector": {"passed": 9, "skipped": 4}, "reporter": {"passed": 2}}
    expected["metric"] = {"passed": 3}
    # The three suites are independent: run them side by side.
    runs = {kind: start_tests(project) for kind, project in generated.items()}
    for kind, run in runs.items():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output
        assert summary_counts(output) == expected[kind], output

    listing = dm("plugins", "--json", cwd=tmp_path, DESKMETRICS_LOAD_PLUGINS="dmscaf-connector,"
                 "dmscaf-reporter,dmscaf-metric")  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    plugins = {item["name"]: item for item in json.loads(listing.stdout)}
    assert plugins["dmscaf-connector"]["connectors"] == ["dmscaf-connector"]
    assert plugins["dmscaf-reporter"]["reporters"] == ["dmscaf-reporter"]
    assert plugins["dmscaf-metric"]["metrics"] == ["dmscaf_metric"]
    assert {plugins[f"dmscaf-{kind}"]["package"] for kind in KINDS} == {
        f"deskmetrics-dmscaf-{kind}" for kind in KINDS
    }

    lint = subprocess.run(
        [str(RUFF), "check", "--isolated", *RUFF_RULES, *map(str, generated.values())],
        cwd=tmp_path,  # ruff's default first-party folders are relative to it: not this repo's
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout

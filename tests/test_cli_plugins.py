"""`deskmetrics plugins`, `install`, `uninstall` and plugin isolation, run as a user would.

Plugins are real installed distributions (a ``dist-info`` folder with ``entry_points.txt``) on the
PYTHONPATH of a ``deskmetrics`` subprocess, found through the ``deskmetrics`` entry-point group.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from importlib import metadata
from pathlib import Path

import pytest

from deskmetrics.plugin.manager import DEFAULT_PLUGINS
from fake_site import FakeSite
from subprocess_env import DESKMETRICS_BIN, clean_env

CORE = set(DEFAULT_PLUGINS)


@pytest.fixture
def site(fake_site: FakeSite) -> FakeSite:
    fake_site.add("fakeplugin", "1.2.3", {"good": "dmtest_good"}, ("dmtest_good",))
    fake_site.add(
        "dmtest-broken", "0.0.1", {"bad": "dmtest_broken_import"}, ("dmtest_broken_import",)
    )
    return fake_site


def by_name(listing: str) -> dict[str, dict]:
    """The listed plugins but deskmetrics' own core modules (registered on every run)."""
    return {item["name"]: item for item in json.loads(listing) if item["name"] not in CORE}


def test_good_plugin_is_listed_with_version_and_registrations(site: FakeSite) -> None:
    result = site.run("plugins", "--json", load="good")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    plugins = by_name(result.stdout)
    assert list(plugins) == ["good"]
    good = plugins["good"]
    assert good["version"] == "1.2.3"
    assert good["package"] == "fakeplugin"
    assert good["connectors"] == ["dmtest-alpha", "dmtest-beta"]
    assert good["commands"] == ["dmtest-hello"]
    assert good["hooks"] == ["other_host_hook", "register_commands", "register_connectors"]


def test_plugins_table_names_plugin_version_and_registrations(site: FakeSite) -> None:
    result = site.run("plugins", load="good")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if " good " in f" {line} ")
    assert "1.2.3" in row
    assert "fakeplugin" in row
    assert "connectors: dmtest-alpha, dmtest-beta; commands: dmtest-hello" in row


def test_plugin_command_runs(site: FakeSite) -> None:
    result = site.run("dmtest-hello", "Ada", load="good")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "hello Ada from dmtest-good\n",
        "",
    )


@pytest.mark.slow
def test_plugin_failing_to_import_is_skipped_with_a_warning(site: FakeSite) -> None:
    result = site.run("plugins", "--json")  # loads good and bad
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "deskmetrics: warning: plugin 'bad' failed to load and was skipped: ImportError: "
        "dmtest_broken_import needs the missing library libdmtest\n"
    )
    assert list(by_name(result.stdout)) == ["good"]
    # Other commands, the good plugin's included, still work.
    hello = site.run("dmtest-hello")
    assert hello.returncode == 0
    assert hello.stdout == "hello world from dmtest-good\n"
    assert "plugin 'bad' failed to load" in hello.stderr


def test_strict_plugins_makes_a_broken_plugin_fatal(site: FakeSite) -> None:
    result = site.run("plugins", "--json", env={"DESKMETRICS_STRICT_PLUGINS": "1"})
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: plugin 'bad' failed to load: ImportError: "
        "dmtest_broken_import needs the missing library libdmtest\n"
    )


def test_strict_plugins_off_values_keep_warning_mode(site: FakeSite) -> None:
    result = site.run("plugins", "--json", env={"DESKMETRICS_STRICT_PLUGINS": "0"})
    assert result.returncode == 0
    assert "warning: plugin 'bad' failed to load and was skipped" in result.stderr


@pytest.mark.slow
def test_load_plugins_restricts_loading_silently(site: FakeSite) -> None:
    result = site.run("plugins", "--json", load="good")
    assert (result.returncode, result.stderr) == (0, "")
    # Not loaded at all: even strict mode has nothing to complain about.
    strict = site.run("plugins", "--json", load="good", env={"DESKMETRICS_STRICT_PLUGINS": "1"})
    assert (strict.returncode, strict.stderr) == (0, "")
    assert list(by_name(strict.stdout)) == ["good"]
    # An empty list loads none.
    none = site.run("plugins", "--json", load="")
    assert (none.returncode, none.stderr) == (0, "")
    # Only deskmetrics' own core modules, which no switch turns off.
    assert [(p["name"], p["package"]) for p in json.loads(none.stdout)] == [
        (name, "deskmetrics") for name in sorted(CORE)
    ]


@pytest.mark.slow
def test_plugin_whose_register_hook_raises_is_skipped(fake_site: FakeSite) -> None:
    fake_site.add("fakeplugin", "1.2.3", {"good": "dmtest_good"}, ("dmtest_good",))
    fake_site.add(
        "dmtest-reg", "2.0", {"explodes": "dmtest_broken_register"}, ("dmtest_broken_register",)
    )
    result = fake_site.run("plugins", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "deskmetrics: warning: plugin 'explodes' failed to register connectors and was skipped: "
        "RuntimeError: registration exploded in dmtest_broken_register\n"
    )
    plugins = by_name(result.stdout)
    assert "connectors" not in plugins["explodes"]
    assert plugins["good"]["connectors"] == ["dmtest-alpha", "dmtest-beta"]

    strict = fake_site.run("plugins", "--json", env={"DESKMETRICS_STRICT_PLUGINS": "yes"})
    assert strict.returncode == 1
    assert "plugin 'explodes' failed to register connectors: RuntimeError" in strict.stderr


@pytest.mark.slow
def test_two_plugins_registering_one_connector_name(fake_site: FakeSite) -> None:
    fake_site.add("fakeplugin", "1.2.3", {"good": "dmtest_good"}, ("dmtest_good",))
    fake_site.add("dmtest-dup", "0.3", {"dup": "dmtest_dup"}, ("dmtest_dup",))
    # Entry points load in the order they are found on the path (not that of the switch below);
    # the first one loaded keeps the name.
    found = [
        ep.name
        for dist in metadata.distributions(path=[str(fake_site.root)])
        for ep in dist.entry_points
    ]
    first, second = sorted(("good", "dup"), key=found.index)
    for order in ("good,dup", "dup,good"):
        result = fake_site.run("plugins", "--json", load=order)
        assert result.returncode == 0, result.stderr
        assert result.stderr == (
            f"deskmetrics: warning: plugin {second!r} failed to register connectors "
            "and was skipped: "
            f"ValueError: connector 'dmtest-alpha' is already registered by {first!r}\n"
        )
        plugins = by_name(result.stdout)
        alpha_owner = "good" if "dmtest-alpha" in plugins["good"]["connectors"] else "dup"
        assert alpha_owner == first
        # The clash costs the second plugin that one name only.
        assert plugins["good"]["connectors"] == (
            ["dmtest-alpha", "dmtest-beta"] if first == "good" else ["dmtest-beta"]
        )
        assert plugins["dup"]["connectors"] == (
            ["dmtest-alpha", "dmtest-gamma"] if first == "dup" else ["dmtest-gamma"]
        )


@pytest.mark.slow
def test_plugin_with_a_misspelt_hook_is_skipped_with_a_warning(fake_site: FakeSite) -> None:
    fake_site.add("dmtest-typo", "1.0", {"typo": "dmtest_typo"}, ("dmtest_typo",))
    result = fake_site.run("plugins", "--json")
    assert result.returncode == 0
    assert result.stderr == (
        "deskmetrics: warning: plugin 'typo' failed to load and was skipped: "
        "ValueError: unknown hook "
        "register_connector (deskmetrics hooks: register_commands, register_connectors, "
        "register_dimensions, register_metrics, register_report_sections, register_reporters)\n"
    )
    assert by_name(result.stdout) == {}
    strict = fake_site.run("plugins", env={"DESKMETRICS_STRICT_PLUGINS": "1"})
    assert strict.returncode == 1
    assert "Error: plugin 'typo' failed to load: ValueError: unknown hook" in strict.stderr


@pytest.mark.slow
def test_install_and_uninstall_a_local_plugin_project(tmp_path: Path) -> None:
    """`deskmetrics install -e PATH` really pip-installs into this environment, then uninstalls."""
    project = tmp_path / "dmtest-installable"
    package = project / "dmtest_installable"
    package.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "dmtest-installable"
            version = "0.4.2"

            [project.entry-points.deskmetrics]
            dmtest-installable = "dmtest_installable"

            # An editable install through a .pth file (no `editables` package needed).
            [tool.hatch.build.targets.wheel]
            dev-mode-dirs = ["."]
            """
        ),
        encoding="utf-8",
    )
    (package / "__init__.py").write_text(
        textwrap.dedent(
            """\
            import deskmetrics


            class Installed(deskmetrics.Connector):
                name = "dmtest-installed"
                streams = ("tickets",)


            @deskmetrics.hookimpl
            def register_connectors(register):
                register(Installed)
            """
        ),
        encoding="utf-8",
    )
    # No network: build with the hatchling of this environment, never look at an index.
    env = clean_env(
        PIP_NO_BUILD_ISOLATION="false",  # pip reads this inverted: false = --no-build-isolation
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        DESKMETRICS_LOAD_PLUGINS="dmtest-installable",
    )

    def deskmetrics(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(DESKMETRICS_BIN), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def pip_knows() -> bool:
        shown = subprocess.run(
            [sys.executable, "-m", "pip", "show", "dmtest-installable"],
            env=env,
            capture_output=True,
            check=False,
        )
        return shown.returncode == 0

    assert not pip_knows()
    try:
        installed = deskmetrics("install", "--editable", str(project))
        assert installed.returncode == 0, installed.stderr
        assert pip_knows()
        listing = deskmetrics("plugins", "--json")
        assert listing.returncode == 0, listing.stderr
        plugin = by_name(listing.stdout)["dmtest-installable"]
        assert plugin["version"] == "0.4.2"
        assert plugin["package"] == "dmtest-installable"
        assert plugin["connectors"] == ["dmtest-installed"]

        removed = deskmetrics("uninstall", "-y", "dmtest-installable")
        assert removed.returncode == 0, removed.stderr
        assert not pip_knows()
        after = deskmetrics("plugins", "--json")
        assert (after.returncode, by_name(after.stdout)) == (0, {})
    finally:
        if pip_knows():
            subprocess.run(
                [sys.executable, "-m", "pip", "uninstall", "-y", "dmtest-installable"],
                env=env,
                capture_output=True,
                check=False,
            )


@pytest.mark.slow
def test_install_failure_exits_with_pips_code(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-project"
    result = subprocess.run(
        [str(DESKMETRICS_BIN), "install", "--editable", str(missing)],
        cwd=tmp_path,
        env=clean_env(DESKMETRICS_LOAD_PLUGINS="", PIP_NO_INDEX="1"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert str(missing) in result.stderr

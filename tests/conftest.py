"""Shared fixtures of the core tests: fake installed plugins, the CLI, throwaway plugin objects."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from fake_site import FakeSite
from store_tables import store_rows


@pytest.fixture
def fake_site(tmp_path: Path) -> FakeSite:
    site = tmp_path / "site"
    site.mkdir()
    return FakeSite(site)


@pytest.fixture
def register_plugin() -> Iterator[Any]:
    """Register throwaway plugin objects with deskmetrics' plugin manager for one test."""
    from deskmetrics.plugin.manager import load_plugins, pm

    load_plugins()  # the installed plugins first, as in a real run
    names: list[str] = []

    def register(plugin: object, name: str) -> object:
        pm.register(plugin, name=name)
        names.append(name)
        return plugin

    try:
        yield register
    finally:
        for name in names:
            if pm.get_plugin(name) is not None:
                pm.unregister(name=name)


@pytest.fixture
def paged_plugin(register_plugin: Any) -> Iterator[type]:
    """The dmtest-paged connector registered in-process; its read log is cleared around a test."""
    import dmtest_paged

    register_plugin(dmtest_paged, "test-paged")
    dmtest_paged.PagedConnector.reads.clear()
    yield dmtest_paged.PagedConnector
    dmtest_paged.PagedConnector.reads.clear()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty working directory, without deskmetrics' environment switches."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith("DESKMETRICS_"):
            monkeypatch.delenv(key)
    return tmp_path


@pytest.fixture
def rows_of() -> Any:
    return store_rows


@pytest.fixture
def dm(in_tmp: Path) -> Any:
    """Run the ``deskmetrics`` command line in-process (in ``in_tmp``): ``dm("sync", "--json")``."""
    from click.testing import CliRunner

    from deskmetrics.cli import get_cli

    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: Mapping[str, str] | None = None) -> Any:
        return runner.invoke(
            get_cli(),
            list(args),
            input=input,
            env=dict(env or {}),
            catch_exceptions=False,
            prog_name="deskmetrics",
        )

    return run

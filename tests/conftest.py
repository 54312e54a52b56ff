"""Shared fixtures of the core tests: fake installed plugins, the CLI, throwaway plugin objects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from deskmetrics.models import RECORD_TYPES

FAKEPLUGINS = Path(__file__).parent / "fakeplugins"
if str(FAKEPLUGINS) not in sys.path:
    # The fake plugin modules are importable in-process too (all named dmtest_*).
    sys.path.insert(0, str(FAKEPLUGINS))

DESKMETRICS_BIN = Path(sys.executable).with_name("deskmetrics")
"""The console script of the environment running the tests, as a user would call it."""

RECORD_TABLES: tuple[str, ...] = (*(model.table for model in RECORD_TYPES), "ticket_tags")
"""Every table a sync writes records into: what "the same store" compares."""


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without deskmetrics' own switches, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETRICS_")}
    env.update({"NO_COLOR": "1", "COLUMNS": "200", "PYTHONUTF8": "1"})
    env.update(extra)
    return env


@dataclass
class FakeSite:
    """A folder of hand-made installed distributions, for a subprocess's PYTHONPATH."""

    root: Path
    entry_points: list[str] = field(default_factory=list)

    def add(
        self,
        dist: str,
        version: str,
        entry_points: Mapping[str, str],
        modules: tuple[str, ...] = (),
    ) -> None:
        """Install ``dist`` with ``[deskmetrics]`` entry points and fakeplugins' ``modules``."""
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        lines = ["[deskmetrics]", *(f"{name} = {target}" for name, target in entry_points.items())]
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for module in modules:
            shutil.copy(FAKEPLUGINS / f"{module}.py", self.root / f"{module}.py")
        self.entry_points.extend(entry_points)

    def env(self, load: str | None = None, **extra: str) -> dict[str, str]:
        """The subprocess environment: this site on PYTHONPATH, loading only its plugins.

        ``load`` overrides DESKMETRICS_LOAD_PLUGINS (default: every entry point of this site,
        which keeps the project's own plugins, worked on concurrently, out of these tests).
        """
        chosen = ",".join(self.entry_points) if load is None else load
        return clean_env(PYTHONPATH=str(self.root), DESKMETRICS_LOAD_PLUGINS=chosen, **extra)

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        load: str | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        full_env = self.env(load)
        full_env.update(env or {})
        return subprocess.run(
            [str(DESKMETRICS_BIN), *args],
            cwd=cwd or self.root.parent,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


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


def store_rows(db: Path, table: str, *, drop: tuple[str, ...] = ("synced_at",)) -> list[tuple]:
    """Every row of ``table`` (sorted, without the ``drop`` columns), read with plain sqlite3."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
        keep = [c for c in columns if c not in drop]
        quoted = ", ".join(f'"{c}"' for c in keep)
        return sorted(conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)
    finally:
        conn.close()


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


def toml_config(
    path: Path, connections: Mapping[str, Mapping[str, Any]], db: str = "dm.db"
) -> Path:
    """Write a config file with ``[database] path`` and one table per connection."""
    import json

    lines = ["[database]", f"path = {json.dumps(db)}"]
    for name, table in connections.items():
        lines += ["", f"[connections.{name}]"]
        lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

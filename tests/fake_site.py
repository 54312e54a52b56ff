"""A folder of hand-made installed distributions, for plugin-loading tests in a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from subprocess_env import DESKMETRICS_BIN, clean_env

FAKEPLUGINS = Path(__file__).parent / "fakeplugins"
if str(FAKEPLUGINS) not in sys.path:
    # The fake plugin modules are importable in-process too (all named dmtest_*).
    sys.path.insert(0, str(FAKEPLUGINS))


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

"""Installing local plugin projects into this environment for a test, and running their tests.

No network: pip builds with this environment's hatchling and never looks at an index. Each
test module installs at most once (pip is the slow part) and uninstalls in a ``finally``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from subprocess_env import clean_env


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(
        PIP_NO_BUILD_ISOLATION="false",  # pip reads this inverted: false = --no-build-isolation
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@contextmanager
def installed(projects: Sequence[Path]) -> Iterator[None]:
    """``pip install --no-deps -e`` every project in one call; uninstalled again on the way out."""
    dists = [project.name for project in projects]
    try:
        editable = [arg for project in projects for arg in ("-e", str(project))]
        result = pip("install", "--no-deps", *editable)
        assert result.returncode == 0, result.stderr
        yield
    finally:
        pip("uninstall", "-y", *dists)
    assert pip("show", *dists).returncode != 0, f"{dists} are still installed"


def start_tests(project: Path) -> subprocess.Popen[str]:
    """The project's own test suite as its README runs it, in a subprocess (output merged)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", str(project / "tests"), "-q", "-p", "no:cacheprovider"],
        cwd=project,
        # No bytecode: the example plugin's tests run inside this repository's docs/.
        env=clean_env(PYTHONDONTWRITEBYTECODE="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def summary_counts(output: str) -> dict[str, int]:
    """``{"passed": 8, "skipped": 4}`` from the last line of pytest's output."""
    last = output.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}

"""The test suite's own rules: helpers are plain modules, and `slow` is a registered marker."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

TESTS = Path(__file__).parent


def test_no_test_module_imports_conftest() -> None:
    importing = sorted(
        path.name
        for path in TESTS.rglob("*.py")
        if re.search(r"^\s*(from|import) conftest\b", path.read_text(encoding="utf-8"), re.M)
    )
    assert importing == [], f"import shared helpers from their modules, not conftest: {importing}"


def test_slow_is_registered_and_markers_are_strict() -> None:
    settings = tomllib.loads((TESTS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = settings["tool"]["pytest"]["ini_options"]
    assert any(marker.startswith("slow:") for marker in pytest_options["markers"])
    assert "--strict-markers" in pytest_options["addopts"]
    marked = [p.name for p in TESTS.glob("test_*.py") if "@pytest.mark.slow" in p.read_text()]
    assert len(marked) >= 10

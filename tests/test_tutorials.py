"""The tutorials' code is correct: the reporter and metric tutorials' blocks are executed here,
and the connector tutorial's blocks are excerpts of the example plugin, which has its own tests
(tests/test_example_plugin.py runs them)."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import deskmetrics
from deskmetrics.plugin.registry import get_registry

DOCS = Path(__file__).parent.parent / "docs"
EXAMPLE = DOCS / "examples" / "deskmetrics-jsonl"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
_ELIDED = re.compile(r"^\s*# …\n", re.MULTILINE)


def blocks(tutorial: str, language: str = "python") -> list[tuple[str, str]]:
    """(file named on the block's first line, code) of each ``language`` block."""
    text = (DOCS / "tutorials" / tutorial).read_text(encoding="utf-8")
    found = []
    for lang, code in _BLOCK.findall(text):
        if lang == language:
            first, _, rest = code.partition("\n")
            found.append((first.removeprefix("# "), rest))
    return found


def load(name: str, code: str, monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Execute ``code`` as the importable module ``name`` (for this test only)."""
    module = types.ModuleType(name)
    exec(compile(code, f"<tutorial {name}>", "exec"), module.__dict__)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def run_tests(code: str, tmp_path: Path) -> list[str]:
    """Execute a tutorial's test file and call each test function; returns their names."""
    namespace: dict[str, Any] = {"__name__": "tutorial_tests"}
    exec(compile(code, "<tutorial tests>", "exec"), namespace)
    names = [name for name in namespace if name.startswith("test_")]
    for name in names:
        folder = tmp_path / name
        folder.mkdir()
        namespace[name](folder)
    return names


def test_reporter_tutorial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, register_plugin: Any
) -> None:
    (module_file, module_code), (test_file, test_code) = blocks("reporter.md")
    assert (module_file, test_file) == (
        "src/deskmetrics_digest/__init__.py",
        "tests/test_digest.py",
    )
    module = load("deskmetrics_digest", module_code, monkeypatch)
    register_plugin(module, "tutorial-digest")
    assert get_registry().reporters["digest"] is module.DigestReporter
    assert run_tests(test_code, tmp_path) == ["test_digest"]


def test_metric_tutorial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, register_plugin: Any
) -> None:
    (module_file, module_code), (test_file, test_code) = blocks("metric.md")
    assert (module_file, test_file) == ("src/deskmetrics_speed/__init__.py", "tests/test_speed.py")
    module = load("deskmetrics_speed", module_code, monkeypatch)
    register_plugin(module, "tutorial-speed")
    registered = get_registry().metrics
    assert registered["replied_within_hour"] is module.replied_within_hour
    assert registered["reply_to_resolution"] is module.reply_to_resolution
    assert run_tests(test_code, tmp_path) == ["test_speed_metrics", "test_in_the_full_report"]


def test_connector_tutorial_blocks_are_excerpts_of_the_example_plugin() -> None:
    excerpts = blocks("connector.md") + blocks("connector.md", "toml")[:1]
    assert len(excerpts) >= 8
    for file, code in excerpts:
        source = (EXAMPLE / file).read_text(encoding="utf-8")
        for part in _ELIDED.split(code):
            assert part in source, f"docs/tutorials/connector.md: not in {file}:\n{part}"


def test_connector_tutorial_error_text_is_what_the_example_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # no __pycache__ inside docs/
    for name in [m for m in sys.modules if m.startswith("deskmetrics_jsonl")]:
        monkeypatch.delitem(sys.modules, name)  # this copy, not an installed one
    try:
        from deskmetrics_jsonl.lines import Line
        from deskmetrics_jsonl.records import build

        line = Line(13, 0, {"id": "2013", "created_at": "yesterday", "status": "done"})
        with pytest.raises(deskmetrics.RecordError) as caught:
            build(deskmetrics.Ticket, line, "tickets.jsonl, line 13", ZoneInfo("UTC"), False)
    finally:
        for name in [m for m in sys.modules if m.startswith("deskmetrics_jsonl")]:
            del sys.modules[name]
    (first_line, rest), *_ = blocks("connector.md", "text")
    assert f"{first_line}\n{rest}" == str(caught.value) + "\n"

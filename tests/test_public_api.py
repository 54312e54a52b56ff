"""`import deskmetrics` is the whole plugin contract, and docs/plugins.md documents all of it.

Plugins (plugins/, the scaffold's templates) and docs (docs/) may import or name only the public
modules: ``deskmetrics`` itself and ``deskmetrics.testing`` (the conformance suite and test
helpers). Any other ``deskmetrics.<module>`` is private: free to move, as the layout did.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import deskmetrics

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "src" / "deskmetrics"
PUBLIC_MODULES = frozenset({"deskmetrics", "deskmetrics.testing"})
SCANNED = (ROOT / "plugins", ROOT / "docs", PACKAGE / "scaffold" / "templates")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".tmpl", ".txt", ".cfg", ".ini"}

_DOTTED = re.compile(r"(?<![\w./-])deskmetrics(?:\.[A-Za-z_]\w*)+")
_IMPORT = re.compile(r"^\s*(?:from|import)\s+(deskmetrics(?:\.\w+)*)", re.MULTILINE)


def private_module(dotted: str) -> str | None:
    """The private module ``dotted`` starts with (``deskmetrics.report.targets.Target`` gives
    ``deskmetrics.report``), or None for a public module or a name that is no module at all
    (``deskmetrics.Report``, the file ``deskmetrics.toml``)."""
    parts = dotted.split(".")
    if len(parts) < 2:
        return None
    first = PACKAGE / parts[1]
    if not (first.is_dir() or first.with_suffix(".py").is_file()):
        return None
    module = ".".join(parts[:2])
    return None if module in PUBLIC_MODULES else module


def private_references(text: str) -> list[str]:
    found = [m.group(1) for m in _IMPORT.finditer(text)]
    found += [m.group(0) for m in _DOTTED.finditer(text)]
    return sorted({name for name in found if private_module(name)})


def scanned_files() -> list[Path]:
    return sorted(
        path
        for folder in SCANNED
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts
    )


def test_the_checker_tells_private_modules_from_public_names() -> None:
    text = (
        "import deskmetrics\nfrom deskmetrics.report.targets import Target\n"
        "from deskmetrics.testing import ConnectorConformance\n"
        "see deskmetrics.metrics.scope, deskmetrics.Report and deskmetrics.toml\n"
        "   import deskmetrics.store\n"
    )
    assert private_references(text) == [
        "deskmetrics.metrics.scope",
        "deskmetrics.report.targets",
        "deskmetrics.store",
    ]


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_and_docs_use_only_the_public_api(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert private_references(text) == [], (
        f"{path.relative_to(ROOT)} names private modules; use names exported by "
        "`import deskmetrics` (add one to deskmetrics/__init__.py and docs/plugins.md if a "
        "plugin needs it)"
    )


def api_table() -> set[str]:
    """The names in the first column of docs/plugins.md's "The public API" tables."""
    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = text.split("\n## The public API\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(?:deskmetrics\.)?(\w+)", section, re.MULTILINE))


def test_every_exported_name_is_in_the_api_table() -> None:
    documented = api_table()
    missing = sorted(set(deskmetrics.__all__) - documented)
    assert missing == [], f"docs/plugins.md's API table lacks {missing}"
    stale = sorted(documented - set(deskmetrics.__all__) - {"testing"})
    assert stale == [], f"docs/plugins.md documents names deskmetrics does not export: {stale}"


def test_every_exported_name_exists() -> None:
    for name in deskmetrics.__all__:
        assert getattr(deskmetrics, name) is not None, name

"""deskmetrics.lazy_exports: a package's names are imported on first use, once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "dm_lazy_pkg"
    root.mkdir()
    (root / "__init__.py").write_text(
        "import deskmetrics\n"
        "__getattr__, __dir__ = deskmetrics.lazy_exports(\n"
        "    __name__, {'Heavy': 'dm_lazy_pkg.heavy'}\n"
        ")\n",
        encoding="utf-8",
    )
    (root / "heavy.py").write_text("class Heavy:\n    size = 42\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "dm_lazy_pkg"
    for name in ("dm_lazy_pkg", "dm_lazy_pkg.heavy"):
        sys.modules.pop(name, None)


def test_the_module_is_imported_on_first_use_only(package: str) -> None:
    module = __import__(package)
    assert f"{package}.heavy" not in sys.modules
    assert "Heavy" in dir(module)
    assert module.Heavy.size == 42
    assert f"{package}.heavy" in sys.modules
    assert "Heavy" in vars(module)  # cached: later lookups skip __getattr__


def test_an_unknown_name_is_an_attribute_error_naming_it(package: str) -> None:
    module = __import__(package)
    with pytest.raises(AttributeError, match="'dm_lazy_pkg' has no attribute 'Light'"):
        module.Light  # noqa: B018

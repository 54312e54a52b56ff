"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas whenever they are installed, only to map their scalar
types to column types when inserting their values. The feedback extra installs numpy (through
scikit-learn), and importing it costs every command ~0.15 s of start-up. deskmetrics never hands
sqlite-utils a numpy or pandas value, so they are hidden while sqlite-utils is first imported;
anything importing them later gets the real modules.
"""

from __future__ import annotations

import sys

__all__ = ["sqlite_utils"]

_HIDDEN = ("numpy", "pandas")


def _hide() -> list[str]:
    if "sqlite_utils" in sys.modules:
        return []
    hidden = [name for name in _HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` fail
    return hidden


def _unhide(hidden: list[str]) -> None:
    for name in hidden:
        if sys.modules.get(name) is None:
            del sys.modules[name]


_hidden = _hide()
try:
    import sqlite_utils
finally:
    _unhide(_hidden)

"""The optional ``feedback`` extra: whether it is installed, and what to tell the user if not."""

from __future__ import annotations

import importlib.util

EXTRA_MODULES = {
    "vaderSentiment": "vaderSentiment",
    "sklearn": "scikit-learn",
    "py3langid": "py3langid",
}
INSTALL_HINT = "pip install 'deskmetrics[feedback]'"


def missing_packages() -> list[str]:
    """Distribution names of the extra's packages that cannot be imported."""
    return [
        dist for module, dist in EXTRA_MODULES.items() if importlib.util.find_spec(module) is None
    ]


def missing_message() -> str | None:
    """A one-line explanation when the extra is incomplete, else None."""
    missing = missing_packages()
    if not missing:
        return None
    return (
        f"customer feedback analysis needs {', '.join(missing)} (not installed): run {INSTALL_HINT}"
    )

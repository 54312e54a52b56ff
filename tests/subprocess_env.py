"""How tests run ``deskmetrics`` as a user would: its console script, a clean environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DESKMETRICS_BIN = Path(sys.executable).with_name("deskmetrics")
"""The console script of the environment running the tests, as a user would call it."""


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without deskmetrics' own switches, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKMETRICS_")}
    env.update({"NO_COLOR": "1", "COLUMNS": "200", "PYTHONUTF8": "1"})
    env.update(extra)
    return env

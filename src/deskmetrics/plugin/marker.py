"""The decorator marking plugin hook implementations, exported as ``deskmetrics.hookimpl``."""

from __future__ import annotations

import pluggy

hookimpl = pluggy.HookimplMarker("deskmetrics")
"""Decorator for plugin hook implementations: ``@deskmetrics.hookimpl``."""

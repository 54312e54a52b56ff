"""The plugin manager: entry points, broken-plugin isolation and the environment switches.

``DESKMETRICS_LOAD_PLUGINS=a,b`` loads only the named entry points (an empty value loads none);
``DESKMETRICS_STRICT_PLUGINS=1`` turns a plugin that fails to import or register into an error.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib import metadata
from typing import Any

import pluggy

from deskmetrics.errors import DeskmetricsError
from deskmetrics.plugin import hookspecs

ENTRY_POINT_GROUP = "deskmetrics"
DEFAULT_PLUGINS: tuple[str, ...] = ("deskmetrics.metrics.builtin",)
"""Core modules registered like plugins on every run (not subject to DESKMETRICS_LOAD_PLUGINS)."""

pm = pluggy.PluginManager("deskmetrics")
pm.add_hookspecs(hookspecs)


class PluginError(DeskmetricsError):
    """A plugin failed to load or register while DESKMETRICS_STRICT_PLUGINS is set."""


_versions: dict[str, tuple[str | None, str | None]] = {}
_loaded = False


def strict() -> bool:
    return os.environ.get("DESKMETRICS_STRICT_PLUGINS", "") not in ("", "0", "false", "no")


def report_broken(name: str, exc: BaseException, doing: str = "load") -> None:
    """Skip a broken plugin with a warning naming it, or raise in strict mode."""
    what, why = f"plugin {name!r} failed to {doing}", f"{type(exc).__name__}: {exc}"
    if strict():
        raise PluginError(f"{what}: {why}") from exc
    print(f"deskmetrics: warning: {what} and was skipped: {why}", file=sys.stderr)


def _reject_unknown_hooks(plugin: object) -> None:
    """Unregister and fail a plugin implementing a hook deskmetrics does not have.

    pluggy accepts such an implementation silently, so a misspelt ``register_connector`` would
    make a plugin that quietly does nothing. (``@hookimpl(optionalhook=True)`` opts out.)
    """
    unknown = sorted(
        caller.name
        for caller in pm.get_hookcallers(plugin) or []
        if not caller.has_spec()
        and any(i.plugin is plugin and not i.optionalhook for i in caller.get_hookimpls())
    )
    if unknown:
        pm.unregister(plugin)
        known = ", ".join(sorted(n for n, c in vars(pm.hook).items() if c.has_spec()))
        raise ValueError(f"unknown hook {', '.join(unknown)} (deskmetrics hooks: {known})")


def call_hookimpl(impl: pluggy.HookImpl, **arguments: Any) -> Any:
    """Call one implementation the way pluggy does: with only the arguments it declares.

    So a hook can gain an argument later and an implementation written before keeps working.
    """
    return impl.function(*(arguments[name] for name in impl.argnames))


def load_plugins() -> None:
    """Register every installed plugin once; later calls do nothing."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module_name in DEFAULT_PLUGINS:
        if pm.get_plugin(module_name) is None:
            pm.register(importlib.import_module(module_name), name=module_name)
    wanted = os.environ.get("DESKMETRICS_LOAD_PLUGINS")
    allowed = None if wanted is None else {n.strip() for n in wanted.split(",") if n.strip()}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if allowed is not None and entry_point.name not in allowed:
            continue
        if pm.get_plugin(entry_point.name) is not None or pm.is_blocked(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
            pm.register(plugin, name=entry_point.name)
            _reject_unknown_hooks(plugin)
        except Exception as exc:
            report_broken(entry_point.name, exc)
            continue
        dist = entry_point.dist
        _versions[entry_point.name] = (dist.version, dist.name) if dist else (None, None)


def plugin_version(name: str) -> tuple[str | None, str | None]:
    """(version, distribution name) of a plugin loaded from an entry point."""
    return _versions.get(name, (None, None))

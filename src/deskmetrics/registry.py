"""What the loaded plugins registered: connectors, reporters and metrics by name.

Each plugin's ``register_*`` hook is called on its own, so a plugin that fails to register is
skipped (or fatal under DESKMETRICS_STRICT_PLUGINS) without taking the others down, and every
registered thing is attributed to the plugin that registered it (for ``deskmetrics plugins``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from deskmetrics.connector import Connector
from deskmetrics.plugins import load_plugins, pm, report_broken

KINDS = ("connectors", "reporters", "metrics")


@dataclass
class Registry:
    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    reporters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    provided_by: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """plugin name -> kind -> names it registered."""


def _name_of(kind: str, item: Any) -> str:
    name = getattr(item, "id", None) if kind == "metrics" else getattr(item, "name", None)
    if not isinstance(name, str) or not name:
        attribute = "id" if kind == "metrics" else "name"
        raise TypeError(f"registered {kind[:-1]} {item!r} has no {attribute}")
    return name


def _collect(registry: Registry, kind: str) -> None:
    table: dict[str, Any] = getattr(registry, kind)
    owners: dict[str, str] = {}
    hook = getattr(pm.hook, f"register_{kind}")
    # get_hookimpls() lists implementations in registration order (pluggy *calls* them in
    # reverse): walking it as is lets the first-loaded plugin keep a contested name.
    for impl in hook.get_hookimpls():
        plugin = impl.plugin_name
        found: list[Any] = []
        register: Callable[[Any], None] = found.append
        try:
            impl.function(register=register)
            names = [_name_of(kind, item) for item in found]
        except Exception as exc:
            report_broken(plugin, exc, doing=f"register {kind}")
            continue
        for name, item in zip(names, found, strict=True):
            if name in table:
                report_broken(
                    plugin,
                    ValueError(f"{kind[:-1]} {name!r} is already registered by {owners[name]!r}"),
                    doing=f"register {kind}",
                )
                continue
            table[name] = item
            owners[name] = plugin
            registry.provided_by.setdefault(plugin, {}).setdefault(kind, []).append(name)


_cache: tuple[list[tuple[str, Any]], Registry] | None = None


def _same_plugins(a: list[tuple[str, Any]], b: list[tuple[str, Any]]) -> bool:
    return len(a) == len(b) and all(
        name_a == name_b and plugin_a is plugin_b
        for (name_a, plugin_a), (name_b, plugin_b) in zip(a, b, strict=True)
    )


def get_registry() -> Registry:
    """The registry of the currently registered plugins (rebuilt when plugins change)."""
    global _cache
    load_plugins()
    # Compared by identity and holding references: ids of unregistered plugins can be reused.
    key = sorted(pm.list_name_plugin(), key=lambda item: item[0])
    if _cache is None or not _same_plugins(_cache[0], key):
        registry = Registry()
        for kind in KINDS:
            _collect(registry, kind)
        _cache = (key, registry)
    return _cache[1]

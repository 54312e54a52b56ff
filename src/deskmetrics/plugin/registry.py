"""What the loaded plugins registered: connectors, reporters and metrics by name.

Each plugin's ``register_*`` hook is called on its own, so a plugin that fails to register is
skipped (or fatal under DESKMETRICS_STRICT_PLUGINS) without taking the others down, and every
registered thing is attributed to the plugin that registered it (for ``deskmetrics plugins``).

A kind's hooks run the first time that kind is asked for: ``report`` needs metrics and reporters
only, and connector plugins may import their whole HTTP stack when registering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from deskmetrics.plugin.manager import call_hookimpl, load_plugins, pm, report_broken

if TYPE_CHECKING:
    from deskmetrics.connect.connector import Connector
    from deskmetrics.metrics.definition import Metric
    from deskmetrics.metrics.dimensions import Dimension
    from deskmetrics.report.reporter import Reporter

KINDS = ("connectors", "reporters", "metrics")


class Registry:
    """The registered things of one set of plugins, each kind collected on first access."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, Any]] = {}
        self._owners: dict[str, dict[str, list[str]]] = {}
        """kind -> plugin name -> names it registered."""

    @property
    def connectors(self) -> dict[str, type[Connector]]:
        return self._table("connectors")

    @property
    def reporters(self) -> dict[str, type[Reporter]]:
        return self._table("reporters")

    @property
    def metrics(self) -> dict[str, Metric]:
        return self._table("metrics")

    @property
    def report_sections(self) -> dict[str, Any]:
        return self._table("report_sections")

    @property
    def dimensions(self) -> dict[str, Dimension]:
        return self._table("dimensions")

    @property
    def provided_by(self) -> dict[str, dict[str, list[str]]]:
        """plugin name -> kind -> names it registered (collects every kind)."""
        provided: dict[str, dict[str, list[str]]] = {}
        for kind in KINDS:
            self._table(kind)
            for plugin, names in self._owners[kind].items():
                provided.setdefault(plugin, {})[kind] = names
        return provided

    def _table(self, kind: str) -> dict[str, Any]:
        if kind not in self._tables:
            # Stored only once complete: a strict-mode error leaves the kind to collect again.
            table, owners = _collect(kind)
            self._tables[kind], self._owners[kind] = table, owners
        return self._tables[kind]


def _name_of(kind: str, item: Any) -> str:
    name = getattr(item, "id", None) if kind == "metrics" else getattr(item, "name", None)
    if not isinstance(name, str) or not name:
        attribute = "id" if kind == "metrics" else "name"
        raise TypeError(f"registered {kind[:-1]} {item!r} has no {attribute}")
    return name


def _collect(kind: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Call every plugin's ``register_<kind>``: (name -> thing, plugin -> names it got)."""
    table: dict[str, Any] = {}
    owner_of: dict[str, str] = {}
    provided: dict[str, list[str]] = {}
    hook = getattr(pm.hook, f"register_{kind}")
    # get_hookimpls() lists implementations in registration order (pluggy *calls* them in
    # reverse): walking it as is lets the first-loaded plugin keep a contested name.
    for impl in hook.get_hookimpls():
        plugin = impl.plugin_name
        found: list[Any] = []
        try:
            call_hookimpl(impl, register=found.append)
            names = [_name_of(kind, item) for item in found]
        except Exception as exc:
            report_broken(plugin, exc, doing=f"register {kind}")
            continue
        for name, item in zip(names, found, strict=True):
            if name in table:
                report_broken(
                    plugin,
                    ValueError(f"{kind[:-1]} {name!r} is already registered by {owner_of[name]!r}"),
                    doing=f"register {kind}",
                )
                continue
            table[name] = item
            owner_of[name] = plugin
            provided.setdefault(plugin, []).append(name)
    return table, provided


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
        _cache = (key, Registry())
    return _cache[1]

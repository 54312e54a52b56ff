"""The plugin host in-process: hooks, the registry, attribution, broken-plugin isolation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import deskmetrics
from deskmetrics.cli.plugin_commands import plugin_details
from deskmetrics.plugin.manager import ENTRY_POINT_GROUP, PluginError, pm, report_broken
from deskmetrics.plugin.registry import get_registry


def connector(name: str) -> type[deskmetrics.Connector]:
    return type(f"C_{name}", (deskmetrics.Connector,), {"name": name, "streams": ("tickets",)})


class Reporter:
    name = "dmtest-markdown"


class Metric:
    id = "dmtest_metric"


class Multi:
    """One plugin object providing connectors, a reporter and a metric."""

    @deskmetrics.hookimpl
    def register_connectors(self, register: Callable[[Any], None]) -> None:
        register(connector("dmtest-one"))
        register(connector("dmtest-two"))

    @deskmetrics.hookimpl
    def register_reporters(self, register: Callable[[Any], None]) -> None:
        register(Reporter)

    @deskmetrics.hookimpl
    def register_metrics(self, register: Callable[[Any], None]) -> None:
        register(Metric())


class Provides:
    def __init__(self, *names: str) -> None:
        self.classes = {name: connector(name) for name in names}

    @deskmetrics.hookimpl
    def register_connectors(self, register: Callable[[Any], None]) -> None:
        for cls in self.classes.values():
            register(cls)


def test_entry_point_group_and_hooks() -> None:
    assert ENTRY_POINT_GROUP == "deskmetrics"
    assert pm.project_name == "deskmetrics"
    for hook in ("register_connectors", "register_reporters", "register_metrics"):
        assert hasattr(pm.hook, hook)
    assert hasattr(pm.hook, "register_commands")


def test_one_plugin_registers_several_kinds(register_plugin: Any) -> None:
    register_plugin(Multi(), "test-multi")
    registry = get_registry()
    assert registry.connectors["dmtest-one"].name == "dmtest-one"
    assert registry.connectors["dmtest-two"].name == "dmtest-two"
    assert registry.reporters["dmtest-markdown"] is Reporter
    assert isinstance(registry.metrics["dmtest_metric"], Metric)
    assert registry.provided_by["test-multi"] == {
        "connectors": ["dmtest-one", "dmtest-two"],
        "reporters": ["dmtest-markdown"],
        "metrics": ["dmtest_metric"],
    }
    details = {item["name"]: item for item in plugin_details()}["test-multi"]
    assert details["connectors"] == ["dmtest-one", "dmtest-two"]
    assert details["hooks"] == ["register_connectors", "register_metrics", "register_reporters"]


def test_registry_follows_registration_and_unregistration(register_plugin: Any) -> None:
    assert "dmtest-solo" not in get_registry().connectors
    plugin = register_plugin(Provides("dmtest-solo"), "test-solo")
    assert "dmtest-solo" in get_registry().connectors
    pm.unregister(plugin)
    assert "dmtest-solo" not in get_registry().connectors
    # A new object under the same name is a new plugin: the registry rebuilds.
    register_plugin(Provides("dmtest-solo-2"), "test-solo")
    connectors = get_registry().connectors
    assert "dmtest-solo-2" in connectors
    assert "dmtest-solo" not in connectors


def test_each_kind_is_registered_when_first_asked_for(register_plugin: Any) -> None:
    """``report`` asks for reporters and metrics only: connector plugins stay unimported."""
    calls: list[str] = []

    class Counting:
        @deskmetrics.hookimpl
        def register_connectors(self, register: Callable[[Any], None]) -> None:
            calls.append("connectors")
            register(connector("dmtest-counted"))

        @deskmetrics.hookimpl
        def register_reporters(self, register: Callable[[Any], None]) -> None:
            calls.append("reporters")

    register_plugin(Counting(), "test-counting")
    registry = get_registry()
    assert calls == []
    assert "dmtest-counted" not in registry.reporters
    assert "dmtest-counted" not in get_registry().reporters  # the same registry, not run again
    assert calls == ["reporters"]
    assert "dmtest-counted" in registry.connectors
    assert calls == ["reporters", "connectors"]
    assert registry.provided_by["test-counting"] == {"connectors": ["dmtest-counted"]}
    assert calls == ["reporters", "connectors"]


class Tiny:
    """A plugin object whose creation allocates nothing else (so its freed address is reused)."""

    connector: type[deskmetrics.Connector] | None = None

    @deskmetrics.hookimpl
    def register_connectors(self, register: Callable[[Any], None]) -> None:
        register(self.connector)


def test_registry_is_not_fooled_by_a_reused_object_id(register_plugin: Any) -> None:
    """A new plugin object may get the address (id) of an unregistered, freed one."""
    old, new = connector("dmtest-old"), connector("dmtest-new")
    plugin = Tiny()
    plugin.connector = old
    register_plugin(plugin, "test-tiny")
    assert get_registry().connectors["dmtest-old"] is old
    old_id = id(plugin)
    pm.unregister(plugin)
    del plugin
    pool = [Tiny() for _ in range(50)]  # CPython hands the freed block to one of these
    candidate = next((p for p in pool if id(p) == old_id), pool[0])
    candidate.connector = new
    register_plugin(candidate, "test-tiny")
    connectors = get_registry().connectors
    assert connectors.get("dmtest-new") is new
    assert "dmtest-old" not in connectors


def test_first_registered_plugin_keeps_a_contested_name(
    register_plugin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    first = register_plugin(Provides("dmtest-shared", "dmtest-first-only"), "test-first")
    second = register_plugin(Provides("dmtest-shared", "dmtest-second-only"), "test-second")
    capsys.readouterr()
    registry = get_registry()
    assert capsys.readouterr().err == ""  # each kind is collected when first asked for
    connectors = registry.connectors
    warning = capsys.readouterr().err
    assert warning == (
        "deskmetrics: warning: plugin 'test-second' failed to register connectors and was skipped: "
        "ValueError: connector 'dmtest-shared' is already registered by 'test-first'\n"
    )
    assert registry.provided_by["test-first"]["connectors"] == [
        "dmtest-shared",
        "dmtest-first-only",
    ]
    assert registry.provided_by["test-second"]["connectors"] == ["dmtest-second-only"]
    assert connectors["dmtest-shared"] is first.classes["dmtest-shared"]
    assert connectors["dmtest-second-only"] is second.classes["dmtest-second-only"]


def test_registering_a_nameless_thing_skips_the_plugin(
    register_plugin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    class Nameless:
        @deskmetrics.hookimpl
        def register_reporters(self, register: Callable[[Any], None]) -> None:
            register(object)

    register_plugin(Nameless(), "test-nameless")
    capsys.readouterr()
    registry = get_registry()
    assert "test-nameless" not in registry.provided_by
    assert capsys.readouterr().err == (
        "deskmetrics: warning: plugin 'test-nameless' failed to register reporters "
        "and was skipped: "
        "TypeError: registered reporter <class 'object'> has no name\n"
    )


def test_broken_register_hook_spares_other_plugins_and_other_kinds(
    register_plugin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    class Half:
        @deskmetrics.hookimpl
        def register_connectors(self, register: Callable[[Any], None]) -> None:
            register(connector("dmtest-half-before-boom"))
            raise KeyError("boom")

        @deskmetrics.hookimpl
        def register_reporters(self, register: Callable[[Any], None]) -> None:
            register(Reporter)

    register_plugin(Half(), "test-half")
    register_plugin(Provides("dmtest-fine"), "test-fine")
    capsys.readouterr()
    registry = get_registry()
    assert "dmtest-half-before-boom" not in registry.connectors  # nothing half-registered
    assert registry.provided_by["test-half"] == {"reporters": ["dmtest-markdown"]}
    assert registry.provided_by["test-fine"] == {"connectors": ["dmtest-fine"]}
    assert "plugin 'test-half' failed to register connectors and was skipped: KeyError: 'boom'" in (
        capsys.readouterr().err
    )


def test_strict_mode_turns_a_registration_failure_into_an_error(
    register_plugin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKMETRICS_STRICT_PLUGINS", "1")
    register_plugin(Provides("dmtest-shared"), "test-a")
    register_plugin(Provides("dmtest-shared"), "test-b")
    registry = get_registry()
    with pytest.raises(PluginError) as caught:
        _ = registry.connectors
    assert str(caught.value) == (
        "plugin 'test-b' failed to register connectors: "
        "ValueError: connector 'dmtest-shared' is already registered by 'test-a'"
    )
    assert "ticket_volume" in registry.metrics  # other kinds are unaffected
    with pytest.raises(PluginError):  # and the failed kind fails again, never half-collected
        _ = registry.connectors


@pytest.mark.parametrize(
    ("value", "fatal"),
    [("", False), ("0", False), ("false", False), ("no", False), ("1", True), ("yes", True)],
)
def test_report_broken_strictness(
    value: str, fatal: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DESKMETRICS_STRICT_PLUGINS", value)
    error = ImportError("No module named 'libfoo'")
    message = "plugin 'foo' failed to load: ImportError: No module named 'libfoo'"
    if fatal:
        with pytest.raises(PluginError, match="^" + re.escape(message)):
            report_broken("foo", error)
        assert capsys.readouterr().err == ""
    else:
        report_broken("foo", error)
        assert capsys.readouterr().err == (
            "deskmetrics: warning: plugin 'foo' failed to load and was skipped: "
            "ImportError: No module named 'libfoo'\n"
        )


def test_a_plugin_cannot_replace_an_existing_command(capsys: pytest.CaptureFixture[str]) -> None:
    import click

    from deskmetrics.cli import add_plugin_commands
    from deskmetrics.plugin.manager import pm

    group = click.Group("deskmetrics")

    @group.command("sync")
    def original() -> None:
        """The real sync."""

    class Hijacker:
        @deskmetrics.hookimpl
        def register_commands(self, cli: click.Group) -> None:
            @cli.command("sync")
            def fake() -> None:
                """Not the real sync."""

            @cli.command("extra")
            def extra() -> None:
                """A new command."""

    pm.register(Hijacker(), name="test-hijacker")
    try:
        add_plugin_commands(group)
    finally:
        pm.unregister(name="test-hijacker")
    assert group.commands["sync"] is original
    assert "extra" in group.commands
    assert (
        "plugin 'test-hijacker' failed to register commands and was skipped: "
        "ValueError: command 'sync' already exists"
    ) in capsys.readouterr().err


def test_hook_implementations_get_only_the_arguments_they_declare() -> None:
    import click

    from deskmetrics.cli import add_plugin_commands
    from deskmetrics.plugin.manager import call_hookimpl, pm

    class NoArguments:
        """pluggy lets an implementation declare fewer arguments than its hook has."""

        @deskmetrics.hookimpl
        def register_commands(self) -> None:
            calls.append("commands")

    calls: list[str] = []
    pm.register(NoArguments(), name="test-no-arguments")
    try:
        add_plugin_commands(click.Group("deskmetrics"))
        (impl,) = [i for i in pm.hook.register_commands.get_hookimpls()
                   if i.plugin_name == "test-no-arguments"]  # fmt: skip
        # An argument a later version of the hook might add is not passed to it either.
        call_hookimpl(impl, cli=click.Group("x"), added_later=1)
    finally:
        pm.unregister(name="test-no-arguments")
    assert calls == ["commands", "commands"]

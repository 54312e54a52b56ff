"""The hooks a deskmetrics plugin can implement. These docstrings are the hook reference.

A plugin is a module (or object) with functions decorated by ``deskmetrics.hookimpl``, found
through the ``deskmetrics`` entry-point group. Every hook hands you a ``register`` callback, so
one plugin can provide several connectors, reporters or metrics::

    import deskmetrics

    @deskmetrics.hookimpl
    def register_connectors(register):
        register(MyHelpdeskConnector)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
import pluggy

if TYPE_CHECKING:
    from deskmetrics.connector import Connector

hookspec = pluggy.HookspecMarker("deskmetrics")


@hookspec
def register_connectors(register: Callable[[type[Connector]], None]) -> None:
    """Register connector classes: ``register(MyConnector)``.

    A connector is a subclass of :class:`deskmetrics.Connector` with a unique ``name`` (the value
    users write as ``connector = "name"`` in a ``[connections.*]`` table), an ``Options`` pydantic
    model that validates that table, a tuple of ``streams``, and a ``read(stream, state)`` method
    yielding :class:`deskmetrics.Batch` objects. See docs/plugins.md for a complete example.

    Two plugins registering the same name is an error; the first one loaded keeps the name.
    """


@hookspec
def register_reporters(register: Callable[[Any], None]) -> None:
    """Register reporters: ``register(MyReporter)``.

    A reporter renders a computed report (it never computes metrics itself). Its ``name`` becomes a
    choice of ``deskmetrics report --format``.
    """


@hookspec
def register_metrics(register: Callable[[Any], None]) -> None:
    """Register metrics: ``register(my_metric)``.

    A metric declares its id, unit, cohort and computation; the built-in KPIs are registered
    through this very hook.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``deskmetrics`` command line.

    ``cli`` is the top-level click group; decorate new commands with ``@cli.command()``::

        @deskmetrics.hookimpl
        def register_commands(cli):
            @cli.command()
            def hello():
                "Say hello"
                click.echo("hello")
    """

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

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    import deskmetrics

hookspec = pluggy.HookspecMarker("deskmetrics")


@hookspec
def register_connectors(register: deskmetrics.RegisterConnector) -> None:
    """Register connector classes: ``register(MyConnector)``.

    A connector is a subclass of :class:`deskmetrics.Connector` with a unique ``name`` (the value
    users write as ``connector = "name"`` in a ``[connections.*]`` table), an ``Options`` model
    (a :class:`deskmetrics.ConnectorOptions` subclass) that validates that table, ``check()``
    proving the connection with one cheap call, and one read method per stream, declared with
    ``@deskmetrics.stream(name, records=...)`` in sync order, yielding :class:`deskmetrics.Batch`
    objects: records plus the cursor to resume from once they are stored. Credentials are
    :class:`deskmetrics.Secret` fields; HTTP connectors get their client from
    ``self.http_client(...)`` (docs/plugins.md, "Writing a connector").

    Test it with :class:`deskmetrics.testing.ConnectorConformance`. Walk-through:
    docs/tutorials/connector.md; a complete third-party example: docs/examples/deskmetrics-jsonl.

    Two plugins registering the same name is an error; the first one loaded keeps the name.

    Called only when a command needs connectors (``report`` does not), while every command
    imports every plugin: import a connector with heavy dependencies inside this hook, not at the
    top of the plugin module, so that other commands start fast.
    """


@hookspec
def register_reporters(register: deskmetrics.RegisterReporter) -> None:
    """Register reporters: ``register(MyReporter)``.

    A reporter is a subclass of :class:`deskmetrics.Reporter` with a unique ``name`` (a choice of
    ``deskmetrics report --format``), an ``extension`` for ``--output`` files, and
    ``render(report) -> str``. It renders a computed :class:`deskmetrics.Report` and never
    computes metrics itself: read ``report.metrics`` (id to :class:`deskmetrics.MetricValue`),
    ``report.definitions`` (id to :class:`deskmetrics.Metric`: label, unit, section),
    ``report.breakdowns``, ``report.series`` and ``report.targets``.

    Optional: ``default_grain`` (``"day"``, ``"week"``, ``"month"``), the series it gets when
    ``--grain`` is not given; and ``Options``, a :class:`deskmetrics.ReporterOptions` model that
    validates the user's ``[reporters.NAME]`` table, handed to the reporter as ``self.options``.
    Walk-through: docs/tutorials/reporter.md; options: docs/reporters.md.
    """


@hookspec
def register_metrics(register: deskmetrics.RegisterMetric) -> None:
    """Register metrics: ``register(my_metric)``.

    A metric is a :class:`deskmetrics.Metric` declaring its unique ``id``, label, unit, cohort and
    computation. The constructors ``Metric.count``, ``Metric.proportion``, ``Metric.duration``
    and ``Metric.mean`` take SQL over the ticket alias ``t`` of a cohort (``created``,
    ``resolved``…); the general form takes ``compute(scope)``. Breakdowns, filters, series and
    significance come for free. The built-in KPIs are registered through this very hook.
    Walk-through: docs/tutorials/metric.md; definitions and choices: docs/metrics.md.
    """


@hookspec
def register_report_sections(register: deskmetrics.RegisterReportSection) -> None:
    """Register report section builders: ``register(builder)``.

    A builder has a unique ``name`` and ``build(store, report)`` returning a
    :class:`deskmetrics.ReportSection` (a title, notes and :class:`deskmetrics.SectionTable`
    tables) or None to add nothing. ``build_report`` calls it once the metrics are computed,
    inside the report's snapshot, and every built-in reporter renders the sections after the
    KPIs (JSON: the ``sections`` key, present only when there are some). Use it for findings
    that are not one number per key, such as the themes of survey comments. Keep it fast: it
    runs for every report.
    """


@hookspec
def register_dimensions(register: deskmetrics.RegisterDimension) -> None:
    """Register breakdown dimensions: ``register(deskmetrics.Dimension("theme", keys))``.

    A dimension is a :class:`deskmetrics.Dimension`: a unique ``name`` (what users write in
    ``--by NAME`` and ``tickets --by-key NAME=VALUE``) and ``keys``, a SQL key expression per
    subject it applies to (``{"surveys": "..."}`` over the survey alias ``s``, ``{"tickets":
    "..."}`` over ``t``); metrics of other subjects leave its breakdown. Optional:
    ``names_table`` (display names by (source, id)), ``per_source`` and ``prepare(conn)``,
    called inside the report's snapshot before the first query that uses it (bring a derived
    table the keys read up to date there). A built-in dimension keeps its name.
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

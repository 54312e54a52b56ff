"""The ``register`` callbacks the ``register_*`` hooks hand to a plugin, precisely typed.

A plugin annotates its hook with these (``register: deskmetrics.RegisterConnector``) and a type
checker then rejects ``register(MyConnector())`` or a reporter handed to the connector hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from deskmetrics.connect.connector import Connector
    from deskmetrics.metrics.definition import Metric
    from deskmetrics.metrics.dimensions import Dimension
    from deskmetrics.report.reporter import Reporter
    from deskmetrics.report.section import SectionBuilder


class RegisterConnector(Protocol):
    """``register(connector_class)``: a :class:`deskmetrics.Connector` subclass, not an instance."""

    def __call__(self, connector_class: type[Connector], /) -> None: ...


class RegisterReporter(Protocol):
    """``register(reporter_class)``: a :class:`deskmetrics.Reporter` subclass, not an instance."""

    def __call__(self, reporter_class: type[Reporter], /) -> None: ...


class RegisterMetric(Protocol):
    """``register(metric)``: a :class:`deskmetrics.Metric` object."""

    def __call__(self, metric: Metric, /) -> None: ...


class RegisterDimension(Protocol):
    """``register(dimension)``: a :class:`deskmetrics.Dimension` object."""

    def __call__(self, dimension: Dimension, /) -> None: ...


class RegisterReportSection(Protocol):
    """``register(builder)``: an object with a ``name`` and ``build(store, report)``."""

    def __call__(self, builder: SectionBuilder, /) -> None: ...

"""``deskmetrics serve``: browse the KPIs and the tickets behind every number, on Datasette.

Two plugins in one package: for deskmetrics (entry point ``deskmetrics``) it adds the ``serve``
command; for Datasette (entry point ``datasette``, package ``deskmetrics_web.datasette_plugin``)
it adds the dashboard, ticket lists, agent, ticket and about pages. Datasette is the optional
``web`` extra (``pip install 'deskmetrics[web]'``), imported only when ``serve`` runs.
See docs/serve.md.
"""

import click

import deskmetrics
from deskmetrics_web.serve_command import serve

__all__ = ["register_commands"]


@deskmetrics.hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(serve)

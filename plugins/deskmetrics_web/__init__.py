"""The web app of ``deskmetrics serve``: KPIs and the tickets behind every number, on Datasette.

A Datasette plugin (entry point group ``datasette``, package
``deskmetrics_web.datasette_plugin``): the dashboard, ticket lists, agent, ticket and about
pages. ``deskmetrics serve`` starts it (deskmetrics_web.server); a plain
``datasette deskmetrics.db`` gets the pages too. Datasette is the optional ``web`` extra
(``pip install 'deskmetrics[web]'``). See docs/serve.md.
"""

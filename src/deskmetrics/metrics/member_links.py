"""Links from a listed ticket to its page in the helpdesk, from each connector's template.

A connector declares ``ticket_url_template`` (e.g. ``https://{subdomain}.zendesk.com/agent/
tickets/{id}``): ``{id}`` is the ticket id, every other field one of the connection's options as
written, trimmed the way users write it (``https://acme.zendesk.com/`` gives ``acme``: scheme,
path and the host text the template puts after the field are dropped). Only host-name
characters are accepted. Secrets never reach a link: a field that is a secret option, or still
an ``${ENV}`` reference, leaves the connection without links.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from deskmetrics.config.loading import Config, ConnectionConfig, secret_fields
from deskmetrics.metrics.members_listing import TicketLink

_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?")


def ticket_links(config: Config, connectors: Mapping[str, type[Any]] | None = None) -> TicketLink:
    """(source, ticket id) → URL, for the configured connections whose connector has a template.

    ``connectors``: by name (default: the installed ones).
    """
    if connectors is None:
        from deskmetrics.plugin.registry import get_registry

        connectors = get_registry().connectors
    templates: dict[str, str] = {}
    for name, connection in config.connections.items():
        template = _template(connection, connectors.get(connection.connector))
        if template is not None:
            templates[name] = template

    def link(source: str, ticket_id: str) -> str | None:
        template = templates.get(source)
        if template is None:
            return None
        return template.replace("{id}", quote(ticket_id, safe=""))

    return link


def _template(connection: ConnectionConfig, cls: type[Any] | None) -> str | None:
    """The template with every option field filled in (only ``{id}`` left), or None."""
    template = getattr(cls, "ticket_url_template", None)
    if cls is None or not isinstance(template, str):
        return None
    secrets = secret_fields(cls) if hasattr(cls, "Options") else frozenset()
    values: dict[str, str] = {"id": "{id}"}
    parts = list(string.Formatter().parse(template))
    for i, (_text, field, _spec, _conv) in enumerate(parts):
        if field is None or field == "id":
            continue
        value = connection.options.get(field)
        if field in secrets or not isinstance(value, str) or "${" in value:
            return None
        following = parts[i + 1][0] if i + 1 < len(parts) else ""
        host = _host_part(value, following.split("/")[0])
        if host is None:
            return None
        values[field] = host
    try:
        return template.format_map(values)
    except (KeyError, ValueError):
        return None


def _host_part(value: str, suffix: str) -> str | None:
    """``https://Acme.zendesk.com/`` → ``acme`` (suffix ``.zendesk.com``); None if not a host."""
    text = value.strip().lower().removeprefix("https://").removeprefix("http://")
    text = text.split("/")[0]
    if suffix:
        text = text.removesuffix(suffix.lower())
    return text if _HOST.fullmatch(text) else None

"""Report filters (``--where FIELD=VALUE``, ``--source``, ``--tag``) as SQL conditions.

Filters describe tickets. Several values for one field match any of them; different fields must
all match. Survey metrics filter through the survey's ticket; customer metrics only understand
``source`` (a customer has no channel or agent), so other filters make them not applicable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from deskmetrics.metrics.dimensions import SOURCE_COLUMN, TICKET_COLUMNS, TICKET_ID

_AGENT = {"tickets": "t.assignee_id", "surveys": "COALESCE(s.agent_id, t.assignee_id)"}

FILTER_FIELDS: dict[str, str] = {
    "channel": "{t}.channel = {v}",
    "priority": "{t}.priority = {v}",
    "status": "{t}.status = {v}",
    "organization": "{t}.organization_id = {v}",
    "source": "{src} = {v}",
    # Agents and groups may be named by id or by display name.
    "agent": (
        "({agent} = {v} OR {agent} IN "
        "(SELECT fa.id FROM agents fa WHERE fa.source = {src} AND fa.name = {v}))"
    ),
    "group": (
        "({t}.group_id = {v} OR {t}.group_id IN "
        '(SELECT fg.id FROM "groups" fg WHERE fg.source = {src} AND fg.name = {v}))'
    ),
    "tag": (
        "EXISTS (SELECT 1 FROM ticket_tags ft WHERE ft.source = {src} "
        "AND ft.ticket_id = {tid} AND ft.tag = {v})"
    ),
    # A requester by id, name or e-mail.
    "requester": (
        "({t}.requester_id = {v} OR {t}.requester_id IN (SELECT fc.id FROM customers fc"
        " WHERE fc.source = {src} AND (fc.name = {v} OR fc.email = lower({v}))))"
    ),
    # Every plain ticket column dimension filters on its own value (``resolution=estimated``).
    **{name: f"({sql}) = {{v}}" for name, sql in TICKET_COLUMNS.items()},
}


@dataclass(frozen=True)
class Filter:
    field: str
    value: str

    @classmethod
    def parse(cls, text: str) -> Filter:
        """``FIELD=VALUE``; raises ValueError with a message fit for the user."""
        field, sep, value = text.partition("=")
        field = field.strip()
        if not sep or not field or not value.strip():
            raise ValueError(f"{text!r} is not FIELD=VALUE (e.g. channel=email)")
        if field not in FILTER_FIELDS:
            raise ValueError(f"unknown field {field!r} (known: {', '.join(sorted(FILTER_FIELDS))})")
        return cls(field, value.strip())


def filter_conditions(
    filters: Iterable[Filter], subject: str, params: dict[str, Any]
) -> list[str] | None:
    """SQL conditions for ``subject``, adding values to ``params``; None if it cannot apply."""
    by_field: dict[str, list[str]] = {}
    for f in filters:
        by_field.setdefault(f.field, []).append(f.value)
    if subject == "customers" and set(by_field) - {"source"}:
        return None
    conditions = []
    for field, values in by_field.items():
        alternatives = []
        for value in values:
            name = f"f{len(params)}"
            params[name] = value
            alternatives.append(
                FILTER_FIELDS[field].format(
                    t="t",
                    src=SOURCE_COLUMN[subject],
                    tid=TICKET_ID.get(subject, "NULL"),
                    agent=_AGENT.get(subject, "NULL"),
                    v=f":{name}",
                )
            )
        conditions.append("(" + " OR ".join(alternatives) + ")")
    return conditions

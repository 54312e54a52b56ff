"""The ticket-activities export → the status and assignment history (``ticket_events``).

``GET /api/v2/export/ticket_activities?created_at=YYYY-MM-DD`` (an admin key, on plans that
offer the scheduled "ticket activity export", once an admin turned it on) answers links to that
day's export files, ``{"export": [{"created_at": ..., "url": ...}]}`` (``{"export": {"url":
...}}`` is seen too). A file is ``{"metadata": {...}, "activities_data": [...]}``; each activity
names its ``ticket_id``, ``performed_at`` (``"15-01-2018 11:01:57 +0000"``), ``performer_id``
and ``performer_type``, and in ``activity`` what it did: ``status`` (the status's label),
``agent_id``/``responder_id`` (the assignee), ``group_id``/``group`` (the group), ``note``,
``priority``, ``new_ticket``... Only the first three make history rows; notes and replies come
from the conversations stream. The export states no previous values: each row has only the
value after the change (docs/connectors/freshdesk.md, "Ticket activities").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import deskmetrics
from deskmetrics_freshdesk.timestamps import parse_time

EXPORT_PATH = "/api/v2/export/ticket_activities"
EXPORT_TIME = "%d-%m-%Y %H:%M:%S %z"
"""``performed_at`` as the export writes it (day first, then the offset)."""

ASSIGNEE_KEYS = ("agent_id", "responder_id")
GROUP_KEYS = ("group_id", "group")
DEFAULT_LABELS = {"open": 2, "pending": 3, "resolved": 4, "closed": 5}
"""Freshdesk's default status labels → their codes (the export names statuses by label)."""


class ActivityError(ValueError):
    """An activity that cannot be read: the message says which field and why."""


def file_urls(body: Any) -> list[str]:
    """The export file links of one day's answer (none: no file for that day)."""
    export = body.get("export") if isinstance(body, Mapping) else None
    items = export if isinstance(export, list) else [export] if export else []
    urls = [item.get("url") for item in items if isinstance(item, Mapping)]
    return [url for url in urls if isinstance(url, str) and url]


def performed_at(value: Any) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise ActivityError(f"performed_at {value!r} is not a time")
    try:
        return datetime.strptime(value.strip(), EXPORT_TIME).astimezone(UTC)
    except ValueError:
        pass
    try:
        parsed = parse_time(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise ActivityError(
            f"performed_at {value!r} is not a time (e.g. 15-01-2018 11:01:57 +0000)"
        )
    return parsed


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


class ActivityMapper:
    """Maps activities, knowing the account's status labels (``ticket_fields``) and the
    connection's ``status_map`` through ``status_of`` (code → status)."""

    def __init__(
        self, status_labels: Mapping[int, str], status_of: Callable[[int], deskmetrics.Status]
    ) -> None:
        codes = dict(DEFAULT_LABELS)
        codes.update({label.strip().lower(): code for code, label in status_labels.items()})
        self.codes = codes
        self.status_of = status_of

    def status(self, label: Any) -> str:
        if isinstance(label, int) or (isinstance(label, str) and label.strip().isdigit()):
            return self.status_of(int(label)).value
        code = self.codes.get(str(label).strip().lower()) if isinstance(label, str) else None
        if code is None:
            known = ", ".join(sorted(self.codes))
            raise ActivityError(f"status {label!r} is no status label of the account ({known})")
        return self.status_of(code).value

    def events(self, activity: Any, ids: Counter[str]) -> list[deskmetrics.TicketEvent]:
        """The history rows of one activity; ``ids`` numbers repeats within one file, so the
        same file read again gives the same ids."""
        if not isinstance(activity, Mapping):
            raise ActivityError(f"an activity is an object, not {type(activity).__name__}")
        ticket = _text(activity.get("ticket_id"))
        if ticket is None:
            raise ActivityError("no ticket_id")
        at = performed_at(activity.get("performed_at"))
        what = activity.get("activity")
        if not isinstance(what, Mapping):
            raise ActivityError(f"activity {what!r} is not an object")
        user = activity.get("performer_type") in (None, "user")
        author = _text(activity.get("performer_id")) if user else None
        changes: list[tuple[deskmetrics.EventField, str | None]] = []
        if "status" in what:
            changes.append((deskmetrics.EventField.STATUS, self.status(what["status"])))
        for field, keys in (
            (deskmetrics.EventField.ASSIGNEE, ASSIGNEE_KEYS),
            (deskmetrics.EventField.GROUP, GROUP_KEYS),
        ):
            key = next((key for key in keys if key in what), None)
            if key is not None:
                changes.append((field, _text(what[key])))
        events = []
        for field, value in changes:
            key = f"{ticket}:{int(at.timestamp())}:{field.value}"
            ids[key] += 1
            events.append(
                deskmetrics.TicketEvent.build(
                    {
                        "id": f"activity:{key}:{ids[key]}",
                        "ticket_id": ticket,
                        "created_at": at,
                        "field": field,
                        "value": value,
                        "author_id": author,
                    }
                )
            )
        return events

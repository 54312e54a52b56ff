"""A page's query string as report options: period, grain, breakdowns, filters, as-of.

The dashboard's form controls and every link a page makes use these names, so a ticket list
is computed for exactly the period, filters and as-of instant of the number it was opened from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

import deskmetrics

GRAINS = ("day", "week", "month")
DIMENSIONS = ("agent", "group", "channel", "priority", "tag", "organization", "source")
FILTER_FIELDS = ("channel", "group", "agent", "priority", "tag", "source", "organization")


class BadParams(ValueError):
    """A query string that cannot be a report: the message is shown on the page."""


@dataclass(frozen=True)
class ViewParams:
    start: date | None = None
    end: date | None = None
    grain: str | None = "week"
    by: tuple[str, ...] = ()
    filters: tuple[deskmetrics.Filter, ...] = ()
    as_of: datetime | None = None

    def query(self, **extra: str | Sequence[str]) -> str:
        """The query string of these options (and ``extra``), for a link."""
        pairs: list[tuple[str, str]] = []
        if self.start:
            pairs.append(("from", self.start.isoformat()))
        if self.end:
            pairs.append(("to", self.end.isoformat()))
        if self.as_of:
            pairs.append(("as_of", self.as_of.isoformat()))
        if self.grain:
            pairs.append(("grain", self.grain))
        pairs += [("by", name) for name in self.by]
        pairs += [(f.field, f.value) for f in self.filters]
        for name, value in extra.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs += [(name, v) for v in values]
        return urlencode(pairs)


def parse_params(args: Mapping[str, list[str]]) -> ViewParams:
    """Read ``from``, ``to``, ``as_of``, ``grain``, ``by`` and the filter fields."""

    def one(name: str) -> str | None:
        values = [v.strip() for v in args.get(name, []) if v.strip()]
        return values[-1] if values else None

    grain = one("grain")
    if grain is not None and grain not in (*GRAINS, "none"):
        raise BadParams(f"grain {grain!r}: choose day, week or month")
    by = tuple(dict.fromkeys(v for v in args.get("by", []) if v))
    for name in by:
        if name not in DIMENSIONS:
            raise BadParams(f"breakdown {name!r}: choose from {', '.join(DIMENSIONS)}")
    filters = tuple(
        deskmetrics.Filter(name, value.strip())
        for name in FILTER_FIELDS
        for value in args.get(name, [])
        if value.strip()
    )
    return ViewParams(
        start=_date(one("from"), "from"),
        end=_date(one("to"), "to"),
        grain=None if grain == "none" else (grain or "week"),
        by=by,
        filters=filters,
        as_of=_instant(one("as_of")),
    )


def _date(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadParams(f"{name} {text!r} is not a date like 2026-01-05") from None


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise BadParams(f"as_of {text!r} is not an ISO instant") from None
    if found.tzinfo is None:
        raise BadParams(f"as_of {text!r} needs a UTC offset, e.g. 2026-01-05T09:30:00+00:00")
    return found

"""``deskmetrics tickets KPI``: the tickets (survey answers, customers) behind one KPI value."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import click

from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.report_commands import (
    _parse_where,
    no_database_message,
    period_options,
    pick_schedules,
    scope_options,
)
from deskmetrics.metrics.dimensions import all_dimensions
from deskmetrics.metrics.filters import Filter
from deskmetrics.metrics.member_links import ticket_links
from deskmetrics.metrics.members_listing import MemberList, list_members
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report.period import to_iso
from deskmetrics.report.safe_text import escape_spreadsheet, escape_terminal

FORMATS = ("table", "csv", "json")
COLUMNS = ("subject", "source", "id", "ticket_id", "value", "met", "url")


def register(cli: click.Group) -> None:
    cli.add_command(tickets)


def _parse_keys(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    found = []
    for text in values:
        name, sep, value = text.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise click.BadParameter(f"{text!r} is not DIM=VALUE (e.g. agent='Ann Lee')")
        if name not in all_dimensions():
            raise click.BadParameter(
                f"unknown dimension {name!r} (choose from {', '.join(all_dimensions())})"
            )
        found.append((name, value))
    return tuple(found)


@click.command()
@click.argument("kpi")
@period_options
@click.option(
    "--by-key",
    "key",
    multiple=True,
    callback=_parse_keys,
    metavar="DIM=VALUE",
    help="The breakdown cell, by key or name; repeat for a nested one "
    "(--by-key group=Billing --by-key agent='Ann Lee').",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    callback=_parse_where,
    metavar="FIELD=VALUE",
    help="The report's filters (repeatable), e.g. channel=email.",
)
@scope_options
@click.option(
    "--format", "format_name", type=click.Choice(FORMATS), default="table", show_default=True
)
@pass_app
def tickets(
    app: App,
    kpi: str,
    start: date | None,
    end: date | None,
    as_of: datetime | None,
    timezone: str | None,
    key: tuple[tuple[str, str], ...],
    where: tuple[Filter, ...],
    source: tuple[str, ...],
    tag: tuple[str, ...],
    schedule: str | None,
    format_name: str,
) -> None:  # fmt: skip
    """List the tickets, survey answers or customers that make up KPI's value.

    Each row says what it contributed (a duration, a score) and whether it met the KPI's
    condition; the count listed is the KPI's n, the met rows its numerator.
    """
    config = app.config
    if config.database_url is None and not config.database.exists():
        raise click.ClickException(no_database_message(config))
    filters = (*where, *(Filter("source", s) for s in source), *(Filter("tag", t) for t in tag))
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=ZoneInfo(timezone or config.timezone))
    choice = pick_schedules(config, schedule)
    with app.open_store(create=False) as store:
        try:
            listed = list_members(
                store, kpi, config.report_settings(), start=start, end=end, as_of=as_of,
                timezone=timezone, key=key, filters=filters, schedule=choice,
                links=ticket_links(config, get_registry().connectors),
            )  # fmt: skip
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    text = RENDER[format_name](listed)
    if sys.stdout.isatty():
        text = escape_terminal(text)
    click.echo(text, nl=False)
    if key and listed.n == 0:
        # A mistyped key lists nothing, exactly like a quiet agent: say how keys are written.
        keys = ", ".join(f"{dim}={label}" for dim, label in listed.key)
        click.echo(
            escape_terminal(
                f"note: nothing listed for {keys} in this period; a key is an id or a name as "
                f"`deskmetrics report --by {listed.key[-1][0]}` shows it"
            ),
            err=True,
        )


def member_dict(listed: MemberList) -> dict[str, Any]:
    """The JSON shape: the KPI, its period and key, its value, n and met, and the members."""
    return {
        "kpi": listed.metric.id,
        "label": listed.metric.label,
        "period": {"start": to_iso(listed.start), "end": to_iso(listed.end)},
        "key": dict(listed.key),
        "value": listed.value.to_dict(),
        "n": listed.n,
        "met": listed.met,
        "members": [m.to_dict() for m in listed.members],
    }


def _json(listed: MemberList) -> str:
    return json.dumps(member_dict(listed), indent=2, ensure_ascii=False) + "\n"


def _csv(listed: MemberList) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in listed.members:
        row = m.to_dict()
        writer.writerow([escape_spreadsheet(_cell(row[c])) for c in COLUMNS])
    return out.getvalue()


def _table(listed: MemberList) -> str:
    rows = [[_cell(m.to_dict()[c]) for c in COLUMNS] for m in listed.members]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(COLUMNS)]
    lines = [
        f"{listed.metric.label} {listed.start:%Y-%m-%d} → {listed.end:%Y-%m-%d}"
        + "".join(f", {dim} {label}" for dim, label in listed.key)
        + f": n {listed.n}"
        + ("" if listed.met is None else f", met {listed.met}")
        + f" (value in {listed.value.unit})",
        "  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths, strict=True)).rstrip(),
    ]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    return str(value)


RENDER = {"table": _table, "csv": _csv, "json": _json}

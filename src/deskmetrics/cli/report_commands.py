"""``deskmetrics report``: compute the KPIs for a period and render them with a reporter."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from deskmetrics.calendar.schedule_choice import ScheduleChoice
from deskmetrics.calendar.timezones import iana_zone
from deskmetrics.cli.app import App, pass_app
from deskmetrics.cli.output_file import check_output, write_output
from deskmetrics.metrics.dimensions import DIMENSIONS, all_dimensions
from deskmetrics.metrics.filters import Filter
from deskmetrics.plugin.registry import get_registry
from deskmetrics.report import build_report
from deskmetrics.report.period import GRAINS
from deskmetrics.report.reporter import make_reporter
from deskmetrics.report.safe_text import escape_terminal
from deskmetrics.report.targets import missed

if TYPE_CHECKING:
    from deskmetrics.config.loading import Config
    from deskmetrics.metrics.members_listing import TicketLink
    from deskmetrics.report import Report
    from deskmetrics.report.reporter import Reporter
    from deskmetrics.report.targets import TargetResult
    from deskmetrics.store.interface import StoreBackend as Store

DEFAULT_FORMAT = "table"


def register(cli: click.Group) -> None:
    cli.add_command(report)


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-01-05") from None


def _parse_instant(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO instant like 2026-01-05T09:30:00Z"
        ) from None


def _parse_zone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return iana_zone(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _parse_by(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[tuple[str, ...], bool]:
    """Repeated ``--by`` nests; one ``--by a,b,c`` asks for separate breakdowns."""
    lists = [[part.strip() for part in value.split(",") if part.strip()] for value in values]
    for names in lists:
        for name in names:
            if name not in all_dimensions():
                raise click.BadParameter(
                    f"unknown dimension {name!r} (choose from {', '.join(all_dimensions())})"
                )
    if any(len(names) > 1 for names in lists):
        if len(lists) > 1:
            raise click.BadParameter(
                "give either one --by a,b,c (separate breakdowns) or repeated --by (nested)"
            )
        return tuple(lists[0]), True
    return tuple(name for names in lists for name in names), False


def _parse_where(
    ctx: click.Context, param: click.Parameter, values: Sequence[str]
) -> tuple[Filter, ...]:
    try:
        return tuple(Filter.parse(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_PERIOD_OPTIONS = [
    click.option(
        "--from",
        "start",
        callback=_parse_date,
        metavar="DATE",
        help="First local date of the period (default: four full ISO weeks back).",
    ),
    click.option(
        "--to",
        "end",
        callback=_parse_date,
        metavar="DATE",
        help="End of the period, exclusive (default: the start of this ISO week).",
    ),
    click.option(
        "--as-of",
        "as_of",
        callback=_parse_instant,
        metavar="INSTANT",
        help="'Now' for SLA and backlog rules (default: the current time).",
    ),
    click.option(
        "--timezone",
        callback=_parse_zone,
        metavar="TZ",
        help="Report time zone for days, weeks and months (default: [report] timezone).",
    ),
]


def period_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--from, --to, --as-of and --timezone, as ``report`` and ``tickets`` read them."""
    for option in reversed(_PERIOD_OPTIONS):
        command = option(command)
    return command


_SCOPE_OPTIONS = [
    click.option("--source", multiple=True, metavar="NAME", help="Only this connection's data."),
    click.option("--tag", multiple=True, metavar="TAG", help="Only tickets with this tag."),
    click.option(
        "--schedule",
        metavar="NAME",
        help="Business-hours schedule for the *_business variants ([schedules.NAME]).",
    ),
]


def scope_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--source, --tag and --schedule, as ``report`` and ``tickets`` read them."""
    for option in reversed(_SCOPE_OPTIONS):
        command = option(command)
    return command


@click.command()
@period_options
@click.option(
    "--by",
    multiple=True,
    callback=_parse_by,
    metavar="DIM[,DIM…]",
    help=f"Break down by {', '.join(DIMENSIONS)}, or a dimension a plugin adds (theme, with "
    "the feedback extra; a wrong name lists every installed one); repeat for nested "
    "breakdowns, or give a comma list (--by agent,group,channel) for separate ones.",
)
@click.option(
    "--grain",
    type=click.Choice(GRAINS),
    help="Add a series by day, week or month (html: week unless given).",
)
@click.option(
    "--where",
    "where",
    multiple=True,
    callback=_parse_where,
    metavar="FIELD=VALUE",
    help="Only tickets matching (repeatable), e.g. channel=email or agent='Ann Lee'.",
)
@scope_options
@click.option(
    "--format",
    "format_name",
    default=DEFAULT_FORMAT,
    show_default=True,
    metavar="NAME",
    help="A reporter: table, json, csv, markdown, html, or one a plugin adds.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write to this file instead of standard output.",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing --output file (never the database)."
)
@click.option(
    "--fail-on-missed-targets",
    is_flag=True,
    help="Exit 1 (after writing the report) when a [targets] KPI target is missed.",
)
@pass_app
def report(
    app: App,
    start: date | None,
    end: date | None,
    as_of: datetime | None,
    timezone: str | None,
    by: tuple[tuple[str, ...], bool],
    grain: str | None,
    where: tuple[Filter, ...],
    source: tuple[str, ...],
    tag: tuple[str, ...],
    schedule: str | None,
    format_name: str,
    output: Path | None,
    force: bool,
    fail_on_missed_targets: bool,
) -> None:  # fmt: skip
    """Report the KPIs for a period [--from, --to) in the report time zone."""
    reporters = get_registry().reporters
    if format_name not in reporters:
        known = ", ".join(sorted(reporters)) or "none installed"
        raise click.BadParameter(f"no reporter named {format_name!r} (installed: {known})",
                                 param_hint="--format")  # fmt: skip
    config = app.config
    if output is not None:
        check_output(output, config, force=force)
    if config.database_url is None and not config.database.exists():
        raise click.ClickException(no_database_message(config))
    filters = (
        *where,
        *(Filter("source", s) for s in source),
        *(Filter("tag", t) for t in tag),
    )
    dimensions, separate = by
    reporter = make_reporter(reporters[format_name], config)
    # Reporters never compute: a trend dashboard gets its series from here.
    grain = grain or reporters[format_name].default_grain
    with app.open_store() as store:
        result = make_report(
            store, config, start=start, end=end, as_of=as_of, timezone=timezone, by=dimensions,
            separate=separate, grain=grain, filters=filters, schedule_name=schedule,
        )  # fmt: skip
    text = render_with(reporter, format_name, result)
    if output is None:
        if sys.stdout.isatty():
            # A CSV or Markdown cell holding ESC sequences must not drive the user's terminal.
            text = escape_terminal(text)
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"Wrote {output}", err=True)
    if fail_on_missed_targets:
        # Overall targets, then each channel / priority row's (issue #18 item 8).
        failed = missed(result.targets) + [r for r in result.breakdown_targets if r.met is False]
        for item in failed:
            click.echo(f"target missed: {describe_miss(result, item)}", err=True)
        if failed:
            raise SystemExit(1)


def no_database_message(config: Config) -> str:
    """Points at the demo's config when that is what the user just made (README step 4)."""
    message = f"{config.database}: no database yet; run `deskmetrics sync`"
    demo_config = Path("deskmetrics-demo") / "deskmetrics.toml"
    if config.path is None and demo_config.is_file():
        return f"{message}, or for the demo: deskmetrics --config {demo_config} report"
    return f"{message} (or `deskmetrics demo`)"


def describe_miss(report: Report, item: TargetResult) -> str:
    """One line, e.g. ``first_response_time p90 5.20 h, target <= 4.00 h``."""
    target = item.target
    unit = report.definitions[target.metric].unit if target.metric in report.definitions else ""
    stat = "" if target.stat == "value" else f" {target.stat}"
    scope = f" [{target.scope}]" if target.scope else ""
    return (
        f"{target.metric}{scope}{stat} {_plain(item.actual, unit)}, "
        f"target {target.op} {_plain(target.target, unit)}"
    )


def _plain(number: float | None, unit: str) -> str:
    if number is None:
        return "no data"
    if unit == "seconds":
        return f"{number / 3600:.2f} h"
    return f"{number:.1f}{' %' if unit == 'percent' else ''}"


def render_report(
    store: Store, config: Config, format_name: str = DEFAULT_FORMAT, **options: Any
) -> str:
    """The rendered report, e.g. for ``deskmetrics demo`` to end with (options: make_report's)."""
    reporter = make_reporter(get_registry().reporters[format_name], config)
    return render_with(reporter, format_name, make_report(store, config, **options))


def render_with(reporter: Reporter, format_name: str, result: Report) -> str:
    """Reporter ``format_name``'s text; a reporter that fails is one line naming it."""
    registry = get_registry()
    try:
        text = reporter.render(result)
    except Exception as exc:
        plugin = _plugin_of(registry.provided_by, format_name)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise click.ClickException(
            f"reporter {format_name!r}{plugin} failed to render: {type(exc).__name__}: {reason}"
        ) from None
    if not isinstance(text, str):
        raise click.ClickException(
            f"reporter {format_name!r} returned {type(text).__name__}, not text"
        )
    return text


def _plugin_of(provided_by: dict[str, dict[str, list[str]]], reporter: str) -> str:
    for plugin, kinds in provided_by.items():
        if reporter in kinds.get("reporters", ()):
            return f" (plugin {plugin})"
    return ""


def _lazy_ticket_links(config: Config) -> TicketLink:
    """ticket_links, made on first use: it imports the connectors, which most reports never
    need (start-up stays free of the HTTP stack)."""
    made: list[TicketLink] = []

    def link(source: str, ticket_id: str) -> str | None:
        if not made:
            from deskmetrics.metrics.member_links import ticket_links  # it loads the config

            made.append(ticket_links(config, get_registry().connectors))
        return made[0](source, ticket_id)

    return link


class DateRangeError(click.ClickException):
    """A period or instant past the calendar's ends: one line, exit 2 like usage errors."""

    exit_code = 2


def make_report(
    store: Store,
    config: Config,
    *,
    schedule_name: str | None = None,
    as_of: datetime | None = None,
    timezone: str | None = None,
    **options: Any,
) -> Report:
    """build_report with CLI conventions: schedule by name, naive ``as_of`` in the report zone.

    Usage errors become click exceptions (exit code 2).
    """
    zone = ZoneInfo(timezone or config.timezone)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=zone)
    schedule = pick_schedules(config, schedule_name)
    try:
        report = build_report(
            store, config.report_settings(), as_of=as_of, timezone=timezone, schedule=schedule,
            **options,
        )  # fmt: skip
        report.ticket_link = _lazy_ticket_links(config)
        return report
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    except OverflowError:
        # e.g. --as-of 9999-12-31T23:00-05:00 or a --to at the end of the calendar.
        raise DateRangeError(
            "date value out of range: --from, --to and --as-of must lie between the years "
            "1 and 9999 after time-zone offsets and the default period are applied"
        ) from None


def pick_schedules(config: Config, name: str | None) -> ScheduleChoice | None:
    """``--schedule NAME`` for every source; without it the configuration's schedules."""
    if name is None:
        return config.schedule_choice()
    if name not in config.schedules:
        known = ", ".join(sorted(config.schedules)) or "none; add a [schedules.NAME] table"
        raise click.BadParameter(
            f"no schedule named {name!r} (configured: {known})", param_hint="--schedule"
        )
    return ScheduleChoice(default=config.schedules[name])

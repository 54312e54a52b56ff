"""``deskmetrics schedule``: run due syncs and report jobs in the foreground, until stopped."""

from __future__ import annotations

import signal
from types import FrameType

import click

from deskmetrics.cli.app import App, pass_app
from deskmetrics.jobs.definitions import load_jobs
from deskmetrics.jobs.scheduler import Outcome, Scheduler, outcome_line


def register(cli: click.Group) -> None:
    cli.add_command(schedule)


@click.command()
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="One line per job run: plain text, or a JSON object for log collectors.",
)
@click.option(
    "--jitter",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Random delay added to each planned run, so schedulers do not all start at once.",
)
@click.option(
    "--backoff",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="First retry delay of a failed job; doubles per failure, up to an hour.",
)
@pass_app
def schedule(app: App, log_format: str, jitter: float, backoff: float) -> None:
    """Run scheduled jobs until SIGTERM or Ctrl-C (for systemd, containers, Kubernetes).

    Jobs come from the config: every connection with `every = "15m"` or `cron = "..."` is
    synced on that schedule, and each [jobs.NAME] runs its command. A running job is stopped
    safely: its open batch rolls back and the next sync resumes after the last committed one.
    """
    config = app.config
    jobs = load_jobs(config)
    if not jobs:
        raise click.UsageError(
            'nothing to schedule: give a connection every = "15m" or cron = "...", '
            "or add a [jobs.NAME] table"
        )

    def log(outcome: Outcome) -> None:
        click.echo(outcome_line(outcome, as_json=log_format == "json"))

    scheduler = Scheduler(config, jobs, log=log, jitter=jitter, backoff=backoff)

    def stop(signum: int, frame: FrameType | None) -> None:
        scheduler.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    names = ", ".join(job.name for job in jobs)
    click.echo(f"deskmetrics schedule: {len(jobs)} jobs ({names})", err=True)
    scheduler.run_forever()
    click.echo("deskmetrics schedule: stopped", err=True)

"""Jobs from the config: a sync per connection with ``every``/``cron``, and ``[jobs.NAME]``.

```toml
[connections.support]
connector = "zendesk"
every = "15m"                       # or cron = "*/15 * * * *"

[jobs.dashboard]
cron = "0 7 * * 1-5"                # weekdays at 07:00 in [report] timezone (or timezone = ...)
command = "report --format html --output dashboard.html"

[jobs.targets]
after = "sync"                      # after every successful sync job
command = "report --fail-on-missed-targets"
```
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from deskmetrics.config.loading import Config
from deskmetrics.jobs.timing import Cron, Every, Timing

JOB_KEYS = ("command", "every", "cron", "after", "timezone")


@dataclass(frozen=True)
class Job:
    name: str
    args: tuple[str, ...]
    """The deskmetrics command line the job runs, without the program name."""
    timing: Timing | None = None
    """None for jobs that run after syncs."""
    connection: str | None = None
    """Set for sync jobs."""

    @property
    def is_sync(self) -> bool:
        return self.connection is not None


def _timing(config: Config, key: str, table: dict[str, object], zone: str) -> Timing | None:
    every, cron = table.get("every"), table.get("cron")
    if every is not None and cron is not None:
        raise config.error(key, "give either every or cron, not both")
    try:
        if every is not None:
            if not isinstance(every, str):
                raise ValueError('must be text such as "15m"')
            return Every.parse(every)
        if cron is not None:
            if not isinstance(cron, str):
                raise ValueError('must be text such as "*/15 * * * *"')
            return Cron.parse(cron, zone)
    except ValueError as exc:
        raise config.error(f"{key}.{'every' if every is not None else 'cron'}", str(exc)) from None
    return None


def load_jobs(config: Config) -> list[Job]:
    """Every scheduled job of ``config``; each mistake is a ConfigError naming its key."""
    jobs = []
    for name, connection in config.connections.items():
        timing = _timing(config, f"connections.{name}", connection.settings, config.timezone)
        if timing is not None:
            jobs.append(Job(f"sync:{name}", ("sync", name, "--json"), timing, connection=name))
    for name, table in config.data.get("jobs", {}).items():
        key = f"jobs.{name}"
        if not isinstance(table, dict):
            raise config.error(key, "must be a table with a command")
        for option in table:
            if option not in JOB_KEYS:
                raise config.error(f"{key}.{option}", f"unknown key (known: {', '.join(JOB_KEYS)})")
        command = table.get("command")
        if not isinstance(command, str) or not command.strip():
            raise config.error(
                f"{key}.command", 'missing: the deskmetrics command to run, e.g. "report"'
            )
        zone = table.get("timezone", config.timezone)
        if not isinstance(zone, str):
            raise config.error(f"{key}.timezone", "must be an IANA time zone name")
        timing = _timing(config, key, table, zone)
        after = table.get("after")
        if after not in (None, "sync"):
            raise config.error(f"{key}.after", 'the only choice is "sync"')
        if (timing is None) == (after is None):
            raise config.error(key, 'needs exactly one of every, cron or after = "sync"')
        args = tuple(shlex.split(command))
        if args and args[0] == "deskmetrics":
            args = args[1:]
        jobs.append(Job(f"job:{name}", args, timing))
    return jobs

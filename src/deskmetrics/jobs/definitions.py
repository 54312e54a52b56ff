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


def _timing(every: str | None, cron: str | None, zone: str) -> Timing | None:
    # The configuration loader already checked both texts; parsing them again cannot fail.
    if every is not None:
        return Every.parse(every)
    if cron is not None:
        return Cron.parse(cron, zone)
    return None


def load_jobs(config: Config) -> list[Job]:
    """Every scheduled job of ``config`` (validated when the configuration was loaded)."""
    jobs = []
    for name, connection in config.connections.items():
        timing = _timing(connection.every, connection.cron, config.timezone)
        if timing is not None:
            jobs.append(Job(f"sync:{name}", ("sync", name, "--json"), timing, connection=name))
    for name, table in config.jobs.items():
        timing = _timing(table.every, table.cron, table.timezone or config.timezone)
        args = tuple(shlex.split(table.command))
        if args and args[0] == "deskmetrics":
            args = args[1:]
        jobs.append(Job(f"job:{name}", args, timing))
    return jobs

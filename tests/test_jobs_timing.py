"""When scheduled jobs run: cron expressions and intervals, and jobs read from the config."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from deskmetrics.config.loading import parse_config
from deskmetrics.errors import ConfigError
from deskmetrics.jobs.definitions import load_jobs
from deskmetrics.jobs.timing import Cron, Every


def runs(expr: str, after: datetime, zone: str = "UTC", count: int = 3) -> list[str]:
    cron, moment, found = Cron.parse(expr, zone), after, []
    for _ in range(count):
        moment = cron.next_after(moment)
        found.append(moment.strftime("%Y-%m-%d %H:%M"))
    return found


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_steps_ranges_and_names() -> None:
    assert runs("*/15 * * * *", at(2026, 1, 1, 10, 7)) == [
        "2026-01-01 10:15",
        "2026-01-01 10:30",
        "2026-01-01 10:45",
    ]
    # Friday 2 January 2026, 08:00: the next weekday 07:00 is Monday.
    assert runs("0 7 * * mon-fri", at(2026, 1, 2, 8, 0)) == [
        "2026-01-05 07:00",
        "2026-01-06 07:00",
        "2026-01-07 07:00",
    ]
    assert runs("0 0 1 jan,jul *", at(2026, 1, 15)) == [
        "2026-07-01 00:00",
        "2027-01-01 00:00",
        "2027-07-01 00:00",
    ]
    assert runs("5 4 * * 7", at(2026, 1, 1)) == runs("5 4 * * 0", at(2026, 1, 1))


def test_both_day_fields_restricted_means_either() -> None:
    # Vixie cron: the 13th of the month OR any Friday.
    assert runs("0 12 13 * 5", at(2026, 1, 1)) == [
        "2026-01-02 12:00",
        "2026-01-09 12:00",
        "2026-01-13 12:00",
    ]


def test_strictly_after_the_given_instant() -> None:
    assert runs("30 9 * * *", at(2026, 1, 1, 9, 30), count=1) == ["2026-01-02 09:30"]


def test_wall_clock_in_the_zone_across_dst() -> None:
    # Europe/Berlin springs forward on 29 March 2026: 02:30 does not exist that night and runs
    # at the first minute after the gap, 03:00 summer time (01:00 UTC); on 25 October 02:30
    # happens twice and runs once.
    assert runs("30 2 * * *", at(2026, 3, 28, 12), "Europe/Berlin") == [
        "2026-03-29 01:00",
        "2026-03-30 00:30",
        "2026-03-31 00:30",
    ]
    assert runs("30 2 * * *", at(2026, 10, 24, 12), "Europe/Berlin") == [
        "2026-10-25 00:30",
        "2026-10-26 01:30",
        "2026-10-27 01:30",
    ]


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("* * *", "needs 5 fields (minute hour day-of-month month day-of-week), got 3"),
        ("61 * * * *", "'61 * * * *' is not a cron expression: bad minute field"),
        ("*/0 * * * *", "'*/0 * * * *' is not a cron expression: bad minute field"),
        ("x * * * *", "'x * * * *' is not a cron expression: bad minute field"),
        ("0 0 * * 9", "'0 0 * * 9' is not a cron expression: bad day-of-week field"),
        ("0 0 30 2 *", "'0 0 30 2 *' is not a cron expression: bad day-of-month field"),
    ],
)
def test_bad_cron_is_explained(expr: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        Cron.parse(expr)
    assert message in str(caught.value)


def test_a_leap_day_cron_waits_for_the_leap_year() -> None:
    assert runs("0 0 29 2 *", at(2026, 1, 1), count=2) == ["2028-02-29 00:00", "2032-02-29 00:00"]


def test_a_starred_day_field_means_both_days_must_match() -> None:
    # Vixie cron: "*/2" in day-of-month is a '*'-prefixed field, so the job runs on days that are
    # odd AND Saturdays; a hand-written "either" rule would also fire on every odd weekday.
    fired = runs("0 12 */2 * 6", at(2026, 1, 1), count=4)
    assert fired == ["2026-01-03 12:00", "2026-01-17 12:00", "2026-01-31 12:00", "2026-02-07 12:00"]
    for text in fired:
        moment = datetime.fromisoformat(text)
        assert moment.day % 2 == 1 and moment.isoweekday() == 6


def test_a_wildcard_hour_runs_in_both_copies_of_a_repeated_hour() -> None:
    # 25 October 2026 in Europe/Berlin: 02:00-03:00 happens twice; "every 30 minutes" keeps going.
    assert runs("*/30 * * * *", at(2026, 10, 24, 23, 10), "Europe/Berlin", count=5) == [
        "2026-10-24 23:30",  # 01:30 summer time
        "2026-10-25 00:00",  # 02:00 summer time
        "2026-10-25 00:30",  # 02:30 summer time
        "2026-10-25 01:00",  # 02:00 winter time
        "2026-10-25 01:30",  # 02:30 winter time
    ]


def test_spring_forward_in_new_york() -> None:
    # America/New_York skips 02:00-03:00 on 8 March 2026; a 02:15 job runs at 03:00 EDT.
    assert runs("15 2 * * *", at(2026, 3, 7, 12), "America/New_York", count=2) == [
        "2026-03-08 07:00",
        "2026-03-09 06:15",
    ]


def test_every() -> None:
    assert Every.parse("15m").seconds == 900
    assert Every.parse("1h30m").seconds == 5400
    assert Every.parse("1d").next_after(at(2026, 1, 1, 6)) == at(2026, 1, 2, 6)
    for bad in ("15", "fast", "5s", "1h 30x"):
        with pytest.raises(ValueError):
            Every.parse(bad)


def config(tmp_path: Path, data: dict) -> object:
    return parse_config(data, tmp_path / "deskmetrics.toml")


def test_jobs_from_connections_and_jobs_tables(tmp_path: Path) -> None:
    cfg = config(
        tmp_path,
        {
            "report": {"timezone": "Europe/Berlin"},
            "connections": {
                "support": {"connector": "csv", "path": "x", "every": "15m"},
                "manual": {"connector": "csv", "path": "y"},
                "nightly": {"connector": "csv", "path": "z", "cron": "0 2 * * *"},
            },
            "jobs": {
                "dashboard": {
                    "cron": "0 7 * * 1-5",
                    "command": "deskmetrics report --format json --output 'my report.json'",
                },
                "targets": {"after": "sync", "command": "report --fail-on-missed-targets"},
            },
        },
    )
    jobs = {job.name: job for job in load_jobs(cfg)}
    assert sorted(jobs) == ["job:dashboard", "job:targets", "sync:nightly", "sync:support"]
    assert jobs["sync:support"].args == ("sync", "support", "--json")
    assert jobs["sync:support"].timing == Every(900.0, "15m")
    assert jobs["job:dashboard"].args == (
        "report",
        "--format",
        "json",
        "--output",
        "my report.json",
    )
    assert jobs["job:targets"].timing is None
    # Cron jobs use the report time zone: 02:00 Berlin is 01:00 UTC in winter.
    nightly = jobs["sync:nightly"].timing
    assert nightly.next_after(at(2026, 1, 1, 12)) == at(2026, 1, 2, 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"connections": {"s": {"connector": "csv", "every": "15m", "cron": "* * * * *"}}},
            "connections.s: give either every or cron, not both",
        ),
        (
            {"connections": {"s": {"connector": "csv", "every": "soon"}}},
            "connections.s.every: 'soon' is not an interval like 30s, 15m, 1h30m or 1d",
        ),
        (
            {"jobs": {"j": {"cron": "0 7 * *", "command": "report"}}},
            "jobs.j.cron: '0 7 * *' needs 5 fields",
        ),
        ({"jobs": {"j": {"cron": "0 7 * * *"}}}, "jobs.j.command: missing"),
        (
            {"jobs": {"j": {"command": "report"}}},
            'jobs.j: needs exactly one of every, cron or after = "sync"',
        ),
        (
            {"jobs": {"j": {"command": "report", "every": "1h", "after": "sync"}}},
            "jobs.j: needs exactly one of every, cron or after",
        ),
        (
            {"jobs": {"j": {"command": "report", "after": "report"}}},
            'jobs.j.after: the only choice is "sync"',
        ),
        (
            {"jobs": {"j": {"command": "report", "every": "1h", "when": 1}}},
            "jobs.j.when: unknown key",
        ),
    ],
)
def test_job_config_errors_name_the_key(tmp_path: Path, data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_jobs(config(tmp_path, data))
    assert str(caught.value).startswith(f"{tmp_path / 'deskmetrics.toml'}: ")
    assert message in str(caught.value)

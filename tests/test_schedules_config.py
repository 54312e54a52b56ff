"""[schedules.NAME] tables: parsing, every error message, and the Rails → IANA zone map."""

from __future__ import annotations

import builtins
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from deskmetrics.calendar.business_hours import Schedule
from deskmetrics.calendar.timezones import RAILS_TIME_ZONES, to_iana
from deskmetrics.config.loading import parse_config
from deskmetrics.config.schedules import parse_hours, schedule_to_config
from deskmetrics.errors import ConfigError

FILE = Path("deskmetrics.toml")

EXAMPLE = """
[schedules.support]
timezone = "Europe/Berlin"
hours.mon = "09:00-12:00, 13:00-17:00"
hours.tue = "09:00-17:00"
hours.wed = "09:00-17:00"
hours.thu = "09:00-17:00"
hours.fri = "09:00-15:00"
hours.sat = ""
holidays = ["2026-12-24", 2026-12-31, "2026-12-28..2026-12-30"]
country_holidays = "DE"
country_subdivision = "BY"

[schedules.us]
timezone = "Eastern Time (US & Canada)"

[schedules.us.hours]
monday = "00:00-24:00"
friday = ["08:00-12:00", "12:00-16:00"]
"""


def schedules_from(text: str) -> dict[str, Schedule]:
    return parse_config(tomllib.loads(text), FILE).schedules


def error_from(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        schedules_from(text)
    return str(caught.value)


def test_the_documented_example_parses() -> None:
    schedules = schedules_from(EXAMPLE)
    support = schedules["support"]
    assert support.timezone == "Europe/Berlin"
    assert support.weekly == (
        ((540, 720), (780, 1020)),
        ((540, 1020),),
        ((540, 1020),),
        ((540, 1020),),
        ((540, 900),),
        (),
        (),
    )
    assert support.holidays == frozenset(
        {date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30),
         date(2026, 12, 31)}
    )  # fmt: skip
    assert (support.country, support.subdivision) == ("DE", "BY")
    assert support.is_holiday(date(2026, 6, 4))  # Corpus Christi, Bavaria only
    us = schedules["us"]
    assert us.timezone == "America/New_York"
    assert us.weekly[0] == ((0, 1440),)
    assert us.weekly[4] == ((480, 960),)  # touching intervals merged
    # Mon 2026-11-23 is a whole working day in New York: 24 h.
    monday = (datetime(2026, 11, 23, 5, tzinfo=UTC), datetime(2026, 11, 24, 5, tzinfo=UTC))
    assert us.business_seconds(*monday) == 86_400


def test_no_schedules_section_means_no_schedules() -> None:
    assert schedules_from("") == {}


def test_a_schedule_named_by_a_connection_or_the_report_must_exist() -> None:
    text = (
        EXAMPLE
        + '[report]\nschedule = "eu"\n[connections.zd]\nconnector = "csv"\nschedule = "us"\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text), FILE)
    assert str(caught.value) == (
        "deskmetrics.toml: report.schedule: no schedule named 'eu' (configured: support, us)"
    )
    config = parse_config(tomllib.loads(text.replace('"eu"', '"support"')), FILE)
    choice = config.schedule_choice()
    assert choice is not None
    assert choice.default is config.schedules["support"]
    assert choice.for_source("zd") is config.schedules["us"]
    with pytest.raises(ConfigError, match=r"configured: none; add a \[schedules.NAME\] table"):
        parse_config({"report": {"schedule": "eu"}}, FILE)


def test_every_broken_schedule_is_listed() -> None:
    text = BASE.replace("[schedules.s]", "[schedules.a]") + (
        '[schedules.b]\ntimezone = "UTC"\nhours.mon = "9-17"\n'
        '[schedules.c]\ntimezone = "Mars/Base"\nhours.mon = "09:00-17:00"\n'
    )
    lines = error_from(text).splitlines()
    assert lines[0] == (
        "deskmetrics.toml: schedules.b.hours.mon: '9-17' is not HH:MM-HH:MM "
        '(e.g. "09:00-17:00" or "09:00-12:00, 13:00-17:00")'
    )
    assert lines[1].startswith("deskmetrics.toml: schedules.c.timezone: unknown time zone")
    assert len(lines) == 2


BASE = '[schedules.s]\ntimezone = "UTC"\nhours.mon = "09:00-17:00"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[schedules]\ns = 1\n",
            'schedules.s: must be a table with timezone = "..." and hours.mon = "..."',
        ),
        (
            BASE + "timezones = 'UTC'\n",
            "schedules.s.timezones: unknown key (known: timezone, hours, holidays, "
            "country_holidays, country_subdivision)",
        ),
        (
            '[schedules.s]\nhours.mon = "09:00-17:00"\n',
            'schedules.s.timezone: missing: the schedule\'s time zone, e.g. "Europe/Berlin"',
        ),
        (
            '[schedules.s]\ntimezone = 1\nhours.mon = "09:00-17:00"\n',
            'schedules.s.timezone: must be a string, e.g. "Europe/Berlin"',
        ),
        (
            '[schedules.s]\ntimezone = "Mars/Olympus"\nhours.mon = "09:00-17:00"\n',
            "schedules.s.timezone: unknown time zone 'Mars/Olympus': neither an IANA name "
            "(e.g. 'Europe/Berlin') nor a Rails/Zendesk/Freshdesk name "
            "(e.g. 'Eastern Time (US & Canada)')",
        ),
        (
            '[schedules.s]\ntimezone = "UTC"\nhours = "09:00-17:00"\n',
            'schedules.s.hours: must be a table of days, e.g. hours.mon = "09:00-17:00"',
        ),
        (
            BASE + 'hours.mo = "09:00-17:00"\n',
            "schedules.s.hours.mo: unknown day (use mon, tue, wed, thu, fri, sat, sun, "
            "or full names like monday)",
        ),
        (
            BASE + 'hours.monday = "09:00-17:00"\n',
            "schedules.s.hours.monday: the same day as hours.mon",
        ),
        (
            BASE + 'hours.tue = "9-17"\n',
            "schedules.s.hours.tue: '9-17' is not HH:MM-HH:MM "
            '(e.g. "09:00-17:00" or "09:00-12:00, 13:00-17:00")',
        ),
        (
            BASE + 'hours.tue = "09:00-24:30"\n',
            "schedules.s.hours.tue: '09:00-24:30' is not a time of day (00:00 to 24:00)",
        ),
        (
            BASE + 'hours.tue = "09:60-17:00"\n',
            "schedules.s.hours.tue: '09:60-17:00' is not a time of day (00:00 to 24:00)",
        ),
        (
            BASE + 'hours.tue = "22:00-06:00"\n',
            "schedules.s.hours.tue: '22:00-06:00' ends before it starts; an interval cannot "
            'cross midnight: use "22:00-24:00" and "00:00-06:00" on the next day',
        ),
        (
            BASE + 'hours.tue = "10:00-10:00"\n',
            "schedules.s.hours.tue: '10:00-10:00' ends before it starts; an interval cannot "
            'cross midnight: use "10:00-24:00" and "00:00-10:00" on the next day',
        ),
        (
            BASE + 'hours.tue = "13:00-17:00, 09:00-13:30"\n',
            "schedules.s.hours.tue: 09:00-13:30 overlaps 13:00-17:00",
        ),
        (
            BASE + 'hours.tue = "09:00-12:00,"\n',
            "schedules.s.hours.tue: '09:00-12:00,' has an empty interval (stray comma?)",
        ),
        (
            BASE + "hours.tue = 9\n",
            'schedules.s.hours.tue: must be a string like "09:00-17:00" or '
            '"09:00-12:00, 13:00-17:00" ("" = closed)',
        ),
        (
            '[schedules.s]\ntimezone = "UTC"\nhours.sat = ""\n',
            'schedules.s.hours: no working hours on any day; add e.g. hours.mon = "09:00-17:00"',
        ),
        (
            BASE + 'holidays = "2026-12-24"\n',
            'schedules.s.holidays: must be a list of dates, e.g. ["2026-12-24"]',
        ),
        (
            BASE + 'holidays = ["2026-12-24", "2026-13-01"]\n',
            "schedules.s.holidays[1]: '2026-13-01' is not a date (YYYY-MM-DD)",
        ),
        (
            BASE + 'holidays = ["24.12.2026"]\n',
            "schedules.s.holidays[0]: '24.12.2026' is not a date (YYYY-MM-DD)",
        ),
        (
            BASE + "holidays = [2026-12-24T10:00:00]\n",
            "schedules.s.holidays[0]: datetime.datetime(2026, 12, 24, 10, 0) is not a date "
            "(YYYY-MM-DD)",
        ),
        (
            BASE + 'holidays = ["2026-12-31..2026-12-24"]\n',
            "schedules.s.holidays[0]: '2026-12-31..2026-12-24' ends before it starts",
        ),
        (
            BASE + 'country_holidays = "XX"\n',
            "schedules.s.country_holidays: 'XX' is not a country the holidays package knows "
            "(ISO 3166 code, e.g. 'DE')",
        ),
        (
            BASE + "country_holidays = 49\n",
            'schedules.s.country_holidays: must be a country code, e.g. "DE"',
        ),
        (
            BASE + 'country_holidays = "DE"\ncountry_subdivision = "ZZ"\n',
            "schedules.s.country_subdivision: 'ZZ' is not a subdivision of 'DE' known to the "
            "holidays package",
        ),
        (
            BASE + 'country_subdivision = "BY"\n',
            "schedules.s.country_subdivision: needs country_holidays (the country it belongs to)",
        ),
    ],
)
def test_config_errors_name_the_key(text: str, message: str) -> None:
    assert error_from(text) == f"deskmetrics.toml: {message}"


def test_missing_holidays_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_holidays(name: str, *args: object, **kwargs: object) -> object:
        if name == "holidays":
            raise ModuleNotFoundError("No module named 'holidays'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_holidays)
    assert error_from(BASE + 'country_holidays = "DE"\n') == (
        "deskmetrics.toml: schedules.s.country_holidays: country holidays need the holidays "
        "package: pip install 'deskmetrics[holidays]'"
    )
    # Without country_holidays the package is never imported.
    assert schedules_from(BASE)["s"].timezone == "Etc/UTC"  # "UTC" is also a Rails name


def test_parse_hours() -> None:
    assert parse_hours("") == ()
    assert parse_hours("  ") == ()
    assert parse_hours("9:00-17:00") == ((540, 1020),)
    assert parse_hours("13:00 - 17:00 ,09:00-12:00") == ((540, 720), (780, 1020))
    assert parse_hours("00:00-24:00") == ((0, 1440),)
    with pytest.raises(ValueError, match="is not HH:MM-HH:MM"):
        parse_hours("٠٩:٠٠-١٧:٠٠")  # Arabic-Indic digits are not accepted


def test_schedule_to_config_round_trips() -> None:
    original = schedules_from(EXAMPLE)
    tables = {name: schedule_to_config(schedule) for name, schedule in original.items()}
    assert tables["support"] == {
        "timezone": "Europe/Berlin",
        "hours": {
            "mon": "09:00-12:00, 13:00-17:00",
            "tue": "09:00-17:00",
            "wed": "09:00-17:00",
            "thu": "09:00-17:00",
            "fri": "09:00-15:00",
        },
        "holidays": ["2026-12-24", "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"],
        "country_holidays": "DE",
        "country_subdivision": "BY",
    }
    again = parse_config({"schedules": tables}, FILE).schedules
    assert again == original


# -- Rails → IANA ------------------------------------------------------------------------------


def test_every_rails_zone_maps_to_a_loadable_iana_zone() -> None:
    assert len(RAILS_TIME_ZONES) >= 150
    for rails, iana in RAILS_TIME_ZONES.items():
        assert ZoneInfo(iana).key == iana, rails
        assert to_iana(rails) == iana


@pytest.mark.parametrize(
    ("name", "iana"),
    [
        ("Eastern Time (US & Canada)", "America/New_York"),
        ("Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("Berlin", "Europe/Berlin"),
        ("London", "Europe/London"),
        ("Edinburgh", "Europe/London"),
        ("UTC", "Etc/UTC"),
        ("Kyiv", "Europe/Kiev"),
        ("Kyev", "Europe/Kiev"),
        ("New Delhi", "Asia/Kolkata"),
        ("International Date Line West", "Pacific/Midway"),
        ("Europe/Berlin", "Europe/Berlin"),  # IANA names pass through
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
        ("  Berlin ", "Europe/Berlin"),
    ],
)
def test_to_iana(name: str, iana: str) -> None:
    assert to_iana(name) == iana


@pytest.mark.parametrize("name", ["Mars/Olympus", "berlin", "America", "../etc/passwd", ""])
def test_to_iana_rejects_unknown_zones(name: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        to_iana(name)

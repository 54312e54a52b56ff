"""Business durations against schedules: hand-computed cases, then an oracle property test.

Calendar facts used below: 2026-11-23 is a Monday. Europe/Berlin changes to summer time on
Sun 2026-03-29 (02:00 CET → 03:00 CEST) and back on Sun 2026-10-25 (03:00 CEST → 02:00 CET);
America/New_York on Sun 2026-03-08 (02:00 → 03:00) and Sun 2026-11-01 (02:00 → 01:00).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics.calendar.business_hours import Schedule, format_interval, normalize_weekly

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600
OFFICE_DAY = ((9 * 60, 12 * 60), (13 * 60, 17 * 60))  # 7 h with a lunch break
OFFICE_DAY_SECONDS = 7 * HOUR
CLOSED: tuple[tuple[int, int], ...] = ()


def weekdays(*day: tuple[int, int]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return (day,) * 5 + (CLOSED, CLOSED)


def every_day(*day: tuple[int, int]) -> tuple[tuple[tuple[int, int], ...], ...]:
    return (day,) * 7


OFFICE = Schedule(
    "office",
    "Europe/Berlin",
    weekdays(*OFFICE_DAY),
    frozenset({date(2026, 12, 24), date(2026, 12, 25)}),
)


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def new_york(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK)


# -- the representation ----------------------------------------------------------------------


def test_weekly_is_normalised_sorted_and_touching_intervals_merged() -> None:
    weekly = normalize_weekly([[(780, 1020), (540, 720)], [(540, 720), (720, 1020)], *[[]] * 5])
    assert weekly[0] == ((540, 720), (780, 1020))
    assert weekly[1] == ((540, 1020),)
    assert OFFICE.weekly_seconds == 5 * OFFICE_DAY_SECONDS


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ([[]] * 6, "weekly needs 7 days (Monday first), got 6"),
        ([[(540, 720), (700, 800)], *[[]] * 6], "mon: 09:00-12:00 overlaps 11:40-13:20"),
        ([[], [(600, 540)], *[[]] * 5], "tue: 10:00-09:00 is not an interval within one day"),
        ([[], [], [(0, 1441)], *[[]] * 4], "wed: 00:00-24:01 is not an interval within one day"),
        ([[(9.5, 17)], *[[]] * 6], "mon: (9.5, 17) is not a (start, end) pair of whole minutes"),
    ],
)
def test_bad_weekly_intervals_are_rejected(weekly: list, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        normalize_weekly(weekly)


def test_rails_zone_names_are_stored_as_iana() -> None:
    schedule = Schedule("us", "Eastern Time (US & Canada)", weekdays((540, 1020)))
    assert schedule.timezone == "America/New_York"
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        Schedule("x", "Mars/Olympus", weekdays((540, 1020)))


def test_format_interval() -> None:
    assert format_interval((0, 1440)) == "00:00-24:00"
    assert format_interval((545, 1019)) == "09:05-16:59"


# -- hand-computed durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "seconds"),
    [
        # fully outside working hours
        (berlin(2026, 11, 23, 17, 30), berlin(2026, 11, 23, 18, 30), 0),
        (berlin(2026, 11, 23, 12, 0), berlin(2026, 11, 23, 13, 0), 0),  # the lunch break
        (berlin(2026, 11, 28, 0, 0), berlin(2026, 11, 30, 0, 0), 0),  # a whole weekend
        (berlin(2026, 11, 23, 0, 0), berlin(2026, 11, 23, 9, 0), 0),
        # inside one interval
        (berlin(2026, 11, 23, 10, 0), berlin(2026, 11, 23, 11, 30), 5400),
        (berlin(2026, 11, 23, 10, 0, 0, 500_000), berlin(2026, 11, 23, 10, 0, 1), 0.5),
        # across the lunch gap: 11:00-12:00 and 13:00-14:00
        (berlin(2026, 11, 23, 11, 0), berlin(2026, 11, 23, 14, 0), 2 * HOUR),
        # a whole working day, from before opening to after closing
        (berlin(2026, 11, 23, 6, 0), berlin(2026, 11, 23, 20, 0), OFFICE_DAY_SECONDS),
        # across a weekend: Fri 16:00-17:00 and Mon 09:00-10:00
        (berlin(2026, 11, 20, 16, 0), berlin(2026, 11, 23, 10, 0), 2 * HOUR),
        # across the holidays: Wed 23 Dec 16-17, Thu 24 + Fri 25 off, weekend, Mon 28 09-10
        (berlin(2026, 12, 23, 16, 0), berlin(2026, 12, 28, 10, 0), 2 * HOUR),
        (berlin(2026, 12, 24, 0, 0), berlin(2026, 12, 26, 0, 0), 0),
        # the day after the holidays is an ordinary working day again
        (berlin(2026, 12, 28, 0, 0), berlin(2026, 12, 29, 0, 0), OFFICE_DAY_SECONDS),
        # half-open boundaries
        (berlin(2026, 11, 23, 17, 0), berlin(2026, 11, 23, 18, 0), 0),
        (berlin(2026, 11, 23, 8, 0), berlin(2026, 11, 23, 9, 0), 0),
        (berlin(2026, 11, 23, 16, 0), berlin(2026, 11, 23, 17, 0), HOUR),
        (berlin(2026, 11, 23, 9, 0), berlin(2026, 11, 23, 10, 0), HOUR),
        (berlin(2026, 11, 23, 12, 0), berlin(2026, 11, 23, 13, 0, 1), 1),
        # empty and reversed spans
        (berlin(2026, 11, 23, 10, 0), berlin(2026, 11, 23, 10, 0), 0),
        (berlin(2026, 11, 23, 11, 0), berlin(2026, 11, 23, 10, 0), 0),
    ],
)
def test_office_durations(start: datetime, end: datetime, seconds: float) -> None:
    result = OFFICE.business_seconds(start, end)
    assert isinstance(result, float)
    assert result == seconds


def test_start_and_end_may_carry_any_offset() -> None:
    # Mon 2026-11-23 10:00-11:30 Berlin (CET, +01:00) written in three other zones.
    start = datetime(2026, 11, 23, 4, 0, tzinfo=NEW_YORK)  # EST, -05:00
    end = datetime(2026, 11, 23, 19, 30, tzinfo=ZoneInfo("Asia/Tokyo"))  # +09:00
    assert OFFICE.business_seconds(start, end) == 5400
    india = timezone(timedelta(hours=5, minutes=30))
    assert (
        OFFICE.business_seconds(
            datetime(2026, 11, 23, 14, 30, tzinfo=india), datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
        )
        == 5400
    )


@settings(max_examples=200, deadline=None)
@given(
    start=st.integers(0, 400 * 86_400 * 1_000_000),
    length=st.integers(-86_400 * 1_000_000, 40 * 86_400 * 1_000_000),
)
def test_business_seconds_at_timestamps_is_the_same_float(start: int, length: int) -> None:
    # Microsecond instants from 2026 on (spans of up to 40 days, across Berlin's DST changes):
    # the timestamp form gives exactly the float the datetime form does.
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    a = origin + timedelta(microseconds=start)
    b = a + timedelta(microseconds=length)
    expected = OFFICE.business_seconds(a, b)
    assert OFFICE.business_seconds_at(a.timestamp(), b.timestamp()) == expected
    us = (a - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert a.timestamp() == us / 1_000_000  # what the history's stretches are counted from


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.business_seconds(datetime(2026, 11, 23, 10), berlin(2026, 11, 23, 11))
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.is_working(datetime(2026, 11, 23, 10))


def test_is_working_uses_half_open_intervals() -> None:
    assert OFFICE.is_working(berlin(2026, 11, 23, 9, 0))
    assert OFFICE.is_working(berlin(2026, 11, 23, 11, 59, 59))
    assert not OFFICE.is_working(berlin(2026, 11, 23, 12, 0))
    assert OFFICE.is_working(berlin(2026, 11, 23, 13, 0))
    assert not OFFICE.is_working(berlin(2026, 11, 23, 17, 0))
    assert not OFFICE.is_working(berlin(2026, 11, 23, 8, 59, 59))
    assert not OFFICE.is_working(berlin(2026, 11, 28, 10, 0))  # Saturday
    assert not OFFICE.is_working(berlin(2026, 12, 24, 10, 0))  # holiday
    assert OFFICE.is_working(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))  # 09:00 CET


# -- DST ---------------------------------------------------------------------------------------


def test_daytime_hours_follow_the_local_clock_across_both_berlin_changes() -> None:
    # Fri 12:00-17:00 minus lunch = 4 h, Mon 09:00-12:00 = 3 h, whatever the offset did.
    assert OFFICE.business_seconds(berlin(2026, 3, 27, 12), berlin(2026, 3, 30, 12)) == 7 * HOUR
    assert OFFICE.business_seconds(berlin(2026, 10, 23, 12), berlin(2026, 10, 26, 12)) == 7 * HOUR
    # 07:00-08:00 UTC is 08:00-09:00 CET on Friday (closed) but 09:00-10:00 CEST on Monday.
    utc_hour = (datetime(2026, 3, 27, 7, tzinfo=UTC), datetime(2026, 3, 27, 8, tzinfo=UTC))
    assert OFFICE.business_seconds(*utc_hour) == 0
    utc_hour = (datetime(2026, 3, 30, 7, tzinfo=UTC), datetime(2026, 3, 30, 8, tzinfo=UTC))
    assert OFFICE.business_seconds(*utc_hour) == HOUR


NIGHT = Schedule("night", "Europe/Berlin", every_day((60, 240)))  # 01:00-04:00 daily


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (date(2026, 3, 28), 3),  # an ordinary night
        (date(2026, 3, 29), 2),  # 02:00-03:00 does not exist
        (date(2026, 10, 25), 4),  # 02:00-03:00 happens twice
        (date(2026, 10, 26), 3),
    ],
)
def test_interval_over_the_berlin_transition_hour(day: date, hours: int) -> None:
    start = datetime.combine(day, datetime.min.time(), BERLIN)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), BERLIN)
    assert NIGHT.business_seconds(start, end) == hours * HOUR


def test_intervals_inside_the_gap_or_the_fold() -> None:
    # 02:30-04:00 on the spring day: only the readings 03:00-04:00 exist → 1 h.
    gap = Schedule("gap", "Europe/Berlin", every_day((150, 240)))
    assert gap.business_seconds(berlin(2026, 3, 29), berlin(2026, 3, 30)) == HOUR
    assert gap.business_seconds(berlin(2026, 3, 28), berlin(2026, 3, 29)) == 1.5 * HOUR
    # 02:00-02:30 wholly inside the gap → nothing; on the autumn day it happens twice → 1 h.
    inside = Schedule("inside", "Europe/Berlin", every_day((120, 150)))
    assert inside.business_seconds(berlin(2026, 3, 29), berlin(2026, 3, 30)) == 0
    assert inside.business_seconds(berlin(2026, 10, 25), berlin(2026, 10, 26)) == HOUR
    # The two halves of the autumn fold are 00:00-00:30 and 01:00-01:30 UTC.
    assert inside.is_working(datetime(2026, 10, 25, 0, 15, tzinfo=UTC))
    assert not inside.is_working(datetime(2026, 10, 25, 0, 45, tzinfo=UTC))
    assert inside.is_working(datetime(2026, 10, 25, 1, 15, tzinfo=UTC))


def test_new_york_days_are_23_and_25_hours_long() -> None:
    always = Schedule("always", "America/New_York", every_day((0, 1440)))
    assert always.business_seconds(new_york(2026, 3, 8), new_york(2026, 3, 9)) == 23 * HOUR
    assert always.business_seconds(new_york(2026, 11, 1), new_york(2026, 11, 2)) == 25 * HOUR
    assert always.business_seconds(new_york(2026, 3, 9), new_york(2026, 3, 16)) == 7 * 24 * HOUR
    # a year of a 24/7 schedule is exactly a year of elapsed time
    year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert always.business_seconds(*year) == 365 * 24 * HOUR
    early = Schedule("early", "America/New_York", every_day((60, 180)))  # 01:00-03:00
    assert early.business_seconds(new_york(2026, 3, 8), new_york(2026, 3, 9)) == 1 * HOUR
    assert early.business_seconds(new_york(2026, 11, 1), new_york(2026, 11, 2)) == 3 * HOUR
    # Weekday office hours in New York across both weekends: Fri 16-17 + Mon 09-10.
    office = Schedule("ny", "America/New_York", weekdays((540, 1020)))
    assert office.business_seconds(new_york(2026, 3, 6, 16), new_york(2026, 3, 9, 10)) == 2 * HOUR
    assert office.business_seconds(new_york(2026, 10, 30, 16), new_york(2026, 11, 2, 10)) == (
        2 * HOUR
    )


# -- long spans --------------------------------------------------------------------------------


def test_26_weeks_are_26_working_weeks() -> None:
    # Mon 2027-01-04 .. Mon 2027-07-05 crosses the March change; no holidays in it.
    start, end = berlin(2027, 1, 4), berlin(2027, 7, 5)
    assert OFFICE.business_seconds(start, end) == 26 * 5 * OFFICE_DAY_SECONDS == 3_276_000


def test_26_weeks_minus_country_holidays() -> None:
    germany = Schedule("de", "Europe/Berlin", weekdays(*OFFICE_DAY), country="DE")
    # Weekday public holidays in that span: Good Friday 26 Mar, Easter Monday 29 Mar,
    # Ascension 6 May, Whit Monday 17 May 2027 (Labour Day, 1 May, is a Saturday).
    expected = (26 * 5 - 4) * OFFICE_DAY_SECONDS
    assert germany.business_seconds(berlin(2027, 1, 4), berlin(2027, 7, 5)) == expected


def test_a_whole_year_and_a_decade() -> None:
    germany = Schedule(
        "de", "Europe/Berlin", weekdays(*OFFICE_DAY), frozenset({date(2026, 12, 24)}), "DE"
    )
    # 2026 has 261 weekdays; weekday holidays: 1 Jan, 3 Apr, 6 Apr, 1 May, 14 May, 25 May,
    # 24 Dec (explicit), 25 Dec (3 Oct and 26 Dec fall on a Saturday) → 253 working days.
    year = (berlin(2026, 1, 1), berlin(2027, 1, 1))
    assert germany.business_seconds(*year) == 253 * OFFICE_DAY_SECONDS
    # 2020-01-01 .. 2030-01-01 (UTC) holds 2609 weekdays; plain office hours, no holidays.
    plain = Schedule("plain", "Europe/Berlin", weekdays(*OFFICE_DAY))
    decade = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))
    assert plain.business_seconds(*decade) == 2609 * OFFICE_DAY_SECONDS


def test_results_do_not_depend_on_the_order_of_calls() -> None:
    # The table grows on demand in both directions; earlier extents must not change answers.
    fresh = Schedule("fresh", "Europe/Berlin", weekdays(*OFFICE_DAY))
    week = (berlin(2026, 11, 23), berlin(2026, 11, 30))
    assert fresh.business_seconds(*week) == 5 * OFFICE_DAY_SECONDS
    assert fresh.business_seconds(berlin(1999, 3, 1), berlin(1999, 3, 8)) == 35 * HOUR
    assert fresh.business_seconds(berlin(2090, 3, 6), berlin(2090, 3, 13)) == 35 * HOUR
    assert fresh.business_seconds(*week) == 5 * OFFICE_DAY_SECONDS


# -- holidays ----------------------------------------------------------------------------------


def test_country_holidays_and_subdivisions() -> None:
    # Thu 2 Apr 16-17, Good Friday and Easter Monday off, Tue 7 Apr 09-10.
    germany = Schedule("de", "Europe/Berlin", weekdays(*OFFICE_DAY), country="de")
    easter = (berlin(2026, 4, 2, 16), berlin(2026, 4, 7, 10))
    assert germany.country == "DE"
    assert germany.business_seconds(*easter) == 2 * HOUR
    assert OFFICE.business_seconds(*easter) == 2 * HOUR + 2 * OFFICE_DAY_SECONDS
    # Corpus Christi, Thu 4 Jun 2026, is a holiday in Bavaria but not nationwide.
    bavaria = Schedule("by", "Europe/Berlin", weekdays(*OFFICE_DAY), country="DE", subdivision="BY")
    week = (berlin(2026, 6, 1), berlin(2026, 6, 8))
    assert bavaria.business_seconds(*week) == 4 * OFFICE_DAY_SECONDS
    assert germany.business_seconds(*week) == 5 * OFFICE_DAY_SECONDS
    assert bavaria.is_holiday(date(2026, 6, 4))
    assert not germany.is_holiday(date(2026, 6, 4))


def test_holidays_are_local_dates() -> None:
    # 24 Dec 2026 in Berlin runs 23:00 UTC on the 23rd to 23:00 UTC on the 24th.
    always = Schedule("always", "Europe/Berlin", every_day((0, 1440)), {date(2026, 12, 24)})
    assert not always.is_working(datetime(2026, 12, 23, 23, 30, tzinfo=UTC))
    assert always.is_working(datetime(2026, 12, 24, 23, 0, tzinfo=UTC))
    day = (datetime(2026, 12, 23, tzinfo=UTC), datetime(2026, 12, 26, tzinfo=UTC))
    assert always.business_seconds(*day) == 48 * HOUR


def test_unknown_country_or_subdivision() -> None:
    with pytest.raises(ValueError, match="'XX' is not a country the holidays package knows"):
        Schedule("x", "UTC", weekdays((540, 1020)), country="XX")
    with pytest.raises(ValueError, match="'ZZ' is not a subdivision of 'DE'"):
        Schedule("x", "UTC", weekdays((540, 1020)), country="DE", subdivision="ZZ")


# -- add_business_seconds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "seconds", "expected"),
    [
        (berlin(2026, 11, 20, 16), 2 * HOUR, berlin(2026, 11, 23, 10)),  # over the weekend
        (berlin(2026, 11, 20, 16), HOUR, berlin(2026, 11, 20, 17)),  # closing time, not Monday
        (berlin(2026, 11, 21, 10), 0, berlin(2026, 11, 21, 10)),  # zero: start itself
        (berlin(2026, 11, 21, 10), 1, berlin(2026, 11, 23, 9, 0, 1)),  # from a Saturday
        (berlin(2026, 11, 23, 11, 30), HOUR, berlin(2026, 11, 23, 13, 30)),  # over lunch
        (berlin(2026, 12, 23, 16), 2 * HOUR, berlin(2026, 12, 28, 10)),  # over the holidays
        (berlin(2026, 3, 27, 16), 2 * HOUR, berlin(2026, 3, 30, 10)),  # over the DST change
        (berlin(2027, 1, 4), 26 * 5 * OFFICE_DAY_SECONDS, berlin(2027, 7, 2, 17)),
    ],
)
def test_add_business_seconds(start: datetime, seconds: float, expected: datetime) -> None:
    result = OFFICE.add_business_seconds(start, seconds)
    assert result == expected
    assert result.tzinfo is UTC


def test_add_business_seconds_refuses_impossible_requests() -> None:
    with pytest.raises(ValueError, match="finite number >= 0"):
        OFFICE.add_business_seconds(berlin(2026, 11, 23), -1)
    with pytest.raises(ValueError, match="finite number >= 0"):
        OFFICE.add_business_seconds(berlin(2026, 11, 23), float("nan"))
    closed = Schedule("closed", "Europe/Berlin", (CLOSED,) * 7)
    assert closed.business_seconds(berlin(2026, 1, 1), berlin(2027, 1, 1)) == 0
    with pytest.raises(ValueError, match="'closed' has no working hours"):
        closed.add_business_seconds(berlin(2026, 11, 23), 60)


# -- property test against a minute-by-minute oracle -------------------------------------------

# Instants near DST changes and other oddities: Lord Howe shifts by 30 minutes, São Paulo (2018)
# changed at midnight, Apia skipped 30 Dec 2011 entirely.
ANCHORS = {
    "Europe/Berlin": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "America/New_York": [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC)],
    "Australia/Lord_Howe": [datetime(2026, 4, 4, 15, tzinfo=UTC)],
    "America/Sao_Paulo": [
        datetime(2018, 2, 18, 2, tzinfo=UTC),
        datetime(2018, 11, 4, 3, tzinfo=UTC),
    ],
    "Pacific/Apia": [datetime(2011, 12, 30, 10, tzinfo=UTC)],
    "Asia/Kolkata": [datetime(2026, 11, 23, tzinfo=UTC)],
}


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    zone = draw(st.sampled_from(sorted(ANCHORS)))
    days = []
    for _ in range(7):
        cuts = draw(st.lists(st.integers(0, 96), max_size=6, unique=True))
        cuts = sorted(cuts)[: len(cuts) // 2 * 2]
        days.append([(cuts[i] * 15, cuts[i + 1] * 15) for i in range(0, len(cuts), 2)])
    anchor = ANCHORS[zone][0].date()
    holidays = draw(st.sets(st.integers(-3, 3).map(lambda n: anchor + timedelta(days=n))))
    return Schedule("random", zone, days, frozenset(holidays))


def oracle_seconds(schedule: Schedule, start: datetime, end: datetime) -> int:
    """Count working minutes one by one from the definition (instants on whole minutes)."""
    zone = ZoneInfo(schedule.timezone)
    total = 0
    minute = start
    while minute < end:
        local = minute.astimezone(zone)
        minute_of_day = local.hour * 60 + local.minute
        if local.date() not in schedule.holidays and any(
            lo <= minute_of_day < hi for lo, hi in schedule.weekly[local.weekday()]
        ):
            total += 60
        minute += timedelta(minutes=1)
    return total


def instants(schedule: Schedule) -> st.SearchStrategy[datetime]:
    anchors = ANCHORS[schedule.timezone]
    return st.builds(
        lambda anchor, minutes: anchor + timedelta(minutes=minutes),
        st.sampled_from(anchors),
        st.integers(-3 * 1440, 3 * 1440),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_business_seconds_matches_the_minute_oracle(data: st.DataObject) -> None:
    schedule = data.draw(schedules())
    start = data.draw(instants(schedule))
    length = data.draw(st.integers(0, 2 * 1440))
    end = start + timedelta(minutes=length)
    expected = oracle_seconds(schedule, start, end)
    assert schedule.business_seconds(start, end) == expected
    assert schedule.is_working(start) == (
        oracle_seconds(schedule, start, start + timedelta(minutes=1)) == 60
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_add_business_seconds_is_the_earliest_inverse(data: st.DataObject) -> None:
    schedule = data.draw(schedules())
    if not any(schedule.weekly):
        return
    start = data.draw(instants(schedule))
    seconds = data.draw(st.integers(0, 40 * HOUR))
    due = schedule.add_business_seconds(start, seconds)
    assert due.tzinfo is UTC
    assert schedule.business_seconds(start, due) == seconds
    if seconds:
        # one second earlier is not enough: the instant is the earliest one
        assert schedule.business_seconds(start, due - timedelta(seconds=1)) < seconds
        assert due > start

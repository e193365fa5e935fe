"""Working-hours arithmetic: RAG timescales count the hub's open hours only (weekdays 09:00-17:00, not bank
holidays), in London wall-clock time across the BST/GMT changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest

from openmash.partnership.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
ENGLAND = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[2025, 2026, 2027]))


def at(y, m, d, hh=0, mm=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar(holidays=ENGLAND)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(LONDON)


def test_result_is_utc_and_aware(cal):
    due = cal.add_working_hours(at(2026, 1, 12, 10), 4)
    assert due.tzinfo is not None and due.utcoffset() == dt.timedelta(0)


def test_red_four_working_hours_from_friday_afternoon_is_monday_noon(cal):
    # 2026-01-09 is a Friday: 1 hour on Friday (16:00-17:00) and 3 on Monday (09:00-12:00).
    assert local(cal.add_working_hours(at(2026, 1, 9, 16), 4)) == at(2026, 1, 12, 12)


def test_amber_24_working_hours_is_three_working_days(cal):
    assert local(cal.add_working_hours(at(2026, 1, 12, 10), 24)) == at(2026, 1, 15, 10)  # Mon -> Thu
    assert local(cal.add_working_hours(at(2026, 1, 15, 10), 24)) == at(2026, 1, 20, 10)  # Thu -> Tue, over a weekend


def test_green_72_working_hours_is_nine_working_days(cal):
    assert local(cal.add_working_hours(at(2026, 1, 12, 9), 72)) == at(2026, 1, 22, 17)


def test_ending_exactly_at_close_stays_on_that_day(cal):
    assert local(cal.add_working_hours(at(2026, 1, 12, 13), 4)) == at(2026, 1, 12, 17)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (at(2026, 1, 12, 7, 30), at(2026, 1, 12, 13)),  # before opening: counting starts at 09:00
        (at(2026, 1, 12, 17), at(2026, 1, 13, 13)),  # at closing time: next morning
        (at(2026, 1, 12, 18, 45), at(2026, 1, 13, 13)),  # after closing
        (at(2026, 1, 10, 11), at(2026, 1, 12, 13)),  # Saturday
        (at(2026, 1, 11, 23, 59), at(2026, 1, 12, 13)),  # Sunday night
        (at(2026, 1, 12, 16, 59), at(2026, 1, 13, 12, 59)),  # a minute before closing
    ],
)
def test_start_outside_working_hours_counts_from_next_opening(cal, start, expected):
    assert local(cal.add_working_hours(start, 4)) == expected


def test_zero_hours_at_the_weekend_is_monday_opening(cal):
    assert local(cal.add_working_minutes(at(2026, 1, 10, 11), 0)) == at(2026, 1, 12, 9)


def test_christmas_and_boxing_day_are_skipped(cal):
    assert dt.date(2025, 12, 25) in ENGLAND and dt.date(2025, 12, 26) in ENGLAND
    # Wed 24 Dec 16:00: 1 hour on Wednesday, then Thu 25 and Fri 26 are bank holidays, then the weekend.
    assert local(cal.add_working_hours(at(2025, 12, 24, 16), 4)) == at(2025, 12, 29, 12)


def test_easter_good_friday_and_easter_monday_are_skipped(cal):
    assert dt.date(2026, 4, 3) in ENGLAND and dt.date(2026, 4, 6) in ENGLAND
    # Thu 2 April 16:00 -> Good Friday, weekend, Easter Monday skipped -> Tue 7 April 12:00.
    assert local(cal.add_working_hours(at(2026, 4, 2, 16), 4)) == at(2026, 4, 7, 12)


def test_without_holidays_the_same_start_lands_on_the_holiday(cal):
    plain = WorkingCalendar()
    assert local(plain.add_working_hours(at(2025, 12, 24, 16), 4)) == at(2025, 12, 25, 12)


def test_starting_on_a_bank_holiday_counts_from_next_working_day(cal):
    assert local(cal.add_working_hours(at(2026, 4, 6, 10), 4)) == at(2026, 4, 7, 13)  # Easter Monday


def test_naive_datetime_is_rejected(cal):
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.add_working_hours(dt.datetime(2026, 1, 12, 10), 4)


def test_negative_duration_is_rejected(cal):
    with pytest.raises(ValueError):
        cal.add_working_minutes(at(2026, 1, 12, 10), -1)


def test_spring_forward_keeps_local_wall_clock_hours(cal):
    # Clocks go forward on Sunday 29 March 2026. Friday 16:00 GMT + 4h -> Monday 12:00 BST (11:00 UTC).
    start = at(2026, 3, 27, 16)
    assert start.utcoffset() == dt.timedelta(0)
    due = cal.add_working_hours(start, 4)
    assert local(due) == at(2026, 3, 30, 12)
    assert due == dt.datetime(2026, 3, 30, 11, tzinfo=dt.UTC)


def test_fall_back_keeps_local_wall_clock_hours(cal):
    # Clocks go back on Sunday 25 October 2026. Friday 16:00 BST + 4h -> Monday 12:00 GMT (12:00 UTC).
    start = at(2026, 10, 23, 16)
    assert start.utcoffset() == dt.timedelta(hours=1)
    due = cal.add_working_hours(start, 4)
    assert local(due) == at(2026, 10, 26, 12)
    assert due == dt.datetime(2026, 10, 26, 12, tzinfo=dt.UTC)


def test_utc_input_is_read_in_london_time(cal):
    # 08:30 UTC in July is 09:30 BST: already open.
    start = dt.datetime(2026, 7, 13, 8, 30, tzinfo=dt.UTC)
    assert local(cal.add_working_hours(start, 1)) == at(2026, 7, 13, 10, 30)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(2026, 1, 9, 10), 1, at(2026, 1, 12, 10)),  # Friday -> Monday
        (at(2026, 1, 12, 10), 1, at(2026, 1, 13, 10)),
        (at(2026, 1, 12, 10), 5, at(2026, 1, 19, 10)),
        (at(2026, 1, 10, 12), 1, at(2026, 1, 12, 17)),  # Saturday: one full working day from Monday opening
        (at(2025, 12, 24, 10), 1, at(2025, 12, 29, 10)),  # over Christmas
        (at(2026, 3, 27, 10), 1, at(2026, 3, 30, 10)),  # over the clock change
    ],
)
def test_add_working_days(cal, start, days, expected):
    assert local(cal.add_working_days(start, days)) == expected


def test_custom_hours_and_weekdays():
    # A hub open 08:00-18:00 Monday to Saturday.
    cal = WorkingCalendar(day_start=dt.time(8), day_end=dt.time(18), weekdays=frozenset(range(6)))
    assert cal.minutes_per_day == 600
    assert local(cal.add_working_hours(at(2026, 1, 9, 16), 4)) == at(2026, 1, 10, 10)  # Friday -> Saturday


@pytest.mark.parametrize(
    "kwargs",
    [
        {"day_start": dt.time(17), "day_end": dt.time(9)},
        {"day_start": dt.time(9), "day_end": dt.time(9)},
        {"weekdays": frozenset()},
    ],
)
def test_impossible_calendars_are_refused(kwargs):
    with pytest.raises(ValueError):
        WorkingCalendar(**kwargs)


def test_partnership_calendar_loads_bank_holidays_and_hours_from_data(make_actor):
    """The calendar the services use comes from the database: England bank holidays and the partnership's hours."""
    from openmash.partnership.selectors import working_calendar_get
    from openmash.partnership.services import working_hours_update

    cal = working_calendar_get(around=dt.date(2025, 12, 1))
    assert dt.date(2025, 12, 25) in cal.holidays and dt.date(2025, 12, 26) in cal.holidays
    assert local(cal.add_working_hours(at(2025, 12, 24, 16), 4)) == at(2025, 12, 29, 12)

    admin = make_actor("partnership_admin", "mash")
    working_hours_update(actor=admin, day_start=dt.time(8), day_end=dt.time(16), weekdays=[0, 1, 2, 3, 4])
    cal = working_calendar_get(around=dt.date(2026, 1, 12))
    assert local(cal.add_working_hours(at(2026, 1, 9, 15), 4)) == at(2026, 1, 12, 11)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (at(2026, 1, 12, 10), at(2026, 1, 12, 14), 240),  # same day
        (at(2026, 1, 9, 16), at(2026, 1, 12, 12), 240),  # Friday 16:00 -> Monday 12:00 over a weekend
        (at(2026, 1, 12, 18), at(2026, 1, 13, 10), 60),  # starts out of hours
        (at(2026, 1, 12, 14), at(2026, 1, 12, 10), 0),  # end before start
        (at(2026, 12, 24, 16), at(2026, 12, 29, 10), 120),  # Christmas and Boxing Day (substitute Monday 28th)
    ],
)
def test_working_minutes_between_counts_open_hours_only(cal, start, end, minutes):
    assert cal.working_minutes_between(start, end) == minutes


def test_working_minutes_between_is_the_inverse_of_adding(cal):
    start = at(2026, 3, 27, 15)  # Friday before the clocks change
    for hours in (1, 4, 8, 24, 72):
        due = cal.add_working_hours(start, hours)
        assert cal.working_minutes_between(start, due) == hours * 60

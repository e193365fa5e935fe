"""An agency's answer is due a lead (default 4 working hours) before the enquiry is due, counted in the hub's working
calendar in Europe/London (working weekdays and hours, England and Wales bank holidays), and never at night, at a
weekend or on a bank holiday: a time outside the working day moves back to the close of the last working day
(enquiries.timescales.agency_due_at, partnership.working_time.WorkingCalendar.clamp_back). The agency's inbox
writes it in the one date-and-time format (the `when` filter)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from openmash.core.text import datetime_long
from openmash.enquiries.models import Enquiry
from openmash.enquiries.services import agency_requests_create
from openmash.enquiries.timescales import agency_due_at, due_outside_hub_hours
from openmash.partnership.working_time import WorkingCalendar

LONDON = ZoneInfo("Europe/London")


def _at(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def _ask(make_enquiry, screener, when, rag):
    with time_machine.travel(when, tick=False):
        enquiry = make_enquiry(rag=rag)
        [request] = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp"])
    return enquiry, request


@pytest.mark.parametrize(
    ("sent", "rag", "enquiry_due", "agency_due"),
    [
        # a weekend: red on Friday 16:00 is due Monday 12:00; the lead is half the 4 hours left, over the weekend
        (_at(2026, 1, 16, 16), "red", _at(2026, 1, 19, 12), _at(2026, 1, 19, 10)),
        # red on Friday 15:00: the agency's answer is due at Friday's close, not on Saturday
        (_at(2026, 1, 16, 15), "red", _at(2026, 1, 19, 11), _at(2026, 1, 16, 17)),
        # a night: rated at 20:00 on a Tuesday, the working hours start on Wednesday 09:00
        (_at(2026, 1, 13, 20), "amber", _at(2026, 1, 16, 17), _at(2026, 1, 16, 13)),
        # the clocks go forward on Sunday 29 March 2026: Friday is GMT, Wednesday BST; the hours stay 09:00-17:00
        (_at(2026, 3, 27, 14), "amber", _at(2026, 4, 1, 14), _at(2026, 4, 1, 10)),
        (_at(2026, 3, 27, 15), "red", _at(2026, 3, 30, 11), _at(2026, 3, 27, 17)),
        # the clocks go back on Sunday 25 October 2026
        (_at(2026, 10, 23, 16), "red", _at(2026, 10, 26, 12), _at(2026, 10, 26, 10)),
        # Good Friday (3 April 2026) and Easter Monday (6 April) are bank holidays
        (_at(2026, 4, 2, 16), "red", _at(2026, 4, 7, 12), _at(2026, 4, 7, 10)),
    ],
)
def test_the_agency_due_time_is_in_working_hours(make_enquiry, screener, sent, rag, enquiry_due, agency_due):
    enquiry, request = _ask(make_enquiry, screener, sent, rag)
    assert enquiry.due_at == enquiry_due
    assert request.due_at == agency_due
    assert request.due_at.astimezone(LONDON).utcoffset() == agency_due.utcoffset()
    assert not due_outside_hub_hours(request.due_at)


@pytest.mark.parametrize(
    "enquiry_due",
    [
        _at(2026, 1, 16, 17, 30),  # after the hub closed on Friday (the partnership shortened its hours since)
        _at(2026, 1, 17, 2),  # at night on a Saturday
        _at(2026, 1, 19, 7),  # before the hub opens on Monday
    ],
)
def test_an_enquiry_due_outside_the_working_day_gives_the_agency_the_last_working_time_before_it(
    make_enquiry, screener, enquiry_due
):
    """An enquiry already past due whose due time falls outside the working day: the agency's answer was due at the
    close of the last working day before it (Friday 17:00), not at night or at the weekend."""
    with time_machine.travel(_at(2026, 1, 12, 10), tick=False):
        enquiry = make_enquiry(rag="amber")
    Enquiry.objects.filter(pk=enquiry.pk).update(due_at=enquiry_due)
    with time_machine.travel(_at(2026, 1, 20, 10), tick=False):
        [request] = agency_requests_create(actor=screener, enquiry_id=enquiry.pk, agency_codes=["health-gp"])
    assert request.due_at == _at(2026, 1, 16, 17)
    assert not due_outside_hub_hours(request.due_at)


def test_the_service_never_answers_outside_the_working_day(db, partnership):
    """Every send time over a fortnight around the spring clock change, night and day, for enquiries due 1 to 40
    working hours later: the agency's due time is inside the working day and not after the enquiry's."""
    calendar = WorkingCalendar()
    start = _at(2026, 3, 23, 0)
    for step in range(0, 14 * 24 * 60, 97):
        now = start + dt.timedelta(minutes=step)
        for hours in (1, 4, 8, 24, 40):
            due = calendar.add_working_hours(now, hours)
            answer = agency_due_at(enquiry_due=due, now=now)
            assert answer <= due and not due_outside_hub_hours(answer, calendar), (now, hours, answer)


def test_clamp_back_moves_times_outside_the_working_day_back():
    calendar = WorkingCalendar(holidays=frozenset({dt.date(2026, 4, 6)}))
    assert calendar.clamp_back(_at(2026, 4, 7, 12)) == _at(2026, 4, 7, 12)
    assert calendar.clamp_back(_at(2026, 4, 7, 17)) == _at(2026, 4, 7, 17)  # closing time is inside
    assert calendar.clamp_back(_at(2026, 4, 7, 8, 59)) == _at(2026, 4, 3, 17)  # over Easter Monday and the weekend
    assert calendar.clamp_back(_at(2026, 3, 29, 1, 30)) == _at(2026, 3, 27, 17)  # the night the clocks change
    assert calendar.clamp_back(_at(2026, 3, 30, 23)) == _at(2026, 3, 30, 17)


def test_the_inbox_writes_the_due_time_in_the_standard_format(make_enquiry, screener, make_actor):
    _, request = _ask(make_enquiry, screener, _at(2026, 1, 16, 16), "red")
    client = Client()
    client.force_login(make_actor("researcher", "health-gp").user)
    with time_machine.travel(_at(2026, 1, 19, 9), tick=False):
        page = client.get("/requests/").content.decode()
    assert "19 January 2026 at 10am" in page, page[page.find("<table") :][:3000]
    assert datetime_long(request.due_at) in page

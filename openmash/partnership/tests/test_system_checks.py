"""System checks stay silent whatever the time of day.

A fixed time default on a model field trips Django's fields.W161 when the check runs within ten seconds of that
time of day; every ``openmash`` command then printed a multi-line warning before its own output (CI failed at 09:00).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import checks

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("clock", [dt.time(9, 0, 3), dt.time(17, 0, 3), dt.time(0, 0, 3), dt.time(8, 0, 0)])
def test_no_field_check_warnings_at_any_time_of_day(clock):
    moment = dt.datetime.combine(dt.date(2026, 11, 30), clock, tzinfo=LONDON)
    with time_machine.travel(moment, tick=False):
        messages = checks.run_checks(include_deployment_checks=False)
    assert [m for m in messages if m.id and m.id.startswith("fields.")] == []

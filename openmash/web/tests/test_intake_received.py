"""Web intake: when the concern was received, and why it is recorded late (the rules the API applies, from
openmash/contacts/validation.py, with PartnershipSettings.late_contact_days as the window). Errors land on their
field in the GOV.UK error summary; the check-your-answers page shows both."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from openmash.contacts.models import Contact
from openmash.partnership.models import PartnershipSettings
from openmash.web.tests.conftest import contact_form_data, contact_submit


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


def _received(days_ago: int, time: str = "09:30", **extra) -> dict:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return contact_form_data(
        received_date_day=str(day.day),
        received_date_month=str(day.month),
        received_date_year=str(day.year),
        received_time=time,
        **extra,
    )


def test_the_form_asks_when_the_concern_was_received_and_why_it_is_late(referrer, login):
    page = login(referrer).get("/contacts/new/").content.decode()
    assert 'name="received_date_day"' in page and 'name="received_time"' in page
    assert 'name="late_recorded_reason"' in page and "more than 30 days ago" in page


def test_received_long_ago_without_a_reason_is_refused_on_the_reason_field(referrer, login):
    body = login(referrer).post("/contacts/new/", _received(40)).content.decode()
    summary = _summary(body)
    assert "more than 30 days after it was received" in summary, summary
    assert 'href="#id_late_recorded_reason"' in summary
    assert body.count("govuk-error-summary__list") == 1 and "<title>Error: " in body
    assert Contact.objects.count() == 0


def test_a_late_contact_with_its_reason_is_checked_then_recorded_with_both(referrer, login):
    client = login(referrer)
    data = _received(40, "14:05", late_recorded_reason="Found in a colleague's tray after leave")
    response = client.post("/contacts/new/", data)
    assert response.status_code == 302, _summary(response.content.decode())
    check = client.get(response["Location"]).content.decode()
    day = timezone.localdate() - dt.timedelta(days=40)
    assert f"{day.day} {day:%B %Y} at 2:05pm" in check
    assert "Found in a colleague&#x27;s tray after leave" in check and 'href="' in check
    assert "#id_received_date_0" in check and "#id_late_recorded_reason" in check
    sent = client.post("/contacts/new/check/", {"idempotency_key": data["idempotency_key"]})
    assert sent.status_code == 302
    contact = Contact.objects.get()
    local = timezone.localtime(contact.received_at)
    assert (local.date(), local.strftime("%H:%M")) == (day, "14:05")
    assert contact.late_recorded_reason == "Found in a colleague's tray after leave"
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="late-reason"' in page


def test_the_partnership_window_decides_when_a_reason_is_needed(referrer, login):
    PartnershipSettings.objects.update(late_contact_days=60)
    client = login(referrer)
    assert "more than 60 days ago" in client.get("/contacts/new/").content.decode()
    assert contact_submit(client, _received(40)).status_code == 302
    assert Contact.objects.get().late_recorded_reason == ""


def test_a_reason_for_a_recent_contact_is_not_kept(referrer, login):
    assert contact_submit(login(referrer), _received(2, late_recorded_reason="not needed")).status_code == 302
    assert Contact.objects.get().late_recorded_reason == ""


def test_left_blank_the_contact_is_received_when_it_is_sent(referrer, login):
    client = login(referrer)
    response = client.post("/contacts/new/", contact_form_data())
    assert "Today, when you send it" in client.get(response["Location"]).content.decode()
    before = timezone.now()
    contact_submit(client, contact_form_data())
    assert Contact.objects.get().received_at >= before - dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("data", "message", "anchor"),
    [
        (lambda: _received(-3), "must not be in the future", "#id_received_date_0"),
        (lambda: _received(400), "must be within the last year", "#id_received_date_0"),
        (lambda: _received(1, time=""), "Enter the time the contact was received", "#id_received_time"),
        (lambda: _received(1, time="25:61"), "Enter the time of receipt as hours and minutes", "#id_received_time"),
        (
            lambda: contact_form_data(received_time="09:30"),
            "Enter the date your agency received the concern",
            "#id_received_date_0",
        ),
        (
            lambda: contact_form_data(received_date_day="31", received_date_month="2", received_time="09:30"),
            "must include a year",
            "#id_received_date_0",
        ),
    ],
)
def test_received_date_errors_land_on_their_fields(referrer, login, data, message, anchor):
    summary = _summary(login(referrer).post("/contacts/new/", data()).content.decode())
    assert message in summary and f'href="{anchor}"' in summary, summary
    assert Contact.objects.count() == 0


def test_received_before_the_child_was_born_is_the_services_error_on_the_date_field(referrer, login):
    """A rule across people (contacts.services: received after each child's birth) comes back onto the field."""
    born = timezone.localdate() - dt.timedelta(days=10)
    data = _received(
        20,
        children_0_dob_day=str(born.day),
        children_0_dob_month=str(born.month),
        children_0_dob_year=str(born.year),
    )
    summary = _summary(login(referrer).post("/contacts/new/", data).content.decode())
    assert "cannot have been received before the child was born" in summary
    assert 'href="#id_received_date_0"' in summary


# --- review, fault 3: the received time is asked for plainly, prefilled, and typed as people type it ----------------


def test_a_new_intake_form_is_prefilled_with_now_in_london(referrer, login):
    """The common case (the concern reached you just now) needs no typing: the date and time are filled in with
    now, in Europe/London, and sending the form as it is records that time."""
    now = timezone.localtime()
    page = login(referrer).get("/contacts/new/").content.decode()

    def value(name):
        m = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert m, name
        v = re.search(r'value="([^"]*)"', m.group(0))
        return v.group(1) if v else ""

    assert (value("received_date_day"), value("received_date_month"), value("received_date_year")) == (
        str(now.day),
        str(now.month),
        str(now.year),
    )
    shown = dt.datetime.strptime(value("received_time"), "%H:%M").time()
    assert abs((dt.datetime.combine(now.date(), shown) - now.replace(tzinfo=None)).total_seconds()) < 120


def test_a_received_date_without_a_time_asks_for_the_time_on_the_time_field(referrer, login):
    summary = _summary(login(referrer).post("/contacts/new/", _received(1, time="")).content.decode())
    assert "Enter the time the contact was received, for example 09:30" in summary, summary
    assert 'href="#id_received_time"' in summary and 'href="#id_received_date_0"' not in summary
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30", "9:30am"),
        ("09:30", "9:30am"),
        ("9.30", "9:30am"),
        ("9:30am", "9:30am"),
        ("2pm", "2pm"),
        ("2.15 pm", "2:15pm"),
    ],
)
def test_common_time_spellings_are_accepted(referrer, login, typed, expected):
    client = login(referrer)
    response = client.post("/contacts/new/", _received(2, time=typed))
    assert response.status_code == 302, _summary(response.content.decode())
    day = timezone.localdate() - dt.timedelta(days=2)
    check = client.get(response["Location"]).content.decode()
    assert f"{day.day} {day.strftime('%B %Y')} at {expected}" in check  # the one format (the when filter)

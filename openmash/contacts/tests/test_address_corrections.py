"""Issue 5, "correcting the record": after screening the hub corrects an address that was recorded wrongly, or
ends one the person no longer lives at, with a reason; the replaced values are kept in the change history (as
for the other corrections, people.services.person_changes_apply), through the service, the API and the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.contacts.models import ContactChange
from openmash.contacts.services import contact_person_correct
from openmash.core.exceptions import PermissionDenied, ValidationFailed
from openmash.people.models import Address
from tests.support import screen


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def screened(referrer, screener, new_contact):
    """A screened contact whose child has one current address (1 High Street, Exampleton, EX1 1AA)."""
    contact = new_contact(actor=referrer)
    screen(screener, contact, outcome="nfa_advice")
    link = contact.people.get(role="subject")
    Address.objects.filter(person=link.person).update(start_date=timezone.localdate() - dt.timedelta(days=400))
    return contact, link, link.person, link.person.addresses.get()


def _correct(screener, contact, person, **data):
    person.refresh_from_db()
    return contact_person_correct(
        actor=screener,
        contact_id=contact.pk,
        person_id=person.pk,
        version=person.version,
        reason=data.pop("reason", "Checked with the school"),
        data=data,
    )


def test_the_hub_corrects_an_address_recorded_wrongly_and_the_old_one_is_kept(screener, screened):
    contact, _, child, address = screened
    _correct(
        screener,
        contact,
        child,
        correct_address={
            "address_id": address.pk,
            "line1": "11 High Street",
            "town": "Exampleton",
            "postcode": "ex11aa",
        },
    )
    address.refresh_from_db()
    assert (address.line1, address.postcode, address.end_date) == ("11 High Street", "EX1 1AA", None)
    assert child.addresses.count() == 1  # corrected in place, not a move
    change = ContactChange.objects.get(contact=contact, field="address_corrected")
    assert change.kind == "correction" and change.reason == "Checked with the school"
    assert change.previous == {"status": "known", "line1": "1 High Street", "town": "Exampleton", "postcode": "EX1 1AA"}
    assert change.new["line1"] == "11 High Street"
    event = AuditEvent.objects.get(action="correct")
    assert event.detail["fields"] == ["address_corrected"] and "High Street" not in str(event.detail)


def test_the_hub_ends_an_address_the_person_no_longer_lives_at(screener, screened):
    contact, _, child, address = screened
    left = timezone.localdate() - dt.timedelta(days=10)
    _correct(screener, contact, child, end_address={"address_id": address.pk, "end_date": left})
    address.refresh_from_db()
    assert address.end_date == left and address.line1 == "1 High Street"
    change = ContactChange.objects.get(contact=contact, field="address_ended")
    assert change.previous["line1"] == "1 High Street" and change.new == left.isoformat()
    # ending it again is refused: it has already ended
    with pytest.raises(ValidationFailed) as exc:
        _correct(screener, contact, child, end_address={"address_id": address.pk})
    assert "end_address.address_id" in exc.value.errors


def test_an_end_date_defaults_to_today(screener, screened):
    contact, _, child, address = screened
    _correct(screener, contact, child, end_address={"address_id": address.pk})
    address.refresh_from_db()
    assert address.end_date == timezone.localdate()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (lambda a: {"correct_address": {"address_id": a.pk, "line1": "", "postcode": "EX1 1AA"}}, "line1"),
        (lambda a: {"correct_address": {"address_id": a.pk, "line1": "2 Lane", "postcode": "NOT KNOWN"}}, "postcode"),
        (
            lambda a: {"correct_address": {"address_id": a.pk, "status": "not_known", "line1": "2 Lane"}},
            "line1",
        ),
        (lambda a: {"correct_address": {"address_id": "00000000-0000-0000-0000-000000000000"}}, "address_id"),
        (
            lambda a: {"end_address": {"address_id": a.pk, "end_date": timezone.localdate() + dt.timedelta(days=1)}},
            "end_date",
        ),
        (
            lambda a: {"end_address": {"address_id": a.pk, "end_date": timezone.localdate() - dt.timedelta(days=900)}},
            "end_date",
        ),
    ],
)
def test_bad_address_corrections_are_refused_on_their_field_and_nothing_changes(screener, screened, data, key):
    contact, _, child, address = screened
    with pytest.raises(ValidationFailed) as exc:
        _correct(screener, contact, child, **data(address))
    group = next(iter(data(address)))
    assert f"{group}.{key}" in exc.value.errors, exc.value.errors
    address.refresh_from_db()
    assert (address.line1, address.end_date) == ("1 High Street", None)
    assert not ContactChange.objects.exists()


def test_another_persons_address_cannot_be_named(screener, screened, referrer, new_contact):
    contact, _, child, _ = screened
    other = new_contact(
        actor=referrer,
        subjects=[
            {
                "forename": "Ben",
                "surname": "Other",
                "date_of_birth": "2016-01-01",
                "address": {"line1": "9 Far Road", "postcode": "EX9 9AA"},
            }
        ],
    )
    theirs = other.people.get(role="subject").person.addresses.get()
    with pytest.raises(ValidationFailed) as exc:
        _correct(screener, contact, child, end_address={"address_id": theirs.pk})
    assert "end_address.address_id" in exc.value.errors
    theirs.refresh_from_db()
    assert theirs.end_date is None


def test_only_the_hub_corrects_addresses(referrer, screened):
    contact, _, child, address = screened
    with pytest.raises(PermissionDenied):
        _correct(referrer, contact, child, end_address={"address_id": address.pk})


def test_the_api_lists_address_ids_and_corrects_and_ends_them(screener, screened, api):
    contact, _, child, address = screened
    person = api(screener).get(f"/people/{child.pk}").json()
    assert person["addresses"][0]["id"] == str(address.pk)
    url = f"/contacts/{contact.pk}/people/{child.pk}/corrections"
    left = timezone.localdate() - dt.timedelta(days=30)
    r = api(screener).post(
        url,
        json={
            "version": person["version"],
            "reason": "Moved out in March",
            "end_address": {"address_id": str(address.pk), "end_date": left.isoformat()},
        },
    )
    assert r.status_code == 200, r.content
    address.refresh_from_db()
    assert address.end_date == left
    bad = api(screener).post(
        url,
        json={
            "version": person["version"] + 1,
            "reason": "typo",
            "correct_address": {"address_id": str(address.pk), "line1": "", "postcode": "12345"},
        },
    )
    assert bad.status_code == 422 and {"correct_address.line1", "correct_address.postcode"} <= set(bad.json()["errors"])


# --- the page -----------------------------------------------------------------------------------------------


@pytest.fixture
def login():
    def _login(actor):
        client = Client()
        client.force_login(actor.user)
        return client

    return _login


def _summary(body: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', body, re.S)
    return match.group(0) if match else ""


def _page_data(child, **extra) -> dict:
    child.refresh_from_db()
    return {
        "forename": child.forename,
        "surname": child.surname,
        "dob_day": str(child.date_of_birth.day),
        "dob_month": str(child.date_of_birth.month),
        "dob_year": str(child.date_of_birth.year),
        "sex": child.sex,
        "version": str(child.version),
        "current_address_status": "known",
        "current_address_line1": "1 High Street",
        "current_town": "Exampleton",
        "current_postcode": "EX1 1AA",
        **extra,
    }


def test_the_correction_page_shows_the_current_address_to_correct_or_end(screener, screened, login):
    contact, link, child, address = screened
    hub = login(screener)
    url = f"/contacts/{contact.pk}/named/{link.pk}/change/"
    form = hub.get(url).content.decode()
    assert "Current address" in form and 'name="current_address_line1"' in form and 'value="1 High Street"' in form
    assert 'name="end_current_address"' in form
    done = hub.post(url, _page_data(child, current_address_line1="11 High Street", reason="School records"))
    assert done.status_code == 302, _summary(done.content.decode())
    address.refresh_from_db()
    assert address.line1 == "11 High Street"
    page = hub.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Address corrected" in page and "1 High Street, Exampleton, EX1 1AA" in page
    ended = hub.post(
        url, _page_data(child, current_address_line1="11 High Street", end_current_address="on", reason="Moved out")
    )
    assert ended.status_code == 302, _summary(ended.content.decode())
    address.refresh_from_db()
    assert address.end_date == timezone.localdate()
    assert "Current address" not in hub.get(url).content.decode()  # nothing current left to correct


def test_the_correction_page_puts_address_errors_on_their_fields(screener, screened, login):
    contact, link, child, _ = screened
    future = timezone.localdate() + dt.timedelta(days=3)
    body = (
        login(screener)
        .post(
            f"/contacts/{contact.pk}/named/{link.pk}/change/",
            _page_data(
                child,
                current_address_line1="",
                end_current_address="on",
                current_address_end_day=str(future.day),
                current_address_end_month=str(future.month),
                current_address_end_year=str(future.year),
                reason="Typo",
            ),
        )
        .content.decode()
    )
    summary = _summary(body)
    assert 'href="#id_current_address_end_0"' in summary, summary
    assert Address.objects.get(pk=screened[3].pk).end_date is None


def test_before_screening_the_recorder_sees_no_address_to_correct(referrer, new_contact, login):
    contact = new_contact(actor=referrer)
    link = contact.people.get(role="subject")
    form = login(referrer).get(f"/contacts/{contact.pk}/named/{link.pk}/change/").content.decode()
    assert "current_address_line1" not in form and "1 High Street" not in form

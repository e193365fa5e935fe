"""A referrer cannot use an intake join held until screening to reach the known child (ADR 0009 addendum 2).

Attacker review 2026-12 (high): a school posted a contact naming a child one letter off in each name, with the same
date of birth and the known child's real NHS number. The join was held until screening, but the create response
carried the known child's id (``ContactPerson.person`` is the known person meanwhile), and ``people_linkable``
counted people named in the referrer's own contacts, so a second contact naming that id by ``person_id`` was
accepted: it showed the known child's name, copied their details into the school's record and confirmed an NHS
number link before the hub had screened anything.
"""

from __future__ import annotations

import pytest

from conftest import contact_payload
from openmash.access.policy import people_linkable
from openmash.contacts.models import Contact, ContactPerson
from openmash.people.models import AgencyRecord, LinkState, RecordLink
from tests.support import child, contact_record, nhs_number, screen, subject_person

pytestmark = pytest.mark.django_db

INTAKE_PENDING_RULE = "intake_pending_screening"
KNOWN_ADDRESS = {"line1": "4 Mill Lane", "town": "Leeds", "postcode": "LS1 4AP"}


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def school(make_actor):
    return make_actor("referrer", "school-oak")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def _known(police, screener, nhs):
    first = contact_record(
        police, subjects=[child("Barry", "Black", dob="2016-05-09", nhs=nhs, sex="M", address=KNOWN_ADDRESS)]
    )
    screen(screener, first)
    return subject_person(first)


def _near_miss(nhs):
    """The known child's NHS number and date of birth, one letter off in each name, no address."""
    return child("Barri", "Blak", dob="2016-05-09", nhs=nhs, sex="M", address={"status": "not_known"})


def _held(contact):
    return RecordLink.objects.filter(valid_to__isnull=True, rule=INTAKE_PENDING_RULE, source_contact=contact)


def _step_one_direct(school, nhs):
    """Step one without the API's search before create (the service, as the other held-join tests record it): the
    referrer has never been shown the known child, so nothing but the held join connects them."""
    return contact_record(school, subjects=[_near_miss(nhs)], household=[])


def _login(actor):
    from django.test import Client

    client = Client()
    client.force_login(actor.user)
    return client


def test_the_contact_the_referrer_reads_carries_no_known_child_id_or_details(police, school, screener, api):
    nhs = nhs_number()
    known = _known(police, screener, nhs)
    contact = _step_one_direct(school, nhs)
    assert subject_person(contact).pk == known.pk  # held: the contact names the known child meanwhile
    record = AgencyRecord.objects.get(source_contact=contact, agency=contact.recording_agency)
    r = api(school).get(f"/contacts/{contact.pk}")  # contact_out: the create and amend responses too
    page = _login(school).get(f"/contacts/{contact.pk}/").content.decode()
    for body in (r.content.decode(), page):
        assert str(known.pk) not in body
        assert "Barry" not in body and "Black" not in body and "Mill Lane" not in body and "LS1 4AP" not in body
    (person,) = r.json()["people"]
    assert person["person_id"] == str(record.origin_person_id)
    assert (person["forename"], person["surname"], person["sex"]) == ("Barri", "Blak", "M")
    # the hub still sees the person the contact is resolved to
    (hub_person,) = api(screener).get(f"/contacts/{contact.pk}").json()["people"]
    assert hub_person["person_id"] == str(known.pk)


def test_naming_the_known_child_by_id_in_a_second_contact_is_refused_while_held(police, school, screener, api):
    nhs = nhs_number()
    known = _known(police, screener, nhs)
    first = _step_one_direct(school, nhs)
    shown = api(school).get(f"/contacts/{first.pk}").content.decode()
    assert str(known.pk) not in shown and "Barry" not in shown
    links_before = set(RecordLink.objects.values_list("pk", flat=True))
    named_before = ContactPerson.objects.filter(person=known).count()
    assert not people_linkable(school).filter(pk=known.pk).exists()
    r = api(school).post("/contacts", contact_payload(subjects=[{"person_id": str(known.pk)}], household=[]))
    assert r.status_code in (404, 422), r.content
    assert "Barry" not in r.content.decode()
    # nothing linked: no new link rows, the held one still proposed, no new contact naming the known child
    assert set(RecordLink.objects.values_list("pk", flat=True)) == links_before
    assert _held(first).get().state == LinkState.PROPOSED
    assert ContactPerson.objects.filter(person=known).count() == named_before
    assert Contact.objects.filter(recorded_by=school.user).count() == 1


def test_screening_still_confirms_and_then_the_referrer_may_name_the_child(police, school, screener, api):
    nhs = nhs_number()
    known = _known(police, screener, nhs)
    first = _step_one_direct(school, nhs)
    record = AgencyRecord.objects.get(source_contact=first, agency=first.recording_agency)
    screen(screener, first)
    record.refresh_from_db()
    assert record.person_id == known.pk and not _held(first).exists()
    assert people_linkable(school).filter(pk=known.pk).exists()


def test_a_referrers_own_chosen_person_stays_linkable(police, school, screener):
    mine = contact_record(school, subjects=[child("Cara", "Testchild", nhs=nhs_number())])
    assert people_linkable(school).filter(pk=subject_person(mine).pk).exists()

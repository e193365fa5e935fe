"""What a contact page says about Operation Encompass comes from the notices themselves (practitioner review,
fault 4): the police officer who recorded a domestic abuse contact was told "Not yet: no school known for the
children" although the school had been sent its notice, because the page read a list only the hub is given."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from conftest import contact_payload
from openmash.contacts.models import EncompassNotice
from openmash.contacts.services import contact_create
from tests.support import child, nhs_number


def _status(html: str) -> str:
    found = re.search(r'data-testid="encompass-status">(.*?)</dd>', html, re.S)
    assert found, "the contact page has no Operation Encompass row"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def _da(**overrides):
    data = contact_payload(
        police_reference="DA/2026/0077",
        incident_at=timezone.now() - dt.timedelta(hours=6),
        dash_risk="medium",
        marac_referral="no",
        notify_schools=True,
    )
    data.update(overrides)
    return data


def test_every_viewer_of_the_contact_is_told_the_schools_were_sent_their_notices(login, make_actor):
    referrer, screener = make_actor("referrer", "police"), make_actor("screener", "mash")
    data = _da()
    data["subjects"][0].update(school_code="school-oak", present_at_incident="yes")
    contact, _ = contact_create(actor=referrer, data=data)
    assert EncompassNotice.objects.filter(contact=contact).count() == 1
    for actor in (referrer, screener):
        status = _status(login(actor).get(f"/contacts/{contact.pk}/").content.decode())
        assert status.startswith("Oakfield Primary School about "), status  # and which child (practitioner review)
        assert "no school known" not in status


def test_a_child_without_a_school_is_the_only_one_still_waiting(login, make_actor):
    referrer = make_actor("referrer", "police")
    known = child("Amelia", "Schooled", nhs=nhs_number(), school_code="school-oak", present_at_incident="yes")
    unknown = child("Bobby", "Schooled", dob="2016-05-05", nhs=nhs_number())
    contact, _ = contact_create(actor=referrer, data=_da(subjects=[known, unknown]))
    status = _status(login(referrer).get(f"/contacts/{contact.pk}/").content.decode())
    assert "Oakfield Primary School" in status and "Not yet for 1 child: no school known" in status


def test_no_notice_asked_for_says_no(login, make_actor):
    referrer = make_actor("referrer", "police")
    contact, _ = contact_create(actor=referrer, data=_da(notify_schools=False))
    assert _status(login(referrer).get(f"/contacts/{contact.pk}/").content.decode()) == "No"

"""Practitioner review (fixb, fault 4): an Operation Encompass notice went to a school about a 14-month-old.
Operation Encompass tells schools and early years settings; a baby is not at school. "Tell the children's schools"
is refused (API 422 and the page's error, on notify_schools) when no child the contact is about is 2 or over on the
incident date with a school chosen; with several children, only the schools of those who are get a notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import contact_payload
from openmash.contacts.models import Contact, EncompassNotice
from openmash.contacts.services import contact_create
from openmash.contacts.validation import ENCOMPASS_NO_SCHOOL_MESSAGE, ENCOMPASS_TOO_YOUNG_MESSAGE
from openmash.people.validation import add_months
from openmash.web.tests.conftest import contact_form_data

INCIDENT = timezone.now() - dt.timedelta(hours=10)


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


def _born_months_ago(months: int) -> dt.date:
    return add_months(timezone.localtime(INCIDENT).date(), -months)


def _child(dob: dt.date, school: str = "school-oak", **extra) -> dict:
    child = {**contact_payload()["subjects"][0], "date_of_birth": dob.isoformat(), "school_code": school}
    child.pop("identifiers")
    return {**child, **extra}


def _da(subjects: list[dict]) -> dict:
    return contact_payload(
        subjects=subjects,
        police_reference="DA/2026/0099",
        incident_at=INCIDENT.isoformat(),
        dash_risk="medium",
        notify_schools=True,
    )


def test_a_14_month_old_gets_no_school_notice(police, api):
    r = api(police).post("/contacts", json=_da([_child(_born_months_ago(14))]))
    assert r.status_code == 422, r.content
    assert r.json()["errors"]["notify_schools"] == [ENCOMPASS_TOO_YOUNG_MESSAGE]
    assert not Contact.objects.exists() and not EncompassNotice.objects.exists()


def test_a_child_with_no_school_cannot_have_their_school_told(police, api):
    r = api(police).post("/contacts", json=_da([_child(_born_months_ago(9 * 12), school="")]))
    assert r.status_code == 422 and r.json()["errors"]["notify_schools"] == [ENCOMPASS_NO_SCHOOL_MESSAGE]


def test_a_child_two_on_the_incident_date_is_notified(police, api):
    r = api(police).post("/contacts", json=_da([_child(_born_months_ago(24))]))
    assert r.status_code == 201, r.content
    assert EncompassNotice.objects.count() == 1


def test_with_a_baby_and_a_school_age_child_only_the_older_childs_school_is_told(police):
    baby = _child(_born_months_ago(14), forename="Baby", nhs=None)
    older = _child(_born_months_ago(10 * 12), forename="Older")
    data = _da([baby, older])
    data["incident_at"] = INCIDENT
    contact, _ = contact_create(actor=police, data=data)
    notices = EncompassNotice.objects.filter(contact=contact)
    assert [n.person.forename for n in notices] == ["Older"]


def test_turning_notices_on_by_amendment_is_refused_for_a_baby(police, api):
    data = {**_da([_child(_born_months_ago(14))]), "notify_schools": False}
    created = api(police).post("/contacts", json=data)
    assert created.status_code == 201, created.content
    contact = created.json()
    r = api(police).post(
        f"/contacts/{contact['id']}/amendments",
        json={"version": contact["version"], "domestic_abuse": {"notify_schools": True}},
    )
    assert r.status_code == 422 and r.json()["errors"]["domestic_abuse.notify_schools"] == [ENCOMPASS_TOO_YOUNG_MESSAGE]
    assert not EncompassNotice.objects.exists()


def test_the_intake_page_says_why_on_the_notify_question(police):
    dob = _born_months_ago(14)
    local = timezone.localtime(INCIDENT)
    data = contact_form_data(
        children_0_dob_day=str(dob.day),
        children_0_dob_month=str(dob.month),
        children_0_dob_year=str(dob.year),
        children_0_school="school-oak",
        police_reference="DA/2026/0099",
        incident_date_day=str(local.day),
        incident_date_month=str(local.month),
        incident_date_year=str(local.year),
        incident_time=local.strftime("%H:%M"),
        dash_risk="medium",
        marac_referral="no",
        notify_schools="yes",
    )
    client = Client()
    client.force_login(police.user)
    body = client.post("/contacts/new/", data).content.decode()
    assert "govuk-error-summary" in body and "A child under 2 on the day of the incident is not at school" in body
    assert 'href="#id_notify_schools' in body
    assert not Contact.objects.exists()

"""Issue 5 review, fault 7: any agency could send Operation Encompass notices (`notify_schools` with a police
reference from housing). Only the police may ask for the children's schools to be told; anyone else is refused with
a field message (API 422, the page's GOV.UK error). Failed on main before the fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import contact_payload
from openmash.contacts.models import Contact, EncompassNotice
from openmash.contacts.services import ENCOMPASS_POLICE_ONLY, contact_create
from openmash.web.tests.conftest import contact_form_data, contact_submit


def _da(*, api: bool = True, **overrides) -> dict:
    """A domestic abuse contact asking for school notices (incident_at as JSON text for the API, or a datetime for
    the service)."""
    incident = timezone.now() - dt.timedelta(hours=10)
    data = contact_payload(
        police_reference="DA/2026/0042",
        incident_at=incident.isoformat() if api else incident,
        dash_risk="high",
        marac_referral="yes",
        notify_schools=True,
    )
    data["subjects"][0].update(school_code="school-oak", present_at_incident="yes")
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "agency"),
    [("referrer", "probation"), ("referrer", "health-gp"), ("researcher", "school-oak"), ("social_worker", "mash")],
)
def test_only_the_police_may_ask_for_school_notices(make_actor, api, role, agency):
    response = api(make_actor(role, agency)).post("/contacts", json=_da())
    assert response.status_code == 422
    assert response.json()["errors"] == {"notify_schools": [ENCOMPASS_POLICE_ONLY]}
    assert not Contact.objects.exists() and not EncompassNotice.objects.exists()


def test_the_police_still_send_them(make_actor, api):
    response = api(make_actor("referrer", "police")).post("/contacts", json=_da())
    assert response.status_code == 201
    assert EncompassNotice.objects.get().school.code == "school-oak"


def test_an_amendment_cannot_turn_notices_on_outside_the_police(make_actor, api):
    probation = make_actor("referrer", "probation")
    contact, _ = contact_create(actor=probation, data=_da(api=False, notify_schools=False))
    client = api(probation)
    response = client.post(
        f"/contacts/{contact.pk}/amendments", json={"version": 1, "domestic_abuse": {"notify_schools": True}}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"domestic_abuse.notify_schools": [ENCOMPASS_POLICE_ONLY]}
    # the hub cannot either: the request is the police's to make
    hub = api(make_actor("manager", "mash"))
    assert hub.post(
        f"/contacts/{contact.pk}/amendments", json={"version": 1, "domestic_abuse": {"notify_schools": True}}
    ).json()["errors"] == {"domestic_abuse.notify_schools": [ENCOMPASS_POLICE_ONLY]}
    assert not EncompassNotice.objects.exists()


def test_the_hub_may_amend_a_police_contact_that_asked_for_notices(make_actor, api):
    contact, _ = contact_create(actor=make_actor("referrer", "police"), data=_da(api=False))
    hub = api(make_actor("screener", "mash"))
    response = hub.post(
        f"/contacts/{contact.pk}/amendments", json={"version": 1, "domestic_abuse": {"dash_risk": "medium"}}
    )
    assert response.status_code == 200


def test_the_page_shows_the_govuk_error_on_the_question(make_actor):
    client = Client()
    client.force_login(make_actor("referrer", "probation").user)
    day = timezone.localdate() - dt.timedelta(days=1)
    data = contact_form_data(
        police_reference="DA/2026/77",
        incident_date_day=str(day.day),
        incident_date_month=str(day.month),
        incident_date_year=str(day.year),
        incident_time="21:30",
        notify_schools="yes",
        children_0_school="school-oak",
    )
    response = contact_submit(client, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_notify_schools_1"' in page
    assert "Only the police can ask" in page
    assert not Contact.objects.exists()

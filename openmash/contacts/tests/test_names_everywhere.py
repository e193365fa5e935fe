"""Practitioner review (fixb, fault 2): a name holds letters of any script, combining marks, spaces, hyphens,
apostrophes and full stops, and nothing else, on every way a name comes in: recording a contact (API and page),
other names, amending a contact, the hub's correction, and a user's full name. One rule:
people.validation.name_clean."""

from __future__ import annotations

import pytest

from conftest import contact_payload
from openmash.accounts.admin_services import MembershipSpec, user_validate
from openmash.contacts.models import Contact
from openmash.web.tests.conftest import contact_form_data
from tests.support import screen

REFUSED = "must only include letters, spaces, hyphens, apostrophes and full stops"


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def login():
    from django.test import Client

    def _login(actor):
        client = Client()
        client.force_login(actor.user)
        return client

    return _login


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


def _subject(**extra) -> dict:
    return {**contact_payload()["subjects"][0], **extra}


def test_the_api_refuses_a_name_with_digits_emoji_or_markup_on_each_field(referrer, api):
    payload = contact_payload(
        subjects=[_subject(forename="J0hn\U0001f600", aliases=[{"forename": "Jo", "surname": "Sm1th"}])],
        household=[{**contact_payload()["household"][0], "surname": "<script>alert(1)</script>"}],
    )
    r = api(referrer).post("/contacts", json=payload)
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert REFUSED in " ".join(errors["subjects.0.forename"])
    assert REFUSED in " ".join(errors["household.0.surname"])
    assert REFUSED in " ".join(errors["subjects.0.aliases.0"])
    assert Contact.objects.count() == 0


def test_the_api_takes_names_of_any_script_with_apostrophes_hyphens_and_full_stops(referrer, api):
    payload = contact_payload(subjects=[_subject(forename="Zoë-Anne", surname="O\u2019Neill St. John")])
    assert api(referrer).post("/contacts", json=payload).status_code in (200, 201)


def test_amending_and_correcting_refuse_such_names(referrer, screener, new_contact, api):
    contact = new_contact(actor=referrer)
    added = {
        **contact_payload()["household"][0],
        "forename": "Dean2",
        "surname": "Other",
        "date_of_birth": "1980-05-05",
    }
    r = api(referrer).post(
        f"/contacts/{contact.pk}/amendments", json={"version": contact.version, "add_household": [added]}
    )
    assert r.status_code == 422 and REFUSED in " ".join(r.json()["errors"]["add_household.0.forename"])
    screen(screener, contact, outcome="nfa_advice")
    child = contact.people.get(role="subject").person
    r = api(screener).post(
        f"/contacts/{contact.pk}/people/{child.pk}/corrections",
        json={"version": child.version, "reason": "Spelling", "surname": "Test<b>child</b>"},
    )
    assert r.status_code == 422 and REFUSED in " ".join(r.json()["errors"]["surname"])


def test_the_intake_page_puts_the_message_on_the_name_field(referrer, login):
    body = login(referrer).post("/contacts/new/", contact_form_data(children_0_forename="J0hn")).content.decode()
    assert "govuk-error-summary" in body and f"First name {REFUSED}" in body
    assert Contact.objects.count() == 0


def test_a_users_full_name_is_a_persons_name(db):
    spec = [MembershipSpec(agency="mash", role="screener", team="")]
    errors = user_validate({"username": "jo.bloggs", "name": "J0 Bl0ggs", "memberships": spec})
    assert REFUSED in " ".join(errors["name"])
    errors = user_validate({"username": "jo.bloggs", "name": "Siobhán O\u2019Brien-Smith", "memberships": spec})
    assert "name" not in errors

"""Practitioner review (fixb, fault 5): a referrer opening the amend page of a contact already screened was told
"Your role does not allow this". The contact's state is why, and the page and the API say so."""

from __future__ import annotations

import pytest

from tests.support import screen

SCREENED = (
    "This contact is already being dealt with, so it can no longer be changed. To add information, record a new "
    "contact or call the MASH."
)
ROLE = "Your role does not allow this"


@pytest.fixture
def referrer(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def screened(referrer, make_actor, new_contact):
    contact = new_contact(actor=referrer)
    screen(make_actor("screener", "mash"), contact, outcome="nfa_advice")
    return contact


def test_the_amend_page_of_a_screened_contact_says_it_has_been_screened(referrer, screened, login):
    client = login(referrer)
    for method in (client.get, client.post):
        response = method(f"/contacts/{screened.pk}/amend/")
        body = response.content.decode()
        assert response.status_code == 409 and SCREENED in body and ROLE not in body


def test_changing_a_named_person_of_a_screened_contact_says_the_same(referrer, screened, login):
    link = screened.people.get(role="subject")
    response = login(referrer).get(f"/contacts/{screened.pk}/named/{link.pk}/change/")
    assert response.status_code == 409 and SCREENED in response.content.decode()


def test_the_api_says_the_same_with_409(referrer, screened, api):
    r = api(referrer).post(
        f"/contacts/{screened.pk}/amendments",
        json={"version": screened.version, "domestic_abuse": {"dash_risk": "high"}},
    )
    assert r.status_code == 409 and SCREENED in r.content.decode()


def test_someone_who_never_could_amend_it_is_still_told_about_their_role(make_actor, screened, login):
    other = make_actor("referrer", "probation")
    response = login(other).get(f"/contacts/{screened.pk}/amend/")
    assert response.status_code in (403, 404) and SCREENED not in response.content.decode()

"""Search before create on every path that adds a person after intake (issue 5 practitioner review, fault 5).

Intake asks "is it them?" before it creates a person; adding a household member through the amendment page or the
API's amendments created a duplicate of someone already known. Both now run the same candidate check
(matching.candidates): the page asks intake's question, the API refuses an unanswered candidate (422 on
`add_household.0.match`), and naming the person already known adds them without a new record."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.people.models import Person
from tests.support import child, contact_record

DEAN = {"forename": "Dean", "surname": "Testadult", "date_of_birth": "1988-01-01", "sex": "M"}


@pytest.fixture
def known_dean(make_actor):
    """Dean Testadult is already known: named in an earlier contact by the police."""
    contact_record(make_actor("referrer", "police"))
    return Person.objects.get(forename="Dean")


@pytest.fixture
def second(make_actor):
    """A school's contact about another child, with nobody in the household yet."""
    teacher = make_actor("referrer", "school-oak")
    contact = contact_record(teacher, subjects=[child(forename="Zoe", surname="Other", dob="2017-03-03")], household=[])
    return teacher, contact


def _page(actor, contact, **extra):
    c = Client()
    c.force_login(actor.user)
    data = {
        "section": "member",
        "version": str(contact.version),
        "member-forename": "Dean",
        "member-surname": "Testadult",
        "member-dob_day": "1",
        "member-dob_month": "1",
        "member-dob_year": "1988",
        "member-sex": "M",
        "member-role": "parent_carer",
        **extra,
    }
    return c.post(f"/contacts/{contact.pk}/amend/", data)


def test_the_amendment_page_asks_is_it_them_before_creating_a_person(known_dean, second):
    teacher, contact = second
    first = _page(teacher, contact)
    page = first.content.decode()
    assert first.status_code == 200 and 'data-testid="candidates-member"' in page
    assert "Yes, it is Dean Testadult" in page and "<title>Error:" not in page  # asked, not yet an error
    assert Person.objects.filter(forename="Dean").count() == 1
    assert AuditEvent.objects.filter(action="search_result", object_id=str(known_dean.pk)).exists()  # audited
    unanswered = _page(teacher, contact, **{"member-match_offered": "1"}).content.decode()
    assert "<title>Error:" in unanswered and "Say whether this is one of the people already known" in unanswered
    r = _page(teacher, contact, **{"member-match_offered": "1", "member-match": str(known_dean.pk)})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Person.objects.filter(forename="Dean").count() == 1  # no duplicate
    assert Contact.objects.get(pk=contact.pk).people.filter(person=known_dean, role="parent_carer").exists()


def test_a_different_person_is_created_with_the_ones_it_is_not(known_dean, second):
    teacher, contact = second
    r = _page(teacher, contact, **{"member-match_offered": "1", "member-match": "new"})
    assert r.status_code == 302
    assert Person.objects.filter(forename="Dean").count() == 2


def test_the_api_amendment_refuses_an_unanswered_candidate_and_accepts_an_answer(known_dean, second, api):
    teacher, contact = second
    client = api(teacher)
    url = f"/contacts/{contact.pk}/amendments"
    r = client.post(url, {"version": contact.version, "add_household": [{**DEAN, "role": "parent_carer"}]})
    assert r.status_code == 422, r.content
    assert "add_household.0.match" in r.json()["errors"], r.json()
    assert Person.objects.filter(forename="Dean").count() == 1
    found = client.post("/intake/candidates", DEAN).json()["items"]
    assert [i["id"] for i in found] == [str(known_dean.pk)]
    r = client.post(
        url, {"version": contact.version, "add_household": [{"person_id": str(known_dean.pk), "role": "parent_carer"}]}
    )
    assert r.status_code == 200, r.content
    assert Person.objects.filter(forename="Dean").count() == 1


def test_the_api_amendment_creates_a_new_person_said_not_to_be_the_candidates(known_dean, second, api):
    teacher, contact = second
    r = api(teacher).post(
        f"/contacts/{contact.pk}/amendments",
        {
            "version": contact.version,
            "add_household": [{**DEAN, "role": "parent_carer", "not_person_ids": [str(known_dean.pk)]}],
        },
    )
    assert r.status_code == 200, r.content
    assert Person.objects.filter(forename="Dean").count() == 2


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=2)
def test_the_amendment_page_past_the_search_limit_shows_the_too_many_searches_page(known_dean, second):
    """Attacker review: each lookup of a person being added is one search (the page's question, then the service's
    own check), and past the limit the page says so (429) rather than failing or answering who is known."""
    teacher, contact = second
    asked = _page(teacher, contact)  # the page's lookup: search 1
    assert asked.status_code == 200 and 'data-testid="candidates-member"' in asked.content.decode()
    refused = _page(teacher, contact, **{"member-match_offered": "1", "member-match": "new"})  # 2, then the service's
    assert refused.status_code == 429 and "too many searches" in refused.content.decode()
    assert AuditEvent.objects.filter(actor_user_id=teacher.user.pk, action="search_limited").count() == 1
    assert Person.objects.filter(forename="Dean").count() == 1  # nobody added

"""Issue 7: "this person is not them" (``not_person_ids``) may name only people offered to the one recording.

Each id in ``not_person_ids`` becomes a referrer's cannot-link decision about that person (ADR 0009: a rejected
``RecordLink`` per record of theirs). Any id was accepted, so a referrer could write decisions about children they
were never shown, and learn from the answer whether an id exists. Now an id must be a candidate this actor was
offered (this request's own audited lookup, or their own audited lookup or search in the last day) or someone they
may name by id anyway (access.policy.people_linkable); any other id is refused on ``<prefix>.not_person_ids`` with
one message whether it exists or not, and nothing is saved. Failed on main before the fix (the contacts were
created)."""

from __future__ import annotations

import uuid

import pytest

from conftest import contact_payload
from openmash.contacts.models import Contact
from openmash.contacts.services import NOT_PERSON_IDS_NOT_OFFERED
from openmash.people.models import Person, RecordLink
from tests.support import child, contact_record

NEW_CHILD = {"forename": "Brand", "surname": "Newchild", "date_of_birth": "2019-09-09"}
ADULT = {"forename": "Dean", "surname": "Testadult", "date_of_birth": "1988-01-01", "sex": "M"}


@pytest.fixture
def unseen(make_actor):
    """Tyler Brook is known to a school only: the police referrer has never been offered him."""
    contact_record(make_actor("referrer", "school-oak"), subjects=[child("Tyler", "Brook", "2015-03-07")], household=[])
    return Person.objects.get(forename="Tyler")


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


def _saved() -> tuple[int, int, int]:
    return Person.objects.count(), Contact.objects.count(), RecordLink.objects.count()


@pytest.mark.parametrize("group", ["subjects", "household"])
def test_an_id_never_offered_is_refused_and_nothing_saved(unseen, police, api, group):
    before = _saved()
    person = {**NEW_CHILD, "not_person_ids": [str(unseen.pk)]}
    payload = (
        contact_payload(subjects=[person], household=[])
        if group == "subjects"
        else contact_payload(subjects=[child("Other", "Newchild", "2019-10-10")], household=[{**ADULT, **person}])
    )
    r = api(police).post("/contacts", payload)
    assert r.status_code == 422, r.content
    assert r.json()["errors"][f"{group}.0.not_person_ids"] == [NOT_PERSON_IDS_NOT_OFFERED]
    assert _saved() == before  # no person, no contact, no "not the same" decision about Tyler


def test_an_unknown_id_and_an_unseen_one_get_the_same_answer(unseen, police, api):
    """No oracle: whether the id exists is not told."""
    answers = []
    for pid in (str(unseen.pk), str(uuid.uuid4())):
        r = api(police).post("/contacts", contact_payload(subjects=[{**NEW_CHILD, "not_person_ids": [pid]}]))
        assert r.status_code == 422, r.content
        answers.append(r.json())
    assert answers[0] == answers[1]


def test_a_candidate_offered_by_the_actors_own_lookup_may_be_declined(unseen, police, api):
    client = api(police)
    tyler = {"forename": "Tyler", "surname": "Brook", "date_of_birth": "2015-03-07"}
    offered = client.post("/intake/candidates", tyler).json()["items"]
    assert [i["id"] for i in offered] == [str(unseen.pk)]
    # a different child with the same name and date of birth, as the referrer says: the offered one is declinable,
    # here and for another child of the same family (offered to this actor in the last day)
    r = client.post(
        "/contacts", contact_payload(subjects=[{**tyler, "not_person_ids": [str(unseen.pk)]}], household=[])
    )
    assert r.status_code == 201, r.content
    declined = {**NEW_CHILD, "not_person_ids": [str(unseen.pk)]}
    r = client.post("/contacts", contact_payload(subjects=[declined], household=[]))
    assert r.status_code == 201, r.content


def test_someone_the_actor_named_themselves_may_be_declined(police, api):
    """People the actor may name by id (their own contact's child: access.policy.people_linkable) need no lookup."""
    contact_record(police, subjects=[child("Own", "Namedchild", "2016-06-06")], household=[])
    own = Person.objects.get(forename="Own")
    r = api(police).post("/contacts", contact_payload(subjects=[{**NEW_CHILD, "not_person_ids": [str(own.pk)]}]))
    assert r.status_code == 201, r.content


def test_an_amendment_may_not_decline_someone_never_offered(unseen, police, api):
    contact = contact_record(police, subjects=[child("Zoe", "Other", "2017-03-03")], household=[])
    before = _saved()
    r = api(police).post(
        f"/contacts/{contact.pk}/amendments",
        {
            "version": contact.version,
            "add_household": [{**ADULT, "role": "parent_carer", "not_person_ids": [str(unseen.pk)]}],
        },
    )
    assert r.status_code == 422, r.content
    assert r.json()["errors"]["add_household.0.not_person_ids"] == [NOT_PERSON_IDS_NOT_OFFERED]
    assert _saved() == before
    contact.refresh_from_db()
    assert contact.people.count() == 1


def test_the_intake_page_refuses_a_candidate_it_did_not_offer(unseen, police, make_actor):
    """The page builds ``not_person_ids`` from the candidates it showed (kept in the session); one slipped in there
    is refused by the service and shown as an error on the page, nothing saved."""
    from django.test import Client

    from openmash.web.tests.conftest import contact_form_data, contact_submit

    contact_record(make_actor("referrer", "school-oak"), subjects=[child("Kim", "Otherchild", "2014-04-04")])
    client = Client()
    client.force_login(police.user)
    data = contact_form_data(children_0_nhs_number="", children_0_forename="Brand", children_0_surname="Newchild")
    asked = client.post("/contacts/new/", data)  # Dean Testadult is already known: "is it them?"
    assert asked.status_code == 200 and 'data-testid="candidates-member' in asked.content.decode()
    session = client.session
    intake = session["contact_intake"]
    (offered,) = intake["candidates"]["members-0"]["items"]
    intake["candidates"]["members-0"]["items"].append({**offered, "id": str(unseen.pk)})
    session["contact_intake"] = intake
    session.save()
    before = _saved()
    data["members-0-match"] = "new"
    r = contact_submit(client, data)
    assert r.status_code == 200, r
    assert NOT_PERSON_IDS_NOT_OFFERED in r.content.decode()
    assert _saved() == before

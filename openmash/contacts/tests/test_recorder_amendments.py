"""Issue 5 review, faults 1 and 2: a recorder's amendment changes only what their contact says, and the recorder
sees their contact's people as they named them.

Fault 1 (critical): a referrer named a findable child by `person_id`, then amended the contact with
`people: [{person_id, ethnicity, add_address}]`: the change history showed them the child's hub-only address and
ethnicity, and the shared record was overwritten. Fault 2: the recorder's views read the people live, so they saw
the hub's later corrections. Each test failed on main before the fix. Data is made through the services; the
recorder acts through the API (bearer token) and the pages.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from openmash.contacts.models import ContactChange
from openmash.contacts.services import PERSON_HELD_MESSAGE, contact_amend, contact_create, contact_person_correct
from openmash.people.models import Person
from openmash.people.selectors import person_search
from tests.support import child, contact_record, nhs_number, payload, screen, subject_person

HUB_ADDRESS = {"line1": "7 Refuge Lane", "town": "Hiddenton", "postcode": "HD1 1AA"}


def the_child(body: dict) -> dict:
    return next(p for p in body["people"] if p["role"] == "subject")


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


@pytest.fixture
def findable_child(make_actor):
    """A child recorded by the police, whose record the hub has since given an address only the hub sees."""
    police = make_actor("referrer", "police")
    hub = make_actor("screener", "mash")
    contact = contact_record(police, subjects=[child("Lily", "Findable", "2016-05-06", nhs=nhs_number())])
    person = subject_person(contact)
    screen(hub, contact)
    contact_person_correct(
        actor=hub,
        contact_id=contact.pk,
        person_id=person.pk,
        version=person.version,
        reason="Moved to a refuge: address held by the MASH only",
        data={"add_address": HUB_ADDRESS, "ethnicity": "WIRI"},
    )
    person.refresh_from_db()
    return person


def contact_about(api_client, person) -> dict:
    """What a referrer does at intake over the API: search by exact name + date of birth, then name the match."""
    found = api_client.post(
        "/people/search", dict(name=f"{person.forename} {person.surname}", date_of_birth=str(person.date_of_birth))
    )
    assert found.status_code == 200 and str(person.pk) in {p["id"] for p in found.json()["items"]}
    body = payload(subjects=[{"person_id": str(person.pk)}], household=[])
    response = api_client.post("/contacts", json=body, headers={"Idempotency-Key": "k-" + str(person.pk)})
    assert response.status_code == 201, response.content
    return response.json()


ATTACKS = [
    {"ethnicity": "WBRI", "add_address": {"line1": "1 Fake Street", "town": "Faketon", "postcode": "FK1 1AA"}},
    {"forename": "Renamed"},
    {"date_of_birth": "2015-01-01"},
    {"add_identifiers": [{"type": "nhs_number", "value": "9434765919"}]},  # another child's NHS number
]


@pytest.mark.parametrize("attack", ATTACKS, ids=["ethnicity+address", "rename", "dob", "nhs_number"])
def test_a_referrer_cannot_change_the_record_of_a_child_found_by_search(make_actor, api, findable_child, attack):
    referrer = make_actor("referrer", "school-oak")
    client = api(referrer)
    contact = contact_about(client, findable_child)
    before = Person.objects.get(pk=findable_child.pk)
    addresses = list(before.addresses.values_list("line1", flat=True))
    identifiers = list(before.identifiers.values_list("value", flat=True))

    response = client.post(
        f"/contacts/{contact['id']}/amendments",
        json={"version": contact["version"], "people": [{"person_id": str(findable_child.pk), **attack}]},
    )

    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert set(errors) == {f"people.0.{key}" for key in attack}
    assert all(PERSON_HELD_MESSAGE in messages for messages in errors.values())
    after = Person.objects.get(pk=findable_child.pk)
    assert (after.forename, after.date_of_birth, after.ethnicity, after.version) == (
        before.forename,
        before.date_of_birth,
        before.ethnicity,
        before.version,
    )
    assert list(after.addresses.values_list("line1", flat=True)) == addresses
    assert list(after.identifiers.values_list("value", flat=True)) == identifiers
    assert not ContactChange.objects.filter(contact_id=contact["id"]).exists()
    # and the refused attempt revealed nothing of the record
    assert HUB_ADDRESS["line1"] not in response.content.decode()


def test_the_recorder_may_still_change_what_their_contact_says_about_a_found_child(make_actor, api, findable_child):
    referrer = make_actor("referrer", "police")
    client = api(referrer)
    contact = contact_about(client, findable_child)
    response = client.post(
        f"/contacts/{contact['id']}/amendments",
        json={
            "version": contact["version"],
            "people": [
                {"person_id": str(findable_child.pk), "school_code": "school-oak", "present_at_incident": "yes"}
            ],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert the_child(body)["school"] == "Oakfield Primary School"
    assert {c["field"] for c in body["changes"]} == {"school", "present_at_incident"}
    assert Person.objects.get(pk=findable_child.pk).version == findable_child.version


def test_the_recorder_never_sees_a_hub_only_detail_in_the_change_history(make_actor, api):
    """Even where a change was made on their contact (their own, or the hub's), the recorder's history holds no
    ethnicity, identifier or address: those previous values come from the record."""
    referrer = make_actor("referrer", "police")
    hub = make_actor("screener", "mash")
    contact = contact_record(referrer)
    person = subject_person(contact)
    # the recorder's own child (created by this contact, named nowhere else): they may change it ...
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={
            "people": [
                {
                    "person_id": person.pk,
                    "date_of_birth": dt.date(2018, 4, 3),
                    "ethnicity": "WIRI",
                    "add_identifiers": [{"type": "upn", "value": "A123456789012"}],
                    "add_address": {"line1": "2 New Road", "town": "Exampleton", "postcode": "EX2 2BB"},
                }
            ]
        },
    )
    # ... and the hub amends too, with a value only the hub holds
    contact_amend(
        actor=hub,
        contact_id=contact.pk,
        version=2,
        data={"people": [{"person_id": person.pk, "add_address": HUB_ADDRESS}]},
    )
    fields = set(ContactChange.objects.filter(contact=contact).values_list("field", flat=True))
    assert {"date_of_birth", "ethnicity", "identifier_added", "address_added"} <= fields  # all kept for the hub

    shown = api(referrer).get(f"/contacts/{contact.pk}").json()
    assert [c["field"] for c in shown["changes"]] == ["date_of_birth"]
    page = login(referrer).get(f"/contacts/{contact.pk}/").content.decode()
    for text in ("2 New Road", "1 High Street", HUB_ADDRESS["line1"], "A123456789012", "WBRI", "WIRI"):
        assert text not in page and text not in str(shown)
    hub_view = api(hub).get(f"/contacts/{contact.pk}").json()
    assert {"ethnicity", "identifier_added", "address_added"} <= {c["field"] for c in hub_view["changes"]}


def test_a_person_created_here_but_named_in_another_contact_is_the_hubs_to_change(make_actor, api):
    referrer = make_actor("referrer", "police")
    contact = contact_record(referrer)
    person = subject_person(contact)
    other = make_actor("referrer", "school-oak")
    person_search(actor=other, name=f"{person.forename} {person.surname}", date_of_birth=person.date_of_birth)
    contact_create(actor=other, data=payload(subjects=[{"person_id": str(person.pk)}], household=[]))
    response = api(referrer).post(
        f"/contacts/{contact.pk}/amendments",
        json={"version": 1, "people": [{"person_id": str(person.pk), "forename": "Changed"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"people.0.forename": [PERSON_HELD_MESSAGE]}


def test_the_hub_still_corrects_a_found_child_with_a_reason(make_actor, api, findable_child):
    referrer = make_actor("referrer", "school-oak")
    contact = contact_about(api(referrer), findable_child)
    hub = make_actor("manager", "mash")
    response = api(hub).post(
        f"/contacts/{contact['id']}/amendments",
        json={"version": contact["version"], "people": [{"person_id": str(findable_child.pk), "forename": "Lilly"}]},
    )
    assert response.status_code == 200
    assert Person.objects.get(pk=findable_child.pk).forename == "Lilly"
    refused = api(hub).post(
        f"/contacts/{contact['id']}/people/{findable_child.pk}/corrections",
        json={"version": findable_child.version + 1, "reason": "", "forename": "Lily"},
    )
    assert refused.status_code == 422 and "reason" in refused.json()["errors"]


def test_the_web_form_refuses_the_change_with_the_govuk_error(make_actor, findable_child):
    referrer = make_actor("referrer", "school-oak")
    person_search(
        actor=referrer,
        name=f"{findable_child.forename} {findable_child.surname}",
        date_of_birth=findable_child.date_of_birth,
    )
    contact, _ = contact_create(actor=referrer, data=payload(subjects=[{"person_id": str(findable_child.pk)}]))
    link = contact.people.get(person=findable_child)
    web = login(referrer)
    url = f"/contacts/{contact.pk}/named/{link.pk}/change/"
    form = web.get(url)
    assert form.status_code == 200 and 'data-testid="record-held"' in form.content.decode()
    born = findable_child.date_of_birth
    response = web.post(
        url,
        {
            "forename": "Renamed",
            "surname": findable_child.surname,
            "dob_0": born.day,
            "dob_1": born.month,
            "dob_2": born.year,
            "sex": findable_child.sex,
            "version": contact.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "Only the MASH can change the details" in page
    assert page.count("Only the MASH can change the details") >= 2  # the summary and the field
    assert Person.objects.get(pk=findable_child.pk).forename == "Lily"


# --- fault 2: the recorder sees their people as they named them ---------------------------------------------------


def test_the_recorder_sees_the_child_as_they_named_them_not_the_hubs_correction(make_actor, api):
    referrer = make_actor("referrer", "police")
    hub = make_actor("screener", "mash")
    contact = contact_record(referrer, subjects=[child("Amelia", "Testchild", "2018-04-02", nhs=nhs_number())])
    person = subject_person(contact)
    screen(hub, contact)
    contact_person_correct(
        actor=hub,
        contact_id=contact.pk,
        person_id=person.pk,
        version=person.version,
        reason="Name and date of birth confirmed with the school",
        data={"forename": "Ameliaxx", "surname": "Correctedname", "date_of_birth": dt.date(2017, 3, 1), "sex": "U"},
    )

    mine = the_child(api(referrer).get(f"/contacts/{contact.pk}").json())
    assert (mine["forename"], mine["surname"], mine["date_of_birth"], mine["sex"]) == (
        "Amelia",
        "Testchild",
        "2018-04-02",
        "F",
    )
    assert mine["version"] is None
    for page in (login(referrer).get(f"/contacts/{contact.pk}/"), login(referrer).get("/")):
        text = page.content.decode()
        assert "Amelia Testchild" in text
        assert "Correctedname" not in text and "1 March 2017" not in text
    hubs = the_child(api(hub).get(f"/contacts/{contact.pk}").json())
    assert (hubs["forename"], hubs["surname"]) == ("Ameliaxx", "Correctedname")
    assert "Correctedname" in login(hub).get(f"/contacts/{contact.pk}/").content.decode()


def test_the_recorders_own_amendment_updates_what_they_named(make_actor, api):
    referrer = make_actor("referrer", "police")
    contact = contact_record(referrer)
    person = subject_person(contact)
    contact_amend(
        actor=referrer,
        contact_id=contact.pk,
        version=1,
        data={"people": [{"person_id": person.pk, "forename": "Emilia"}]},
    )
    link = contact.people.get(person=person)
    assert link.as_named["forename"] == "Emilia"
    assert the_child(api(referrer).get(f"/contacts/{contact.pk}").json())["forename"] == "Emilia"
    # a hub amendment before screening changes the record but not what the referrer named
    hub = make_actor("screener", "mash")
    contact_amend(
        actor=hub, contact_id=contact.pk, version=2, data={"people": [{"person_id": person.pk, "forename": "Emmy"}]}
    )
    link.refresh_from_db()
    assert link.as_named["forename"] == "Emilia"
    assert the_child(api(referrer).get(f"/contacts/{contact.pk}").json())["forename"] == "Emilia"

"""Attacker review 2026-11, findings 1 and 2 (HIGH): a social worker widened their own sight by recording contacts
about their allocated child. Issue 5 fault 2: recording a contact gives the referrer at most what a referrer sees of
their own contact. A worker's basis is their allocated children and the people in contacts about them that reached
them through the hub (access.policy._hub_named_people), never what they asserted themselves. Each test failed on
main before the fix. Data is made through the services; the attacker's steps go through the API and the pages."""

from __future__ import annotations

from django.test import Client

from openmash.people.selectors import person_search
from tests.support import allocation_open, child, contact_record, nhs_number, payload, screen, subject_person

NICOLA_ADDRESS = {"line1": "4 Mill Lane", "town": "Exampleton", "postcode": "EX2 2AB"}


def login(actor) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _family(make_actor):
    """Nicola (allocated to sw1) and June (allocated to another worker, with police and health history)."""
    police = make_actor("referrer", "police")
    nicola = subject_person(
        contact_record(
            police, subjects=[child("Nicola", "Ashdown", "2016-05-01", nhs_number(), address=NICOLA_ADDRESS)]
        )
    )
    june_nhs = nhs_number()
    june_contact = contact_record(police, subjects=[child("June", "Birchwood", "2015-03-09", june_nhs)])
    june = subject_person(june_contact)
    sw1 = make_actor("social_worker", "mash", username="csc-socialworker-one")
    sw2 = make_actor("social_worker", "mash", username="csc-socialworker-two")
    allocation_open(nicola, sw1)
    allocation_open(june, sw2)
    return police, nicola, june, june_nhs, sw1


def _closed_to(client, person, paths=("", "/chronology")):
    return [client.get(f"/people/{person.pk}{p}").status_code for p in paths]


def test_naming_another_workers_child_in_own_contact_opens_nothing(make_actor, api):
    """Finding 1, first step: sw1 found June by name + date of birth and named her beside Nicola."""
    _, nicola, june, _, sw1 = _family(make_actor)
    assert person_search(actor=sw1, name="June Birchwood", date_of_birth=june.date_of_birth)
    client = api(sw1)
    sent = client.post(
        "/contacts", json=payload(subjects=[{"person_id": str(nicola.pk)}, {"person_id": str(june.pk)}], household=[])
    )
    assert sent.status_code in (200, 201), sent.content
    assert _closed_to(client, june) == [404, 404]
    assert client.get(f"/people/{nicola.pk}").status_code == 200  # their own child, as before
    assert login(sw1).get(f"/people/{june.pk}/").status_code == 404


def test_a_planted_look_alike_household_member_shows_no_other_child(make_actor, api):
    """Finding 1, second step: a NEW household member with June's name, date of birth, sex and NHS number at Nicola's
    address. Whatever the identifier join does with it, June's record, history and household membership stay closed
    to sw1: her entries are not in Nicola's household chronology and she is not on Nicola's family network."""
    _, nicola, june, june_nhs, sw1 = _family(make_actor)
    client = api(sw1)
    planted = {
        "forename": "June",
        "surname": "Birchwood",
        "date_of_birth": "2015-03-09",
        "sex": "F",
        "role": "household_member",
        "identifiers": [{"type": "nhs_number", "value": june_nhs}],
        "address": NICOLA_ADDRESS,
    }
    data = payload(subjects=[{"person_id": str(nicola.pk)}], household=[planted])
    sent = client.post("/contacts", json=data)
    if sent.status_code == 422:  # "is it them?": the attacker answers "not that person" and sends again
        planted["not_person_ids"] = [str(june.pk)]
        sent = client.post("/contacts", json=data)
    assert sent.status_code in (200, 201), sent.content
    new_member = next(p["person_id"] for p in sent.json()["people"] if p["role"] != "subject")

    assert _closed_to(client, june) == [404, 404]
    assert client.get(f"/people/{new_member}").status_code == 404  # their own assertion opens no record
    chronology = client.get(f"/people/{nicola.pk}/household/chronology").json()
    shown = {m["id"] for m in chronology["members"]}
    assert str(june.pk) not in shown and new_member not in shown
    assert all(e["person_id"] == str(nicola.pk) for e in chronology["entries"])
    network = client.get(f"/people/{nicola.pk}/network").json()
    assert {p["id"] for p in network["people"]} == {str(nicola.pk)}
    page = login(sw1).get(f"/people/{nicola.pk}/network/").content.decode()
    assert "Birchwood" not in page


def test_an_adult_named_in_own_contact_is_not_opened(make_actor, api):
    """Finding 2: sw1 names Lynn (any adult found by name + date of birth) as Nicola's parent or carer."""
    police, nicola, _, _, sw1 = _family(make_actor)
    other = contact_record(police)
    lynn = other.people.exclude(role="subject").get().person
    assert person_search(actor=sw1, name=f"{lynn.forename} {lynn.surname}", date_of_birth=lynn.date_of_birth)
    client = api(sw1)
    data = payload(
        subjects=[{"person_id": str(nicola.pk)}], household=[{"person_id": str(lynn.pk), "role": "parent_carer"}]
    )
    sent = client.post("/contacts", json=data)
    assert sent.status_code in (200, 201), sent.content
    assert _closed_to(client, lynn) == [404, 404]
    web = login(sw1)
    assert web.get(f"/people/{lynn.pk}/").status_code == 404
    network = client.get(f"/people/{nicola.pk}/network").json()
    assert str(lynn.pk) not in {p["id"] for p in network["people"]}
    assert lynn.surname not in web.get(f"/people/{nicola.pk}/network/").content.decode()


def test_the_workers_own_contact_goes_to_the_hub_not_to_themselves(make_actor, api):
    """A contact the allocated worker records about their own child is screened by the hub (it is not passed
    straight back to them, skipping the hub); once screened it still opens nobody for them."""
    police, nicola, _, _, sw1 = _family(make_actor)
    lynn = contact_record(police).people.exclude(role="subject").get().person
    person_search(actor=sw1, name=f"{lynn.forename} {lynn.surname}", date_of_birth=lynn.date_of_birth)
    data = payload(
        subjects=[{"person_id": str(nicola.pk)}], household=[{"person_id": str(lynn.pk), "role": "parent_carer"}]
    )
    sent = api(sw1).post("/contacts", json=data)
    from openmash.contacts.models import Contact

    contact = Contact.objects.get(pk=sent.json()["id"])
    assert contact.status == "awaiting_screening" and contact.routed_to_id is None
    screen(make_actor("screener", "mash"), contact)
    assert api(sw1).get(f"/people/{lynn.pk}").status_code == 404


def test_people_in_contacts_the_hub_screened_are_still_the_workers_to_open(make_actor, api):
    """What the rule keeps: the contact the hub screened before allocating the child (the MASH pack) opens the people
    it names; a later contact passed straight to the worker, unscreened, does not (the worker reads the contact)."""
    police = make_actor("referrer", "police")
    screened = contact_record(police)
    kid = subject_person(screened)
    named = screened.people.exclude(role="subject").get().person
    screen(make_actor("screener", "mash"), screened)
    worker = make_actor("social_worker", "mash")
    allocation_open(kid, worker)
    routed = contact_record(
        police,
        subjects=[{"person_id": str(kid.pk)}],
        household=[{"forename": "Colin", "surname": "Lateradult", "date_of_birth": "1980-02-02", "sex": "M",
                    "role": "household_member"}],
    )  # fmt: skip
    assert routed.status == "with_allocated_worker"
    adult = routed.people.exclude(role="subject").get().person
    client = api(worker)
    assert client.get(f"/people/{named.pk}").status_code == 200
    assert client.get(f"/contacts/{routed.pk}").status_code == 200  # the contact itself is theirs to read
    assert client.get(f"/people/{adult.pk}").status_code == 404  # its unscreened claims open no record


def test_a_pack_made_from_the_workers_own_contact_shows_no_postcode_of_the_adult_they_named(make_actor, api):
    """The same kind through the MASH pack: the hub screens and decides sw1's own contact (it went to the hub); the
    pack is theirs to read (their allocated child), but it opens no person they asserted: Lynn's postcode is not
    shown on the pack (API and page)."""
    from tests.support import decide

    police, nicola, _, _, sw1 = _family(make_actor)
    lynn_at = {"line1": "9 Quarry Road", "town": "Exampleton", "postcode": "EX3 3AB"}
    other = contact_record(
        police,
        household=[{"forename": "Lynn", "surname": "Carrow", "date_of_birth": "1985-06-06", "sex": "F",
                    "role": "parent_carer", "address": lynn_at}],
    )  # fmt: skip
    lynn = other.people.exclude(role="subject").get().person
    person_search(actor=sw1, name=f"{lynn.forename} {lynn.surname}", date_of_birth=lynn.date_of_birth)
    data = payload(
        subjects=[{"person_id": str(nicola.pk)}], household=[{"person_id": str(lynn.pk), "role": "parent_carer"}]
    )
    sent = api(sw1).post("/contacts", json=data)
    from openmash.contacts.models import Contact

    contact = Contact.objects.get(pk=sent.json()["id"])
    screen(make_actor("screener", "mash"), contact)
    contact.refresh_from_db()
    decide(make_actor("manager", "mash"), contact.enquiry)
    pack = api(sw1).get(f"/mash-packs/{contact.pk}")
    assert pack.status_code == 200, pack.content
    shown = {p["person_id"]: p for p in pack.json()["people"]}
    assert shown[str(lynn.pk)]["postcode"] == "" and shown[str(lynn.pk)]["addresses"] is None
    assert shown[str(nicola.pk)]["postcode"] == NICOLA_ADDRESS["postcode"]

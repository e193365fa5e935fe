"""A PNC ID is stored, compared and searched in its one canonical form ("2001/0012345H") whichever way it came in
(ADR 0009): the API, the web intake, an amendment, a feed import and search all normalise through
``people.identifiers.pnc_id_normalise``, so the same PNC ID written another way finds (and joins) the person who holds
it, and an impossible one is refused on its field."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from conftest import contact_payload
from openmash.contacts.services import contact_amend
from openmash.people.models import AgencyRecord, Person, PersonIdentifier
from tests.support import contact_record, screen, subject_person

pytestmark = pytest.mark.django_db

CANONICAL = "2001/0012345H"  # 01 + 0012345 = 10012345; mod 23 = 8: H
VARIANTS = ["2001/0012345H", "01/12345H", "2001/12345h", " 01/0012345H ", "01/012345 H"]


def _dean(pnc: str, **extra) -> dict:
    return {
        "forename": "Dean",
        "surname": "Smith",
        "date_of_birth": "1988-01-01",
        "sex": "M",
        "role": "alleged_perpetrator",
        "identifiers": [{"type": "pnc_id", "value": pnc}],
        **extra,
    }


def _dean_of(contact) -> Person:
    return contact.people.get(role="alleged_perpetrator").person


@pytest.mark.parametrize("typed", VARIANTS)
def test_api_stores_the_canonical_form_and_joins_the_person_who_holds_it(make_actor, api, typed):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    first = _dean_of(contact_record(police, household=[_dean("2001/0012345H")]))
    assert PersonIdentifier.objects.get(person=first, identifier_type="pnc_id").value == CANONICAL
    assert AgencyRecord.objects.get(origin_person=first).pnc_id == CANONICAL

    fresh = [_fresh_child()]
    r = api(school).post("/contacts", contact_payload(subjects=fresh, household=[_dean(typed)]))
    # the API asks "is it them?" first (ADR 0009 addendum 1): the holder, found by the PNC ID however written
    assert r.status_code == 422, r.json()
    offered = r.json()["candidates"]["household.0"]["items"]
    assert [(i["id"], i["exact"], i["reasons"]) for i in offered] == [(str(first.pk), True, ["same PNC ID"])]
    # recorded without the question (the service's default), the canonical form is stored, the contact names the
    # holder at once, and the school's record joins the holder's when the hub screens it (ADR 0009 addendum 2)
    contact = contact_record(school, subjects=fresh, household=[_dean(typed)])
    assert _dean_of(contact).pk == first.pk
    record = AgencyRecord.objects.get(agency=school.agency, given_name="Dean")
    assert record.pnc_id == CANONICAL
    again = record.origin_person
    assert PersonIdentifier.objects.get(person=again, identifier_type="pnc_id").value == CANONICAL
    screen(make_actor("screener", "mash"), contact)
    again.refresh_from_db()
    assert again.merged_into_id == first.pk  # the exact PNC match joined the known person


def _fresh_child() -> dict:
    from tests.support import child

    return child("Zebedee", "Quinlanova", "2013-06-30", address=None)


def test_api_refuses_an_impossible_pnc_id_on_its_field(make_actor, api):
    r = api(make_actor("referrer", "police")).post("/contacts", contact_payload(household=[_dean("2001/0012345A")]))
    assert r.status_code == 422
    assert r.json()["errors"]["household.0.identifiers.0.value"] == [
        "Enter a valid PNC ID: the check letter does not match"
    ]


@pytest.mark.parametrize("typed", ["01/12345h", "2001/0012345H", "01/012345 H"])
def test_intake_candidates_and_people_search_find_the_holder_by_any_spelling(make_actor, api, typed):
    police = make_actor("referrer", "police")
    dean = _dean_of(contact_record(police, household=[_dean(" 01/0012345H ")]))
    school = api(make_actor("referrer", "school-oak"))
    r = school.post("/intake/candidates", {"identifiers": [{"type": "pnc_id", "value": typed}]})
    # a PNC ID alone never tells a school who holds it (access.search: Dean's name and date of birth must be given)
    assert r.status_code == 200 and r.json()["items"] == [], r.json()
    named = {"forename": "Dean", "surname": "Smith", "date_of_birth": "1988-01-01"}
    r = school.post("/intake/candidates", {**named, "identifiers": [{"type": "pnc_id", "value": typed}]})
    assert r.status_code == 200, r.json()
    assert [(i["id"], i["exact"]) for i in r.json()["items"]] == [(str(dean.pk), True)]
    found = api(make_actor("screener", "mash")).post("/people/search", dict(identifier_type="pnc_id", identifier=typed))
    assert [i["id"] for i in found.json()["items"]] == [str(dean.pk)]


def test_an_amendment_adds_the_canonical_form(make_actor):
    police = make_actor("referrer", "police")
    contact = contact_record(police)
    child = subject_person(contact)
    contact_amend(
        actor=police,
        contact_id=contact.pk,
        version=1,
        data={"people": [{"person_id": child.pk, "add_identifiers": [{"type": "pnc_id", "value": "01/012345 h"}]}]},
    )
    assert PersonIdentifier.objects.get(person=child, identifier_type="pnc_id").value == CANONICAL
    assert AgencyRecord.objects.get(origin_person=child).pnc_id == CANONICAL


def test_the_migration_rewrites_stored_pnc_ids_and_leaves_invalid_ones(partnership):
    migration = importlib.import_module("openmash.people.migrations.0011_pnc_ids_canonical")
    person = Person.objects.create(forename="Dean", surname="Smith", forename_norm="dean", surname_norm="smith")
    old = PersonIdentifier.objects.create(person=person, identifier_type="pnc_id", value="01/12345H")
    bad = PersonIdentifier.objects.create(person=person, identifier_type="pnc_id", value="01/12345A")
    nhs = PersonIdentifier.objects.create(person=person, identifier_type="nhs_number", value="9434765919")
    record = AgencyRecord.objects.create(
        agency=partnership["police"],
        local_id="P1",
        origin_person=person,
        person=person,
        pnc_id="01/0012345H",
        received_at=dt.datetime.now(dt.UTC),
    )
    migration.forwards(apps, SimpleNamespace(connection=connection))
    migration.forwards(apps, SimpleNamespace(connection=connection))  # re-runnable
    old.refresh_from_db(), bad.refresh_from_db(), nhs.refresh_from_db(), record.refresh_from_db()
    assert (old.value, bad.value, nhs.value, record.pnc_id) == (CANONICAL, "01/12345A", "9434765919", CANONICAL)


def test_the_demo_stores_pnc_ids_in_the_canonical_form():
    import random

    from openmash.demo.population import IdentifierSource
    from openmash.people.identifiers import pnc_id_normalise

    source = IdentifierSource(random.Random(6))
    for _ in range(50):
        value = source.pnc_id()
        assert pnc_id_normalise(value) == value and len(value) == 13

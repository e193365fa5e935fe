"""Search before create on POST /api/v1/contacts (issue 6, "Finding the child at intake"): the API offers a partner
system the intake page's decisions. A new person is either the person it is (`person_id`, chosen from the
candidates), or declared new (`match_decision: "new"` with the `candidates_reference` of the client's own lookup of
the same details). Given neither, when someone already known may be them (an identifier after normalisation, or a
close name / date of birth / postcode match) the contact is refused with 422 listing them (the minimum details, and
a reference): never a silent duplicate, never a silent join. One service decides it for the page and the API
(contacts.services.contact_create with search_before_create)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from conftest import contact_payload
from openmash.audit.models import AuditEvent
from openmash.contacts.models import Contact
from openmash.people.models import LinkState, Person, RecordLink
from tests.support import child, contact_record, subject_person

pytestmark = pytest.mark.django_db

KNOWN_NHS = "9993141593"


@pytest.fixture
def kayden(make_actor):
    police = make_actor("referrer", "police")
    return subject_person(contact_record(police, subjects=[child("Kayden", "Smith", "2017-03-03", nhs=KNOWN_NHS)]))


@pytest.fixture
def school(make_actor):
    return make_actor("referrer", "school-oak")


def _kaden(**extra) -> dict:
    """The same child as the school writes them: another spelling, the NHS number with hyphens."""
    return child("Kaden", "Smith", "2017-03-03", nhs="999-314-1593", **extra)


def _post(client, subject: dict):
    return client.post("/contacts", contact_payload(subjects=[subject], household=[]))


def _counts():
    return Person.objects.count(), Contact.objects.count()


def _searches(actor) -> int:
    return AuditEvent.objects.filter(actor_user_id=actor.user.pk, action="search").count()


def test_an_unanswered_known_identifier_is_refused_listing_the_candidate(kayden, school, api):
    before = _counts()
    r = _post(api(school), _kaden())
    assert r.status_code == 422, r.content
    body = r.json()
    assert list(body["errors"]) == ["subjects.0.match"]
    offered = body["candidates"]["subjects.0"]
    assert offered["reference"]
    assert [i["id"] for i in offered["items"]] == [str(kayden.pk)]
    item = offered["items"][0]
    # the minimum details only: what POST /intake/candidates shows a referrer (no NHS number, no address)
    assert set(item) == {"id", "forename", "surname", "date_of_birth", "expected_date_of_birth", "exact", "reasons"}
    assert item["exact"] is True and item["reasons"] == ["same NHS number"]
    assert KNOWN_NHS not in r.content.decode() and "EX1 1AA" not in r.content.decode()
    assert _counts() == before  # nothing created, nobody joined
    # the lookup was the school's own audited search, so it may now name the child by id
    shown = AuditEvent.objects.filter(actor_user_id=school.user.pk, action="search_result")
    assert list(shown.values_list("object_id", flat=True)) == [str(kayden.pk)]


def test_naming_the_candidate_records_the_contact_against_them(kayden, school, api):
    client = api(school)
    offered = _post(client, _kaden()).json()["candidates"]["subjects.0"]["items"]
    r = _post(client, {"person_id": offered[0]["id"]})
    assert r.status_code == 201, r.content
    assert subject_person(Contact.objects.get(pk=r.json()["id"])).pk == kayden.pk
    assert Person.objects.filter(forename="Kaden").count() == 0
    assert client.get(f"/people/{kayden.pk}").status_code == 404  # naming gives no sight of the record


def test_declaring_new_with_the_reference_creates_and_sends_the_identifier_match_to_review(kayden, school, api):
    client = api(school)
    reference = _post(client, _kaden()).json()["candidates"]["subjects.0"]["reference"]
    searched = _searches(school)
    r = _post(client, _kaden(match_decision="new", candidates_reference=reference))
    assert r.status_code == 201, r.content
    assert _searches(school) == searched  # the reference is the lookup: not looked up again
    kaden = Person.objects.get(forename="Kaden")
    assert kaden.merged_into_id is None  # not silently joined either
    assert RecordLink.objects.get(valid_to__isnull=True).state == LinkState.PROPOSED
    assert r.json()["notices"] == []  # whether the number is known is the hub's to see (attacker review of issue 7)
    assert "Kayden" not in r.content.decode()


def test_the_candidates_endpoint_gives_the_reference_a_contact_accepts(kayden, school, api):
    client = api(school)
    looked = client.post(
        "/intake/candidates",
        {
            "forename": "Kaden",
            "surname": "Smith",
            "date_of_birth": "2017-03-03",
            "sex": "F",
            "identifiers": [{"type": "nhs_number", "value": "999 314 1593"}],
            "postcode": "ex1 1aa",
        },
    ).json()
    assert [i["id"] for i in looked["items"]] == [str(kayden.pk)]
    r = _post(client, _kaden(match_decision="new", candidates_reference=looked["reference"]))
    assert r.status_code == 201, r.content  # the same details however written: one digest


@pytest.mark.parametrize(
    ("subject", "field"),
    [
        ({"match_decision": "new"}, "candidates_reference"),
        ({"match_decision": "new", "candidates_reference": "forged"}, "candidates_reference"),
        ({"candidates_reference": "forged"}, "match_decision"),
    ],
    ids=["no-reference", "forged-reference", "reference-without-decision"],
)
def test_a_decision_needs_its_own_reference(kayden, school, api, subject, field):
    before = _counts()
    r = _post(api(school), _kaden(**subject))
    assert r.status_code == 422, r.content
    assert f"subjects.0.{field}" in r.json()["errors"], r.json()
    assert _counts() == before


def test_a_reference_is_only_for_its_owner_and_its_details(kayden, school, make_actor, api):
    reference = _post(api(school), _kaden()).json()["candidates"]["subjects.0"]["reference"]
    other = api(make_actor("referrer", "school-oak"))
    r = _post(other, _kaden(match_decision="new", candidates_reference=reference))
    assert r.status_code == 422 and "subjects.0.candidates_reference" in r.json()["errors"]
    changed = _post(api(school), {**_kaden(match_decision="new", candidates_reference=reference), "surname": "Smyth"})
    assert changed.status_code == 422 and "subjects.0.candidates_reference" in changed.json()["errors"]


def test_person_id_and_a_decision_together_are_refused(kayden, school, api):
    r = _post(api(school), {"person_id": str(kayden.pk), "match_decision": "new", "candidates_reference": "x"})
    assert r.status_code == 422 and "subjects.0.match_decision" in r.json()["errors"], r.content


def test_a_close_name_and_date_of_birth_match_is_refused_as_on_the_page(kayden, school, api):
    r = _post(api(school), child("Kaden", "Smith", "2017-03-03"))  # no identifier: name and date of birth
    assert r.status_code == 422, r.content
    items = r.json()["candidates"]["subjects.0"]["items"]
    assert [i["id"] for i in items] == [str(kayden.pk)] and items[0]["exact"] is False


def test_a_new_child_nobody_resembles_is_created_as_before(kayden, school, api):
    r = _post(api(school), child("Brand", "Newchild", "2019-09-09"))
    assert r.status_code == 201, r.content
    assert _searches(school) == 1  # the lookup is one audited search


def test_an_amendment_adding_a_known_child_lists_them_and_takes_the_decision(kayden, school, api):
    client = api(school)
    created = _post(client, child("Brand", "Newchild", "2019-09-09")).json()
    amend = f"/contacts/{created['id']}/amendments"
    r = client.post(amend, {"version": created["version"], "add_subjects": [_kaden()]})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["add_subjects.0.match"], r.content
    offered = r.json()["candidates"]["add_subjects.0"]
    assert [i["id"] for i in offered["items"]] == [str(kayden.pk)]
    decided = _kaden(match_decision="new", candidates_reference=offered["reference"])
    r = client.post(amend, {"version": created["version"], "add_subjects": [decided]})
    assert r.status_code == 200, r.content


@override_settings(OPENMASH_SEARCH_RATE_PER_MINUTE=2)
def test_contact_creation_lookups_are_under_the_search_rate_limit(kayden, school, api):
    client = api(school)
    for name, born in (("Alpha", "2019-09-09"), ("Bravo", "2015-01-20")):
        assert _post(client, child("Ann", name, born, address=None)).status_code == 201
    before = _counts()
    r = _post(client, child("Ann", "Charlie", "2013-05-05", address=None))
    assert r.status_code == 429 and r["Retry-After"] == "60", r.content
    assert _counts() == before
    assert AuditEvent.objects.filter(actor_user_id=school.user.pk, action="search_limited").count() == 1


def test_the_openapi_document_describes_the_decisions(school, api):
    doc = api(school).get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    person = schemas["SubjectIn"]["properties"]
    assert {"person_id", "match_decision", "candidates_reference", "not_person_ids"} <= set(person)
    assert "candidates" in schemas["ProblemOut"]["properties"]
    assert "match_decision" in doc["paths"]["/api/v1/contacts"]["post"]["description"]
    assert "reference" in schemas["CandidatesOut"]["properties"]

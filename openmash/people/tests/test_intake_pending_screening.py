"""An intake join held as proposed until screening (ADR 0009 addendum 2).

A contact naming a new child whose valid NHS number (with agreeing name and date of birth) belongs to someone known
resolves the child to that person (``ContactPerson.person``), but the referrer's agency record keeps its own origin
person and waits on a proposed link (rule ``intake_pending_screening``) until the hub screens the contact.
"""

from __future__ import annotations

import pytest

from openmash.audit.models import AuditEvent
from openmash.contacts.models import ContactChange
from openmash.enquiries.related import related_work
from openmash.matching.candidates import candidates_for
from openmash.matching.selectors import review_queue_qs
from openmash.people.linking import link_end, person_cluster_ids, person_separate
from openmash.people.models import (
    Address,
    AgencyRecord,
    ChronologyEntry,
    LinkState,
    PersonIdentifier,
    RecordLink,
    SearchKey,
)
from tests.support import allocation_open, child, contact_record, nhs_number, screen, subject_person

INTAKE_PENDING_RULE = "intake_pending_screening"
KNOWN_ADDRESS = {"line1": "4 Mill Lane", "town": "Leeds", "postcode": "LS1 4AP"}


@pytest.fixture
def police(make_actor):
    return make_actor("referrer", "police")


@pytest.fixture
def school(make_actor):
    return make_actor("referrer", "school-oak")


@pytest.fixture
def screener(make_actor):
    return make_actor("screener", "mash")


@pytest.fixture
def manager(make_actor):
    return make_actor("manager", "mash")


def _known_child(police, screener, nhs):
    """A child the police recorded and the hub screened into an enquiry: the known person."""
    first = contact_record(police, subjects=[child("Kayden", "Testchild", nhs=nhs, address=KNOWN_ADDRESS)])
    screen(screener, first)
    first.refresh_from_db()
    return first, subject_person(first)


def _picture(person):
    cluster = person_cluster_ids(person)
    return {
        "identifiers": set(
            PersonIdentifier.objects.filter(person_id__in=cluster).values_list("identifier_type", "value")
        ),
        "addresses": set(Address.objects.filter(person_id__in=cluster).values_list("postcode", flat=True)),
        "search_keys": set(SearchKey.objects.filter(person_id__in=cluster).values_list("kind", "key")),
        "records": set(AgencyRecord.objects.filter(person_id=person.pk).values_list("pk", flat=True)),
        "cluster": set(cluster),
    }


def _pending(contact):
    return RecordLink.objects.filter(valid_to__isnull=True, rule=INTAKE_PENDING_RULE, source_contact=contact)


def _school_record(contact):
    return AgencyRecord.objects.get(source_contact=contact, agency=contact.recording_agency, given_name="Kaden")


def test_an_unscreened_contact_with_a_known_nhs_number_leaves_the_known_picture_alone(police, school, screener):
    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    before = _picture(known)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=f"{nhs[:3]}-{nhs[3:6]}-{nhs[6:]}")])
    # the contact is resolved to the known child ...
    assert subject_person(second).pk == known.pk
    # ... but the school's record is not in the child's picture until the hub has screened the contact
    assert _picture(known) == before
    record = _school_record(second)
    assert record.origin_person_id != known.pk and record.person_id == record.origin_person_id
    links = list(_pending(second))
    assert len(links) == 1 and links[0].state == LinkState.PROPOSED
    assert {links[0].record_l_id, links[0].record_r_id} >= {record.pk}
    # the hub's review queue does not list it: screening decides it
    assert not review_queue_qs(actor=screener).filter(pk=links[0].pk).exists()


def test_related_work_routing_and_the_screening_queue_still_name_the_known_childs_enquiry(
    police, school, screener, make_actor, api
):
    nhs = nhs_number()
    first, known = _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    assert [i.kind for i in related_work(actor=screener, contact=second)][:1] == ["open_enquiry"]
    assert related_work(actor=screener, contact=second)[0].enquiry_id == first.enquiry.pk
    queue = api(screener).get("/screening-queue").json()["items"]
    assert "open_enquiry" in {r["reference"]: r["related_work"] for r in queue}[second.reference]
    # routing: a known child's allocated worker receives the next contact about them
    worker = make_actor("social_worker", "mash")
    allocation_open(known, worker)
    third = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    assert third.routed_to_id == worker.user.pk


def test_screening_confirms_the_pending_link_once_by_the_screener(police, school, screener):
    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    record = _school_record(second)
    pending = _pending(second).get()
    screen(screener, second)
    confirmed = RecordLink.objects.get(
        record_l_id=pending.record_l_id, record_r_id=pending.record_r_id, valid_to__isnull=True
    )
    assert confirmed.state == LinkState.CONFIRMED and confirmed.decided_by_id == screener.user.pk
    assert confirmed.rule == "screening"
    assert (
        AuditEvent.objects.filter(
            action="link_confirm", object_id=str(confirmed.pk), actor_user_id=screener.user.pk
        ).count()
        == 1
    )
    record.refresh_from_db()
    assert record.person_id == known.pk
    assert not _pending(second).exists()


def test_not_the_same_child_at_screening_rejects_the_link_and_moves_the_contact(police, school, screener):
    from openmash.enquiries.services import intake_match_reject

    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    record = _school_record(second)
    pending = _pending(second).get()
    intake_match_reject(actor=screener, contact_id=second.pk, link_id=pending.pk, reason="A borrowed NHS number")
    now = RecordLink.objects.get(record_l_id=pending.record_l_id, record_r_id=pending.record_r_id, valid_to=None)
    assert now.state == LinkState.REJECTED and now.decided_by_id == screener.user.pk
    assert subject_person(second).pk == record.origin_person_id != known.pk
    change = ContactChange.objects.get(contact=second, field="person_moved")
    assert "borrowed" in change.reason
    # the contact's chronology entry follows the child it is about
    assert ChronologyEntry.objects.filter(object_id=str(second.pk), person_id=record.origin_person_id).exists()
    assert not ChronologyEntry.objects.filter(object_id=str(second.pk), person_id=known.pk).exists()
    # screening afterwards joins nothing
    screen(screener, second)
    record.refresh_from_db()
    assert record.person_id == record.origin_person_id


def test_the_screening_page_shows_the_match_and_offers_not_the_same_child(police, school, screener):
    nhs = nhs_number()
    _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    pending = _pending(second).get()
    client = _login(screener)
    page = client.get(f"/contacts/{second.pk}/screen/")
    assert page.status_code == 200
    assert "Matched at intake by NHS number" in page.content.decode()
    posted = client.post(
        f"/contacts/{second.pk}/screen/",
        {"intake_match_reject": str(pending.pk), "intake_match_reason": "Different child at the same school"},
    )
    assert posted.status_code == 302
    assert not _pending(second).exists()
    assert subject_person(second).pk == _school_record(second).origin_person_id


def test_the_referrer_sees_nothing_of_the_known_child(police, school, screener, api):
    nhs = nhs_number()
    _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs, address={"status": "not_known"})])
    shown = api(school).get(f"/contacts/{second.pk}").content.decode()
    page = _login(school).get(f"/contacts/{second.pk}/").content.decode()
    for text in (shown, page):
        assert "Kaden" in text
        assert "LS1 4AP" not in text and "Mill Lane" not in text and "Kayden" not in text


def _login(actor):
    from django.test import Client

    client = Client()
    client.force_login(actor.user)
    return client


def test_a_manager_ending_the_pending_link_moves_the_contact_as_screening_would(police, school, screener, manager):
    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    pending = _pending(second).get()
    link_end(actor=manager, link_id=pending.pk, reason="Not the same child")
    assert not _pending(second).exists()
    assert subject_person(second).pk == _school_record(second).origin_person_id


def test_separating_the_known_child_ends_its_pending_intake_links(police, school, screener, manager):
    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    second = contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    origin = _school_record(second).origin_person_id
    person_separate(actor=manager, person_id=origin, reason="Not the same child")
    assert not _pending(second).exists()
    assert subject_person(second).pk == origin


def test_intake_candidates_offer_the_pending_child_and_the_known_one_as_one_person(police, school, screener):
    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    contact_record(school, subjects=[child("Kaden", "Testchild", nhs=nhs)])
    by_number = candidates_for({"forename": "Kayden", "surname": "Testchild", "identifiers": [("nhs_number", nhs)]})
    assert [c.person.pk for c in by_number] == [known.pk]
    by_name = candidates_for({"forename": "Kaden", "surname": "Testchild", "date_of_birth": "2018-04-02"})
    assert [c.person.pk for c in by_name if c.person.pk in {known.pk, *person_cluster_ids(known)}] == [known.pk]
    assert len({c.person.pk for c in by_name}) == len(by_name)
    pending_people = set(
        AgencyRecord.objects.filter(
            pk__in=RecordLink.objects.filter(rule=INTAKE_PENDING_RULE, valid_to=None).values("record_l")
        ).values_list("origin_person_id", flat=True)
    ) | set(
        AgencyRecord.objects.filter(
            pk__in=RecordLink.objects.filter(rule=INTAKE_PENDING_RULE, valid_to=None).values("record_r")
        ).values_list("origin_person_id", flat=True)
    )
    assert not ({c.person.pk for c in by_name} & (pending_people - {known.pk}))


def test_an_amendment_adding_a_known_child_is_held_until_screening_too(police, school, screener, monkeypatch):
    """The amendment's lookup finds nobody: the child was recorded between the lookup and the amendment."""
    from openmash.contacts import services as contact_services
    from openmash.contacts.services import contact_amend

    nhs = nhs_number()
    _, known = _known_child(police, screener, nhs)
    before = _picture(known)
    second = contact_record(school)
    monkeypatch.setattr(contact_services, "_amend_candidates_looked_up", lambda *args, **kwargs: {})
    contact_amend(
        actor=school,
        contact_id=second.pk,
        version=second.version,
        data={"add_subjects": [child("Kaden", "Testchild", nhs=nhs)]},
    )
    assert _picture(known) == before
    assert _pending(second).count() == 1
    assert known.pk in set(second.people.values_list("person_id", flat=True))

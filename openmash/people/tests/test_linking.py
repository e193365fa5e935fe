"""Issue 6 / ADR 0005: agency records, links and resolved people (openmash.people.linking).

The faults of the issue, each as a test: police and a school record the same child with one NHS number written two
ways and two spellings of the name (Kayden / Kaden) and get one person with one chronology; different valid NHS
numbers are never linked automatically; a placeholder never links anything; unmerging restores both people
exactly (every row that points at a person, compared as a full snapshot).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from openmash.audit.models import AuditEvent
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.enquiries.models import CaseAllocation, Referral
from openmash.people import linking
from openmash.people.models import AgencyRecord, ChronologyEntry, LinkState, Person, RecordLink
from openmash.people.selectors import person_chronology, person_get
from tests.support import child, contact_record, decide, enquiry_open, screen, subject_person

pytestmark = pytest.mark.django_db

KAYDEN = child("Kayden", "Smith", "2017-03-03", nhs="999 314 1593", sex="M")
KADEN = child("Kaden", "Smith", "2017-03-03", nhs="999-314-1593", sex="M")


def _people_snapshot() -> dict:
    """Every foreign key to a person in the database, row by row ({(model, row id, field): person id}), plus each
    person's merged_into: what an unmerge must put back exactly."""
    snap = {}
    for model in apps.get_models():
        fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.related_model is Person]
        for f in fks:
            for pk, value in model.objects.values_list("pk", f.attname):
                snap[(model._meta.label, str(pk), f.attname)] = value
    return snap


# --- the Kayden / Kaden case -----------------------------------------------------------------------------------


def test_police_and_school_record_the_same_child_one_person_one_chronology(make_actor):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    hub = make_actor("screener", "mash")
    first = contact_record(police, subjects=[KAYDEN], household=[])
    second = contact_record(school, subjects=[KADEN], household=[])
    kayden = subject_person(first)
    # the school's contact is about Kayden at once; its record joins his when the hub screens it (ADR 0009 add. 2)
    assert subject_person(second).pk == kayden.pk
    kaden = AgencyRecord.objects.get(agency=school.agency).origin_person
    assert kayden.pk != kaden.pk  # the school's record keeps the person as it was named
    assert RecordLink.objects.get(valid_to__isnull=True).state == LinkState.PROPOSED
    screen(hub, second)
    kaden.refresh_from_db()
    kayden.refresh_from_db()
    assert kaden.merged_into_id == kayden.pk and kayden.merged_into_id is None
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.CONFIRMED and link.rule == "screening" and link.decided_by == hub.user
    records = AgencyRecord.objects.filter(nhs_number="9993141593")
    assert {r.agency.code for r in records} == {"police", "school-oak"}
    assert {r.person_id for r in records} == {kayden.pk}
    # one chronology, read through either id
    resolved, entries = person_chronology(actor=hub, person_id=kaden.pk)
    assert resolved.pk == kayden.pk
    assert {e.object_id for e in entries if e.kind == "contact"} == {str(first.pk), str(second.pk)}
    picture = person_get(actor=hub, person_id=kaden.pk).picture
    assert [p.pk for p in picture.people] == [kayden.pk, kaden.pk]
    assert [i.value for i in picture.identifiers if i.identifier_type == "nhs_number"] == ["9993141593"]
    assert second.intake_notices == []  # the school is not told the number is known (attacker review of issue 7)
    assert AuditEvent.objects.filter(action="merge", object_id=str(kaden.pk)).exists()


def test_a_contact_about_a_merged_child_goes_to_the_allocated_worker(make_actor):
    """The child's history is read over the cluster: an allocation of the person merged into is the child's."""
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    worker = make_actor("social_worker", "mash")
    kayden = subject_person(contact_record(police, subjects=[KAYDEN], household=[]))
    CaseAllocation.objects.create(person=kayden, agency=worker.agency, worker=worker.user, opened_at=timezone.now())
    second = contact_record(school, subjects=[KADEN], household=[])
    assert second.status == "with_allocated_worker" and second.routed_to_id == worker.user.pk


# --- the hard rules --------------------------------------------------------------------------------------------


def _record(agency, local_id, **details):
    # one birthday for every record here: an identifier joins records only when they agree on it (ADR 0005 addendum)
    details.setdefault("date_of_birth", dt.date(2015, 1, 2))
    record, _ = linking.record_create(actor=None, agency=agency, local_id=local_id, details=details)
    return record


def test_different_valid_nhs_numbers_are_never_linked_automatically(partnership):
    a = _record(
        partnership["school-oak"],
        "S1",
        given_name="Ann",
        family_name="Lee",
        upn="B801200005001",
        nhs_number="9434765919",
    )
    b = _record(
        partnership["police"], "P1", given_name="Ann", family_name="Lee", upn="B801200005001", nhs_number="9434765889"
    )
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED
    assert "different NHS numbers" in link.reason
    a.refresh_from_db(), b.refresh_from_db()
    assert a.person_id != b.person_id


def test_a_link_that_would_give_one_person_two_nhs_numbers_is_only_proposed(partnership):
    """A joins B by UPN, B has no NHS number; C shares the UPN but carries a different NHS number from A's: A-B is
    confirmed, but joining C would put two NHS numbers in one person, so C waits for review."""
    upn = "B801200005001"
    a = _record(partnership["school-oak"], "S1", given_name="Ann", family_name="Lee", upn=upn, nhs_number="9434765919")
    b = _record(partnership["health-gp"], "G1", given_name="Ann", family_name="Lee", upn=upn)
    c = _record(partnership["police"], "P1", given_name="Ann", family_name="Lee", upn=upn, nhs_number="9434765889")
    for r in (a, b, c):
        r.refresh_from_db()
    assert a.person_id == b.person_id != c.person_id
    states = set(RecordLink.objects.filter(valid_to__isnull=True).values_list("state", flat=True))
    assert states == {LinkState.CONFIRMED, LinkState.PROPOSED}


def test_a_human_overrides_the_nhs_rule_only_with_a_reason(partnership, make_actor):
    screener = make_actor("screener", "mash")
    _record(
        partnership["school-oak"],
        "S1",
        given_name="Ann",
        family_name="Lee",
        upn="B801200005001",
        nhs_number="9434765919",
    )
    _record(
        partnership["police"], "P1", given_name="Ann", family_name="Lee", upn="B801200005001", nhs_number="9434765889"
    )
    link = RecordLink.objects.get(valid_to__isnull=True)
    with pytest.raises(ValidationFailed) as exc:
        linking.link_confirm(actor=screener, link_id=link.pk, reason="")
    assert "different NHS numbers" in exc.value.errors["reason"][0]
    assert RecordLink.objects.get(pk=link.pk).valid_to is None  # nothing written
    confirmed = linking.link_confirm(
        actor=screener, link_id=link.pk, reason="Same child: the old NHS number was superseded"
    )
    assert confirmed.state == LinkState.CONFIRMED and confirmed.decided_by == screener.user
    event = AuditEvent.objects.get(action="link_confirm", object_id=str(confirmed.pk))
    assert event.detail["override_nhs"] is True


def test_placeholder_identifiers_never_link_anything(partnership):
    a = _record(
        partnership["police"], "P1", given_name="Ann", family_name="Lee", nhs_number="0000000000", upn="A000000000000"
    )
    b = _record(
        partnership["health-gp"],
        "G1",
        given_name="Bob",
        family_name="Ray",
        nhs_number="000 000 0000",
        upn="A000000000000",
    )
    assert (a.nhs_number, a.upn, b.nhs_number, b.upn) == ("", "", "", "")
    assert a.as_received["nhs_number"] == "0000000000"  # what was sent is kept, never compared
    assert not RecordLink.objects.exists()
    assert a.person_id != b.person_id


def test_a_rejected_pair_is_never_linked_again_automatically(partnership, make_actor):
    manager = make_actor("manager", "mash")
    a = _record(partnership["police"], "P1", given_name="Ann", family_name="Lee", nhs_number="9434765919")
    _record(partnership["health-gp"], "G1", given_name="Ann", family_name="Lee", nhs_number="9434765919")
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.CONFIRMED)
    linking.link_end(actor=manager, link_id=link.pk, reason="Twins: the GP recorded the wrong twin's number")
    # the police record is superseded by a re-sent extract: the identifier rule runs again but may not re-join them
    _record(
        partnership["police"], "P1", given_name="Ann", family_name="Lee", nhs_number="9434765919", postcode="EX1 1AA"
    )
    a.refresh_from_db()
    current = RecordLink.objects.filter(valid_to__isnull=True)
    assert [c.state for c in current] == [LinkState.REJECTED]
    # a third record with the number points at both people a human separated: it joins neither (a record never
    # bridges two people automatically, ADR 0005 addendum), and both matches go to review
    _record(partnership["school-oak"], "S1", given_name="Ann", family_name="Lee", nhs_number="9434765919")
    people = set(AgencyRecord.objects.values_list("person_id", flat=True))
    assert len(people) == 3
    assert RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).count() == 2


def test_decisions_need_the_right_role_and_a_reason(partnership, make_actor):
    screener, referrer = make_actor("screener", "mash"), make_actor("referrer", "police")
    a = _record(partnership["police"], "P1", given_name="Ann", family_name="Lee")
    b = _record(partnership["health-gp"], "G1", given_name="Ann", family_name="Lee")
    link = linking.link_propose(actor=None, record_a_id=a.pk, record_b_id=b.pk, match_probability=0.8, rule="fs")
    with pytest.raises(PermissionDenied):
        linking.link_confirm(actor=referrer, link_id=link.pk)
    with pytest.raises(ValidationFailed) as exc:
        linking.link_reject(actor=screener, link_id=link.pk, reason="  ")
    assert exc.value.errors == {"reason": ["Give the reason these are different people"]}
    with pytest.raises(PermissionDenied):  # unmerging is for managers
        linking.link_end(actor=screener, link_id=link.pk, reason="x")
    rejected = linking.link_reject(actor=screener, link_id=link.pk, reason="Different mothers")
    assert rejected.state == LinkState.REJECTED
    with pytest.raises(Conflict):  # the proposal is no longer current
        linking.link_confirm(actor=screener, link_id=link.pk)
    # reversing a rejection needs a reason too
    with pytest.raises(ValidationFailed):
        linking.link_confirm(actor=screener, link_id=rejected.pk)
    assert (
        linking.link_confirm(actor=screener, link_id=rejected.pk, reason="Checked again: same child").state
        == "confirmed"
    )
    history = list(RecordLink.objects.filter(record_l=link.record_l_id).order_by("valid_from"))
    assert [h.state for h in history] == ["proposed", "rejected", "confirmed"]
    assert all(h.valid_to is not None for h in history[:-1]) and history[-1].valid_to is None


# --- unmerge restores both people exactly ----------------------------------------------------------------------


def _two_children_with_histories(make_actor):
    """Two different children, each with contacts, screening, an enquiry decided into a referral with an
    allocation; the second child's record is proposed as a match of the first (similar name, same birthday)."""
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    screener, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    e1 = enquiry_open(
        referrer=police,
        screener=screener,
        subjects=[child("Kayden", "Smith", "2017-03-03", nhs="9993141593")],
        household=[],
    )
    decide(manager, e1)
    e2 = enquiry_open(
        referrer=school, screener=screener, subjects=[child("Kaden", "Smith", "2017-03-03")], household=[]
    )
    decide(manager, e2)
    p1, p2 = subject_person(e1.contact), subject_person(e2.contact)
    contact_record(police, subjects=[{"person_id": str(p1.pk)}], household=[])
    assert Referral.objects.filter(person=p1).exists() and Referral.objects.filter(person=p2).exists()
    r1 = AgencyRecord.objects.get(origin_person=p1, agency__code="police")
    r2 = AgencyRecord.objects.get(origin_person=p2, agency__code="school-oak")
    link = linking.link_propose(
        actor=None,
        record_a_id=r1.pk,
        record_b_id=r2.pk,
        match_weight=9.5,
        match_probability=0.93,
        field_weights={"given_name": {"weight": 3.1, "level": "phonetic", "reason": "first name sounds alike"}},
        rule="fellegi_sunter",
    )
    return p1, p2, link, screener, manager


def test_unmerge_restores_both_people_exactly(make_actor):
    p1, p2, link, screener, manager = _two_children_with_histories(make_actor)
    before = _people_snapshot()
    entries_before = {
        p.pk: set(ChronologyEntry.objects.filter(person=p).values_list("pk", flat=True)) for p in (p1, p2)
    }

    confirmed = linking.link_confirm(actor=screener, link_id=link.pk)
    p2.refresh_from_db()
    assert p2.merged_into_id == p1.pk
    _, merged_entries = person_chronology(actor=screener, person_id=p1.pk)
    assert {e.pk for e in merged_entries} == entries_before[p1.pk] | entries_before[p2.pk]
    merged = _people_snapshot()
    changed = {k for k in before if before[k] != merged.get(k)}
    # a merge changes only the derived columns: merged_into and the records' resolved person
    assert changed and {k[2] for k in changed} <= {"merged_into_id", "person_id"}
    assert {k[0] for k in changed} <= {"people.Person", "people.AgencyRecord"}

    linking.link_end(actor=manager, link_id=confirmed.pk, reason="Different children: checked with the school")
    assert _people_snapshot() == before
    for p in (p1, p2):
        _, entries = person_chronology(actor=screener, person_id=p.pk)
        assert {e.pk for e in entries} == entries_before[p.pk]
    assert AuditEvent.objects.filter(action="unmerge", object_id=str(p2.pk)).exists()


def test_separating_a_person_restores_them_and_their_allocation(make_actor):
    p1, p2, link, screener, manager = _two_children_with_histories(make_actor)
    worker = make_actor("social_worker", "mash")
    CaseAllocation.objects.filter(person=p2).update(worker=worker.user)
    before = _people_snapshot()
    linking.link_confirm(actor=screener, link_id=link.pk)
    from openmash.access.policy import people_visible, person_full_record_allowed

    # the worker allocated to Kaden now sees the whole child (access is decided on the resolved person)
    assert people_visible(worker).filter(pk=p1.pk).exists()
    assert person_full_record_allowed(worker, p1)
    with pytest.raises(ValidationFailed):
        linking.person_separate(actor=manager, person_id=p2.pk, reason="")
    ended = linking.person_separate(actor=manager, person_id=p2.pk, reason="Not the same child")
    assert len(ended) == 1 and ended[0].state == LinkState.REJECTED
    assert _people_snapshot() == before
    assert not people_visible(worker).filter(pk=p1.pk).exists()
    with pytest.raises(ValidationFailed):  # nothing left to separate
        linking.person_separate(actor=manager, person_id=p2.pk, reason="again")


def test_records_follow_their_origin_person_through_a_chain_of_merges(partnership, make_actor):
    """A-B and B-C confirmed: one person (the oldest). Ending A-B leaves B and C together and A alone."""
    manager = make_actor("manager", "mash")
    a = _record(partnership["police"], "P1", given_name="Ann", family_name="Lee", nhs_number="9434765919")
    b = _record(
        partnership["health-gp"],
        "G1",
        given_name="Ann",
        family_name="Lee",
        nhs_number="9434765919",
        upn="B801200005001",
    )
    c = _record(partnership["school-oak"], "S1", given_name="Ann", family_name="Lee", upn="B801200005001")
    for r in (a, b, c):
        r.refresh_from_db()
    assert a.person_id == b.person_id == c.person_id == a.origin_person_id
    merged = Person.objects.filter(merged_into=a.origin_person_id)
    assert set(merged.values_list("pk", flat=True)) == {b.origin_person_id, c.origin_person_id}
    ab = RecordLink.objects.get(valid_to__isnull=True, record_l__in=[a.pk, b.pk], record_r__in=[a.pk, b.pk])
    linking.link_end(actor=manager, link_id=ab.pk, reason="Wrong NHS number on the GP record")
    for r in (a, b, c):
        r.refresh_from_db()
    assert a.person_id == a.origin_person_id
    assert b.person_id == c.person_id == b.origin_person_id != a.person_id
    assert Person.objects.get(pk=c.origin_person_id).merged_into_id == b.origin_person_id
    assert Person.objects.get(pk=a.origin_person_id).merged_into_id is None


def test_record_create_supersedes_in_place_and_never_duplicates(partnership):
    first, created = linking.record_create(
        actor=None, agency=partnership["police"], local_id="P9", details={"given_name": "Ann", "family_name": "Lee"}
    )
    again, created_again = linking.record_create(
        actor=None,
        agency=partnership["police"],
        local_id="P9",
        details={"given_name": "Anne", "family_name": "Lee", "date_of_birth": dt.date(2015, 1, 2)},
    )
    assert created and not created_again and first.pk == again.pk
    assert AgencyRecord.objects.filter(agency=partnership["police"], local_id="P9").count() == 1
    again.refresh_from_db()
    assert (again.given_name, again.date_of_birth, again.origin_person_id) == (
        "Anne",
        dt.date(2015, 1, 2),
        first.origin_person_id,
    )
    with pytest.raises(ValidationFailed):
        linking.record_create(actor=None, agency=partnership["police"], local_id=" ", details={})


def test_every_person_a_contact_names_has_the_recording_agencys_record(make_actor):
    police, health = make_actor("referrer", "police"), make_actor("referrer", "health-gp")
    contact = contact_record(police, subjects=[child("Ann", "Lee", "2016-01-01")])
    people = [cp.person for cp in contact.people.all()]
    for p in people:
        record = AgencyRecord.objects.get(origin_person=p)
        assert record.agency.code == "police" and record.source_contact_id == contact.pk
        assert (record.given_name, record.family_name) == (p.forename, p.surname)
    # another agency naming the same child by id: its own record of that person, the child's details copied
    from openmash.people.selectors import person_search

    ann = subject_person(contact)
    person_search(actor=health, name="Ann Lee", date_of_birth=dt.date(2016, 1, 1))
    later = contact_record(health, subjects=[{"person_id": str(ann.pk)}], household=[])
    record = AgencyRecord.objects.get(origin_person=ann, agency__code="health-gp")
    assert record.source_contact_id == later.pk and record.person_id == ann.pk
    assert AgencyRecord.objects.filter(origin_person=ann).count() == 2
    assert not Person.objects.exclude(pk__in=AgencyRecord.objects.values("origin_person_id")).exists()


def test_an_amendment_or_correction_adding_a_known_nhs_number_joins_the_records(make_actor):
    from openmash.contacts.services import contact_amend, contact_person_correct

    police, school, hub = (
        make_actor("referrer", "police"),
        make_actor("referrer", "school-oak"),
        make_actor("screener", "mash"),
    )
    kayden = subject_person(contact_record(police, subjects=[KAYDEN], household=[]))
    contact = contact_record(school, subjects=[child("Kaden", "Smith", "2017-03-03")], household=[])
    kaden = subject_person(contact)
    contact_amend(
        actor=school,
        contact_id=contact.pk,
        version=contact.version,
        data={
            "people": [{"person_id": kaden.pk, "add_identifiers": [{"type": "nhs_number", "value": "999 314 1593"}]}]
        },
    )
    record = AgencyRecord.objects.get(agency__code="school-oak", origin_person=kaden)
    assert record.nhs_number == "9993141593" and record.source_contact_id == contact.pk
    kaden.refresh_from_db()
    assert kaden.merged_into_id == kayden.pk
    # the hub corrects a second child's details after screening: the hub's record of them takes the correction
    other = subject_person(contact_record(school, subjects=[child("Kaiden", "Smith", "2017-03-03")], household=[]))
    contact_person_correct(
        actor=hub,
        contact_id=other.contact_links.get().contact_id,
        person_id=other.pk,
        version=other.version,
        reason="The school gave us the NHS number",
        data={"add_identifiers": [{"type": "nhs_number", "value": "9993141593"}]},
    )
    hub_record = AgencyRecord.objects.get(agency__code="mash", origin_person=other)
    assert hub_record.nhs_number == "9993141593"
    assert Person.objects.get(pk=other.pk).merged_into_id == kayden.pk


def test_records_stored_elsewhere_are_linked_in_chunks(partnership, monkeypatch):
    """A feed's batch: records written without linking are linked afterwards, chunk by chunk."""
    from openmash.people.models import Person as PersonModel

    monkeypatch.setattr(linking, "LINK_CHUNK", 2)
    police = _record(
        partnership["police"],
        "P1",
        given_name="Ann",
        family_name="Lee",
        nhs_number="9434765919",
        upn="B801200005001",
        pnc_id="99/123456X",
    )
    stored = []
    # each holds one of the police record's identifiers (and none of the others'): each points at one person
    idents = [{"nhs_number": "9434765919"}, {"upn": "B801200005001"}, {"pnc_id": police.pnc_id}]
    for i, agency in enumerate(("health-gp", "health-hv", "school-oak")):
        person = PersonModel.objects.create(forename="Ann", surname="Lee", forename_norm="ann", surname_norm="lee")
        stored.append(
            AgencyRecord.objects.create(
                agency=partnership[agency],
                local_id=f"X{i}",
                origin_person=person,
                person=person,
                given_name="Ann",
                family_name="Lee",
                date_of_birth=dt.date(2015, 1, 2),
                received_at=timezone.now(),
                **idents[i],
            )
        )
    assert linking.records_link_identifiers(actor=None, records=iter(stored)) == 3
    assert set(AgencyRecord.objects.values_list("person_id", flat=True)) == {police.origin_person_id}

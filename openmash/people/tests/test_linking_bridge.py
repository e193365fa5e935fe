"""Security review 2026-11 (HIGH): a referrer joined two unrelated children into one person with no review.

A new subject carrying child A's NHS number and child B's UPN (any name and date of birth) made the deterministic
identifier rule confirm both links at once and merge A and B, so A's allocated worker then read B. The rule now
(ADR 0005, addendum): an identifier match joins records automatically only when the records also agree on the date
of birth (exact or day/month transposed) and the names are compatible (linkage.names); a record whose identifiers
point at two or more different people never joins any of them. Everything else waits in the hub's review queue.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import contact_payload
from openmash.access.policy import people_visible, person_full_record_allowed
from openmash.audit.models import AuditEvent
from openmash.people import linking
from openmash.people.identifiers import upn_check_letter
from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink
from tests.support import allocation_open, child, contact_record, screen, subject_person

pytestmark = pytest.mark.django_db

NHS_A = "9434765919"
NHS_OTHER = "9993141593"


def _upn(body: str) -> str:
    """A valid UPN ending in the 12 characters `body`."""
    return upn_check_letter(body) + body


UPN_B = _upn("801200005001")


@pytest.fixture
def two_children(make_actor):
    """Child A (Ava Brown, NHS number known, allocated to a social worker) and child B (Ben Carter, UPN known),
    recorded by two agencies: two unrelated people."""
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    a = subject_person(contact_record(police, subjects=[child("Ava", "Brown", "2016-05-20", nhs=NHS_A)]))
    b = subject_person(
        contact_record(
            school,
            subjects=[child("Ben", "Carter", "2014-11-02", identifiers=[{"type": "upn", "value": UPN_B}])],
        )
    )
    worker = make_actor("social_worker", "mash")
    allocation_open(a, worker)
    assert not RecordLink.objects.exists()
    return a, b, worker


def _assert_apart(a: Person, b: Person, worker) -> None:
    a.refresh_from_db(), b.refresh_from_db()
    assert a.merged_into_id is None and b.merged_into_id is None
    assert not Person.objects.filter(merged_into__in=[a.pk, b.pk]).exists()
    assert not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED).exists()
    assert not AuditEvent.objects.filter(action__in=["merge", "link_confirm"]).exists()
    # access does not spread: A's worker still has no sight of B
    assert not person_full_record_allowed(worker, b)
    assert not people_visible(worker).filter(pk=b.pk).exists()


def test_the_attack_nhs_of_a_and_upn_of_b_in_one_new_subject_merges_nobody(two_children, make_actor, api):
    a, b, worker = two_children
    attacker = make_actor("referrer", "health-gp")
    subject = child(
        "Zed",
        "Nobody",
        "2019-01-01",
        identifiers=[{"type": "nhs_number", "value": "943 476 5919"}, {"type": "upn", "value": UPN_B}],
    )
    client = api(attacker)
    # the identifiers name two people the referrer may not open, and the name and date of birth agree with neither:
    # nobody is offered (a number alone lists nobody: access.search, ADR 0009 addendum 3), the contact is recorded
    r = client.post("/contacts", contact_payload(subjects=[subject], household=[]))
    assert r.status_code == 201, r.json()
    assert "Ava" not in r.content.decode() and "Brown" not in r.content.decode()
    new = Person.objects.get(forename="Zed")
    assert new.merged_into_id is None
    _assert_apart(a, b, worker)
    proposed = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED)
    assert proposed.count() == 2  # both matches wait for the hub's review
    for link in proposed:
        assert "match records of 2 different people" in link.reason
    assert r.json()["notices"] == []  # nor is the attacker told the numbers are known (attacker review of issue 7)


def test_the_attack_with_the_first_childs_own_name_and_birthday_still_merges_nobody(two_children, make_actor):
    """Bridging is refused whatever the demographics: a record pointing at two people joins neither."""
    a, b, worker = two_children
    attacker = make_actor("referrer", "health-gp")
    subject = child(
        "Ava",
        "Brown",
        "2016-05-20",
        identifiers=[{"type": "nhs_number", "value": NHS_A}, {"type": "upn", "value": UPN_B}],
    )
    contact = contact_record(attacker, subjects=[subject], household=[])
    assert subject_person(contact).merged_into_id is None
    _assert_apart(a, b, worker)
    assert RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).count() == 2


def test_the_attack_through_an_amendment_adding_identifiers_merges_nobody(two_children, make_actor):
    from openmash.contacts.services import contact_amend

    a, b, worker = two_children
    attacker = make_actor("referrer", "health-gp")
    contact = contact_record(attacker, subjects=[child("Zed", "Nobody", "2019-01-01")], household=[])
    zed = subject_person(contact)
    contact_amend(
        actor=attacker,
        contact_id=contact.pk,
        version=contact.version,
        data={
            "people": [
                {
                    "person_id": zed.pk,
                    "add_identifiers": [{"type": "nhs_number", "value": NHS_A}, {"type": "upn", "value": UPN_B}],
                }
            ]
        },
    )
    assert AgencyRecord.objects.get(origin_person=zed).upn == UPN_B  # the identifiers were stored
    zed.refresh_from_db()
    assert zed.merged_into_id is None
    _assert_apart(a, b, worker)
    assert RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).count() == 2


def test_a_record_joined_to_a_then_given_bs_upn_does_not_bridge_a_and_b(two_children, partnership):
    """Two steps: an agency's record with A's NHS number, name and birthday joins A (the honest case); the agency then
    re-sends the record with B's UPN added. The record already speaks for A, so B's UPN points at a second person:
    review, no merge. (A referrer cannot do this through an amendment: a person joined to someone else is the hub's
    to correct.)"""
    a, b, worker = two_children
    details = {"given_name": "Ava", "family_name": "Brown", "date_of_birth": dt.date(2016, 5, 20), "nhs_number": NHS_A}
    first = _record(partnership["health-gp"], "G1", **details)
    assert first.person_id == a.pk  # joined A
    again = _record(partnership["health-gp"], "G1", **details, upn=UPN_B)
    assert again.upn == UPN_B and again.person_id == a.pk
    b.refresh_from_db()
    assert b.merged_into_id is None and not Person.objects.filter(merged_into=b.pk).exists()
    assert not person_full_record_allowed(worker, b)
    link = RecordLink.objects.get(valid_to__isnull=True, state=LinkState.PROPOSED)
    assert "match records of 2 different people" in link.reason


def test_an_identifier_alone_with_another_childs_details_is_only_proposed(two_children, make_actor):
    """One identifier of A with B-like details: the records disagree on date of birth and names, so no join."""
    a, b, worker = two_children
    contact = contact_record(
        make_actor("referrer", "health-gp"), subjects=[child("Ben", "Carter", "2014-11-02", nhs=NHS_A)]
    )
    new = subject_person(contact)
    new.refresh_from_db(), a.refresh_from_db()
    assert new.merged_into_id is None and a.merged_into_id is None
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED and link.rule == "nhs_number"
    assert "the dates of birth differ" in link.reason and "the names do not match" in link.reason
    assert link.reason.startswith("Same NHS number; not linked automatically")  # what brought them (finding 4)
    assert not person_full_record_allowed(worker, new)


def _record(agency, local_id, **details):
    record, _ = linking.record_create(actor=None, agency=agency, local_id=local_id, details=details)
    record.refresh_from_db()
    return record


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ({"given_name": "Ann", "family_name": "Lee", "date_of_birth": dt.date(2015, 6, 7)}, "dates of birth differ"),
        ({"given_name": "Ann", "family_name": "Lee"}, "a date of birth is missing"),
        ({"given_name": "Mia", "family_name": "Lee", "date_of_birth": dt.date(2015, 1, 2)}, "names do not match"),
        ({"given_name": "Ann", "family_name": "Patel", "date_of_birth": dt.date(2015, 1, 2)}, "names do not match"),
        ({"given_name": "", "family_name": "Lee", "date_of_birth": dt.date(2015, 1, 2)}, "names do not match"),
    ],
)
def test_a_shared_identifier_joins_only_when_birthday_and_names_agree(partnership, details, reason):
    left = _record(
        partnership["police"],
        "P1",
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        nhs_number=NHS_A,
    )
    right = _record(partnership["health-gp"], "G1", nhs_number=NHS_A, **details)
    assert left.person_id != right.person_id
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED and reason in link.reason
    assert not AuditEvent.objects.filter(action="merge").exists()


@pytest.mark.parametrize(
    ("given", "family", "dob"),
    [
        ("Wiliam", "Smyth", dt.date(2017, 3, 4)),  # sounds alike
        ("Bill", "Smith", dt.date(2017, 3, 4)),  # a nickname of William
        ("William", "Smith", dt.date(2017, 4, 3)),  # day and month swapped
        ("william", "SMITH", dt.date(2017, 3, 4)),  # case
        ("Smith", "William", dt.date(2017, 3, 4)),  # first and last names swapped
        ("William", "Smith-Jones", dt.date(2017, 3, 4)),  # part of a double surname
    ],
)
def test_records_that_agree_still_join_automatically(partnership, given, family, dob):
    left = _record(
        partnership["police"],
        "P1",
        given_name="William",
        family_name="Smith",
        date_of_birth=dt.date(2017, 3, 4),
        nhs_number="999 314 1593",
    )
    right = _record(
        partnership["health-gp"], "G1", given_name=given, family_name=family, date_of_birth=dob, nhs_number=NHS_OTHER
    )
    left.refresh_from_db()
    assert left.person_id == right.person_id == left.origin_person_id
    assert RecordLink.objects.get(valid_to__isnull=True).state == LinkState.CONFIRMED


@pytest.mark.parametrize(
    ("given", "joins"), [("Aex", True), ("Alx", True), ("Ale", True), ("Al", True), ("Sam", False), ("Max", False)]
)
def test_one_slip_in_a_short_first_name_still_joins_on_a_shared_nhs_number(partnership, given, joins):
    """Al is a nickname of Alex. Picture review: a police record "Aex Read" with Alex Read's NHS number and date of birth stayed apart ("the
    names do not match": the one-slip rule needed both names four letters long), and then health's exact "Alex
    Read" matched two people and joined neither: one valid NHS number, three children."""
    left = _record(
        partnership["health-gp"],
        "G1",
        given_name="Alex",
        family_name="Read",
        date_of_birth=dt.date(2014, 2, 3),
        nhs_number=NHS_A,
    )
    right = _record(
        partnership["police"],
        "P1",
        given_name=given,
        family_name="Read",
        date_of_birth=dt.date(2014, 2, 3),
        nhs_number=NHS_A,
    )
    left.refresh_from_db()
    assert (left.person_id == right.person_id) is joins
    if not joins:  # a different first name on the same number and birthday: kept apart, proposed for review
        assert RecordLink.objects.get(valid_to__isnull=True).state == LinkState.PROPOSED
        return
    third = _record(
        partnership["school-oak"],
        "S1",
        given_name="Alex",
        family_name="Read",
        date_of_birth=dt.date(2014, 2, 3),
        nhs_number=NHS_A,
    )
    assert third.person_id == left.person_id  # the exact record joins the child who holds the number


def test_the_honest_case_kayden_and_kaden_one_nhs_number_written_two_ways_still_joins(make_actor, api):
    police, school = make_actor("referrer", "police"), make_actor("referrer", "school-oak")
    kayden = subject_person(
        contact_record(police, subjects=[child("Kayden", "Smith", "2017-03-03", nhs="999 314 1593")])
    )
    kaden_in = child("Kaden", "Smith", "2017-03-03", nhs="999-314-1593")
    # through the API the school is asked "is it them?" first and offered Kayden (ADR 0009 addendum 1) ...
    refused = api(school).post("/contacts", contact_payload(subjects=[kaden_in], household=[]))
    assert [i["id"] for i in refused.json()["candidates"]["subjects.0"]["items"]] == [str(kayden.pk)]
    # ... recorded without the question (the service's default), the contact is about Kayden at once and the
    # identifier rule joins the records when the hub screens it (ADR 0009 addendum 2)
    contact = contact_record(school, subjects=[kaden_in], household=[])
    assert subject_person(contact).pk == kayden.pk
    assert contact.intake_notices == []  # the school is not told the number is known (attacker review of issue 7)
    kaden = Person.objects.get(forename="Kaden")
    assert kaden.merged_into_id is None
    screen(make_actor("screener", "mash"), contact)
    kaden.refresh_from_db()
    assert kaden.merged_into_id == kayden.pk


def test_a_feed_record_pointing_at_two_people_joins_neither(partnership):
    """The rule is the same for a feed batch (records_link_identifiers)."""
    ann = _record(
        partnership["police"],
        "P1",
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        nhs_number=NHS_A,
    )
    bob = _record(
        partnership["school-oak"],
        "S1",
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        upn=UPN_B,
    )
    assert ann.person_id != bob.person_id  # nothing shared yet
    origin = Person.objects.create(forename="Ann", surname="Lee", date_of_birth=dt.date(2015, 1, 2))
    made = AgencyRecord.objects.create(
        agency=partnership["health-gp"],
        local_id="G1",
        origin_person=origin,
        person=origin,
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        nhs_number=NHS_A,
        upn=UPN_B,
        received_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        as_received={},
    )
    assert linking.records_link_identifiers(actor=None, records=[made]) == 2
    states = list(RecordLink.objects.filter(valid_to__isnull=True).values_list("state", flat=True))
    assert states == [LinkState.PROPOSED, LinkState.PROPOSED]
    assert len(set(AgencyRecord.objects.values_list("person_id", flat=True))) == 3


def test_two_new_records_in_one_batch_cannot_bridge_two_people_between_them(partnership):
    """A chain inside one batch: new record X shares A's NHS number and new record Y B's UPN, and X and Y share a
    PNC ID. X points at A and at Y's person, so none of X's links is confirmed."""
    pnc = "99/123456X"
    _record(
        partnership["police"],
        "P1",
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        nhs_number=NHS_A,
    )
    _record(
        partnership["school-oak"],
        "S1",
        given_name="Ann",
        family_name="Lee",
        date_of_birth=dt.date(2015, 1, 2),
        upn=UPN_B,
    )
    made = []
    for local_id, ident in (("G1", {"nhs_number": NHS_A}), ("G2", {"upn": UPN_B})):
        origin = Person.objects.create(forename="Ann", surname="Lee", date_of_birth=dt.date(2015, 1, 2))
        made.append(
            AgencyRecord.objects.create(
                agency=partnership["health-gp"],
                local_id=local_id,
                origin_person=origin,
                person=origin,
                given_name="Ann",
                family_name="Lee",
                date_of_birth=dt.date(2015, 1, 2),
                pnc_id=linking.identifier_valid("pnc_id", pnc),
                received_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                as_received={},
                **ident,
            )
        )
    assert made[0].pnc_id
    linking.records_link_identifiers(actor=None, records=made)
    assert not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED).exists()
    assert len(set(AgencyRecord.objects.values_list("person_id", flat=True))) == 4

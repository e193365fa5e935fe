"""An agency's own distinct records are a cannot-link (people.linking rule 4; issue 8: "never merge two children to
make a pattern"): no automatic rule -- the identifier rule, one record at a time or a feed's bulk chunk, nor the
Fellegi-Sunter scoring -- puts two records one agency holds under different local ids in one resolved person,
directly or through other agencies' records; the link that would do it is proposed for review, and a reviewer can
still confirm it. Records OpenMASH made for a person named in a contact are not the agency's own ids, and an
agency's two records carrying the same valid identifier are its own duplicate of one person, not two people."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.matching import scoring
from openmash.people import linking
from openmash.people.models import AgencyRecord, LinkState, RecordLink

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"  # valid (modulus 11)
UPN = "B801200005001"  # valid (check letter)
CHILD = {
    "given_name": "Kenver",
    "family_name": "Trewhella",
    "date_of_birth": dt.date(2019, 8, 3),
    "sex": "M",
    "postcode": "TR1 2JH",
    "address": "17 Lemon Street",
}
KEEPS_APART = "holds them as two records under different record ids"


@pytest.fixture
def record(partnership):
    def make(agency: str, local_id: str, **details) -> AgencyRecord:
        made, _ = linking.record_create(actor=None, agency=partnership[agency], local_id=local_id, details=details)
        return made

    return make


def _link(a: AgencyRecord, b: AgencyRecord) -> RecordLink | None:
    left, right = sorted([a.pk, b.pk])
    return RecordLink.objects.filter(record_l_id=left, record_r_id=right, valid_to__isnull=True).first()


def _person(r: AgencyRecord):
    return AgencyRecord.objects.get(pk=r.pk).person_id


def test_two_records_of_one_agency_sharing_an_nhs_number_are_its_own_duplicate_and_joined(record):
    first = record("health-gp", "G1", nhs_number=NHS, **CHILD)
    second = record("health-gp", "G2", nhs_number=NHS, **CHILD)
    assert _person(first) == _person(second)
    assert not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).exists()


def test_a_chain_through_another_agency_never_joins_one_agencys_two_records(record):
    # the police record carries both identifiers; the school's two records one each, none in common
    police = record("police", "P1", nhs_number=NHS, upn=UPN, **CHILD)
    school = record("school-oak", "S1", nhs_number=NHS, **CHILD)
    assert _person(police) == _person(school)  # two agencies, one NHS number: joined
    other = record("school-oak", "S2", upn=UPN, **{**CHILD, "given_name": "Kenwyn"})
    assert _person(other) != _person(school)
    link = _link(other, police)
    assert link is not None and link.state == LinkState.PROPOSED and KEEPS_APART in link.reason


def test_a_feeds_bulk_chunk_keeps_one_agencys_two_records_apart(partnership):
    received = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    police = linking.records_from_feed(
        agency=partnership["police"],
        details={"P1": {**CHILD, "nhs_number": "9434765919", "upn": UPN}},
        received_at=received,
        source_feed="standard",
    )
    school = linking.records_from_feed(
        agency=partnership["school-oak"],
        details={"S1": {**CHILD, "nhs_number": "9434765919"}, "S2": {**CHILD, "upn": UPN}},
        received_at=received,
        source_feed="standard",
    )
    linking.records_link_identifiers(actor=None, records=[*police, *school])
    s1, s2 = school
    assert _person(s1) != _person(s2)
    assert _person(police[0]) in {_person(s1), _person(s2)}  # the police record joined one of them, never both
    held = [x for x in RecordLink.objects.filter(valid_to__isnull=True) if x.state == LinkState.PROPOSED]
    assert held and all(KEEPS_APART in x.reason for x in held)


def test_scoring_never_joins_one_agencys_two_records_directly_or_through_another(record):
    # the school holds the child under his cousin's spelling, and the cousin; the police record matches both
    school_child = record("school-oak", "S1", **CHILD)
    school_cousin = record("school-oak", "S2", **{**CHILD, "given_name": "Kenvyn", "address": "71 Lemon Street"})
    police = record("police", "P1", **CHILD)
    scoring.records_score([school_child, school_cousin, police])
    assert _person(school_child) != _person(school_cousin)
    assert _person(police) == _person(school_child)  # the clear same-home match is decided first and stands
    link = _link(police, school_cousin)
    if link is not None:
        assert link.state == LinkState.PROPOSED and KEEPS_APART in link.reason


def test_records_openmash_made_for_a_contact_are_not_the_agencys_own_ids(record, partnership):
    made = record("police", linking.local_id_for("00000000-0000-4000-8000-000000000001"), nhs_number=NHS, **CHILD)
    own = record("police", "P1", nhs_number=NHS, **CHILD)
    link = _link(made, own)
    assert link is not None and link.state == LinkState.CONFIRMED and _person(made) == _person(own)


def test_a_reviewer_can_still_confirm_one_agencys_two_records(record, make_actor):
    police = record("police", "P1", nhs_number=NHS, upn=UPN, **CHILD)
    first = record("school-oak", "S1", nhs_number=NHS, **CHILD)
    second = record("school-oak", "S2", upn=UPN, **CHILD)
    proposal = _link(second, police)
    assert proposal is not None and proposal.state == LinkState.PROPOSED
    confirmed = linking.link_confirm(actor=make_actor("screener", "mash"), link_id=proposal.pk, reason="")
    assert confirmed.state == LinkState.CONFIRMED and _person(first) == _person(second)

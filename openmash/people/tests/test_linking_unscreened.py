"""Hard rule 4 (ADR 0005 addendum 4, issue 6 practitioner and attacker review): an identifier claim from a contact
the hub has not screened yet never joins records automatically. It is proposed for the review queue, and when the
hub screens the contact the rule runs again over the contact's records.

The planted scenario: a referrer records a contact naming a "new" child with a real child's NHS number, a false
address, and the real child's name and date of birth (or a different name). Before this rule the look-alike was
merged into the real child at intake, and the false address stayed on the real child until the hub unmerged them.
"""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.people import linking
from openmash.people.models import AgencyRecord, LinkState, Person, RecordLink
from tests.support import child, contact_record, nhs_number, screen, subject_person

pytestmark = pytest.mark.django_db

FALSE_ADDRESS = {"line1": "99 Nowhere Lane", "town": "Elsewhere", "postcode": "ZZ9 9ZZ"}


@pytest.fixture
def real_child(make_actor):
    """A child known to the partnership: a GP practice's contact, screened by the hub."""
    gp, hub = make_actor("referrer", "health-gp"), make_actor("screener", "mash")
    nhs = nhs_number()
    contact = contact_record(gp, subjects=[child("Maya", "Holloway", "2016-05-05", nhs=nhs)], household=[])
    screen(hub, contact)
    return {"person": subject_person(contact), "nhs": nhs, "hub": hub}


def _link_between(a: Person, b: Person) -> RecordLink:
    recs = AgencyRecord.objects.filter(origin_person__in=[a, b]).values("pk")
    return RecordLink.objects.get(valid_to__isnull=True, record_l_id__in=recs, record_r_id__in=recs)


def _resolved(person: Person):
    person.refresh_from_db()
    return person.merged_into_id or person.pk


@pytest.mark.parametrize("forename", ["Maya", "Mia"])  # the real child's name, or another one
def test_a_planted_look_alike_with_a_real_childs_nhs_number_is_proposed_never_joined(make_actor, real_child, forename):
    police = make_actor("referrer", "police")
    planted = contact_record(
        police,
        subjects=[child(forename, "Holloway", "2016-05-05", nhs=real_child["nhs"], address=FALSE_ADDRESS)],
        household=[],
    )
    look_alike = subject_person(planted)
    assert _resolved(look_alike) == look_alike.pk  # not joined to the real child
    assert _resolved(real_child["person"]) == real_child["person"].pk
    link = _link_between(look_alike, real_child["person"])
    assert link.state == LinkState.PROPOSED and linking.UNSCREENED_REASON in link.reason
    # the real child's records (and so their picture) carry no trace of the false address
    held = AgencyRecord.objects.filter(person_id=real_child["person"].pk)
    assert not held.filter(postcode="ZZ9 9ZZ").exists()
    assert "the MASH will check whether this is the same person" in " ".join(planted.intake_notices)


def test_screening_the_contact_joins_what_only_screening_held_and_keeps_other_holds(make_actor, real_child):
    police, hub = make_actor("referrer", "police"), real_child["hub"]
    same = contact_record(police, subjects=[child("Maya", "Holloway", "2016-05-05", nhs=real_child["nhs"])])
    assert _resolved(subject_person(same)) == subject_person(same).pk
    screen(hub, same)
    assert _resolved(subject_person(same)) == real_child["person"].pk  # screened: the identifier joins
    other = contact_record(police, subjects=[child("Mia", "Holloway", "2016-05-05", nhs=real_child["nhs"])])
    screen(hub, other)
    link = _link_between(subject_person(other), real_child["person"])  # the names disagree: still for review
    assert link.state == LinkState.PROPOSED and "the names do not match" in link.reason
    assert linking.UNSCREENED_REASON not in link.reason


def test_a_later_record_matching_an_unscreened_contacts_record_is_only_proposed(make_actor, real_child, partnership):
    """A feed's record arriving while the contact is unscreened, or the scoring engine, cannot join it either."""
    police = make_actor("referrer", "police")
    nhs = nhs_number()
    planted = contact_record(police, subjects=[child("Rory", "Pike", "2015-01-01", nhs=nhs)], household=[])
    planted_person = subject_person(planted)
    record, _ = linking.record_create(
        actor=None,
        agency=partnership["health-hv"],
        local_id="HV-1",
        details={"given_name": "Rory", "family_name": "Pike", "date_of_birth": dt.date(2015, 1, 1), "nhs_number": nhs},
        source_feed="hv",
    )
    linking.records_link_identifiers(actor=None, records=[record])  # the feed's own pass (bulk path) too
    link = _link_between(planted_person, record.origin_person)
    assert RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED).count() == 0
    assert link.state == LinkState.PROPOSED and linking.UNSCREENED_REASON in link.reason
    # the Fellegi-Sunter engine above its upper threshold (a school's record with no identifier): held as well
    theirs = AgencyRecord.objects.get(origin_person=planted_person)
    school, _ = linking.record_create(
        actor=None,
        agency=partnership["school-oak"],
        local_id="S-1",
        details={"given_name": "Rory", "family_name": "Pike"},
        source_feed="school",
    )
    scored = linking.link_scored(
        actor=None,
        record_a_id=theirs.pk,
        record_b_id=school.pk,
        match_weight=20.0,
        match_probability=0.999,
        field_weights={},
        lower_threshold=0.5,
        upper_threshold=0.9,
    )
    assert scored.state == LinkState.PROPOSED and scored.reason.endswith(linking.UNSCREENED_REASON)
    screen(real_child["hub"], planted)
    assert _resolved(record.origin_person) == _resolved(planted_person)  # screened: the feed's record joins

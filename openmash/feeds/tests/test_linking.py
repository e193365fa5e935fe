"""Issue 6: a feed import links what it stores (ADR 0005, 0006), through openmash.people.linking.

Police and health extracts about the same child (one NHS number written two ways, two spellings of the name) end as
one person with one chronology; placeholders and different valid NHS numbers never link; records that only look
alike go to the review queue and are never merged silently; re-importing changes nothing; imported events follow
their record through a confirm and an unmerge.
"""

from __future__ import annotations

import pytest

from openmash.feeds.choices import BatchStatus
from openmash.feeds.tests.conftest import NHS_A, NHS_B, UPN_OK, row

pytestmark = pytest.mark.django_db

HEALTH = "health-gp"


def _record(agency, local_id):
    from openmash.people.models import AgencyRecord

    return AgencyRecord.objects.get(agency__code=agency, local_id=local_id)


def _chronology_agencies(actor, person_id) -> dict[str, set[str]]:
    """{agency code: {event type texts}} of the imported entries on the person's chronology, as the hub reads it."""
    from openmash.people.selectors import person_chronology

    _, entries = person_chronology(actor=actor, person_id=person_id)
    out: dict[str, set[str]] = {}
    for e in entries:
        if e.source:
            out.setdefault(e.agency.code, set()).add(e.source_type_text)
    return out


def _police_and_health(write_csv, run_import, *, police=None, health=None):
    police_rows = police or [row(record_id="P1", given_name="Kayden", nhs_number="999 314 1593")]
    health_rows = health or [
        row(
            record_id="RX1",
            given_name="Kaden",
            nhs_number="999-314-1593",
            event_type="ED attendance",
            description="Attended the emergency department with a head injury",
        )
    ]
    p = run_import(write_csv(police_rows, name="police.csv"), agency="police")
    h = run_import(write_csv(health_rows, name="health.csv"), agency=HEALTH)
    assert (p.status, h.status) == (BatchStatus.DONE, BatchStatus.DONE), (p.report, h.report)
    return p, h


def test_police_and_health_extracts_of_one_child_give_one_person_and_one_chronology(write_csv, run_import, make_actor):
    from openmash.audit.models import AuditEvent
    from openmash.people.models import LinkState, RecordLink

    hub = make_actor("screener", "mash")
    _, health = _police_and_health(write_csv, run_import)
    police_rec, health_rec = _record("police", "P1"), _record(HEALTH, "RX1")
    assert police_rec.nhs_number == health_rec.nhs_number == NHS_A
    assert police_rec.person_id == health_rec.person_id == police_rec.origin_person_id  # the older origin wins
    assert health_rec.origin_person.merged_into_id == police_rec.origin_person_id
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert (link.state, link.rule, link.decided_by) == (LinkState.CONFIRMED, "nhs_number", None)
    assert health.report["links_identifier"] == 1 and "link" not in health.report["message"]  # never told: finding 4
    # both agencies' events on one chronology, read from either person
    expected = {"police": {"DA incident"}, HEALTH: {"ED attendance"}}
    assert _chronology_agencies(hub, health_rec.origin_person_id) == expected
    assert _chronology_agencies(hub, police_rec.origin_person_id) == expected
    assert AuditEvent.objects.filter(action="merge", object_id=str(health_rec.origin_person_id)).exists()


def test_a_upn_links_the_same_way(write_csv, run_import):
    _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", nhs_number="", upn=UPN_OK.lower())],
        health=[row(record_id="RX1", given_name="Kaden", nhs_number="", upn=UPN_OK)],
    )
    assert _record("police", "P1").person_id == _record(HEALTH, "RX1").person_id


@pytest.mark.parametrize("placeholder", ["0000000000", "9999999999", "000 000 0000"])
def test_a_placeholder_nhs_number_never_links(write_csv, run_import, placeholder):
    from openmash.people.models import RecordLink

    _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", given_name="Amir", family_name="Khan", nhs_number=placeholder)],
        health=[row(record_id="RX1", given_name="Lily", family_name="Brown", nhs_number=placeholder)],
    )
    police_rec, health_rec = _record("police", "P1"), _record(HEALTH, "RX1")
    assert police_rec.nhs_number == health_rec.nhs_number == ""  # imported without it (a warning)
    assert police_rec.person_id != health_rec.person_id
    assert not RecordLink.objects.exists()


def test_two_different_valid_nhs_numbers_never_link_even_with_the_same_name_and_date_of_birth(write_csv, run_import):
    from openmash.people.linking import NHS_CONFLICT_REASON
    from openmash.people.models import LinkState, RecordLink

    _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", nhs_number=NHS_A)],
        health=[row(record_id="RX1", nhs_number=NHS_B)],
    )
    assert _record("police", "P1").person_id != _record(HEALTH, "RX1").person_id  # never joined automatically
    # Practitioner review of issue 6, finding 2: identical but for the NHS numbers (a duplicate registration, a
    # temporary number), the pair was never shown to anyone. Now a reviewer sees it, the conflict stated.
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED and link.decided_by is None
    assert link.reason.endswith(NHS_CONFLICT_REASON)
    assert {link.record_l_id, link.record_r_id} == {_record("police", "P1").pk, _record(HEALTH, "RX1").pk}


def test_different_nhs_numbers_with_only_the_name_and_date_of_birth_alike_are_not_offered(write_csv, run_import):
    """The rest must agree strongly (the engine's other fields at or above the upper threshold): another first
    name spelt similarly at another address is not put to a reviewer when the NHS numbers differ."""
    from openmash.people.models import RecordLink

    _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", nhs_number=NHS_A)],
        health=[
            row(
                record_id="RX1",
                nhs_number=NHS_B,
                given_name="Kaden",
                sex="F",
                postcode="TQ9 9ZZ",
                address="2 Mill Lane",
            )
        ],
    )
    assert not RecordLink.objects.exists()


def test_the_same_name_and_date_of_birth_without_an_identifier_is_proposed_never_merged(
    write_csv, run_import, make_actor
):
    from openmash.matching.selectors import review_queue
    from openmash.people import linking
    from openmash.people.models import ChronologyEntry, LinkState, RecordLink

    hub, manager = make_actor("screener", "mash"), make_actor("manager", "mash")
    _, health = _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", given_name="Kayden", family_name="Smith-Jones", nhs_number="")],
        health=[
            row(
                record_id="RX1",
                given_name="Kaden",
                family_name="Smith Jones",
                nhs_number=NHS_A,
                event_type="Was not brought",
            ),
            # a twin: same surname, date of birth and postcode, another first name -- not offered
            row(record_id="RX2", given_name="Maisie", family_name="Smith-Jones", nhs_number=NHS_B, sex="F"),
        ],
    )
    police_rec, health_rec = _record("police", "P1"), _record(HEALTH, "RX1")
    assert police_rec.person_id != health_rec.person_id  # not merged silently
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED and link.rule == "name+dob"
    assert {link.record_l_id, link.record_r_id} == {police_rec.pk, health_rec.pk}
    assert "same date of birth" in link.reason and "same surname" in link.reason
    assert health.report["links_proposed"] == 1
    assert [q.pk for q in review_queue(actor=hub).items] == [link.pk]

    entries_before = dict(ChronologyEntry.objects.values_list("pk", "person_id"))
    confirmed = linking.link_confirm(actor=hub, link_id=link.pk)
    expected = {"police": {"DA incident"}, HEALTH: {"Was not brought"}}
    assert _chronology_agencies(hub, police_rec.origin_person_id) == expected
    assert dict(ChronologyEntry.objects.values_list("pk", "person_id")) == entries_before  # never rewritten

    linking.person_separate(actor=manager, person_id=health_rec.origin_person_id, reason="Different children")
    assert _chronology_agencies(hub, police_rec.origin_person_id) == {"police": {"DA incident"}}
    assert _chronology_agencies(hub, health_rec.origin_person_id) == {HEALTH: {"Was not brought"}}
    assert RecordLink.objects.get(record_l=confirmed.record_l, valid_to__isnull=True).state == LinkState.REJECTED


def test_reimporting_changes_nothing_and_a_rejected_proposal_stays_rejected(write_csv, run_import, make_actor):
    from openmash.people import linking
    from openmash.people.models import Person, RecordLink

    hub = make_actor("screener", "mash")
    police = [row(record_id="P1", given_name="Kayden", nhs_number="")]
    health = [row(record_id="RX1", given_name="Kayden", nhs_number=NHS_A, event_type="ED attendance")]
    _police_and_health(write_csv, run_import, police=police, health=health)
    link = RecordLink.objects.get(valid_to__isnull=True)
    linking.link_reject(actor=hub, link_id=link.pk, reason="A different child: checked with the GP")
    before = (Person.objects.count(), list(RecordLink.objects.order_by("pk").values_list("pk", "state", "valid_to")))
    for agency, rows in (("police", police), (HEALTH, health)):
        again = run_import(write_csv(rows * 2), agency=agency)  # the same rows in another file
        assert again.status == BatchStatus.DONE and again.records_unchanged == 1 and again.events_created == 0
        assert again.report["links_identifier"] == again.report["links_proposed"] == 0
    after = (Person.objects.count(), list(RecordLink.objects.order_by("pk").values_list("pk", "state", "valid_to")))
    assert after == before


def test_a_later_extract_adding_the_nhs_number_links_the_record(write_csv, run_import):
    _police_and_health(
        write_csv,
        run_import,
        police=[row(record_id="P1", given_name="Amir", family_name="Khan", nhs_number="")],
        health=[row(record_id="RX1", given_name="Amir", family_name="Khan", nhs_number=NHS_A, postcode="EX9 9ZZ")],
    )
    assert _record("police", "P1").person_id != _record(HEALTH, "RX1").person_id
    later = run_import(write_csv([row(record_id="P1", given_name="Amir", family_name="Khan")]), agency="police")
    assert later.records_superseded == 1 and later.report["links_identifier"] == 1
    assert _record("police", "P1").person_id == _record(HEALTH, "RX1").person_id


def test_a_pnc_id_links_a_police_record_to_probations(write_csv, run_import):
    from openmash.feeds.tests.conftest import HEADER

    header = [*HEADER, "pnc_id"]
    police = run_import(
        write_csv([row(record_id="P1", nhs_number="", pnc_id="2001/0123456F")], header=header), agency="police"
    )
    probation = run_import(
        write_csv(
            [row(record_id="N1", given_name="Kayden", family_name="Smyth", nhs_number="", pnc_id=" 01/123456 f")],
            header=header,
        ),
        agency="probation",
    )
    assert (police.status, probation.status) == (BatchStatus.DONE, BatchStatus.DONE), probation.report
    police_rec, probation_rec = _record("police", "P1"), _record("probation", "N1")
    assert police_rec.pnc_id == probation_rec.pnc_id == "2001/0123456F"  # one canonical form (ADR 0009)
    assert police_rec.person_id == probation_rec.person_id
    bad = run_import(write_csv([row(record_id="P9", pnc_id="2001/0123456A")], header=header), agency="police")
    assert bad.status == BatchStatus.REFUSED
    assert any(p["field"] == "pnc_id" for p in bad.report["problems"])


def _upn(serial: str) -> str:
    from openmash.people.identifiers import upn_check_letter

    return upn_check_letter(serial) + serial


def test_a_chain_of_identifiers_never_gives_one_person_two_nhs_numbers(write_csv, run_import):
    """A (NHS A, UPN 1) - B1 (UPN 1, PNC) - B2 (PNC, UPN 2) - C (NHS B, UPN 2): each pair shares an identifier, but
    joined they would hold two NHS numbers, so the import (one chunk, written in bulk) never joins A and C."""
    from openmash.feeds.tests.conftest import HEADER
    from openmash.people.models import LinkState, RecordLink

    header = [*HEADER, "pnc_id"]
    u1, u2 = _upn("801200005001"), _upn("801200005002")
    run_import(
        write_csv(
            [row(record_id="A", nhs_number=NHS_A, upn=u1), row(record_id="C", nhs_number=NHS_B, upn=u2)], header=header
        ),
        agency="school-oak",
    )
    batch = run_import(
        write_csv(
            [
                row(record_id="B1", nhs_number="", upn=u1, pnc_id="2001/0123456F"),
                row(record_id="B2", nhs_number="", upn=u2, pnc_id="2001/0123456F"),
            ],
            header=header,
        ),
        agency="police",
    )
    assert batch.status == BatchStatus.DONE
    a, c = _record("school-oak", "A"), _record("school-oak", "C")
    assert a.person_id != c.person_id
    assert RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).exists()


def test_an_identifier_never_joins_people_a_reviewer_said_are_different(write_csv, run_import, make_actor):
    """A (NHS A) and C (a UPN) were proposed and rejected by a human; B arrives with A's NHS number and C's UPN: B
    joins neither, and waits for review instead of joining A and C."""
    from openmash.people import linking
    from openmash.people.models import LinkState, RecordLink

    hub = make_actor("screener", "mash")
    u1 = _upn("801200005001")
    run_import(
        write_csv([row(record_id="A", nhs_number=NHS_A), row(record_id="C", given_name="Kai", nhs_number="", upn=u1)]),
        agency="school-oak",
    )
    a, c = _record("school-oak", "A"), _record("school-oak", "C")
    proposal = linking.link_propose(actor=None, record_a_id=a.pk, record_b_id=c.pk, rule="test")
    linking.link_reject(actor=hub, link_id=proposal.pk, reason="Different children: checked with the school")
    batch = run_import(write_csv([row(record_id="B", nhs_number=NHS_A, upn=u1)]), agency="police")
    assert batch.status == BatchStatus.DONE
    a, c, b = _record("school-oak", "A"), _record("school-oak", "C"), _record("police", "B")
    assert a.person_id != c.person_id
    # B points at two people a reviewer kept apart: it joins neither (ADR 0005 addendum: never bridge automatically)
    assert b.person_id not in (a.person_id, c.person_id)
    waiting = RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED)
    assert waiting.filter(record_l=b).exists() or waiting.filter(record_r=b).exists()


def test_intake_finds_the_imported_child_once_under_either_spelling(write_csv, run_import):
    """The intake lookup (matching.candidates) offers the child the police and health extracts describe as one
    person, whether the referrer types the police's spelling, the GP's, or only the NHS number in another form."""
    from openmash.matching.candidates import candidates_for

    _police_and_health(write_csv, run_import)
    person = _record("police", "P1").person_id
    for forename in ("Kayden", "Kaden"):
        found = candidates_for({"forename": forename, "surname": "Smith", "date_of_birth": "2015-03-01"})
        assert [c.person.pk for c in found] == [person], forename
    exact = candidates_for(
        {"forename": "K", "surname": "S", "identifiers": [{"type": "nhs_number", "value": "9993141593"}]}
    )
    assert [(c.person.pk, c.exact) for c in exact] == [(person, True)]

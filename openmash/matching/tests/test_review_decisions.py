"""A reviewer's decisions hold between people, not just records; the queue shows one row per pair of people; joins
close what they answer; the link page's evidence and the child's page (issue: rejected pairs come back, stale
proposals, the same decision listed several times, thin evidence, no hint on the child's page)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from openmash.audit.models import AuditEvent
from openmash.matching import scoring, selectors
from openmash.people import linking
from openmash.people.models import AgencyRecord, LinkState, RecordLink
from tests.support import nhs_number

pytestmark = pytest.mark.django_db

NORTH = {"family_name": "North", "date_of_birth": dt.date(2016, 5, 9), "sex": "M", "postcode": "EX2 4AB"}


@pytest.fixture
def record(partnership):
    def make(agency: str, local_id: str, **details) -> AgencyRecord:
        made, _ = linking.record_create(actor=None, agency=partnership[agency], local_id=local_id, details=details)
        return AgencyRecord.objects.get(pk=made.pk)

    return make


def _current(a: AgencyRecord, b: AgencyRecord) -> RecordLink | None:
    left, right = sorted([a.pk, b.pk])
    return RecordLink.objects.filter(record_l_id=left, record_r_id=right, valid_to__isnull=True).first()


def _person(r: AgencyRecord):
    return AgencyRecord.objects.get(pk=r.pk).person_id


def _proposed_involving(r: AgencyRecord) -> list[RecordLink]:
    return list(
        RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).filter(record_l_id__in=[r.pk])
    ) + list(RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED, record_r_id=r.pk))


def _connor(record):
    """Connor North known to the police and the GP (one person by their NHS number), Conor North at the school."""
    nhs = nhs_number()
    police = record("police", "P1", given_name="Connor", nhs_number=nhs, **NORTH)
    gp = record("health-gp", "G1", given_name="Connor", nhs_number=nhs, **NORTH)
    assert _person(police) == _person(gp)
    school = record("school-oak", "S1", given_name="Conor", **NORTH)
    return police, gp, school, nhs


def test_a_rejected_pair_of_people_is_neither_linked_nor_proposed_again_through_another_record(record, make_actor):
    police, gp, school, _ = _connor(record)
    proposal = linking.link_propose(actor=None, record_a_id=school.pk, record_b_id=police.pk, rule="name+dob")
    linking.link_reject(actor=make_actor("screener", "mash"), link_id=proposal.pk, reason="Different boys: school")

    scoring.records_score([school, police, gp])

    assert _current(school, gp) is None  # not proposed with the GP's record instead
    assert _person(school) != _person(gp)
    assert _proposed_involving(school) == []
    # the name and date-of-birth rule does not bring them back either
    assert linking.link_propose(actor=None, record_a_id=school.pk, record_b_id=gp.pk, rule="name+dob") is None


def test_a_separated_person_stays_apart_from_every_record_of_the_other(record, make_actor):
    police, gp, school, _ = _connor(record)
    scoring.records_score([school])
    assert _person(school) == _person(police)  # joined automatically (Conor / Connor, all else the same)

    linking.person_separate(
        actor=make_actor("manager", "mash"), person_id=school.origin_person_id, reason="Cousins: checked"
    )
    scoring.records_score([school, police, gp])

    assert _person(school) != _person(police)
    assert _proposed_involving(school) == []
    assert not RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.CONFIRMED, rule="matching").exists()


def test_a_newly_shared_identifier_is_proposed_once(record, make_actor):
    police, gp, school, nhs = _connor(record)
    proposal = linking.link_propose(actor=None, record_a_id=school.pk, record_b_id=police.pk, rule="name+dob")
    screener = make_actor("screener", "mash")
    linking.link_reject(actor=screener, link_id=proposal.pk, reason="Different boys: school")

    school = record(
        "school-oak", "S1", given_name="Conor", nhs_number=nhs, **NORTH
    )  # the school records his NHS number

    waiting = [x for x in _proposed_involving(school)]
    assert len(waiting) >= 1
    assert all("NHS number newly shared" in x.reason for x in waiting)
    assert _person(school) != _person(police)
    linking.link_reject(actor=screener, link_id=waiting[0].pk, reason="Still different: the NHS number was a typo")
    assert _proposed_involving(school) == []  # decided for the pair of people

    record("school-oak", "S1", given_name="Conor", nhs_number=nhs, address="1 Lane", **NORTH)  # nothing new
    assert _proposed_involving(school) == []


def test_a_join_closes_the_proposals_it_answered(record, make_actor, login):
    a = record("police", "A", given_name="Ada", family_name="Quill")
    b = record("health-gp", "B", given_name="Adda", family_name="Quill")
    c = record("school-oak", "C", given_name="Ada", family_name="Quil")
    ab = linking.link_propose(actor=None, record_a_id=a.pk, record_b_id=b.pk, rule="name+dob")
    bc = linking.link_propose(actor=None, record_a_id=b.pk, record_b_id=c.pk, rule="name+dob")
    ac = linking.link_propose(actor=None, record_a_id=a.pk, record_b_id=c.pk, rule="name+dob")
    screener = make_actor("screener", "mash")

    linking.link_confirm(actor=screener, link_id=ab.pk)  # b-c and a-c: one pair of people now
    linking.link_confirm(actor=screener, link_id=ac.pk)  # b-c is answered: the same person already

    assert not RecordLink.objects.filter(pk=bc.pk, valid_to__isnull=True).exists()
    assert _current(b, c) is None
    assert AuditEvent.objects.filter(action="link_supersede", object_id=str(bc.pk)).exists()
    assert selectors.review_queue(actor=screener).count == 0
    assert "There is nothing to review" in login(screener).get("/matching/").content.decode()


def test_the_queue_shows_one_row_per_pair_of_people_and_deciding_it_decides_for_them(record, make_actor, login):
    police, gp, school, _ = _connor(record)
    weak = linking.link_propose(
        actor=None, record_a_id=school.pk, record_b_id=police.pk, match_probability=0.6, rule="matching"
    )
    strong = linking.link_propose(
        actor=None, record_a_id=school.pk, record_b_id=gp.pk, match_probability=0.8, rule="matching"
    )
    screener = make_actor("screener", "mash")

    page = selectors.review_queue(actor=screener)
    assert page.count == 1 and [x.pk for x in page.items] == [strong.pk]
    assert page.items[0].other_records == 1
    body = login(screener).get("/matching/").content.decode()
    assert len(re.findall('data-testid="review-row"', body)) == 1
    assert "and 1 other record of these people" in body

    linking.link_reject(actor=screener, link_id=strong.pk, reason="Different boys")
    assert _current(school, police).state == LinkState.REJECTED and _current(school, police).pk != weak.pk
    assert selectors.review_queue(actor=screener).count == 0


def test_the_link_page_shows_weights_agreeing_addresses_and_plain_wording(record, make_actor, login):
    left = record("police", "P1", given_name="Alex", address="132 Marshall Drive", **{**NORTH, "family_name": "Read"})
    right = record(
        "health-gp",
        "G1",
        given_name="Aex",
        address="132 Marshall Drive, Jamesstad",
        **{**NORTH, "family_name": "Read", "postcode": "EX2 4AB"},
    )
    link = linking.link_propose(
        actor=None,
        record_a_id=left.pk,
        record_b_id=right.pk,
        field_weights={},
        rule="name+dob",
        reason="Looks like the same person, with no shared identifier: same surname, same date of birth",
    )
    body = login(make_actor("screener", "mash")).get(f"/matching/links/{link.pk}/").content.decode()

    def cell(testid):
        return re.search(rf'data-testid="{testid}">(.*?)</td>', body, re.S).group(1).strip()

    assert re.fullmatch(r"[+\u2212]\d+\.\d", cell("weight-date_of_birth")), cell("weight-date_of_birth")
    assert cell("weight-family_name").startswith("+")
    address = re.search(r'data-testid="field-address">(.*?)</tr>', body, re.S).group(1)
    assert "Agrees" in address and "different" not in address.lower()
    postcode = re.search(r'data-testid="field-postcode">(.*?)</tr>', body, re.S).group(1)
    assert "same postcode" in postcode and "same Postcode" not in postcode
    assert not re.search(r"\b(\w+) \1\b", re.sub(r"<[^>]+>", " ", body).replace("  ", " "))  # no doubled words
    assert "similar first name" not in body and "different different" not in body
    assert "Reason for your decision (optional)" not in body
    assert "Required if they are different people" in body


def test_the_childs_page_says_other_records_may_be_this_child(record, make_actor, login):
    police, gp, school, _ = _connor(record)
    linking.link_propose(actor=None, record_a_id=school.pk, record_b_id=police.pk, rule="name+dob")
    linking.link_propose(actor=None, record_a_id=school.pk, record_b_id=gp.pk, rule="name+dob")
    person = _person(police)
    screener = make_actor("screener", "mash")
    client = login(screener)

    for url in (f"/people/{person}/", f"/people/{person}/chronology/"):
        body = client.get(url).content.decode()
        assert "Another record may be this child: waiting for review" in body, url
        assert f"/matching/?person={person}" in body
    queue = client.get(f"/matching/?person={person}").content.decode()
    assert len(re.findall('data-testid="review-row"', queue)) == 1
    assert selectors.pending_for_people(actor=make_actor("referrer", "police"), person_ids=[person]) == 0


def test_demo_extracts_say_what_the_imports_will_join(tmp_path):
    import csv
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo_extracts", "--out", str(tmp_path), "--children", "20", stdout=out)
    with (tmp_path / "police.csv").open(encoding="utf-8", newline="") as f:
        police = {r["record_id"][3:]: r["nhs_number"] for r in csv.DictReader(f)}
    with (tmp_path / "health.csv").open(encoding="utf-8", newline="") as f:
        health = {r["record_id"][-5:] for r in csv.DictReader(f)}
    shared = set(police) & health
    same = sum(1 for i in shared if police[i])
    text = " ".join(out.getvalue().split())
    assert f"Then {same} of them are one child at once" in text
    assert f"The other {len(shared) - same} only look alike" in text
    assert "joins a pair scoring 0.95 or more automatically" in text

"""Records the matching proposes may be the same child, read together for a flag without joining them
(``patterns.possibly_same``): the flag says so and asks the hub to confirm the match; a rejected, low-scored or
contested proposal, two NHS numbers, another town or the twins pattern are never used; the possibly-same person's
events never make a flag on their own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from openmash.accounts.admin_services import SYSTEM
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.evaluation import children_evaluate, flags_evaluate
from openmash.patterns.export import export_rows
from openmash.patterns.models import Flag, FlagStatus
from openmash.patterns.possibly_same import pairs_eligible
from openmash.patterns.reading import entries_read
from openmash.people.linking import link_propose, link_reject
from openmash.people.models import AgencyRecord, LinkState, RecordLink

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
NHS_CHILD = "999 314 1593"
NHS_OTHER = "943 476 5919"


def rec(record_id: str, **values) -> dict:
    base = {"given_name": "Tyler", "family_name": "Penrose", "date_of_birth": "2012-04-03", "description": ""}
    base.update(values)
    return row(record_id=record_id, **base)


@pytest.fixture
def load(run_import, write_csv):  # noqa: F811
    def _load(agency: str, rows: list[dict]):
        batch = run_import(write_csv(rows), agency=agency)
        assert batch.status == "done", batch.report
        return batch

    return _load


def _person(local_id: str):
    return AgencyRecord.objects.get(local_id=local_id).person_id


def _proposal(a: str, b: str, **kw) -> RecordLink:
    """The pending proposal between the records `a` and `b` (the one the import made, else one made here)."""
    ra, rb = AgencyRecord.objects.get(local_id=a), AgencyRecord.objects.get(local_id=b)
    assert ra.person_id != rb.person_id, "the matching joined them: the test needs them apart"
    current = RecordLink.objects.filter(
        valid_to__isnull=True, record_l__in=[ra, rb], record_r__in=[ra, rb], state=LinkState.PROPOSED
    ).first()
    if current is not None and not kw:
        return current
    kw.setdefault("rule", "name+dob")
    link = link_propose(actor=None, record_a_id=ra.pk, record_b_id=rb.pk, reason="test proposal", **kw)
    assert link is not None and link.state == LinkState.PROPOSED
    return link


def _split_child(load, *, school=None):
    """Police and GP hold the child under one NHS number (one person); the school's record, without an NHS number,
    is a second person. Police and GP alone: two concerns (no flag); with the school's absence: three."""
    load("police", [rec("P1", nhs_number=NHS_CHILD, event_date="2025-03-10", event_type="DA incident")])
    load("health-gp", [rec("G1", nhs_number=NHS_CHILD, event_date="2025-05-01", event_type="Was not brought")])
    school = {"given_name": "Ty", "nhs_number": "", "event_type": "Persistent absence", **(school or {})}
    load("school-oak", [rec("S1", event_date="2025-04-02", **school), rec("S1", event_date="2025-04-20", **school)])
    entries_read()


def test_a_flag_reads_a_possibly_same_childs_records_without_joining_them(load):
    _split_child(load)
    link = _proposal("P1", "S1")
    assert set(children_evaluate(AS_OF, roots={_person("S1")}).results) == {_person("P1")}  # incremental too
    result = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get(current=True)
    assert flag.child_id == _person("P1") != _person("S1")  # held by the child whose records carry the pattern
    assert set(flag.agencies) == {"police", "health-gp", "school-oak"}
    assert "not yet confirmed as the same child" in flag.explanation
    assert f"/matching/links/{link.pk}/" in flag.explanation
    assert "[a record not yet confirmed as this child]" in flag.explanation
    rows = export_rows(children_evaluate(AS_OF))
    assert len(rows) == 1 and rows[0][0].split(";") == ["G1", "P1", "S1"]
    assert result.flagged == 1
    assert AgencyRecord.objects.get(local_id="S1").person_id != flag.child_id  # never joined


def test_without_the_proposal_the_same_records_raise_no_flag(load):
    _split_child(load)
    RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).delete()
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_an_agency_holding_both_under_its_own_ids_says_they_are_two_children(load):
    """The school holds the police/GP child under its own id S0 and the split record S1 under another: the school
    says these are two children (people.linking rule 4), so the proposal between them is not read for a flag
    (trap TR10: cousins on one road, one school record of each)."""
    _split_child(load)
    load("school-oak", [rec("S0", nhs_number=NHS_CHILD, event_date="2025-01-10", event_type="Attendance - authorised")])
    entries_read()
    assert _person("S0") == _person("P1") != _person("S1")
    _proposal("P1", "S1")
    assert pairs_eligible(AS_OF) == []
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_a_rejected_link_is_never_used_and_the_flag_is_withdrawn(load, make_actor):
    _split_child(load)
    link = _proposal("P1", "S1")
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert Flag.objects.get(current=True).status == FlagStatus.OPEN
    link_reject(actor=make_actor("manager", "mash"), link_id=link.pk, reason="two different boys")
    again = flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert again.flagged == 0 and Flag.objects.get().status == FlagStatus.WITHDRAWN


def test_a_proposal_scored_below_the_review_band_is_not_used(load):
    _split_child(load)
    RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).delete()
    _proposal("P1", "S1", match_probability=0.2, rule="matching")
    assert pairs_eligible(AS_OF) == []
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_a_proposal_in_the_review_band_is_used(load):
    _split_child(load)
    RecordLink.objects.filter(valid_to__isnull=True, state=LinkState.PROPOSED).delete()
    _proposal("P1", "S1", match_probability=0.8, rule="matching")
    assert len(pairs_eligible(AS_OF)) == 1
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 1


def test_two_different_nhs_numbers_are_two_children_whatever_the_proposal(load):
    _split_child(load, school={"nhs_number": NHS_OTHER})
    _proposal("P1", "S1")
    assert pairs_eligible(AS_OF) == []
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_a_namesake_in_another_town_is_not_read_with_the_child(load):
    _split_child(load, school={"postcode": "TQ1 4NG", "address": "47 Priory Road"})
    _proposal("P1", "S1")
    assert pairs_eligible(AS_OF) == []
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_twins_at_one_address_are_not_read_together(load):
    """The same surname, date of birth and home with first names that do not agree: twins."""
    _split_child(load, school={"given_name": "Lola"})
    _proposal("P1", "S1")
    assert pairs_eligible(AS_OF) == []
    assert flags_evaluate(as_of=AS_OF, actor=SYSTEM).flagged == 0


def test_the_possibly_same_records_alone_never_make_the_flag(load):
    """The child under the NHS number holds the whole pattern; the police record proposed as possibly the same
    child adds nothing (its one concern is years old): the flag stands on the child's own records only."""
    load("police", [rec("P1", given_name="Ty", nhs_number="", event_date="2021-01-10", event_type="DA incident")])
    absent = {"nhs_number": NHS_CHILD, "event_type": "Persistent absence"}
    load("school-oak", [rec("S1", event_date="2025-03-02", **absent), rec("S1", event_date="2025-04-02", **absent)])
    load("health-gp", [rec("G2", nhs_number=NHS_CHILD, event_date="2025-05-01", event_type="DA incident")])
    entries_read()
    _proposal("P1", "S1")
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get(current=True)
    assert flag.child_id == _person("S1")
    assert "not yet confirmed" not in flag.explanation
    rows = export_rows(children_evaluate(AS_OF))
    assert rows[0][0].split(";") == ["G2", "S1"]


def test_the_flag_page_says_which_records_are_not_confirmed_and_links_the_review(load, make_actor):
    _split_child(load)
    link = _proposal("P1", "S1")
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get(current=True)
    client = Client()
    client.force_login(make_actor("manager", "mash").user)
    html = re.sub(r"\s+", " ", client.get(f"/flags/{flag.pk}/").content.decode())
    assert 'data-testid="flag-unconfirmed"' in html
    assert f"/matching/links/{link.pk}/" in html
    assert html.count('data-testid="event-unconfirmed"') == 2  # the school's two absences


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [("Tyler", "Ty", True), ("Kai", "Kye", False), ("Alexander", "Alex", True), ("Lily", "Lola", False),
     ("Jack", "Jake", False), ("Amelia", "Isla", False)],
)  # fmt: skip
def test_first_names_agree_as_a_short_form_or_a_sound_never_as_twins_names(a, b, agree):
    from openmash.patterns.possibly_same import _names_agree

    assert _names_agree(a, b) is agree


def test_a_childs_records_split_three_ways_are_read_as_one_group(load):
    """Police, school and GP each hold the child under a different spelling without an NHS number the others share,
    with a proposal between each two: the flag reads all three, never joining them."""
    load("police", [rec("P1", nhs_number="", event_date="2025-03-10", event_type="DA incident")])
    load(
        "school-oak",
        [rec("S1", given_name="Ty", nhs_number="", event_date="2025-04-02", event_type="Persistent absence")],
    )
    load(
        "health-gp",
        [rec("G1", given_name="Tyla", nhs_number="", event_date="2025-05-01", event_type="Was not brought")],
    )
    entries_read()
    people = {_person(x) for x in ("P1", "S1", "G1")}
    if len(people) < 3:
        pytest.skip("the matching joined two of them")
    links = {_proposal("P1", "S1").pk, _proposal("P1", "G1").pk, _proposal("S1", "G1").pk}
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get(current=True)
    assert set(flag.agencies) == {"police", "school-oak", "health-gp"}
    assert sum(f"/matching/links/{pk}/" in flag.explanation for pk in links) == 2
    assert export_rows(children_evaluate(AS_OF))[0][0].split(";") == ["G1", "P1", "S1"]

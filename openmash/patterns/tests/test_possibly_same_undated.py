"""A record with no date of birth at all, read with a child when nothing else could be behind it
(``patterns.possibly_same._undated_candidate`` / ``_undated_confirmed``; issue 8's seventh unseen set: a police
record of "BRODY NETHERTON" and a dental record with the date of birth left blank, held for review by
``linkage.scoring.NO_DOB_CEILING`` and, before this, never read for a flag); first names spelt two ways and double
names for the twins test; and the group's records read as nothing listed, marked, with the child's flag."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.accounts.admin_services import SYSTEM
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns.evaluation import children_evaluate, flags_evaluate
from openmash.patterns.export import export_rows
from openmash.patterns.models import Flag
from openmash.patterns.possibly_same import _names_agree, pairs_eligible, stated_ages
from openmash.patterns.reading import entries_read
from openmash.patterns.tests.test_possibly_same import NHS_CHILD, _person, load, rec  # noqa: F401, F811 - load: a fixture
from openmash.people.linking import link_propose
from openmash.people.models import AgencyRecord, LinkState, RecordLink

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


def _proposal(a: str, b: str) -> RecordLink:
    """The pending proposal between records `a` and `b` (the import's, else one made here as the matching would)."""
    ra, rb = AgencyRecord.objects.get(local_id=a), AgencyRecord.objects.get(local_id=b)
    assert ra.person_id != rb.person_id, "the matching joined them: the test needs them apart"
    current = RecordLink.objects.filter(
        valid_to__isnull=True, record_l__in=[ra, rb], record_r__in=[ra, rb], state=LinkState.PROPOSED
    ).first()
    if current is not None:
        return current
    link = link_propose(
        actor=None, record_a_id=ra.pk, record_b_id=rb.pk, reason="test", rule="matching", match_probability=0.8
    )
    assert link is not None and link.state == LinkState.PROPOSED
    return link


def _undated_police(load, **police):  # noqa: F811
    """GP and school hold the child (one NHS number, a date of birth: one person; a missed appointment and two
    absences: two agencies, no flag). The police record has no date of birth and no NHS number (a second person):
    with its domestic abuse incident, three agencies."""
    load("health-gp", [rec("G1", nhs_number=NHS_CHILD, event_date="2025-05-01", event_type="Was not brought")])
    load(
        "school-oak",
        [
            rec("S1", nhs_number=NHS_CHILD, event_date="2025-04-02", event_type="Persistent absence"),
            rec("S1", nhs_number=NHS_CHILD, event_date="2025-04-20", event_type="Persistent absence"),
        ],
    )
    values = {"date_of_birth": "", "nhs_number": "", "event_date": "2025-03-10", "event_type": "DA incident"}
    load("police", [rec("P1", **{**values, **police})])
    entries_read()


def _police_not_in_any_flag():
    """The child's own records may make a flag (GP and school); the undated police record is never in it."""
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert all("police" not in f.agencies for f in Flag.objects.filter(current=True))
    assert all("P1" not in r[0].split(";") for r in export_rows(children_evaluate(AS_OF)))


def test_an_undated_record_of_the_child_is_read_with_it_and_never_joined(load):  # noqa: F811
    _undated_police(load, given_name="TY", description="13M present at a domestic incident at home, upset.")
    link = _proposal("P1", "G1")
    assert [p.link for p in pairs_eligible(AS_OF)] == [link.pk]
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = Flag.objects.get(current=True)
    assert flag.child_id == _person("G1") != _person("P1")
    assert set(flag.agencies) == {"police", "health-gp", "school-oak"}
    assert "[a record not yet confirmed as this child]" in flag.explanation
    assert export_rows(children_evaluate(AS_OF))[0][0].split(";") == ["G1", "P1", "S1"]
    assert AgencyRecord.objects.get(local_id="P1").person_id != flag.child_id  # never joined


def test_a_surname_spelt_two_ways_is_read_too(load):  # noqa: F811
    """Rundell and Rundle (seventh set, CN98): one name spelt two ways, at one home, a first name that agrees."""
    _undated_police(load, family_name="PENROWSE")
    _proposal("P1", "G1")
    assert len(pairs_eligible(AS_OF)) == 1


def test_a_first_name_that_sounds_alike_is_read_when_it_is_the_only_candidate(load):  # noqa: F811
    """Kacey and Casey (sixth set, TR14): an undated record's first name may sound alike; the same test counts the
    other candidates, so twins of sound-alike names keep it apart (``test_a_second_candidate...``)."""
    _undated_police(load, given_name="TAILER")
    _proposal("P1", "G1")
    assert len(pairs_eligible(AS_OF)) == 1


def test_twins_of_sound_alike_names_keep_an_undated_record_apart(load):  # noqa: F811
    _undated_police(load)
    load("health-gp", [rec("G8", given_name="Tylar", nhs_number="943 476 5919", event_date="2025-01-05",
                           event_type="Consultation", description="Eczema.")])  # fmt: skip
    entries_read()
    assert _person("G8") != _person("G1")
    _proposal("P1", "G1")
    _proposal("P1", "G8")
    assert pairs_eligible(AS_OF) == []
    _police_not_in_any_flag()


def test_an_age_the_record_states_that_is_not_the_childs_keeps_it_apart(load):  # noqa: F811
    """The record says its subject is 34: an adult of the child's name (a father), not the 13-year-old."""
    _undated_police(load, description="34M arrested after a domestic incident at the address.")
    _proposal("P1", "G1")
    assert pairs_eligible(AS_OF) == []
    _police_not_in_any_flag()


def test_a_second_candidate_at_the_home_keeps_it_apart(load):  # noqa: F811
    """A father of the child's name at the same home: the undated record could be either of them."""
    _undated_police(load)
    load("health-gp", [rec("G9", date_of_birth="1984-02-11", nhs_number="943 476 5919", event_date="2025-01-05",
                           event_type="Consultation", description="Back pain.")])  # fmt: skip
    entries_read()
    assert _person("G9") != _person("G1")
    _proposal("P1", "G1")
    _proposal("P1", "G9")
    assert pairs_eligible(AS_OF) == []
    _police_not_in_any_flag()


def test_another_family_name_or_another_home_keeps_it_apart(load):  # noqa: F811
    _undated_police(load, family_name="Pascoe")
    _proposal("P1", "G1")
    assert pairs_eligible(AS_OF) == []
    _police_not_in_any_flag()


def test_an_undated_record_at_another_home_is_not_read(load):  # noqa: F811
    _undated_police(load, postcode="TQ1 4NG", address="47 Priory Road")
    _proposal("P1", "G1")
    assert pairs_eligible(AS_OF) == []
    _police_not_in_any_flag()


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [("Tegen", "Teegan", True), ("Brody", "Brodie", True), ("Lacey", "Lacie", True), ("Alfie", "Albie", False),
     ("Lily-Rose", "Lily-Mae", False), ("Lily R", "Lily-Rose", True), ("Lily", "Lily-Mae", True),
     ("Jack", "Jake", False)],
)  # fmt: skip
def test_one_name_spelt_two_ways_agrees_two_double_names_do_not(a, b, agree):
    assert _names_agree(a, b) is agree


@pytest.mark.parametrize(
    ("text", "ages"),
    [("14M found on a bridge", [14]), ("Mother reports son (14) sent an image", [14]), ("aged 9, seen", [9]),
     ("Young man (says 17) came to the drop-in", [17]), ("6 men living there, 3 friends", []),
     ("14F held down; 16 yrs old brother", [14, 16]), ("FTA x2 (DS, cardiac)", [])],
)  # fmt: skip
def test_the_ages_a_record_states(text, ages):
    assert stated_ages(text) == ages


def test_a_possibly_same_records_read_as_nothing_are_listed_with_the_childs_flag(load):  # noqa: F811
    """The child is flagged on its own records; a record the matching proposes may be the child (not joined) holds
    only an event read as nothing: it is listed, marked, and its agency named (every record that may be the child)."""
    load("police", [rec("P1", nhs_number=NHS_CHILD, event_date="2025-03-10", event_type="DA incident")])
    load("health-gp", [rec("G1", nhs_number=NHS_CHILD, event_date="2025-05-01", event_type="Was not brought")])
    load(
        "school-oak",
        [rec("S1", nhs_number=NHS_CHILD, event_date="2025-04-02", event_type="Persistent absence"),
         rec("S1", nhs_number=NHS_CHILD, event_date="2025-04-20", event_type="Persistent absence")],
    )  # fmt: skip
    load("health-hv", [rec("E1", given_name="Tylor", nhs_number="", event_date="2025-05-20", event_type="Note",
                           description="Mum phoned the clinic.")])  # fmt: skip
    entries_read()
    if _person("E1") == _person("G1"):
        pytest.skip("the matching joined them")
    _proposal("E1", "G1")
    result = children_evaluate(AS_OF)
    res = result.results[_person("G1")]
    assert _person("E1") in res.group
    if not res.not_read:
        pytest.fail("the early years record's event should be listed as read as nothing")
    assert _person("E1") in res.possibly_same
    assert export_rows(result)[0][0].split(";") == ["E1", "G1", "P1", "S1"]
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert "health-hv" in Flag.objects.get(current=True).agencies

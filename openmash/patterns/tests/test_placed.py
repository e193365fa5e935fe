"""An adult placed in a child's home by the records' own words is read with the household, never joined (ADR 0023;
the Panel, *The myth of invisible men*, 2021): his own record names the child's street, or the child's record names
him as a partner; two candidates, another town's street, "no partner" or an ex-partner give nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.accounts.admin_services import SYSTEM
from openmash.feeds.tests.conftest import row, run_import, write_csv  # noqa: F401 - fixtures
from openmash.patterns import placed
from openmash.patterns.evaluation import PLACED_MARK, flags_evaluate
from openmash.patterns.models import Flag, HomeMention
from openmash.patterns.reading import entries_read
from openmash.people.models import AgencyRecord

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
NHS_CHILD = "999 314 1593"


@pytest.fixture
def load(run_import, write_csv):  # noqa: F811
    def _load(agency: str, rows: list[dict]):
        batch = run_import(write_csv(rows), agency=agency)
        assert batch.status == "done", batch.report
        return batch

    return _load


def child_row(record_id="S1", **values) -> dict:
    """Lowenna Trewin at 11 Carlyon Road, St Austell, with one concern (persistent absence)."""
    base = dict(
        record_id=record_id, given_name="Lowenna", family_name="Trewin", date_of_birth="2018-02-24", sex="F",
        nhs_number=NHS_CHILD, postcode="PL25 4LD", address="11 Carlyon Road, St Austell", event_date="2025-03-01",
        event_type="Persistent absence", description="",
    )  # fmt: skip
    base.update(values)
    return row(**base)


def adult_row(record_id="A1", description="Arrested for assault.", **values) -> dict:
    """Mark Spry's police record at his own flat (8 Menacuddle Street), one arrest (relevant offending)."""
    base = dict(
        record_id=record_id, given_name="Mark", family_name="Spry", date_of_birth="1983-05-01", sex="M",
        nhs_number="", postcode="PL25 4QQ", address="8 Menacuddle Street, St Austell", event_date="2025-02-01",
        event_type="Arrest", description=description,
    )  # fmt: skip
    base.update(values)
    return row(**base)


def _flag_of_child():
    flags = list(Flag.objects.filter(child=AgencyRecord.objects.get(local_id="S1").person))
    return flags[0] if flags else None


def test_his_own_record_naming_the_childs_street_reads_him_with_the_household(load):
    load("police", [adult_row(description="Not at own flat. Neighbour: mostly at his girlfriend's, Carlyon Rd.")])
    load("school-oak", [child_row()])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = _flag_of_child()
    assert flag is not None and [r["code"] for r in flag.rules] == ["household_adult_offending"]
    assert flag.agencies == ["police", "school-oak"]
    assert f"[{PLACED_MARK}]" in flag.explanation
    assert "his own record places him in the home" in flag.explanation
    assert "mostly at his girlfriend's, Carlyon Rd" in flag.explanation
    # read with the household, never joined
    assert AgencyRecord.objects.get(local_id="A1").person != flag.child


def test_a_street_and_number_in_his_record_place_him(load):
    load(
        "police",
        [adult_row(description="New relationship with a woman who has two children, lives at 11 Carlyon Road.")],
    )
    load("school-oak", [child_row()])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is not None


def test_another_number_on_the_street_does_not_place_him(load):
    load("police", [adult_row(description="Lives at 40 Carlyon Road with his girlfriend.")])
    load("school-oak", [child_row()])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is None


def test_a_street_of_that_name_in_another_town_places_nobody(load):
    truro = dict(postcode="TR1 1JU", address="5 Agar Road, Truro")
    load("police", [adult_row(description="Staying at his girlfriend's on Carlyon Rd most nights.", **truro)])
    load("school-oak", [child_row()])
    entries_read()
    assert HomeMention.objects.count() == 1  # read, and then resolved to nothing: no Carlyon Road in TR1
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is None


def test_the_childs_record_naming_him_as_mums_partner_reads_him_with_the_household(load):
    load("police", [adult_row()])
    load("school-oak", [child_row()])
    load("health-gp", [child_row("G1", event_date="2025-03-20", event_type="Consultation",
                                 description="Seen with mum's partner Mark Spry, he answered for her.")])  # fmt: skip
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    flag = _flag_of_child()
    assert flag is not None and "household_adult_offending" in [r["code"] for r in flag.rules]
    assert "a record of the home names him" in flag.explanation
    assert "mum's partner Mark Spry" in flag.explanation
    assert AgencyRecord.objects.get(local_id="A1").person != flag.child


def test_an_initial_and_a_family_name_spelt_alike_name_him(load):
    load("police", [adult_row()])
    load("school-oak", [child_row(description="Stepdad Mr M Sprey collected her.")])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is not None


def test_two_candidates_name_nobody(load):
    load("police", [adult_row(), adult_row("A2", date_of_birth="1979-11-20", postcode="PL25 3AB",
                                            address="2 Slades Road, St Austell")])  # fmt: skip
    assert len({r.person_id for r in AgencyRecord.objects.filter(local_id__in=["A1", "A2"])}) == 2
    load("school-oak", [child_row(description="Mum's partner Mark Spry dropped her off.")])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is None


@pytest.mark.parametrize(
    "words",
    [
        "Mum says she has no partner Mark Spry or anyone else.",
        "Mum's ex-partner Mark Spry, no contact since 2019.",
        "New boyfriend (Mark) collected her.",
    ],
)
def test_no_partner_an_ex_partner_or_a_first_name_alone_name_nobody(load, words):
    load("police", [adult_row()])
    load("school-oak", [child_row(description=words)])
    entries_read()
    flags_evaluate(as_of=AS_OF, actor=SYSTEM)
    assert _flag_of_child() is None


def test_the_sentences_kept_and_read_are_the_cues_only():
    assert placed.mention_words("", "Attended. Weight 12kg. Next review 6 months.") == ""
    text = "On licence. Police intel: staying at a female's flat on Bodmin Rd. Denies relationship."
    assert "staying at a female's flat on Bodmin Rd" in placed.mention_words("", text)
    assert placed.streets_in("staying at a female's flat on Bodmin Rd") == [(None, ("bodmin road",))]
    assert placed.streets_in("lives at 14 Bodmin Road, Truro TR1 1RB") == [("14", ("bodmin road",))]
    assert placed.postcodes_in("lives at 14 Bodmin Road, Truro TR1 1RB") == ["TR11RB"]
    assert placed.streets_in("no longer staying at Bodmin Rd") == []
    assert placed.streets_in("Offence on Bodmin Rd") == []  # no presence cue
    assert placed.partners_named("mum's partner Dean Smith") == [("Dean", "Smith")]
    assert placed.partners_named("stepdad Mr D Smith present") == [("D", "Smith")]
    assert placed.partners_named("new boyfriend (Dean)") == []
    assert placed.partners_named("no partner") == []
    assert placed.partners_named("ex-partner Dean Smith, no contact since 2019") == []
    assert placed.address_street_keys("Flat 3, 8 Menacuddle Street")[1] == {"3", "8"}
    assert placed.district("TR1 1RB") == "TR1"

"""Signs the reader did not know before the eighth scenario set was diagnosed (issue 8), read from the guidance
``phrases/practice.yaml`` cites, and the ordinary sentences that must not read as them:

- faltering growth written as a weight note writes it, the centile now and the centile before ("9th (was 50th)"),
  read only for a fall across two or more centile spaces or a weight at the 2nd centile or below (NICE NG75);
- a soiled nappy written noun first, toothache or decay left for weeks, a carer refusing advised treatment or
  admission, a catch-up dose "not brought" (NICE CG89 neglect, dental neglect);
- a child not seen alone because the adult answers every question or will not leave the room (Working Together 2023);
- a child's fear of a parent finding out (NICE CG89 emotional abuse);
- no parental responsibility or papers for a child (private fostering: Children Act 1989 Part IX), which on an
  adult's record at the child's address counts for the child (rules/default.yaml household_indicators);
- a child blamed for bringing bad luck on the family (national action plan on abuse linked to faith or belief, 2012);
- a parent saying they cannot take a baby's crying (ICON; the Panel's 'The myth of invisible men', 2021);
- an injury witnessed by a coach or teacher is explained; home education judged good or planned with the EHE team
  is not missing education; an injury brought days later, or a bruise already yellow, is not explained by the
  account given.

Every sentence is in words of our own, not a bench scenario's.
"""

from __future__ import annotations

import pytest

from openmash.patterns.engine import Child, Rule, evaluate_child
from openmash.patterns.rules import default_specs
from openmash.patterns.tests.test_indicator_recall9 import _explained, _standing

AFFIRMED = [
    # faltering growth in weight-note shorthand
    ("Weighed today: wt 2nd centile (was 25th in March).", "neglect"),
    ("Height fine; weight 9th centile, previously 75th.", "neglect"),
    ("Wt 9th centile (was 75th at the 1 year check).", "neglect"),
    ("Weight has gone from the 91st to the 25th centile over the year.", "neglect"),
    ("Wt 2nd centile. Mum reports good appetite.", "neglect"),
    # neglect of care and health
    ("On arrival nappy badly soiled and rash to groin.", "neglect"),
    ("Tooth pain for 6 weeks, no dentist.", "neglect"),
    ("Rampant caries in the upper incisors.", "neglect"),
    ("Advised transfer to the ward for fluids, father refused and took him home.", "neglect"),
    ("Mother declined admission against advice.", "neglect"),
    ("Second MMR dose not brought; letter sent.", "missed_health_appointment"),
    # not seen alone
    ("Stepdad answered all the questions for him.", "practitioner_concern"),
    ("Aunt refused to leave the room during the examination.", "practitioner_concern"),
    # fear of a parent finding out
    ("Asked us not to write it down - terrified dad will find out she told anyone.", "emotional_abuse"),
    # private fostering papers
    ("Registered by a neighbour; no parental responsibility documents seen.", "private_fostering"),
    ("Tenant says a nephew of 12 lives with them now; no paperwork for the child.", "private_fostering"),
    # a child blamed for misfortune
    ("Grandmother told the nurse the girl brings bad luck to the family.", "faith_based_abuse"),
    # a parent who cannot cope with crying
    ("Dad said she cries for hours and I cannot take it.", "parental_mental_health"),
    ("Mum says she can't take it any more.", "parental_mental_health"),
]


@pytest.mark.parametrize(("description", "code"), AFFIRMED)
def test_the_new_signs_are_read(description, code):
    assert code in _standing(description), description


ORDINARY = [
    ("Wt 50th centile (was 50th), thriving.", "neglect"),
    ("Weight 25th centile, was 9th - catching up nicely.", "neglect"),
    ("Weight 9th centile, was 25th at birth.", "neglect"),
    ("Nappy changed by nursery, no concerns.", "neglect"),
    ("Caries-free, fissure sealants applied.", "neglect"),
    ("Mum declined the flu spray, wants the injection instead.", "neglect"),
    ("MMR2 given, mum present.", "missed_health_appointment"),
    ("Seen alone for part of the consultation.", "practitioner_concern"),
    ("Worried her mum will be cross about her exam results.", "emotional_abuse"),
    ("Dad has parental responsibility; documents seen.", "private_fostering"),
    ("Bad luck with the weather on the school trip.", "faith_based_abuse"),
    ("He can't take it - the tablets upset his stomach.", "parental_mental_health"),
]


@pytest.mark.parametrize(("description", "code"), ORDINARY)
def test_ordinary_sentences_are_not_read_as_these_signs(description, code):
    assert code not in _standing(description), description


@pytest.mark.parametrize(
    ("description", "code"),
    [
        ("Laceration to shin from a boot in a tackle, coach present.", "injury"),
        ("Fractured wrist on the climbing wall, instructor with her.", "fracture"),
        ("Home education visit: good provision seen, tutor three mornings a week.", "missing_education"),
        ("Moved to EHE; transition plan shared with the EHE team.", "missing_education"),
    ],
)
def test_witnessed_injuries_and_good_home_education_are_set_aside(description, code):
    assert code in _explained(description), description
    assert code not in _standing(description), description


@pytest.mark.parametrize(
    ("description", "code"),
    [
        ("Fractured wrist after he fell off his bike, brought in three days after the fall.", "fracture"),
        ("Says she fell off the swing. Yellow bruise on the other cheek.", "bruising"),
    ],
)
def test_a_delayed_presentation_or_an_older_bruise_keeps_an_account_from_explaining(description, code):
    assert code in _standing(description), description


def test_private_fostering_on_an_adults_record_at_the_childs_address_counts_for_the_child():
    """The carer's housing record saying a child without papers lives with her joins the child's own concerns and is
    named (rules/default.yaml household_indicators; Children Act 1989 Part IX)."""
    specs = {s.code: s for s in default_specs()}
    spec = specs["cross_agency_combination"]
    assert "private_fostering" in spec.definition["household_indicators"]
    rule = Rule(spec.code, 1, spec.rule_type, spec.title, spec.description, spec.definition)
    as_of = 800_000

    def ev(days_before, indicator, agency, n):
        return (as_of - days_before, indicator, agency, f"ref{n}", False, f"entry{n}")

    own = [ev(60, "burn", "school", 1), ev(30, "neglect", "gp", 2)]
    tenancy = ev(90, "private_fostering", "housing", 3)
    hits = evaluate_child([rule], Child("c", as_of - 9 * 365, own, [(tenancy, "carer", True)]), as_of)
    assert hits and {e[2] for e in hits[0].events} == {"school", "gp", "housing"}

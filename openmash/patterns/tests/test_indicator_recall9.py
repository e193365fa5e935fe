"""Signs the reader did not know before the seventh scenario set was diagnosed (issue 8), each read the general way
guidance describes it, and the ordinary sentences that must not read as them:

- forced marriage and so-called honour-based abuse: the warning signs of the *Multi-agency statutory guidance for
  dealing with forced marriage* (2023): surveillance by a brother or cousin, a family's reaction to a relationship,
  fear of not coming back after the holidays, a future arranged for the young person;
- a young person or pregnant woman who could not be seen alone (the same guidance; NICE CG110 on routine enquiry);
- labour exploitation and trafficking (Home Office modern slavery statutory guidance 2023, "spot the signs"): a
  debt for the journey, documents held by a "boss", a padlock on the outside of a bedroom door, living at the
  workplace, an adult who answers for everyone; and such signs at the child's address count for the child;
- children missing education (DfE *Children missing education*, 2024): no destination school, a child out in
  school hours, "not at school here yet"; a child lost to health care (FP69, post returned "gone away", boosters
  never given);
- young carers (Children and Families Act 2014 s.96): a pharmacy refusing a child under 16 a parent's controlled
  drugs, a child filling a parent's dosette or giving a parent's medicines;
- sexualised behaviour spelt "sexualised" or "sexualized" (the phrase was written with a bracket the phrase syntax
  does not have, so it read neither spelling), sexual touching of another child in the toilets;
- a parent stable on opioid substitution with negative screens is not current substance misuse (set aside, unless
  the record says current use, a positive screen or missed doses).

Every sentence is in words of our own, not a bench scenario's.
"""

from __future__ import annotations

import pytest

from openmash.patterns.engine import Child, Rule, evaluate_child
from openmash.patterns.indicators import read_event
from openmash.patterns.rules import default_specs


def _standing(description: str) -> dict[str, str]:
    return {f.indicator: f.evidence for f in read_event("other", "", description) if not f.explained}


def _explained(description: str) -> set[str]:
    return {f.indicator for f in read_event("other", "", description) if f.explained}


AFFIRMED = [
    # forced marriage / honour-based abuse
    ("Year 11 says her cousin goes through her phone every evening now.", "forced_marriage"),
    ("She has been kept in since her father found her talking to a boy after school.", "forced_marriage"),
    ("Asked the nurse what would happen if she didn't get back from the holidays in time for September.", None),
    ("Worried about what happens if she doesn't come back after the summer holidays, she said.", "forced_marriage"),
    ("Says her parents have arranged something for her abroad and she cannot say no.", "forced_marriage"),
    ("He told the youth worker he won't have any say in who he marries.", "forced_marriage"),
    # not seen alone
    ("Asked to speak to the young person alone - father refused and stayed in the room.", "practitioner_concern"),
    ("Not able to see her alone at either visit.", "practitioner_concern"),
    # labour exploitation and trafficking
    ("Told the caseworker he is paying back money for the lorry journey to his boss.", "trafficking"),
    ("He is working the debt off at the takeaway, he said.", "trafficking"),
    ("Wants his ID back from his employer, who 'keeps it safe'.", "trafficking"),
    ("Bolt fitted to the outside of the back bedroom door.", "trafficking"),
    ("Boys sleeping inside the nail bar after closing, neighbours say.", "trafficking"),
    ("Lad says he works seven days a week at the farm.", "trafficking"),
    ("Uncle answered for him throughout; the boy said nothing.", "trafficking"),
    ("Passed to the MSHT team for review.", "trafficking"),
    # children missing education, and a child lost to health care
    ("Left the school in March; no known destination school and no CTF request.", "missing_education"),
    ("Girl seen alone in the shopping centre during school hours on three days.", "missing_education"),
    ("Says she doesn't go to school anywhere at the moment.", "missing_education"),
    ("Mum says they are home-schooling until the council finds a place.", "missing_education"),
    ("FP69 received from PCSE; family not known at the address.", "non_engagement"),
    ("Letters returned not known at this address.", "non_engagement"),
    ("4-in-1 pre-school booster not given; no response to three invitations.", "missed_health_appointment"),
    # young carers
    ("Morphine not supplied to a child; pt's son sent in.", "young_carer"),
    ("Not handed over to an under-16: oxycodone for her father.", "young_carer"),
    ("Son (10) fills his mum's dosette box each Sunday.", "young_carer"),
    ("Daughter gives her morphine at night when the pain is bad.", "young_carer"),
    # sexualised behaviour in either spelling; touching another child in the toilets
    ("Sexualized behaviour in the home corner, reported to the DSL.", "sexual_harm"),
    ("Staff noted sexualised play with dolls.", "sexual_harm"),
    ("Reception child touched another pupil in the toilets.", "sexual_harm"),
]


@pytest.mark.parametrize(("description", "code"), [a for a in AFFIRMED if a[1]])
def test_the_new_signs_are_read(description, code):
    assert code in _standing(description), description


ORDINARY = [
    ("Her dad checks her phone time limits at night.", "forced_marriage"),
    ("Mum is arranging things for her birthday in the summer.", "forced_marriage"),
    ("She didn't get a say in her GCSE options and is cross about it.", "forced_marriage"),
    ("Older brother walks her home now after a near miss with a car.", "forced_marriage"),
    ("Seen alone for part of the consultation; no concerns.", "practitioner_concern"),
    ("Saturday job at the car wash with his dad; gloves provided.", "trafficking"),
    ("Pharmacy fill his dosette weekly and deliver it.", "young_carer"),
    ("District nurse gave her insulin this morning.", "young_carer"),
    ("Moved to a new school; CTF sent the same day.", "missing_education"),
    ("MMR given today, no reaction.", "missed_health_appointment"),
    ("Toilet humour with friends, reminded of expectations.", "sexual_harm"),
]


@pytest.mark.parametrize(("description", "code"), ORDINARY)
def test_ordinary_sentences_are_not_read_as_these_signs(description, code):
    assert code not in _standing(description), description


@pytest.mark.parametrize(
    "description",
    [
        "Transferred from another service: stable on methadone 60ml for 4 years.",
        "Methadone script stable, UDS negative for illicits for 18 months.",
        "Attends keywork; drug screens clean. On methadone.",
        "Methadone 30ml; drug free 2 years apart from the script.",
    ],
)
def test_a_parent_stable_in_treatment_is_set_aside(description):
    assert "substance_misuse" in _explained(description)
    assert "substance_misuse" not in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        "Stable on methadone but using heroin on top at weekends.",
        "On methadone, stable dose. Latest UDS positive for cocaine.",
        "Stable on methadone until last month; missed doses x3 and script on hold.",
        "Methadone 40ml, relapsed on crack.",
    ],
)
def test_current_use_keeps_opioid_substitution_counted(description):
    assert "substance_misuse" in _standing(description), description


def test_signs_of_trafficking_at_the_childs_address_count_for_the_child():
    """A housing record of the tenant (an adult at the child's address) with a padlock on the outside of a bedroom
    door joins the child's own concerns (rules/default.yaml household_indicators)."""
    specs = {s.code: s for s in default_specs()}
    spec = specs["cross_agency_combination"]
    assert "trafficking" in spec.definition["household_indicators"]
    rule = Rule(spec.code, 1, spec.rule_type, spec.title, spec.description, spec.definition)
    as_of = 800_000

    def ev(days_before, indicator, agency, n):
        return (as_of - days_before, indicator, agency, f"ref{n}", False, f"entry{n}")

    own = [ev(60, "burn", "ed", 1), ev(30, "trafficking", "police", 2)]
    tenancy = ev(90, "trafficking", "ha", 3)
    hits = evaluate_child([rule], Child("c", as_of - 16 * 365, own, [(tenancy, "tenant", True)]), as_of)
    assert hits and {e[2] for e in hits[0].events} == {"ed", "police", "ha"}

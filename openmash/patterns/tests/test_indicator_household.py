"""Signs recorded by agencies that see the home and the adults (phrases/household.yaml, merged onto default.yaml and
signs.yaml): young carers, coercive and controlling behaviour as housing, early years, GPs and pharmacies see it,
parental alcohol misuse in clinical shorthand, domestic servitude and child trafficking, self-harm as others see it;
and the benign sentences that must not read as them (a supported young carer, poverty, a leak, ordinary play,
a teenager helping at home).

Every sentence is written the way practitioners record, in words of our own (not a bench scenario's).
"""

from __future__ import annotations

import pytest

from openmash.patterns.engine import Child, Rule, evaluate_child
from openmash.patterns.indicators import SHIPPED_EXTRA_PHRASES_PATHS, read_event
from openmash.patterns.rules import default_specs


def _standing(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.evidence for f in read_event(kind, type_text, description) if not f.explained}


def _explained(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.explanation for f in read_event(kind, type_text, description) if f.explained}


AFFIRMED = [
    # young carers: intimate care, medicines, a parent's own words, caring nobody has noticed
    ("Year 8 pupil says he helps his dad into the bath most evenings since the accident.", "young_carer"),
    ("She washes and dresses her mum before school.", "young_carer"),
    ("Boy aged 11 gives his mother her insulin injections.", "young_carer"),
    ("Says she sorts out her dad's tablets into the dosette each Sunday.", "young_carer"),
    ("Girl of 12 tried to pick up her mum's methadone script; not supplied.", "young_carer"),
    ("Child sent in for father's controlled drugs. Refused - under 16, mum phoned.", "young_carer"),
    ("Pt with MS, lives with two children. States 'my daughter does my care, I don't want strangers'.", "young_carer"),
    ("Not known to the young carers service; no young carers assessment.", "young_carer"),
    ("Kept off school to look after her mum on bad days.", "young_carer"),
    ("Eldest (10) does the cooking and cleaning for the family while dad works nights.", "young_carer"),
    ("Hidden carer: looks after mum with MS, nobody at school knew.", "young_carer"),
    # coercive and controlling behaviour as others see it
    ("Officer noted fist-sized holes punched in two internal doors.", "domestic_abuse"),
    ("Bedroom door kicked in; tenant would not say how.", "domestic_abuse"),
    ("Dent in hallway plasterboard at head height, reported as an accident.", "domestic_abuse"),
    ("Her partner smashed her phone last week, she says.", "domestic_abuse"),
    ("Says her husband goes through her messages every night.", "domestic_abuse"),
    ("Tracking app on her phone installed by the ex-partner.", "domestic_abuse"),
    ("Boyfriend holds her bank card and gives her twenty pounds a week.", "domestic_abuse"),
    ("Her husband gives her a small allowance for food and nothing else.", "domestic_abuse"),
    ("Client has no bank account of her own; benefits paid to him.", "domestic_abuse"),
    ("Mum is not allowed to see her family, she told the key worker.", "domestic_abuse"),
    ("He won't let her go out without him.", "domestic_abuse"),
    ("Partner declined to wait outside during the smear consultation.", "domestic_abuse"),
    ("Husband answered all the questions put to her.", "domestic_abuse"),
    ("She glanced at her partner before every reply.", "domestic_abuse"),
    ("Mother appeared frightened of her husband during the visit.", "domestic_abuse"),
    ("Playing at daddy hitting mummy with the small-world figures.", "domestic_abuse"),
    ("Kept stamping on the baby doll and shouting 'stupid cow'.", "domestic_abuse"),
    # parental alcohol misuse in clinical shorthand
    ("AUDIT score 31 at the review.", "substance_misuse"),
    ("Drinks two bottles of wine a night, more at weekends.", "substance_misuse"),
    ("Father drinking eight cans of strong cider a day.", "substance_misuse"),
    ("Says dad gets angry when he's been drinking.", "substance_misuse"),
    ("Referred for a community alcohol detox.", "substance_misuse"),
    ("Chlordiazepoxide reducing regime started.", "substance_misuse"),
    ("Known dependent drinker, lives with her two boys.", "substance_misuse"),
    # domestic servitude and child trafficking
    ("The man described the boy as 'our house boy' who came with them from abroad.", "trafficking"),
    ("Neighbour says the family's house girl cooks and cleans all day.", "trafficking"),
    ("She is kept out of school to do the housework for the household.", "trafficking"),
    ("Made to do all the cleaning for the family; sleeps on the kitchen floor.", "trafficking"),
    ("Says he works long hours at the takeaway for no money.", "trafficking"),
    ("15-year-old found working in a nail bar during school hours.", "trafficking"),
    ("Child silent; kept looking at the accompanying adult before answering.", "trafficking"),
    ("Sibling says her brother is never at school himself.", "missing_education"),
    ("EWO check: the young person is on no school roll in the county.", "missing_education"),
    # self-harm as others see it
    ("Found with a charger cable looped round her neck in the bathroom.", "self_harm"),
    ("Scratches noted on both forearms at the PE change.", "self_harm"),
]


@pytest.mark.parametrize(("description", "code"), AFFIRMED)
def test_signs_seen_by_adults_and_home_services_are_read(description, code):
    assert code in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        # a supported carer is not a concern by that alone (see the explained list below for the reading)
        "Annual review: relapsing MS, stable on treatment.",
        # poverty is not economic abuse
        "Mum says she has no money for the gas meter until payday.",
        "No access to money until the first Universal Credit payment; food bank voucher given.",
        # repairs that are wear or a leak, not damage
        "Ceiling collapsed from a leak; hole in the plasterboard above the bath.",
        "Kitchen cupboard door off its hinges, worn fittings replaced.",
        "Front door forced by police under warrant; board-up ordered.",
        # ordinary play and ordinary parenting
        "Lovely role play: playing mummies and daddies, feeding the baby doll.",
        "Dad checks her phone settings each night - parental controls agreed with school.",
        "She is not allowed out after nine on school nights, mum says; a fair rule.",
        "Dad answered the questions about his son's sleep while mum was at work.",
        # a child who helps, not one who cares beyond their age
        "Helps with the washing up and walks the dog.",
        "Given pocket money each week for tidying her room.",
        "Son collected his own asthma inhaler from the pharmacy.",
        "Mum collected her prescription; no concerns.",
        "Baby drinking 5oz a feed, drinks well.",
        "Clinical audit of 25 case files completed.",
        # travel, visits and a Saturday job
        "Works a Saturday job at the bakery, enjoys it.",
        "Visiting her aunt for the summer holidays, happy and settled.",
        "Sore throat, scratchy voice, no other symptoms.",
    ],
)
def test_ordinary_sentences_are_not_read_as_these_signs(description):
    standing = _standing(description)
    assert not set(standing) & {"young_carer", "domestic_abuse", "trafficking", "substance_misuse", "self_harm"}, (
        standing
    )


@pytest.mark.parametrize(
    "description",
    [
        "Young carer card holder; lates agreed with head of year.",
        "Attends the young carers group on Tuesdays, enjoys it.",
        "Young carers assessment completed and reviewed; support plan in place.",
        "Young carer for her dad; care package in place and the PA does the personal care.",
    ],
)
def test_a_supported_young_carer_is_set_aside(description):
    assert "young_carer" in _explained(description)
    assert "young_carer" not in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        "Young carer, not known to the young carers project; mum declined a carers assessment.",
        "Not on the school's young carers register although he does his mum's personal care.",
        "Declines the care package: 'my son looks after me'. Attends the young carers group sometimes.",
    ],
)
def test_support_words_do_not_set_aside_caring_nobody_supports(description):
    assert "young_carer" in _standing(description)


def test_negated_household_signs_are_not_read():
    assert "domestic_abuse" not in _standing("No holes punched in the walls; home well kept.")
    assert "substance_misuse" not in _standing("Denies drinking a bottle of wine a night.")
    assert "self_harm" not in _standing("No scratches noted on her forearms.")


def test_the_shipped_rules_include_the_household_file():
    assert [p.name for p in SHIPPED_EXTRA_PHRASES_PATHS][:3] == ["signs.yaml", "household.yaml", "family.yaml"]


def test_a_parents_record_of_a_child_caring_counts_for_the_child():
    specs = {s.code: s for s in default_specs()}
    spec = specs["cross_agency_combination"]
    rule = Rule(spec.code, 1, spec.rule_type, spec.title, spec.description, spec.definition)
    as_of = 800_000

    def ev(days_before, indicator, agency, n):
        return (as_of - days_before, indicator, agency, f"ref{n}", False, f"entry{n}")

    own = [ev(60, "school_absence", "school", 1), ev(30, "neglect", "school", 2)]
    pharmacy = ev(90, "young_carer", "pharm", 3)  # the mother's pharmacy record
    hits = evaluate_child([rule], Child("c", as_of - 13 * 365, own, [(pharmacy, "mother", True)]), as_of)
    assert hits and {e[2] for e in hits[0].events} == {"pharm", "school"}
    # the same reading on another child's record does not count for this child
    assert not evaluate_child([rule], Child("c", as_of - 13 * 365, own, [(pharmacy, "sister", False)]), as_of)

"""Harm hidden in a child's care, home and family (phrases/family.yaml, merged onto the other shipped phrase files):
medical neglect, supervisory neglect, poor and unsafe home conditions, the exploitation of a vulnerable parent,
firearms or weapons with risk, sibling harm and an older child's harmful sexual behaviour, abuse linked to faith or
belief; with the negated and explained sentences that must not read as them (a supported parent, a witnessed
accident, a routine firearms renewal, DKA at diagnosis, repairs completed, an exempt dog, ordinary church life).

Every sentence is written the way practitioners record, in words of our own (not a bench scenario's); the sources
are named in the phrase file's header (NICE CG89, the Graded Care Profile 2, the Home Office cuckooing and firearms
licensing guidance, Hackett's continuum, the DfE National Action Plan on abuse linked to faith or belief).
"""

from __future__ import annotations

import pytest

from openmash.patterns.engine import Child, Rule, also_on_record, evaluate_child
from openmash.patterns.indicators import INDICATORS, SHIPPED_EXTRA_PHRASES_PATHS, read_event
from openmash.patterns.rules import default_specs

NEW = {"neglect", "home_conditions", "adult_exploited", "weapons_access", "sexual_harm", "physical_abuse",
       "faith_based_abuse"}  # fmt: skip


def _standing(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.evidence for f in read_event(kind, type_text, description) if not f.explained}


def _explained(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.explanation for f in read_event(kind, type_text, description) if f.explained}


AFFIRMED = [
    # medical neglect: prescribed treatment not collected, not given or run out (NICE CG89)
    ("Salbutamol and Clenil for the boy uncollected since March.", "neglect"),
    ("Child's epilepsy medication returned to stock after six weeks.", "neglect"),
    ("Mother says the insulin ran out on Friday and she had no more.", "neglect"),
    ("Reports the inhaler has not been given for weeks.", "neglect"),
    ("Third DKA this year; missed insulin doses admitted by the young person.", "neglect"),
    ("Sent to school with no inhaler in school again; letter home.", "neglect"),
    ("The hypo kit in the medical room has been empty since half term.", "neglect"),
    ("Glucose meter not used for weeks, nothing downloaded.", "neglect"),
    ("Hearing aids not replaced since they were lost in the summer.", "neglect"),
    ("No buccal midazolam in nursery since September.", "neglect"),
    # supervisory neglect (NICE CG89: left alone, in the care of a young child, found wandering)
    ("The three children were alone in the flat overnight; no adult at home.", "neglect"),
    ("He and his 5yo brother were home alone until the morning.", "neglect"),
    ("Left to babysit a 2 year old sibling while mum went out.", "neglect"),
    ("Says she looks after her little sister at night when dad is out.", "neglect"),
    ("Boy of four found wandering near the canal by a passer-by.", "neglect"),
    ("Toddler found in the street in a nappy at 7am.", "neglect"),
    ("Children locked out of the house until late in the evening.", "neglect"),
    # poor and unsafe home conditions (Graded Care Profile 2; Clutter Image Rating; Awaab Ishak; dog bites)
    ("Clutter Image Rating 6 in every room; the bath is unusable.", "home_conditions"),
    ("Bags piled to the ceiling in the hall, narrow pathways through the clutter.", "home_conditions"),
    ("Black mould on the walls of the baby's bedroom, cot pushed against it.", "home_conditions"),
    ("Tenant refused the damp survey visit again.", "home_conditions"),
    ("Flea bites on both legs, cat faeces on the landing.", "home_conditions"),
    ("The property is unfit for habitation; no heating in the property since October.", "home_conditions"),
    ("Second dog bite to the face in six months.", "home_conditions"),
    ("Bitten by the family dog while feeding it.", "home_conditions"),
    ("Neighbour reports a dog off the lead went for a toddler on the green.", "home_conditions"),
    ("Pit bull type dog not seized, living at the address with two children.", "home_conditions"),
    # the exploitation of a vulnerable parent in the home (cuckooing; Care Act 2014 financial abuse)
    ("Concerns the flat is being cuckooed by men from out of town.", "adult_exploited"),
    ("Unauthorised occupant found during the gas safety check.", "adult_exploited"),
    ("Neighbours say someone is living at the flat but not on the tenancy.", "adult_exploited"),
    ("Her new friend manages her benefits and keeps the bank card.", "adult_exploited"),
    ("PIP now paid into a different bank account she does not recognise.", "adult_exploited"),
    ("Mum, who has a learning disability, is being financially exploited by a lodger.", "adult_exploited"),
    ("Intelligence: he is living with a vulnerable woman and her two boys.", "adult_exploited"),
    # firearms or weapons with risk (Home Office firearms licensing guidance 2023)
    ("Says he keeps a loaded rifle under the bed.", "weapons_access"),
    ("Shotguns left out of the cabinet in the kitchen, children at home.", "weapons_access"),
    ("Child says his father taught him how to fire the shotgun and that it frightened him.", "weapons_access"),
    ("He threatened to kill the family if she called the police.", "weapons_access"),
    ("Domestic incident: shotgun holder status not reviewed by licensing.", "weapons_access"),
    # an older child's harmful sexual behaviour and an adult's disregard of privacy (Hackett; CSA Centre)
    ("Says her older brother gets into her bed when mum is at work.", "sexual_harm"),
    ("Concerns of harmful sexual behaviour by an older sibling towards his sister.", "sexual_harm"),
    ("Says the lodger comes into the bathroom when she's in the bath.", "sexual_harm"),
    ("Stepdad walks around the house naked, the girl says.", "sexual_harm"),
    # injuries to a baby put down to a sibling (NICE CG89: an implausible explanation is a reason to suspect)
    ("Bruise to the cheek blamed on his older brother.", "physical_abuse"),
    ("Mum says the toddler bit the baby.", "physical_abuse"),
    ("Father states her brother is rough with the baby.", "physical_abuse"),
    # abuse linked to faith or belief (DfE National Action Plan 2012)
    ("Aunt believes the girl has an evil spirit and must be prayed for.", "faith_based_abuse"),
    ("Child says they beat the demon out at the deliverance session.", "faith_based_abuse"),
    ("Boy says he is not allowed to eat until the pastor says he is clean.", "faith_based_abuse"),
    ("Family believe he is possessed; taken abroad to a healer.", "faith_based_abuse"),
    ("She was called a witch by her stepmother and made to sleep outside.", "faith_based_abuse"),
]


@pytest.mark.parametrize(("description", "code"), AFFIRMED)
def test_harm_in_care_home_and_family_is_read(description, code):
    assert code in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        # routine medicines and equipment
        "Repeat prescription ready for collection; mum collected it this afternoon.",
        "Mum collected his inhaler from the pharmacy; spacer technique checked.",
        "Insulin pump review: readings uploaded weekly, HbA1c improving.",
        "Glasses broken at play, new pair ordered the same day.",
        # supervision that is fine
        "Both children seen alone at the home visit, bedrooms tidy.",
        "Walks to school alone now that she is in Year 6, agreed with school.",
        "Sleeps on her own at night in her own room since the move.",
        "No adult safeguarding concerns at the review.",
        # a home that is ordinary, or a landlord's repair
        "Condensation on the kitchen window; advice on ventilation given.",
        "Family dog licensed and microchipped; children walk him daily.",
        "Loves the family dog, who sleeps in the kitchen.",
        "Was bitten by a dog in the park; the owner was traced.",
        # an adult's ordinary money, tenancy and care
        "Her son manages her online banking for her, she says, and she is happy with that.",
        "She manages her money well and has a budgeting app.",
        "Lodger added to the tenancy with the landlord's consent.",
        # firearms and words held lawfully and ordinarily
        "Shotgun certificate renewed; cabinet seen, cartridges stored separately.",
        "Dad will take us all out for pizza on Saturday, he says.",
        "Possessed cannabis, arrested and released on bail.",
        # siblings and faith in ordinary life
        "Big sister is gentle with the baby and loves to help at bath time.",
        "Attends church with her family on Sundays and enjoys the youth group.",
        "Played a shepherd in the nativity play; fasting for Ramadan with the family this year.",
        "Team spirit in the class is good.",
    ],
)
def test_ordinary_sentences_are_not_read_as_these_signs(description):
    standing = _standing(description)
    assert not set(standing) & (NEW | {"child_on_child_abuse"}), standing


@pytest.mark.parametrize(
    ("description", "code"),
    [
        ("Prescription not collected last week; collected the next day by dad.", "neglect"),
        ("Insulin not collected: changed to another pharmacy near school.", "neglect"),
        (
            "Admitted with DKA at diagnosis, newly diagnosed type 1 diabetes; 2nd DKA in the notes refers to the "
            "diagnosis admission.",
            "neglect",
        ),
        (
            "Black mould in the children's bedroom reported; mould wash completed and dehumidifier supplied.",
            "home_conditions",
        ),
        ("Pit bull type dog loose in the garden; dog seized and rehomed by the dog warden.", "home_conditions"),
        (
            "Unauthorised occupant: lodger since named on the tenancy with the landlord's consent given.",
            "adult_exploited",
        ),
        (
            "Threatened to kill the family; firearms certificate revoked and shotguns seized the same day.",
            "weapons_access",
        ),
    ],
)
def test_a_reason_in_the_record_sets_these_signs_aside(description, code):
    assert code in _explained(description)
    assert code not in _standing(description)


def test_the_record_contradicting_a_reason_keeps_the_sign():
    # collected once, but returned to stock twice: the reason does not cover the pattern
    assert "neglect" in _standing("Insulin returned to stock for the second time; collected the next day once.")
    # a baby not yet crawling: a sibling's blame does not explain the bruise (NICE CG89)
    assert "bruising" in _standing("Bruise to the ear, blamed on his older brother. Not yet crawling.")


def test_negated_family_signs_are_not_read():
    assert "home_conditions" not in _standing("No infestation seen; home clean and warm.")
    assert "neglect" not in _standing("No concerns that the children are left alone overnight.")
    assert "faith_based_abuse" not in _standing("No evidence of deliverance sessions or exorcism.")


def test_xl_bully_dogs_are_not_bullying():
    assert "child_on_child_abuse" not in _standing("XL bully type dog seen in the yard, exemption certificate seen.")
    assert "child_on_child_abuse" in _standing("Being bullied at school by older girls.")


def test_the_new_codes_are_in_the_catalogue_and_the_shipped_files():
    assert {"home_conditions", "adult_exploited", "weapons_access"} <= set(INDICATORS)
    assert "family.yaml" in [p.name for p in SHIPPED_EXTRA_PHRASES_PATHS]


def _rule() -> Rule:
    spec = next(s for s in default_specs() if s.code == "cross_agency_combination")
    return Rule(spec.code, 1, spec.rule_type, spec.title, spec.description, spec.definition)


def test_an_adults_home_and_danger_signs_count_for_the_child():
    rule, as_of = _rule(), 800_000

    def ev(days_before, indicator, agency, n):
        return (as_of - days_before, indicator, agency, f"ref{n}", False, f"entry{n}")

    own = [ev(60, "school_absence", "school", 1), ev(30, "neglect", "school", 2)]
    for n, code in enumerate(("home_conditions", "adult_exploited", "weapons_access", "self_harm"), 10):
        tenancy = ev(90, code, "housing", n)  # the mother's record
        hits = evaluate_child([rule], Child("c", as_of - 9 * 365, own, [(tenancy, "mother", True)]), as_of)
        assert hits and {e[2] for e in hits[0].events} == {"housing", "school"}, code
        # another child's reading never counts for this child
        assert not evaluate_child([rule], Child("c", as_of - 9 * 365, own, [(tenancy, "sister", False)]), as_of)


def test_one_agency_alone_never_fires_on_these_signs():
    rule, as_of = _rule(), 800_000
    events = [(as_of - d, code, "housing", f"r{d}", False, f"e{d}")
              for d, code in ((10, "home_conditions"), (20, "adult_exploited"), (30, "weapons_access"),
                              (40, "neglect"))]  # fmt: skip
    child = Child("c", as_of - 9 * 365, events)
    hits = evaluate_child([rule], child, as_of)
    assert hits == [] and also_on_record(hits, child, as_of) == ()

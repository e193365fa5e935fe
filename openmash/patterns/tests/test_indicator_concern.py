"""A low-level practitioner concern (phrases/concern.yaml, merged onto the other shipped phrase files) and the rule
that adds such concerns up across agencies (rules/lowlevel.yaml).

The reading is of the words practitioners in any agency use to signal a worry (concerns raised, a safeguarding
concern logged, shared with the DSL, a disclosure, an inconsistent account, a worsening presentation, a referral
on), not of any kind of harm; and of the words that say there is no worry or that the record settles it (no
concerns, not worried, no disclosures, resolved, explained, witnessed, engaging well, planned, authorised).

Every sentence is written the way practitioners record, in words of our own (not a bench scenario's).
"""

from __future__ import annotations

import pytest

from openmash.patterns.engine import Child, Rule, evaluate_child
from openmash.patterns.indicators import INDICATORS, SHIPPED_EXTRA_PHRASES_PATHS, read_event
from openmash.patterns.rules import SHIPPED_EXTRA_RULES_FILES, default_specs

CODE = "practitioner_concern"


def _standing(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.evidence for f in read_event(kind, type_text, description) if not f.explained}


def _explained(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.explanation for f in read_event(kind, type_text, description) if f.explained}


@pytest.mark.parametrize(
    "description",
    [
        "Teacher concerned about Rhys's presentation this week.",
        "Concerns raised by the dinner staff about how much she eats at lunch.",
        "Class teacher raised a concern after his comments in circle time.",
        "Growing concerns about the state of his uniform and his lateness.",
        "Staff worried: she was the last collected again and the adult was not known to us.",
        "Youth worker remains concerned following his comments about the older lads.",
        "Safeguarding concern logged by the receptionist after the phone call.",
        "Incident logged on CPOMS by the TA.",
        "Shared with the DSL the same day.",
        "Discussed with the named nurse for safeguarding.",
        "DSL informed and a note added to his file.",
        "Referred to children's social care by the practice.",
        "Referral made to early help with consent.",
        "Escalated to the team manager.",
        "Body map completed for a mark on the left thigh.",
        "Made a disclosure to her form tutor at break.",
        "Mum gave an inconsistent account of the weekend.",
        "The explanation has changed twice since Monday.",
        "Dad could not explain why the prescriptions were not collected.",
        "Presentation has deteriorated over the half term.",
        "Deterioration in his behaviour since Christmas.",
        "Arrived dishevelled and subdued.",
        "Fell asleep in class twice this week.",
    ],
)
def test_a_practitioners_recorded_worry_reads_as_a_concern(description):
    assert CODE in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        # said not to exist
        "No concerns.",
        "No safeguarding concerns at this visit.",
        "No further concerns raised by school.",
        "No concerns about the children's care.",
        "Not concerned about his weight; following his centile.",
        "Staff are not worried about this.",
        "No disclosures made.",
        "Nothing was disclosed.",
        "No referral needed.",
        # ordinary worries of a child or a parent, and a clinician's ordinary health concerns
        "Worried about her SATs next week.",
        "Nervous and worried about the injection; brave in the end.",
        "Mum concerned about his eczema flaring.",
        "Concerns about his speech; referred to speech and language therapy.",
        # a police welfare check is its own indicator
        "Concern for welfare.",
    ],
)
def test_negated_or_ordinary_worry_is_not_a_concern(description):
    assert CODE not in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        "Concerns about the bruise were resolved: fall in PE, witnessed by two members of staff.",
        "Teacher concerned about her tiredness; explained by a chest infection, mum phoned in.",
        "Worried about him after his grandad's death; bereavement support from the school counsellor.",
        "Shared with the DSL; parents engaging well with the plan.",
        "Concerns raised about missed sessions were resolved with mum at the review.",
        "Staff concerned about a bruise to his shin; history consistent, fell at football training.",
    ],
)
def test_a_concern_the_record_settles_is_explained(description):
    assert CODE not in _standing(description)
    assert CODE in _explained(description)


@pytest.mark.parametrize(
    "description",
    [
        "Concerns remain despite the explanation given by mum.",
        "Explained by mum as a fall, but the account has changed since; staff still worried.",
        "Referral to early help declined; concerns about home conditions raised again.",
    ],
)
def test_the_record_contradicting_its_settling_words_keeps_the_concern(description):
    assert CODE in _standing(description)


def test_other_indicators_are_read_as_before_beside_a_concern():
    assert set(_standing("Staff concerned about a bruise to her cheek.")) == {CODE, "bruising"}
    assert "police_welfare" in _standing("", kind="police_welfare", type_text="Concern for welfare")
    assert "substance_misuse" in _standing("Smelled of alcohol at collection.")
    assert "neglect" in _standing("Very hungry again, asking for seconds.")


def test_the_indicator_and_the_files_are_registered():
    assert CODE in INDICATORS and INDICATORS[CODE].description
    assert "concern.yaml" in [p.name for p in SHIPPED_EXTRA_PHRASES_PATHS]
    assert "lowlevel.yaml" in [p.name for p in SHIPPED_EXTRA_RULES_FILES]


def _rules() -> dict[str, Rule]:
    return {s.code: Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()}


AS_OF = 800_000


def _ev(days_before, indicator, agency, n, explained=False):
    return (AS_OF - days_before, indicator, agency, f"ref{n}", explained, f"entry{n}")


def test_low_level_concerns_from_three_agencies_fire_the_new_rule_only():
    rules = _rules()
    events = [_ev(120, CODE, "school", 1), _ev(80, CODE, "gp", 2), _ev(20, CODE, "youth", 3)]
    hits = evaluate_child(list(rules.values()), Child("c", AS_OF - 9 * 365, events), AS_OF)
    assert [h.rule.code for h in hits] == ["low_level_concerns_three_agencies"]
    assert {e[2] for e in hits[0].events} == {"school", "gp", "youth"}


def test_low_level_concerns_from_two_agencies_do_not_fire():
    rules = _rules()
    events = [_ev(120, CODE, "school", 1), _ev(80, CODE, "school", 2), _ev(50, CODE, "gp", 3), _ev(20, CODE, "gp", 4)]
    assert evaluate_child(list(rules.values()), Child("c", AS_OF - 9 * 365, events), AS_OF) == []


def test_explained_or_old_concerns_do_not_count():
    rule = _rules()["low_level_concerns_three_agencies"]
    explained = [_ev(120, CODE, "school", 1), _ev(80, CODE, "gp", 2), _ev(20, CODE, "youth", 3, explained=True)]
    assert evaluate_child([rule], Child("c", AS_OF - 9 * 365, explained), AS_OF) == []
    spread = [_ev(400, CODE, "school", 1), _ev(200, CODE, "gp", 2), _ev(10, CODE, "youth", 3)]
    assert evaluate_child([rule], Child("c", AS_OF - 9 * 365, spread), AS_OF) == []


def test_a_concern_weighs_half_in_the_combination_rule_and_is_not_the_same_concern():
    rules = _rules()
    combination, same = rules["cross_agency_combination"], rules["same_concern_two_agencies"]
    child = Child(
        "c", AS_OF - 9 * 365, [_ev(60, CODE, "school", 1), _ev(40, CODE, "gp", 2), _ev(30, "neglect", "gp", 3)]
    )
    assert evaluate_child([combination, same], child, AS_OF) == []
    more = [_ev(90, "school_absence", "school", 4), *child.events]
    assert [h.rule.code for h in evaluate_child([combination], Child("c", AS_OF - 9 * 365, more), AS_OF)] == [
        "cross_agency_combination"
    ]

"""The rules engine, rule by rule (pure Python, no database): each rule fires, stops at its boundary, never counts an
explained finding, and (but for the non-mobile baby rule) never fires on one agency alone."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from openmash.patterns.engine import Child, Rule, contributions, evaluate_child, rule_check
from openmash.patterns.rules import default_specs

AS_OF = dt.date(2025, 12, 31).toordinal()
_ids = itertools.count(1)


def ev(days_before: int, indicator: str, agency: str, *, explained: bool = False, entry=None) -> tuple:
    """An event tuple `days_before` as_of."""
    n = next(_ids)
    return (AS_OF - days_before, indicator, agency, f"ref{n}", explained, entry or f"entry{n}")


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return {s.code: Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()}


def fired(rule: Rule, events, *, dob=None, household=(), as_of=AS_OF, adult=False) -> bool:
    return bool(evaluate_child([rule], Child("c", dob, events, household, adult), as_of))


# --- combination: 3 from 2 agencies within 183 days -----------------------------------------------------------------


def test_combination_fires_on_three_concerns_from_two_agencies(rules):
    r = rules["cross_agency_combination"]
    assert fired(r, [ev(100, "domestic_abuse", "police"), ev(50, "school_absence", "school"), ev(10, "neglect", "hv")])


def test_combination_window_boundary(rules):
    r = rules["cross_agency_combination"]
    inside = [ev(182, "domestic_abuse", "police"), ev(90, "school_absence", "school"), ev(0, "neglect", "school")]
    outside = [ev(183, "domestic_abuse", "police"), ev(90, "school_absence", "school"), ev(0, "neglect", "school")]
    assert fired(r, inside)
    assert not fired(r, outside)


def test_combination_one_agency_never_flags(rules):
    r = rules["cross_agency_combination"]
    assert not fired(r, [ev(d, "domestic_abuse", "police") for d in (5, 20, 40, 60, 80)])


def test_combination_explained_findings_do_not_count(rules):
    r = rules["cross_agency_combination"]
    events = [ev(100, "injury", "school", explained=True), ev(50, "school_absence", "school"), ev(10, "neglect", "hv")]
    assert not fired(r, events)


def test_combination_ignores_events_after_as_of(rules):
    r = rules["cross_agency_combination"]
    events = [ev(100, "domestic_abuse", "police"), ev(50, "school_absence", "school"), ev(-10, "neglect", "hv")]
    assert not fired(r, events)


def test_combination_indicators_of_one_event_count_once(rules):
    r = rules["cross_agency_combination"]
    one = "entry-x"
    events = [ev(10, "injury", "hv", entry=one), ev(10, "bruising", "hv", entry=one), ev(5, "neglect", "school")]
    assert not fired(r, events)


def test_combination_weak_indicators_weigh_less(rules):
    r = rules["cross_agency_combination"]
    events = [ev(30, "ed_attendance", "hospital-a"), ev(20, "ed_attendance", "hospital-b"), ev(5, "neglect", "hv")]
    assert not fired(r, events)  # 0.5 + 0.5 + 1 < 3


# --- age: an injury to a baby not yet mobile -------------------------------------------------------------------------


def test_age_fires_for_one_agency_on_a_baby_under_six_months(rules):
    r = rules["non_mobile_baby_injury"]
    dob = AS_OF - 200
    assert fired(r, [ev(100, "bruising", "hv")], dob=dob)  # 100 days old


def test_age_boundary_and_no_date_of_birth(rules):
    r = rules["non_mobile_baby_injury"]
    dob = AS_OF - 300
    assert fired(r, [ev(300 - 182, "bruising", "hv")], dob=dob)
    assert not fired(r, [ev(300 - 183, "bruising", "hv")], dob=dob)
    assert not fired(r, [ev(100, "bruising", "hv")], dob=None)


def test_age_explained_injury_does_not_count(rules):
    r = rules["non_mobile_baby_injury"]
    assert not fired(r, [ev(100, "bruising", "hv", explained=True)], dob=AS_OF - 200)


# --- repeat contacts ---------------------------------------------------------------------------------------------


def test_repeat_contacts_three_in_twelve_months(rules):
    r = rules["repeat_contacts"]
    assert fired(r, [ev(300, "contact", "police"), ev(200, "contact", "school"), ev(10, "contact", "police")])
    assert fired(r, [ev(374, "contact", "police"), ev(200, "contact", "school"), ev(10, "contact", "police")])
    assert not fired(r, [ev(375, "contact", "police"), ev(200, "contact", "school"), ev(10, "contact", "police")])
    assert not fired(r, [ev(200, "contact", "school"), ev(10, "contact", "police")])


def test_repeat_contacts_explained_do_not_count(rules):
    r = rules["repeat_contacts"]
    events = [ev(300, "contact", "police"), ev(200, "contact", "school", explained=True), ev(10, "contact", "police")]
    assert not fired(r, events)


# --- repeat emergency attendances ----------------------------------------------------------------------------------


def test_repeat_ed_needs_different_hospitals(rules):
    r = rules["repeat_emergency_attendances"]
    assert fired(
        r, [ev(300, "ed_attendance", "hosp-a"), ev(100, "ed_attendance", "hosp-b"), ev(5, "ed_attendance", "hosp-a")]
    )
    assert not fired(
        r, [ev(300, "ed_attendance", "hosp-a"), ev(100, "ed_attendance", "hosp-a"), ev(5, "ed_attendance", "hosp-a")]
    )
    assert not fired(
        r, [ev(371, "ed_attendance", "hosp-a"), ev(100, "ed_attendance", "hosp-b"), ev(5, "ed_attendance", "hosp-a")]
    )


# --- household adult --------------------------------------------------------------------------------------------------


def test_household_adult_with_offending_and_a_concern_from_another_agency(rules):
    r = rules["household_adult_offending"]
    adult = [(ev(60, "adult_offending", "police"), "adult", True)]
    assert fired(r, [ev(20, "neglect", "hv")], household=adult)
    assert not fired(r, [ev(20, "neglect", "police")], household=adult)  # one agency
    assert not fired(r, [], household=adult)
    assert not fired(r, [ev(20, "neglect", "hv")], household=[(adult[0][0], "child2", False)])  # not an adult


def test_household_adult_window_and_explained(rules):
    r = rules["household_adult_offending"]
    adult = [(ev(400, "adult_offending", "police"), "adult", True)]
    assert not fired(r, [ev(20, "neglect", "hv")], household=adult)  # 380 days apart
    explained = [(ev(60, "adult_offending", "police", explained=True), "adult", True)]
    assert not fired(r, [ev(20, "neglect", "hv")], household=explained)


# --- missing education and health ------------------------------------------------------------------------------------


def test_missing_education_and_health(rules):
    r = rules["missing_education_and_health"]
    assert fired(r, [ev(100, "missing_education", "school"), ev(20, "missed_health_appointment", "gp")])
    assert not fired(r, [ev(300, "missing_education", "school"), ev(20, "missed_health_appointment", "gp")])
    assert not fired(r, [ev(100, "missing_education", "gp"), ev(20, "missed_health_appointment", "gp")])
    assert not fired(
        r, [ev(100, "school_absence", "school", explained=True), ev(20, "missed_health_appointment", "gp")]
    )


# --- unborn -------------------------------------------------------------------------------------------------------------


def test_unborn_pregnancy_with_risk_in_the_household(rules):
    r = rules["unborn_with_risk_factors"]
    household = [(ev(50, "domestic_abuse", "police"), "partner", True)]
    assert fired(r, [ev(30, "pregnancy", "midwife")], household=household, adult=True)
    assert fired(r, [ev(30, "pregnancy", "midwife"), ev(20, "substance_misuse", "police")], adult=True)
    assert not fired(r, [ev(30, "pregnancy", "midwife"), ev(20, "substance_misuse", "midwife")])  # one agency
    assert not fired(r, [ev(30, "pregnancy", "midwife")])
    far = [(ev(500, "domestic_abuse", "police"), "partner", True)]
    assert not fired(r, [ev(30, "pregnancy", "midwife")], household=far)


# --- same concern ------------------------------------------------------------------------------------------------------


def test_same_concern_from_two_agencies(rules):
    r = rules["same_concern_two_agencies"]
    assert fired(r, [ev(100, "injury", "school"), ev(30, "injury", "gp")])
    assert not fired(r, [ev(200, "injury", "school"), ev(10, "injury", "gp")])
    assert not fired(r, [ev(100, "injury", "school"), ev(30, "injury", "school")])
    assert not fired(r, [ev(100, "injury", "school", explained=True), ev(30, "injury", "gp")])
    assert not fired(r, [ev(100, "ed_attendance", "h1"), ev(30, "ed_attendance", "h2")])


# --- the engine as a whole -----------------------------------------------------------------------------------------


def test_a_single_indicator_never_flags_a_child_except_a_baby_injury(rules):
    everything = list(rules.values())
    for indicator in ("injury", "domestic_abuse", "missing_episode", "contact", "ed_attendance", "adult_offending"):
        assert not evaluate_child(everything, Child("c", AS_OF - 3000, [ev(10, indicator, "police")]), AS_OF)
    assert evaluate_child(everything, Child("c", AS_OF - 100, [ev(10, "injury", "police")]), AS_OF)


def test_contributions_are_in_time_order_with_their_rules(rules):
    events = [ev(10, "neglect", "hv"), ev(100, "domestic_abuse", "police"), ev(50, "domestic_abuse", "school")]
    hits = evaluate_child(list(rules.values()), Child("c", None, events), AS_OF)
    assert {"cross_agency_combination", "same_concern_two_agencies"} <= {h.rule.code for h in hits}
    ordered = contributions(hits)
    assert [e[0] for e, _ in ordered] == sorted(e[0] for e in events)
    assert "same_concern_two_agencies" in ordered[0][1] and "cross_agency_combination" in ordered[0][1]


def test_an_adult_is_read_by_the_unborn_rule_only(rules):
    events = [ev(100, "domestic_abuse", "police"), ev(50, "domestic_abuse", "school"), ev(10, "neglect", "hv")]
    assert not evaluate_child(list(rules.values()), Child("a", None, events, (), True), AS_OF)


def test_rule_definitions_are_checked():
    assert rule_check("nope", {}).startswith("unknown rule type")
    assert rule_check("combination", {"window_days": -1}) == "window_days must be a whole number of 0 or more"
    assert rule_check("co_occurrence", {}) == "groups: give at least one list of indicators"
    assert rule_check("combination", {"window_days": 90}) is None


# --- the pieces together: the reader's codes, the household, a child's own arrest ----------------------------------


def test_every_code_the_rules_name_is_one_the_reader_or_reading_emits():
    from openmash.patterns.engine import KNOWN_INDICATORS, rule_codes
    from openmash.patterns.indicators import INDICATORS

    assert KNOWN_INDICATORS - set(INDICATORS) == {"contact", "child_offending"}
    for spec in default_specs():
        unknown = set(rule_codes(spec.definition)) - KNOWN_INDICATORS
        assert not unknown, f"{spec.code} names codes the reader never emits: {sorted(unknown)}"


def test_a_rule_naming_an_unknown_indicator_code_is_refused():
    assert "unknown indicator code: bruise" in rule_check("age", {"indicators": ["injury", "bruise"]})
    assert "unknown indicator code" in rule_check("combination", {"weights": {"brusing": 1}})
    assert "unknown indicator code" in rule_check("co_occurrence", {"groups": [["school_absense"]]})


def test_the_injury_rules_read_every_injury_code_of_the_reader(rules):
    from openmash.patterns.indicators import INJURY_INDICATORS

    baby = AS_OF - 60
    for code in INJURY_INDICATORS:
        assert fired(rules["non_mobile_baby_injury"], [ev(10, code, "gp")], dob=baby), code
    narrow = Rule("r", 1, "age", "t", "d", {"indicators": ["injury"], "max_age_days": 183})
    assert fired(narrow, [ev(10, "bruising", "gp")], dob=baby)


def test_two_agencies_injuries_of_different_kinds_are_the_same_concern(rules):
    r = rules["same_concern_two_agencies"]
    assert fired(r, [ev(40, "bruising", "school"), ev(10, "fracture", "ed")])


def test_a_childs_own_arrest_is_not_adult_offending(rules):
    dob = AS_OF - 15 * 365
    arrest = ev(30, "adult_offending", "police")
    adult_rule = Rule("r", 1, "same_concern", "t", "d", {"exclude": ["child_offending"], "min_agencies": 2})
    events = [arrest, ev(20, "adult_offending", "yot")]
    assert not fired(adult_rule, events, dob=dob)
    assert fired(adult_rule, events, dob=AS_OF - 30 * 365)
    # still a concern about the child for the combination
    r = rules["cross_agency_combination"]
    assert fired(r, [arrest, ev(20, "missing_episode", "police"), ev(10, "school_absence", "school")], dob=dob)


def test_an_adults_harm_at_the_childs_address_counts_for_the_child(rules):
    r = rules["cross_agency_combination"]
    mother_da = ev(60, "domestic_abuse", "police")
    partner = ev(40, "adult_offending", "probation")
    own = [ev(20, "school_absence", "school")]
    household = [(mother_da, "mother", True), (partner, "partner", True)]
    hits = evaluate_child([r], Child("c", AS_OF - 3000, own, household), AS_OF)
    assert hits and {e[2] for e in hits[0].events} == {"police", "probation", "school"}
    # another child's events, or an explained one, do not count
    sibling = [(mother_da, "sister", False), (ev(40, "adult_offending", "probation", explained=True), "p", True)]
    assert not fired(r, own, household=sibling, dob=AS_OF - 3000)


# --- also on record: every agency whose record informs the flag is named ---------------------------------------------


def test_also_on_record_names_another_agency_in_the_period_of_the_hits(rules):
    from openmash.patterns.engine import also_on_record

    r = rules["cross_agency_combination"]
    fired_events = [ev(100, "domestic_abuse", "police"), ev(60, "school_absence", "school"), ev(30, "neglect", "hv")]
    # a fourth agency's concern outside the rule's six-month window (250 days to 30) but within six months before
    # the earliest event of the hit (100 + 183 days)
    pharmacy = ev(250, "neglect", "pharmacy")
    too_old = ev(300, "neglect", "housing")
    child = Child("c", None, [*fired_events, pharmacy, too_old])
    hits = evaluate_child([r], child, AS_OF)
    assert {e[2] for h in hits for e in h.events} == {"police", "school", "hv"}
    assert [e[3] for e in also_on_record(hits, child, AS_OF)] == [pharmacy[3]]


def test_also_on_record_leaves_out_explained_old_hub_and_neutral_events(rules):
    from openmash.patterns.engine import HUB, also_on_record

    r = rules["same_concern_two_agencies"]
    hits_events = [ev(30, "injury", "ed"), ev(20, "bruising", "school")]
    left_out = [
        ev(25, "neglect", "gp", explained=True),  # explained: never counted, never named
        ev(700, "neglect", "housing"),  # long before the period of the hits
        ev(10, "neglect", HUB),  # the hub's own record
        ev(15, "pregnancy", "midwifery"),  # not a concern by itself
        ev(12, "hospital_admission", "ward"),
        ev(-5, "neglect", "pharmacy"),  # after as_of
    ]
    child = Child("c", None, [*hits_events, *left_out])
    hits = evaluate_child([r], child, AS_OF)
    assert hits
    assert also_on_record(hits, child, AS_OF) == ()


def test_also_on_record_reads_household_adults_but_never_another_child(rules):
    from openmash.patterns.engine import also_on_record

    r = rules["same_concern_two_agencies"]
    hits_events = [ev(30, "injury", "ed"), ev(20, "injury", "school")]
    mothers = ev(40, "domestic_abuse", "housing")
    sisters = ev(40, "self_harm", "camhs")
    child = Child("c", None, hits_events, [(mothers, "mum", True), (sisters, "sister", False)])
    hits = evaluate_child([r], child, AS_OF)
    also = also_on_record(hits, child, AS_OF)
    assert [e[3] for e in also] == [mothers[3]]


def test_also_on_record_never_makes_a_flag(rules):
    from openmash.patterns.engine import also_on_record

    child = Child("c", None, [ev(30, "neglect", "school"), ev(20, "neglect", "school"), ev(10, "neglect", "gp")])
    hits = evaluate_child([rules["cross_agency_combination"]], Child("c", None, [ev(30, "neglect", "school")]), AS_OF)
    assert hits == []
    assert also_on_record(hits, child, AS_OF) == ()


def test_contributions_list_also_on_record_events_with_no_rule(rules):
    r = rules["same_concern_two_agencies"]
    hits_events = [ev(30, "injury", "ed"), ev(20, "injury", "school")]
    extra = ev(25, "neglect", "pharmacy")
    hits = evaluate_child([r], Child("c", None, hits_events), AS_OF)
    rows = contributions(hits, [extra])
    assert [(e[3], codes) for e, codes in rows] == [
        (hits_events[0][3], ["same_concern_two_agencies"]),
        (extra[3], []),
        (hits_events[1][3], ["same_concern_two_agencies"]),
    ]

"""`score(expected, flags_rows)`: hand-made export rows against hand-made expectations (no engine, no database)."""

from __future__ import annotations

from openmash.patterns.scenarios.model import BENIGN, CONCERNING, TRAP, Expectation
from openmash.patterns.scenarios.score import score

# A concerning scenario: the child has a police record P1 and a school record S1; his mother has police record P2.
CHILD = Expectation(
    code="CNX",
    theme="domestic abuse escalation",
    kind=CONCERNING,
    record_people={"P1": "child", "S1": "child", "P2": "mother"},
    flagged_person="child",
    required_ids=frozenset({"P1", "S1"}),
    agencies=frozenset({"police", "school"}),
)
ORDINARY = Expectation(code="BNX", theme="domestic abuse escalation", kind=BENIGN,
                       record_people={"P9": "child", "S9": "child"})  # fmt: skip
TWINS = Expectation(code="TRX", theme="twins", kind=TRAP, record_people={"PA": "twin_a", "SB": "twin_b"})
RIGHT_ONE = Expectation(
    code="TRY",
    theme="same name",
    kind=TRAP,
    record_people={"EA": "at_risk", "CA": "at_risk", "SZ": "other"},
    flagged_person="at_risk",
    required_ids=frozenset({"EA", "CA"}),
    agencies=frozenset({"ed", "camhs"}),
)


def flag(ids, agencies, explanation="x"):
    return {"record_ids": ";".join(ids), "agencies": ";".join(agencies), "explanation": explanation}


def one(report, code):
    return next(r for r in report.results if r.code == code)


def test_a_flag_on_the_right_child_naming_every_agency_passes():
    report = score([CHILD, ORDINARY], [flag(["S1", "P1"], ["SCHOOL", "police", "ed"])])
    assert one(report, "CNX").passed and report.recall == 1.0
    assert one(report, "BNX").passed and report.false_flag_rate == 0.0


def test_a_flag_naming_only_one_of_two_agencies_fails():
    report = score([CHILD], [flag(["P1", "S1"], ["police"])])
    r = one(report, "CNX")
    assert not r.passed and "school" in r.reason and report.recall == 0.0


def test_a_flag_missing_one_of_the_childs_records_fails():
    r = one(score([CHILD], [flag(["P1"], ["police", "school"])]), "CNX")
    assert not r.passed and "S1" in r.reason


def test_a_flag_on_the_wrong_child_fails():
    r = one(score([CHILD], [flag(["P2"], ["police", "school"])]), "CNX")
    assert not r.passed and r.reason == "flag on the wrong child"


def test_a_flag_built_on_a_merge_with_another_person_fails():
    r = one(score([CHILD], [flag(["P1", "S1", "P2"], ["police", "school"])]), "CNX")
    assert not r.passed and "merged" in r.reason


def test_no_flag_fails_a_concerning_scenario():
    report = score([CHILD], [])
    assert not one(report, "CNX").passed and one(report, "CNX").got == "no flag"


def test_any_flag_in_a_benign_scenario_is_a_false_flag():
    report = score([CHILD, ORDINARY], [flag(["P1", "S1"], ["police", "school"]), flag(["S9"], ["school"])])
    assert not one(report, "BNX").passed and one(report, "BNX").reason == "false flag"
    assert report.false_flags == 1 and report.false_flag_rate == 1.0 and report.recall == 1.0


def test_a_merge_trap_flag_counts_against_the_trap():
    merged = score([TWINS], [flag(["PA", "SB"], ["police", "school"])])
    assert not one(merged, "TRX").passed and one(merged, "TRX").reason == "wrongly merged two people"
    single = score([TWINS], [flag(["PA"], ["police"])])
    assert not one(single, "TRX").passed and single.traps_passed == 0
    assert score([TWINS], []).traps_passed == 1


def test_a_trap_with_a_child_at_risk_passes_only_when_the_other_child_is_left_alone():
    good = score([RIGHT_ONE], [flag(["EA", "CA"], ["ed", "camhs", "police"])])
    assert one(good, "TRY").passed
    both = score([RIGHT_ONE], [flag(["EA", "CA"], ["ed", "camhs"]), flag(["SZ"], ["school"])])
    assert not one(both, "TRY").passed and "other child" in one(both, "TRY").reason
    merged = score([RIGHT_ONE], [flag(["EA", "CA", "SZ"], ["ed", "camhs", "school"])])
    assert not one(merged, "TRY").passed and "merged" in one(merged, "TRY").reason


def test_rows_on_nobody_in_the_scenarios_are_counted_apart_and_blank_cells_are_tolerated():
    report = score([CHILD, ORDINARY], [flag(["ZZ1"], ["police"]), {"record_ids": "", "agencies": None}])
    assert report.unmatched_rows == 2 and report.false_flags == 0
    assert report.summary_lines()[0].startswith("Scenario recall: 0/1")

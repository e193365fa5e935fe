"""Reading hospital presentations, an infant's apparent life-threatening events and recurrent urinary or anogenital
symptoms (NICE CG89), with their negations and medical explanations; and the rules that count them only together
with other concerns (rules/default.yaml). No database."""

from __future__ import annotations

import datetime as dt

import pytest

from openmash.patterns import engine
from openmash.patterns.engine import Child
from openmash.patterns.indicators import read_event
from openmash.patterns.rules import default_specs


def _read(kind: str, type_text: str, description: str) -> dict:
    return {f.indicator: f for f in read_event(kind, type_text, description)}


@pytest.mark.parametrize(
    ("kind", "type_text", "text"),
    [
        ("admission", "Admission", "Admitted."),
        ("other", "Ward note", "Admitted to the children's ward overnight for observation."),
        ("other", "Paediatrics", "Unplanned admission via the assessment unit."),
    ],
)
def test_an_admission_is_read_as_a_hospital_admission(kind, type_text, text):
    found = _read(kind, type_text, text)
    assert "hospital_admission" in found and not found["hospital_admission"].explained


@pytest.mark.parametrize(
    "text",
    [
        "Planned admission for tonsillectomy, day case.",
        "Admitted with bronchiolitis, oxygen for two days.",
        "Elective surgery: grommets.",
    ],
)
def test_a_planned_admission_or_one_for_an_illness_is_explained(text):
    found = _read("admission", "Admission", text)
    assert found["hospital_admission"].explained


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Mother reports baby stopped breathing and went blue at home.", "stopped breathing"),
        ("Third reported apnoea at home, only ever witnessed by mother.", "apnoea"),
        ("BRUE in a 6 week old, well on arrival.", "BRUE"),
        ("Dad found him floppy in the cot.", "found him floppy"),
    ],
)
def test_an_infants_apparent_life_threatening_event_is_read(text, words):
    found = _read("ed_attendance", "ED attendance", text)
    ale = found["apparent_life_threatening_event"]
    assert not ale.explained and words.lower() in ale.evidence.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Choking episode while feeding; known severe reflux, on treatment.",
        "Apnoea with bronchiolitis, RSV positive.",
        "Blue episode: born premature at 29 weeks, apnoea of prematurity.",
    ],
)
def test_an_apparent_life_threatening_event_with_a_medical_cause_is_explained(text):
    found = _read("ed_attendance", "ED attendance", text)
    assert found["apparent_life_threatening_event"].explained


def test_a_medical_cause_does_not_explain_an_event_with_blood_from_the_nose_or_mouth():
    found = _read("admission", "Admission", "Went blue after a choking episode, blood from the nose; known reflux.")
    assert not found["apparent_life_threatening_event"].explained


def test_no_apnoea_is_not_an_apparent_life_threatening_event():
    assert "apparent_life_threatening_event" not in _read("ed_attendance", "ED attendance", "No apnoea observed.")


@pytest.mark.parametrize(
    "text",
    [
        "Third urinary tract infection in 6 months; soreness.",
        "Recurrent UTIs, says it stings when weeing.",
        "Complains of a sore bottom and vaginal discharge.",
        "Persistent dysuria, urine dip negative.",
        "Blood in her knickers reported by nursery.",
    ],
)
def test_recurrent_urinary_or_anogenital_symptoms_are_read(text):
    found = _read("health_contact", "Consultation", text)
    assert "anogenital_symptoms" in found and not found["anogenital_symptoms"].explained


@pytest.mark.parametrize(
    "text",
    [
        "Third UTI confirmed, renal anomaly on ultrasound, under the urology clinic.",
        "Recurrent UTIs with vesicoureteric reflux, on prophylactic antibiotics.",
        "Sore bottom: threadworms seen, treated.",
        "Recurrent urinary infections with chronic constipation, laxatives started.",
        "Vulval soreness: lichen sclerosus diagnosed by dermatology.",
    ],
)
def test_urinary_or_anogenital_symptoms_with_a_medical_cause_are_explained(text):
    found = _read("health_contact", "Consultation", text)
    assert found["anogenital_symptoms"].explained


def test_one_urinary_infection_is_not_a_sign():
    found = _read("health_contact", "Consultation", "UTI, antibiotics given, settled.")
    assert "anogenital_symptoms" not in found


def test_no_genital_soreness_is_not_read():
    found = _read("health_contact", "Consultation", "Nappy area checked: no genital soreness.")
    assert "anogenital_symptoms" not in found


def test_normal_investigations_leave_recurrent_infections_unexplained():
    found = _read("health_contact", "Consultation", "Fourth UTI; renal ultrasound normal, no cause found.")
    assert not found["anogenital_symptoms"].explained


# --- the rules ------------------------------------------------------------------------------------------------------


def _rules():
    return [engine.Rule(s.code, 1, s.rule_type, s.title, s.description, s.definition) for s in default_specs()]


def _ev(day: int, indicator: str, agency: str, n: int):
    return (day, indicator, agency, f"ref-{n}", False, f"entry-{n}")


AS_OF = dt.date(2026, 9, 30).toordinal()
BABY = AS_OF - 200


def test_presentations_at_three_hospitals_fire_with_admissions_and_apparent_life_threatening_events():
    events = [
        _ev(AS_OF - 140, "ed_attendance", "ed-a", 1),
        _ev(AS_OF - 140, "apparent_life_threatening_event", "ed-a", 1),
        _ev(AS_OF - 90, "apparent_life_threatening_event", "ed-b", 2),
        _ev(AS_OF - 35, "hospital_admission", "ward-c", 3),
    ]
    hits = engine.evaluate_child(_rules(), Child("baby", BABY, events), AS_OF)
    assert "repeat_emergency_attendances" in [h.rule.code for h in hits]


def test_admissions_alone_at_one_hospital_do_not_fire():
    events = [_ev(AS_OF - 100 + 10 * n, "hospital_admission", "ward-c", n) for n in range(5)]
    assert engine.evaluate_child(_rules(), Child("baby", BABY, events), AS_OF) == []


def test_admissions_are_not_concerns_for_the_combination_or_the_same_concern_rules():
    events = [
        _ev(AS_OF - 50, "hospital_admission", "ward-a", 1),
        _ev(AS_OF - 40, "hospital_admission", "ward-b", 2),
        _ev(AS_OF - 30, "school_absence", "school", 3),
        _ev(AS_OF - 20, "missed_health_appointment", "gp", 4),
    ]
    codes = [h.rule.code for h in engine.evaluate_child(_rules(), Child("kid", AS_OF - 3000, events), AS_OF)]
    assert "cross_agency_combination" not in codes and "same_concern_two_agencies" not in codes


def test_anogenital_symptoms_only_count_with_other_concerns():
    alone = [_ev(AS_OF - 60 + 20 * n, "anogenital_symptoms", ag, n) for n, ag in enumerate(["gp", "ed-a", "gp"])]
    assert engine.evaluate_child(_rules(), Child("kid", AS_OF - 1500, alone), AS_OF) == []
    with_others = [
        *alone[:1],
        _ev(AS_OF - 50, "sexual_harm", "school", 7),
        _ev(AS_OF - 30, "neglect", "hv", 8),
        _ev(AS_OF - 20, "school_absence", "school", 9),
    ]
    hits = engine.evaluate_child(_rules(), Child("kid", AS_OF - 1500, with_others), AS_OF)
    combination = [h for h in hits if h.rule.code == "cross_agency_combination"]
    assert combination and any(e[1] == "anogenital_symptoms" for e in combination[0].events)

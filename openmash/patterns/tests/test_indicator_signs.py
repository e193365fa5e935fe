"""Kinds of sign read from practice guidance (phrases/signs.yaml, merged onto phrases/default.yaml): unsafe infant
sleep, perplexing presentations, a young child's signs of sexual abuse, self-harm, honour-based abuse, faltering
growth and hunger, debt bondage, the child's own account, and what is not a new concern (follow-up letters, a
witnessed mechanism brought the same day, a completed sentence, home education judged suitable).

Every sentence is written the way practitioners record, in words of our own (not a bench scenario's), with the
indicators that must stand, be negated, or be explained.
"""

from __future__ import annotations

import pytest

from openmash.patterns.indicators import (
    SHIPPED_EXTRA_PHRASES_PATHS,
    PhraseRuleError,
    load_phrase_rules,
    read_event,
)


def _standing(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.evidence for f in read_event(kind, type_text, description) if not f.explained}


def _explained(description: str, kind: str = "other", type_text: str = "") -> dict[str, str]:
    return {f.indicator: f.explanation for f in read_event(kind, type_text, description) if f.explained}


AFFIRMED = [
    # unsafe infant sleep (the Panel, 'Out of routine', 2020)
    ("Dad fell asleep on the sofa with the baby after a night shift.", "neglect"),
    ("Father dozed off holding the infant on the couch.", "neglect"),
    ("Baby found asleep on the armchair at the visit.", "neglect"),
    ("Infant lying face down between the cushions on arrival.", "neglect"),
    ("Mum reports bed sharing with the baby most nights; both parents smoke.", "neglect"),
    ("No cot in the flat, baby sleeping in the parents' bed.", "neglect"),
    ("Moses basket used for storage; pillows and a duvet in the cot.", "neglect"),
    ("Safer sleep advice repeated, not being followed.", "neglect"),
    ("Mother smelt of alcohol while caring for the baby.", "neglect"),
    # faltering growth and hunger (NICE NG75, CG89)
    ("Weight now below the 2nd centile.", "neglect"),
    ("Weight plotted on the 0.4th centile at the review.", "neglect"),
    ("Has crossed two centile lines since the last weigh.", "neglect"),
    ("Poor weight gain over three months.", "neglect"),
    ("Looks emaciated; visible ribs.", "neglect"),
    ("Stockpiling snacks in his bedroom, staff report.", "neglect"),
    ("Seen taking leftovers from the bins at lunch.", "neglect"),
    ("Constantly hungry at nursery and begging for food.", "neglect"),
    ("Formula watered down to make it last until payday.", "neglect"),
    ("Tea in the baby bottle at the visit.", "neglect"),
    ("Methadone bottle within reach of the toddler.", "neglect"),
    # perplexing presentations (RCPCH 2021): weak signs, each one reading
    ("Episodes only ever described by the mother; never observed on the ward.", "fabricated_illness"),
    ("Has been seen at four hospitals this year for the same complaint.", "fabricated_illness"),
    ("Extensive investigations all normal, yet mother insists on an MRI.", "fabricated_illness"),
    ("Restricted diet without dietetic advice.", "fabricated_illness"),
    ("Diet now limited to five safe foods.", "fabricated_illness"),
    ("Child symptom free whilst away from mum on the ward.", "fabricated_illness"),
    ("Mother requesting a wheelchair for school trips.", "fabricated_illness"),
    # a young child's signs of sexual abuse (NICE CG89; CSA Centre 'Signs and indicators')
    ("Said they play a special game at bedtime.", "sexual_harm"),
    ("Told not to tell mummy about the tickles.", "sexual_harm"),
    ("Sexual knowledge beyond his age in role play.", "sexual_harm"),
    ("Drew a picture of a naked man in class.", "sexual_harm"),
    ("Blood in her knickers noted by the childminder.", "anogenital_symptoms"),
    ("Perianal redness and discharge on examination.", "anogenital_symptoms"),
    ("Screams during nappy changes at nursery.", "sexual_harm"),
    ("Secondary enuresis for two months.", "sexual_harm"),
    ("Started wetting the bed again after six months dry.", "child_mental_health"),
    # self-harm and suicidal ideation
    ("Linear healing scratches on her left forearm.", "self_harm"),
    ("Took a packet of paracetamol after an argument.", "self_harm"),
    ("Took 16 paracetamol at school.", "self_harm"),
    ("Found with a belt around his neck in the bedroom.", "self_harm"),
    ("Says she does not want to be alive any more.", "self_harm"),
    ("Feels everyone would be better off without her.", "self_harm"),
    # honour-based abuse and forced marriage (statutory guidance 2023)
    ("Father is holding her passport.", "forced_marriage"),
    ("Says her passport was confiscated by her uncle.", "forced_marriage"),
    ("Worried she has brought dishonour to the family.", "forced_marriage"),
    ("A wedding has been arranged abroad for the summer.", "forced_marriage"),
    ("Fears she will be taken abroad and not allowed back.", "forced_marriage"),
    ("Frightened of being sent abroad over the summer.", "forced_marriage"),
    ("Pressured into marriage by her brothers.", "forced_marriage"),
    # criminal exploitation and debt bondage (the Panel, 'It was hard to escape', 2020)
    ("Says he owes money to some older boys.", "exploitation"),
    ("Working off a drug debt.", "exploitation"),
    ("Robbed of the package and now has to pay it back.", "exploitation"),
    ("Admits holding a bag for older lads.", "exploitation"),
    ("Keeping phones for someone he would not name.", "exploitation"),
    ("Stopped by BTP in another town with two phones.", "exploitation"),
    ("Returned home at 4am with new trainers.", "exploitation"),
    ("Has a 22 year old boyfriend.", "exploitation"),
    ("Scared of the gang, says they know where he lives.", "exploitation"),
    # the child's own account (Working Together 2023)
    ("Says dad makes her spy on mum and report back.", "emotional_abuse"),
    ("Told to keep tabs on her mum for dad.", "domestic_abuse"),
    ("Crying about having to go to dad's at the weekend.", "emotional_abuse"),
    ("Refusing contact since the last visit.", "emotional_abuse"),
    ("Frightened of her stepdad, hides when he collects.", "emotional_abuse"),
    ("Will not stay with her uncle any more.", "emotional_abuse"),
    ("Quiet and wary in clinic, does not play.", "emotional_abuse"),
    ("Hypervigilant, startles at loud noises.", "child_mental_health"),
    # substance misuse in the home, in the ways health visitors record it
    ("Partner on a methadone script.", "substance_misuse"),
    ("Drinks every night to cope with the baby.", "substance_misuse"),
    ("Several empty vodka bottles in the kitchen.", "substance_misuse"),
]


@pytest.mark.parametrize(("description", "code"), AFFIRMED)
def test_signs_practitioners_record_are_read(description, code):
    assert code in _standing(description)


def test_a_not_brought_review_in_the_event_type_is_a_missed_appointment():
    for type_text in ("9-12 month review - not brought", "Immunisations: not brought", "Development check WNB"):
        assert set(_standing("", "other", type_text)) == {"missed_health_appointment"}
    assert "missed_health_appointment" in _standing("Not brought for her hearing test.")


NEGATED = [
    "No co-sleeping; baby sleeps in own cot.",
    "Denies bed sharing with the baby.",
    "No evidence of faltering growth.",
    "No concerns about weight gain.",
    "Denies any suicidal thoughts.",
    "No self-harm; no thoughts of ending her life.",
    "No sexualised behaviour observed.",
    "No secondary enuresis.",
    "Denies owing money to older boys.",
]


@pytest.mark.parametrize("description", NEGATED)
def test_negated_signs_are_not_read(description):
    assert _standing(description) == {}


@pytest.mark.parametrize(
    ("description", "standing"),
    [
        ("No cot seen at the visit.", {"neglect"}),  # "no cot" is itself the sign
        ("Seizures never witnessed by school staff.", {"fabricated_illness"}),
        ("Fears she will not be allowed to return to the UK.", {"forced_marriage"}),
        ("She must not tell mummy, he said.", {"sexual_harm"}),
    ],
)
def test_a_negation_inside_a_sign_does_not_negate_it(description, standing):
    assert set(_standing(description)) >= standing


EXPLAINED = [
    # follow-up letters about an injury already recorded
    ("Fracture clinic letter: wrist fracture healed well, discharged.", "other", "Letter", "fracture"),
    ("Discharged from the fracture clinic; cast removed.", "other", "Clinic letter", "fracture"),
    ("Burn to hand has healed; burns team discharged her.", "other", "Letter", "burn"),
    # a witnessed mechanism, brought promptly
    (
        "Fractured wrist in a tackle during the rugby match, brought straight from the pitch.",
        "ed_attendance",
        "ED",
        "fracture",
    ),
    ("Broken arm at gymnastics class, witnessed by the coach, consistent account.", "ed_attendance", "ED", "fracture"),
    # a completed sentence for an unrelated minor offence
    ("Order completed for a drink driving offence in 2023.", "other", "Case note", "substance_misuse"),
    ("Historic drink-driving conviction, no other offending.", "other", "PNC check", "substance_misuse"),
    # home education judged suitable
    ("Elective home education: provision judged suitable at the annual review.", "other", "EHE", "missing_education"),
    ("EHE register: efficient and suitable education evidenced.", "other", "EHE", "missing_education"),
    # a medical cause found
    ("Vulval soreness, diagnosed with threadworms, treated.", "other", "", "anogenital_symptoms"),
    ("Perianal redness secondary to constipation.", "other", "", "anogenital_symptoms"),
    ("Weight dropped two centiles; coeliac disease diagnosed, now gaining.", "other", "", "neglect"),
]


@pytest.mark.parametrize(("description", "kind", "type_text", "code"), EXPLAINED)
def test_explained_signs_are_set_aside_with_the_explaining_words(description, kind, type_text, code):
    assert code in _explained(description, kind, type_text)
    assert code not in _standing(description, kind, type_text)


@pytest.mark.parametrize(
    ("description", "code"),
    [
        # a counter-explanation in the same record keeps the sign standing
        ("Fracture clinic letter: old healed rib fractures on skeletal survey.", "fracture"),
        ("Withdrawn to home education two days after the school referral; EHE visit refused.", "missing_education"),
        ("Completed a drink driving order but still drinking daily.", "substance_misuse"),
        ("Genital soreness with no medical cause found.", "anogenital_symptoms"),
        ("Home education said to be suitable; withdrawn days after the safeguarding referral.", "missing_education"),
    ],
)
def test_contradicted_explanations_do_not_set_a_sign_aside(description, code):
    assert code in _standing(description)


@pytest.mark.parametrize(
    "description",
    [
        "Baby sleeps in a cot in the parents' room; safer sleep advice given.",
        "Weight tracking along the 25th centile, growth normal.",
        "Took two paracetamol for a headache.",
        "Tickling game with his sister, giggling.",
        "Secret Santa at school today.",
        "Wetting her hair before swimming.",
        "Looking after the children for a friend this afternoon.",
        "He used to cope well with change.",
        "Asked to record his feelings in a diary.",
        "Mum asked the HV to report back on the weight.",
        "Dad has his passport ready for the trip.",
        "Cot being used, baby settled.",
        "Diluted squash with lunch.",
        "Had a new phone for his birthday.",
        "Trapped his finger in the door.",
    ],
)
def test_ordinary_words_are_not_read_as_signs(description):
    assert _standing(description) == {}


def test_the_shipped_rules_include_the_signs_file_and_a_partnership_extension_keeps_them():
    assert [p.name for p in SHIPPED_EXTRA_PHRASES_PATHS][0] == "signs.yaml"
    rules = load_phrase_rules("extends: default\nindicators:\n  neglect:\n    phrases: [nappy not changed all day]\n")
    found = {f.indicator for f in read_event("other", "", "Nappy not changed all day.", rules=rules)}
    assert found == {"neglect"}
    found = {f.indicator for f in read_event("other", "", "Says he owes money to some older boys.", rules=rules)}
    assert found == {"exploitation"}  # the signs file is part of what "default" means


def test_a_shipped_extra_file_must_extend_the_default(tmp_path, monkeypatch):
    import openmash.patterns.indicators as indicators

    bad = tmp_path / "extra.yaml"
    bad.write_text("indicators:\n  neglect:\n    phrases: [nappy not changed all day]\n", encoding="utf-8")
    monkeypatch.setattr(indicators, "SHIPPED_EXTRA_PHRASES_PATHS", (bad,))
    with pytest.raises(PhraseRuleError, match="extra.yaml"):
        load_phrase_rules()

"""The matching rules of issue 6, each checked through the public API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from linkage import cluster_pairs, dedupe, explain_records, identifier_normalise, nhs_number_valid
from tests.linkage.conftest import record

ALICE = {
    "given_name": "Alice",
    "family_name": "Whitfield",
    "date_of_birth": "2015-03-04",
    "sex": "F",
    "postcode": "LS1 4AB",
    "address": "12 Acacia Avenue, Leeds",
}
# Valid NHS numbers (modulus 11) in the never-issued 999 range.
NHS_A, NHS_B = "9993141593", "9434765919"


def test_nhs_numbers_used_are_valid():
    assert nhs_number_valid(NHS_A) and nhs_number_valid(NHS_B)


def test_different_valid_nhs_numbers_never_link_whatever_else_agrees(trained):
    e = explain_records(trained.model, record(**ALICE, identifier=NHS_A), record(**ALICE, identifier=NHS_B))
    assert e.probability == 0.0
    assert e.decision == "no link"
    assert "different NHS numbers (never linked)" in e.reasons_against
    # The same pair without the numbers is a near-certain match: the rule, not the fields, decided.
    assert explain_records(trained.model, record(**ALICE), record(**ALICE)).probability > 0.99


def test_batch_output_never_pairs_different_valid_nhs_numbers(people):
    twins = pd.DataFrame(
        [record(record_id="X1", **ALICE, identifier=NHS_A), record(record_id="X2", **ALICE, identifier=NHS_B)]
    )
    data = pd.concat([people, twins], ignore_index=True)
    result = dedupe(data, threshold=None)
    pair = result.pairs[result.pairs.record_id_l.isin(["X1", "X2"]) & result.pairs.record_id_r.isin(["X1", "X2"])]
    assert len(pair) == 1 and pair.match_probability.iloc[0] == 0.0
    nhs = data["identifier"].map(
        lambda v: identifier_normalise(v).value if identifier_normalise(v).kind == "nhs_number" else None
    )
    clusters = result.clusters(threshold=0.5)
    members = pd.DataFrame({"cluster": clusters.to_numpy(), "nhs": nhs.to_numpy()}).dropna()
    assert members.groupby("cluster")["nhs"].nunique().max() == 1


def test_shared_valid_nhs_number_after_normalisation_is_a_deterministic_link(trained):
    left = record(given_name="Kayden", family_name="Jones", date_of_birth="2016-05-01", identifier="999 314 1593")
    right = record(given_name="Kaden", family_name="Smith", date_of_birth="2012-11-30", identifier="999-314-1593")
    e = explain_records(trained.model, left, right)
    assert e.probability == 1.0
    assert e.decision == "link"
    assert e.reasons_for[0] == "same NHS number"


@pytest.mark.parametrize("placeholder", ["0000000000", "999 999 9999", "1234567890", "0123456789"])
def test_placeholder_identifier_never_contributes(trained, placeholder):
    a = record(given_name="Tom", family_name="Ng", date_of_birth="2010-01-01", identifier=placeholder)
    b = record(given_name="Sara", family_name="Okafor", date_of_birth="1990-06-15", identifier=placeholder)
    e = explain_records(trained.model, a, b)
    identifier = next(x for x in e.fields if x.comparison == "identifier")
    assert identifier.level == "blank" and identifier.weight == 0.0
    assert e.probability < 0.01
    # Nor does it stop a real match: the placeholder is simply blank.
    same = explain_records(trained.model, record(**ALICE, identifier=placeholder), record(**ALICE, identifier=NHS_A))
    assert same.probability > 0.99


def test_invalid_check_digit_is_blank_not_a_rule():
    assert identifier_normalise("9993141594").kind == "none"
    assert identifier_normalise(" 999-314-1593 ").value == NHS_A


def test_identifier_rules_match_the_platform_copy():
    from openmash.people import identifiers as platform

    assert platform.NHS_PLACEHOLDERS == __import__("linkage.identifiers", fromlist=["x"]).NHS_PLACEHOLDERS
    rng = np.random.default_rng(1)
    for value in [f"{x:010d}" for x in rng.integers(0, 10**10, 2000)] + ["0000000000", "9999999999", NHS_A]:
        ours = nhs_number_valid(value)
        try:
            platform.nhs_number_normalise(value)
            theirs = True
        except ValueError:
            theirs = False
        assert ours == theirs, value


@pytest.mark.parametrize(
    ("dob_r", "level"),
    [
        ("2015-03-04", "exact"),
        ("2015-04-03", "transposed"),
        ("2015-03-07", "one_digit"),
        ("2016-03-04", "one_digit"),  # 2015 -> 2016 is also one digit
        ("2025-03-04", "one_digit"),
        ("2020-03-04", "else"),  # two digits differ
        ("2012-05-09", "else"),
    ],
)
def test_date_of_birth_levels(trained, dob_r, level):
    e = explain_records(trained.model, record(date_of_birth="2015-03-04"), record(date_of_birth=dob_r))
    assert next(x for x in e.fields if x.comparison == "date_of_birth").level == level


def test_year_off_by_one_that_is_not_one_digit(trained):
    e = explain_records(trained.model, record(date_of_birth="2019-12-25"), record(date_of_birth="2020-12-25"))
    field = next(x for x in e.fields if x.comparison == "date_of_birth")
    assert (field.level, field.reason) == ("year_off_by_one", "year of birth one out")


@pytest.mark.parametrize(
    ("given_l", "given_r", "level"),
    [
        ("Łucja", "Lucja", "exact"),  # folded by linkage.names
        ("Søren", "soren", "exact"),
        ("Мария", "Mariya", "exact"),  # non-Latin script transliterated
        ("Bill", "William", "nickname"),
        ("Kayden", "Kaden", "phonetic"),
        ("Jonathon", "Jonathan", "nickname"),  # listed as a variant in the nicknames list
        ("Christina", "Christiana", "jaro_winkler_0.92"),
        ("Zebedee", "Oliver", "else"),
    ],
)
def test_given_name_levels(trained, given_l, given_r, level):
    e = explain_records(trained.model, record(given_name=given_l), record(given_name=given_r))
    assert next(x for x in e.fields if x.comparison == "given_name").level == level


def test_surname_levels_and_swap(trained):
    def level(a, b, field="family_name", **extra):
        e = explain_records(trained.model, record(**a), record(**b))
        return next(x for x in e.fields if x.comparison == field).level

    assert level({"family_name": "O'Brien"}, {"family_name": "OBrien"}) == "exact"
    assert level({"family_name": "Nic Dhòmhnaill"}, {"family_name": "nicdhomhnaill"}) == "exact"
    assert level({"family_name": "Smith-Jones"}, {"family_name": "Jones"}) == "part"
    assert level({"family_name": "Smith"}, {"family_name": "Smyth"}) == "phonetic"
    swapped = ({"given_name": "Aimee", "family_name": "Burke"}, {"given_name": "Burke", "family_name": "Aimee"})
    assert level(*swapped) == "swapped"
    assert level(*swapped, field="given_name") == "swapped"


def test_same_surname_in_one_household_is_weak_evidence(trained):
    """Household members share a surname and a postcode: the surname counts for little there."""
    home = {"family_name": "Whitfield", "postcode": "LS1 4AB"}
    e = explain_records(trained.model, record(**home), record(**home))
    surname = next(x for x in e.fields if x.comparison == "family_name")
    elsewhere = explain_records(trained.model, record(family_name="Whitfield"), record(family_name="Whitfield"))
    assert surname.level == "exact_same_postcode"
    assert surname.weight < next(x for x in elsewhere.fields if x.comparison == "family_name").weight - 3


def test_reasons_are_plain_english(trained):
    a = record(given_name="Jon", family_name="Smith", date_of_birth="2014-02-11", postcode="M1 1AE")
    b = record(given_name="Jonny", family_name="Smyth", date_of_birth="2014-02-11", postcode="M1 1AE")
    e = explain_records(trained.model, a, b)
    assert "same date of birth" in e.reasons
    assert "surname sounds alike" in e.reasons
    assert "same postcode" in e.reasons
    assert e.reasons.index("same date of birth") < e.reasons.index("surname sounds alike")


def test_clusters_never_chain_two_nhs_numbers():
    # A-B and B-C are links, but A and C have different NHS numbers: C must not join A's person.
    ids = cluster_pairs(
        3,
        np.array([0, 1]),
        np.array([1, 2]),
        np.array([0.99, 0.98]),
        threshold=0.5,
        nhs_number=np.array([9993141593, -1, 9434765919]),
    )
    assert ids[0] == ids[1] and ids[2] != ids[0]
    assert list(cluster_pairs(3, np.array([0]), np.array([2]), np.array([0.4]), threshold=0.5)) == [0, 1, 2]


# Practitioners' review (December 2026): twins and unrelated namesakes joined automatically with no identifier.
AMELIA = {**ALICE, "given_name": "Amelia", "family_name": "Hussain", "date_of_birth": "2019-04-08"}


def test_twins_are_likely_siblings_never_a_link_nor_a_review(trained):
    e = explain_records(trained.model, record(**AMELIA), record(**{**AMELIA, "given_name": "Isla"}))
    assert e.decision == "no link" and e.hold == 2
    assert "likely siblings" in e.held_reason


def test_names_that_disagree_are_at_most_a_review_without_a_shared_identifier(trained):
    jon = record(given_name="Jon", family_name="Smithers", date_of_birth="2015-05-05", sex="M", postcode="LS16 5AB")
    john = record(given_name="John", family_name="Smyth", date_of_birth="2015-05-05", sex="M", postcode="LS19 6HB")
    assert explain_records(trained.model, jon, john).decision in ("review", "no link")
    # The same pair with the same valid NHS number is the identifier rule's: a link whatever the names say.
    e = explain_records(trained.model, {**jon, "identifier": NHS_A}, {**john, "identifier": NHS_A})
    assert e.decision == "link" and e.hold == 0


def test_clusters_never_join_twins(trained):
    twins = pd.DataFrame([record(record_id="T1", **AMELIA), record(record_id="T2", **{**AMELIA, "given_name": "Isla"})])
    result = dedupe(twins, model=trained.model)
    clusters = result.clusters()
    assert clusters["T1"] != clusters["T2"]


def test_a_swapped_birthday_in_another_town_is_at_most_a_review_without_a_shared_identifier(trained):
    here = record(given_name="Kayleigh", family_name="Morgan", date_of_birth="2011-02-09", sex="F", postcode="EX2 6AB",
                  address="4 Barrack Road")  # fmt: skip
    there = {**here, "given_name": "Kayley", "date_of_birth": "2011-09-02", "postcode": "EX32 9BG",
             "address": "60 Newport Road"}  # fmt: skip
    e = explain_records(trained.model, here, there)
    assert e.decision in ("review", "no link") and e.hold == 3 and "different addresses" in e.held_reason
    # at the same address the swapped birthday alone is a keying slip: not held
    e = explain_records(trained.model, here, {**there, "postcode": "EX2 6AB", "address": "4 Barrack Road"})
    assert e.hold == 0
    # the same valid NHS number: the identifier rule's link wherever they live
    e = explain_records(trained.model, {**here, "identifier": NHS_A}, {**there, "identifier": NHS_A})
    assert e.decision == "link" and e.hold == 0


def test_a_clear_case_is_marked_and_twins_or_swapped_birthdays_are_not(trained):
    from linkage.scoring import HOLD_NONE, automatic_link_holds, clear_same_person
    from linkage.scoring import comparison_levels as levels_of

    tyler = record(given_name="Joshua", family_name="Jago", date_of_birth="2011-07-12", sex="M", postcode="PL2 3BJ",
                   address="62 Wolseley Road")  # fmt: skip
    pairs = [
        (tyler, {**tyler, "given_name": "Josh"}, True),  # a nickname, same birthday and address
        (tyler, {**tyler, "given_name": "Joshau"}, True),  # a typo
        (tyler, {**tyler, "given_name": "Kieran"}, False),  # a twin
        (tyler, {**tyler, "date_of_birth": "2011-12-07"}, False),  # day and month swapped: a human decides
        (tyler, {**tyler, "postcode": "EX1 1AA", "address": "1 High Street"}, False),  # elsewhere
    ]
    from linkage.records import INPUT_COLUMNS, encode, normalise_records, validate_records

    frame = pd.DataFrame([r for a, b, _ in pairs for r in (a, b)])[list(INPUT_COLUMNS)]
    frame["record_id"] = [f"R{n}" for n in range(len(frame))]
    f = encode(normalise_records(validate_records(frame, label="test")))
    left = np.arange(0, len(frame), 2, dtype=np.int32)
    right = left + 1
    levels = levels_of(trained.model, f, left, right)
    hold = automatic_link_holds(trained.model, levels)
    clear = clear_same_person(trained.model, levels, hold)
    assert list(clear) == [want for _, _, want in pairs]
    assert hold[0] == HOLD_NONE

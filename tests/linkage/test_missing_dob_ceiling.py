"""Practitioner review of issue 6, leftovers: "Caroline" (nickname "Lynn") Barrett and "Lynn" Barry at one address,
no date of birth on one record, scored 0.989. With no date of birth to compare and no shared identifier, names and
an address (which a household shares) never show a near-certain probability (linkage.scoring.NO_DOB_CEILING)."""

from __future__ import annotations

import pytest

from linkage import explain_records
from linkage.scoring import NO_DOB_CEILING
from tests.linkage.conftest import record

HOME = {"postcode": "EX4 6PX", "address": "31 Longbrook Street, Exeter"}
NHS_A = "9993141593"  # valid (modulus 11), never issued


def _person(given: str, family: str, born: str, **extra) -> dict:
    return record(given_name=given, family_name=family, date_of_birth=born, sex="F", **HOME, **extra)


def _adds_up(e) -> bool:
    return abs(e.prior_weight + sum(x.weight for x in e.fields) - e.weight) < 1e-6


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Caroline", "Barrett"), ("Lynn", "Barry")),  # the review's pair: a nickname and a surname spelt close
        (("Caroline", "Barrett"), ("Caroline", "Barrett")),  # the same name: still a household's as often as not
        (("Rebecca", "Oakley"), ("Becky", "Oakley")),
    ],
    ids=["nickname-and-close-surname", "same-name", "short-form"],
)
@pytest.mark.parametrize("blank_side", ["left", "right", "both"])
def test_no_date_of_birth_and_no_identifier_is_never_near_certain(trained, a, b, blank_side):
    born = "2011-02-17"
    left = _person(*a, "" if blank_side in ("left", "both") else born)
    right = _person(*b, "" if blank_side in ("right", "both") else born)
    e = explain_records(trained.model, left, right)
    assert e.probability <= NO_DOB_CEILING + 1e-9
    assert e.probability < trained.model.upper_threshold and e.decision != "link"
    lowered = [x for x in e.fields if x.comparison == "no_date_of_birth"]
    assert lowered and lowered[0].weight < 0 and "no date of birth" in lowered[0].reason
    assert _adds_up(e)  # the explanation still adds up to the probability shown


def test_the_same_pair_with_both_dates_of_birth_is_scored_as_before(trained):
    e = explain_records(
        trained.model, _person("Caroline", "Barrett", "2011-02-17"), _person("Lynn", "Barry", "2011-02-17")
    )
    assert e.probability > NO_DOB_CEILING
    assert not [x for x in e.fields if x.comparison == "no_date_of_birth"]


def test_a_shared_identifier_still_decides_without_a_date_of_birth(trained):
    e = explain_records(
        trained.model,
        _person("Caroline", "Barrett", "2011-02-17", identifier=NHS_A),
        _person("Lynn", "Barry", "", identifier=NHS_A),
    )
    assert e.probability == 1.0


def test_a_weak_pair_without_a_date_of_birth_is_not_raised(trained):
    left = record(given_name="Caroline", family_name="Barrett", sex="F", postcode="EX4 6PX")
    right = record(given_name="Yusuf", family_name="Okafor", sex="M", postcode="TR1 2AB")
    e = explain_records(trained.model, left, right)
    assert e.probability < 0.5 and not [x for x in e.fields if x.comparison == "no_date_of_birth"]

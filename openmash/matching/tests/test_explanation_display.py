"""The review page shows the agreement level and weight the score really used (practitioner review of issue 6,
finding 4): an identical surname or postcode agrees, a shared identifier says the rule decided (never "+0.0"), and
"Rd"/"Road" are one address for the display and the engine alike."""

from __future__ import annotations

import datetime as dt

import pytest

from linkage.addresses import address_normalise
from openmash.matching import scoring
from openmash.matching.selectors import FieldRow, _address_evidence, compare_fields
from openmash.people import linking
from openmash.people.models import LinkState, RecordLink


def _row(level: str) -> FieldRow:
    return FieldRow(field="f", label="F", left="a", right="a", level=level, weight=0.5, reason="r")


@pytest.mark.parametrize("level", ["exact", "exact_same_postcode", "postcode", "same_nhs_number"])
def test_an_identical_value_is_shown_as_agreeing(level):
    assert _row(level).level_text == "Agrees"


def test_abbreviated_street_types_are_the_same_address():
    assert address_normalise("3 Birch Rd") == address_normalise("3 Birch Road") == "3 birch rd"
    assert address_normalise("St Mary's Close") == address_normalise("Saint Mary's Cl")
    assert _address_evidence("3 Birch Rd", "3 Birch Road")[0] == "exact"
    assert _address_evidence("12 Acacia Avenue, Leeds", "12 Acacia Ave")[0] == "exact"


@pytest.mark.django_db
def test_the_engine_compares_addresses_with_the_same_normaliser(partnership):
    made = {}
    for agency, local_id, address in (("police", "P1", "3 Birch Rd"), ("health-gp", "G1", "3 Birch Road")):
        made[local_id], _ = linking.record_create(
            actor=None,
            agency=partnership[agency],
            local_id=local_id,
            details={
                "given_name": "Amira",
                "family_name": "Osei",
                "date_of_birth": dt.date(2016, 5, 9),
                "sex": "F",
                "postcode": "LS7 4DE",
                "address": address,
            },
        )
    weights = scoring.pair_field_weights(made["P1"], made["G1"])
    assert weights["location"]["level"] == "exact" and weights["location"]["reason"] == "same address"


@pytest.mark.django_db
def test_a_shared_nhs_number_says_the_rule_decided_not_a_weight(partnership):
    details = {"given_name": "Zara", "family_name": "Taylor", "date_of_birth": dt.date(2013, 2, 1), "sex": "F"}
    a, _ = linking.record_create(
        actor=None, agency=partnership["police"], local_id="P1", details={**details, "nhs_number": "943 476 5919"}
    )
    b, _ = linking.record_create(
        actor=None,
        agency=partnership["health-gp"],
        local_id="G1",
        details={**details, "given_name": "Sophie", "date_of_birth": dt.date(2011, 7, 8), "nhs_number": "9434765919"},
    )
    link = RecordLink.objects.get(valid_to__isnull=True)
    assert link.state == LinkState.PROPOSED and link.reason.startswith("Same NHS number; not linked automatically")
    rows = {r.field: r for r in compare_fields(link, scoring.pair_field_weights(a, b))}
    nhs = rows["nhs_number"]
    assert nhs.weight_text == "" and nhs.level_text == "Agrees"
    assert nhs.reason == "same NHS number: a rule on the identifier, not a weight"

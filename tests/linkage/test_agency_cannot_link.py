"""An agency's own distinct records are a cannot-link (issue 8: "never merge two children to make a pattern").

The pattern bench's traps TR06, TR08 and TR10 each had a school holding two children as two records (one spelt as
the other child); the engine joined them, directly or through a record of another agency. Two records one agency
holds under different record ids are that agency's statement that they are two people: review at most, never a
cluster. Names and places here are not the scenarios'."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage import dedupe, explain_records
from linkage.clustering import cluster_pairs
from linkage.records import INPUT_COLUMNS, OPTIONAL_COLUMNS, read_records_csv, validate_records
from linkage.scoring import HOLD_FOR_REVIEW, HOLD_NONE, HOLD_SAME_AGENCY, HOLD_SIBLINGS
from tests.linkage.conftest import record

NHS_A = "9993141593"  # valid (modulus 11), never issued
HOME = {"postcode": "TR1 2JH", "address": "17 Lemon Street, Truro"}
ROWAN = record(given_name="Rowan", family_name="Penhaligon", date_of_birth="2018-05-21", sex="M", **HOME)


def test_two_records_of_one_agency_are_held_for_review_however_alike(trained):
    e = explain_records(trained.model, {**ROWAN, "agency": "school"}, {**ROWAN, "agency": "school"})
    assert e.hold == HOLD_SAME_AGENCY and e.decision == "review"
    assert "two records under different record ids" in e.held_reason
    # one agency's two records with one valid NHS number are its own duplicate of one person: not held
    e = explain_records(
        trained.model,
        {**ROWAN, "agency": "gp", "identifier": NHS_A},
        {**ROWAN, "agency": "gp", "identifier": NHS_A},
    )
    assert e.hold == HOLD_NONE and e.decision == "link" and e.probability == 1.0
    assert HOLD_SAME_AGENCY in HOLD_FOR_REVIEW


def test_records_of_two_agencies_or_without_an_agency_are_not_held(trained):
    for left, right in (("school", "police"), ("", "school"), ("", "")):
        e = explain_records(trained.model, {**ROWAN, "agency": left}, {**ROWAN, "agency": right})
        assert e.hold == HOLD_NONE and e.decision == "link", (left, right)
    assert explain_records(trained.model, ROWAN, ROWAN).hold == HOLD_NONE


def test_twins_of_one_agency_stay_likely_siblings(trained):
    twin = {**ROWAN, "given_name": "Morwenna", "sex": "F"}
    e = explain_records(trained.model, {**ROWAN, "agency": "school"}, {**twin, "agency": "school"})
    assert e.hold == HOLD_SIBLINGS and e.decision == "no link"


def test_clusters_never_chain_two_records_of_one_agency():
    # A (school) - B (police) - C (school): each link alone is allowed, the chain would make one person of the
    # school's two records. The stronger link stands; the weaker is refused.
    ids = cluster_pairs(
        3, np.array([0, 1]), np.array([1, 2]), np.array([0.97, 0.99]), threshold=0.5, agency=np.array([0, 1, 0])
    )
    assert ids[1] == ids[2] and ids[0] != ids[1]
    # unknown agencies (-1) constrain nothing
    ids = cluster_pairs(
        3, np.array([0, 1]), np.array([1, 2]), np.array([0.97, 0.99]), threshold=0.5, agency=np.array([-1, 1, -1])
    )
    assert ids[0] == ids[1] == ids[2]


def test_clusters_merge_the_agencies_of_both_sides():
    # two clusters {0 school, 1 police} and {2 gp, 3 school}: the link 1-2 would put two school records together
    ids = cluster_pairs(
        4,
        np.array([0, 2, 1]),
        np.array([1, 3, 2]),
        np.array([0.99, 0.99, 0.98]),
        threshold=0.5,
        agency=np.array([0, 1, 2, 0]),
    )
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[0] != ids[2]
    # without the second school record the same links make one person
    ids = cluster_pairs(
        4,
        np.array([0, 2, 1]),
        np.array([1, 3, 2]),
        np.array([0.99, 0.99, 0.98]),
        threshold=0.5,
        agency=np.array([0, 1, 2, 3]),
    )
    assert len(set(ids.tolist())) == 1


def test_dedupe_never_clusters_one_agencys_two_records_even_through_another_agency(trained):
    # the school holds the at-risk child under his cousin's spelling and the cousin himself: the police record
    # of the child matches both school records
    cousin = {**ROWAN, "given_name": "Rowen", "address": "71 Lemon Street, Truro"}
    rows = [
        record(record_id="S1", agency="school", **{k: v for k, v in ROWAN.items() if k != "record_id"}),
        record(record_id="S2", agency="school", **{k: v for k, v in cousin.items() if k != "record_id"}),
        record(record_id="P1", agency="police", **{k: v for k, v in ROWAN.items() if k != "record_id"}),
    ]
    result = dedupe(pd.DataFrame(rows), model=trained.model, threshold=None)
    clusters = result.clusters(threshold=0.5)
    assert clusters["S1"] != clusters["S2"]
    assert clusters["P1"] in (clusters["S1"], clusters["S2"])  # the stronger link stands, the other is refused
    assert result.run.scores.hold[0] == HOLD_SAME_AGENCY  # S1-S2: the school's two records, review at most
    # without the agency column the engine knows nothing of the school's statement (the batch contract as before)
    plain = dedupe(pd.DataFrame(rows).drop(columns=["agency"]), model=trained.model, threshold=None)
    assert plain.run.features.agency is None


def test_the_agency_column_is_optional_and_read_from_a_csv(tmp_path):
    assert OPTIONAL_COLUMNS == ("agency",)
    path = tmp_path / "records.csv"
    frame = pd.DataFrame([record(record_id="A", agency=" school "), record(record_id="B")])
    frame.to_csv(path, index=False)
    read = read_records_csv(path)
    assert list(read.columns) == [*INPUT_COLUMNS, "agency"]
    assert read["agency"].tolist() == ["school", ""]
    assert list(validate_records(frame.drop(columns=["agency"])).columns) == list(INPUT_COLUMNS)

"""A record two records of one agency would each join is held for review, not joined (issue 8, trap TR15: twins at one
school both "Lily"; the other twin's GP record "Lily" joined the at-risk twin's CAMHS record). Names and places here
are not the scenario's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage import dedupe
from linkage.clustering import ambiguous_pairs
from tests.linkage.conftest import record

HOME = {"family_name": "Carveth", "date_of_birth": "2013-08-30", "sex": "F", "postcode": "PL25 4DL"}
HOME_ADDRESS = "3 Bodmin Road, St Austell"


def test_a_record_two_of_one_agencys_records_would_each_join_is_ambiguous():
    # records: 0 and 1 the school's two children, 2 a GP record, 3 a CAMHS record; every cross-agency pair automatic
    left, right = np.array([0, 1, 0, 1, 2]), np.array([2, 2, 3, 3, 3])
    automatic = np.ones(5, dtype=bool)
    held = ambiguous_pairs(left, right, automatic, np.array([7, 7, 1, 2]))
    assert held.tolist() == [7, 7, 7, 7, 7]  # each join, the GP-CAMHS one too, is a guess between two children
    # pairs not automatic are never marked; one school record makes nothing ambiguous
    held = ambiguous_pairs(left, right, np.array([True, False, True, False, True]), np.array([7, 7, 1, 2]))
    assert held.tolist() == [-1, -1, -1, -1, -1]
    # the school's two records already one person, or one identifier on both (its duplicate), or of no known agency
    assert (ambiguous_pairs(left, right, automatic, np.array([7, 7, 1, 2]), person=np.array([0, 0, 2, 3])) < 0).all()
    ident = np.array([5, 5, -1, -1])
    assert (ambiguous_pairs(left, right, automatic, np.array([7, 7, 1, 2]), identifier=ident) < 0).all()
    assert (ambiguous_pairs(left, right, automatic, np.array([-1, -1, 1, 2])) < 0).all()


def test_dedupe_clusters_no_record_the_schools_twins_make_ambiguous(trained):
    rows = [
        record(record_id="S1", agency="school", given_name="Tamsin", address=HOME_ADDRESS, **HOME),
        record(record_id="S2", agency="school", given_name="Tamsin", address=HOME_ADDRESS, **HOME),
        record(record_id="G1", agency="gp", given_name="Tamsin", address=HOME_ADDRESS, **HOME),
        record(record_id="C1", agency="camhs", given_name="Tamsin", address=HOME_ADDRESS, **HOME),
    ]
    clusters = dedupe(pd.DataFrame(rows), model=trained.model, threshold=None).clusters()
    assert len(set(clusters.tolist())) == 4  # the GP and CAMHS records could each be either twin: nothing joins
    # without the school's second record the other three are one person
    clusters = dedupe(pd.DataFrame([r for r in rows if r["record_id"] != "S2"]), model=trained.model).clusters()
    assert len(set(clusters.tolist())) == 1

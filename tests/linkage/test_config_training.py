"""Model configuration (validated, JSON round-trip) and training (u sampling, EM convergence, the prior)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from linkage import ConfigError, ModelConfig, default_model
from linkage.training import em_session


def test_trained_model_round_trips_through_json(trained):
    model = trained.model
    text = model.to_json()
    again = ModelConfig.from_json(text)
    assert again == model
    assert again.to_json() == text
    assert json.loads(text)["comparisons"][0]["levels"][0]["m"] == model.comparisons[0].levels[0].m


def test_untrained_default_model_is_valid_and_round_trips():
    model = default_model()
    assert not model.trained
    assert ModelConfig.from_json(model.to_json()) == model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lower_threshold": 0.9, "upper_threshold": 0.8}, "thresholds"),
        ({"probability_two_random_records_match": 0}, "probability_two_random_records_match"),
        ({"link_type": "merge"}, "link_type"),
        ({"max_block_size": 1}, "max_block_size"),
    ],
)
def test_invalid_models_are_refused_with_the_reason(change, message):
    data = default_model().to_dict() | change
    with pytest.raises(ConfigError, match=message):
        ModelConfig.from_dict(data)


def test_wrong_levels_unknown_comparison_and_bad_json_are_refused(trained):
    data = json.loads(trained.model.to_json())
    data["comparisons"][0]["levels"] = data["comparisons"][0]["levels"][1:]
    with pytest.raises(ConfigError, match="levels"):
        ModelConfig.from_dict(data)
    data = json.loads(default_model().to_json())
    data["comparisons"].append({"name": "eye_colour", "levels": []})
    with pytest.raises(ConfigError, match="unknown comparison"):
        ModelConfig.from_dict(data)
    data = json.loads(trained.model.to_json())
    data["comparisons"][2]["levels"][0]["m"] = 1.5
    with pytest.raises(ConfigError, match=r"m must be in \(0, 1\]"):
        ModelConfig.from_dict(data)
    with pytest.raises(ConfigError, match="not JSON"):
        ModelConfig.from_json("{not json")
    with pytest.raises(ConfigError, match="not a linkage model"):
        ModelConfig.from_json("[]")


def test_em_recovers_known_m_and_converges():
    """Pairs drawn from a known two-class model: EM (u fixed) must find m and the match share again."""
    rng = np.random.default_rng(5)
    n, share = 60_000, 0.3
    m_true = [np.array([0.85, 0.1, 0.05]), np.array([0.7, 0.2, 0.1]), np.array([0.9, 0.1])]
    u_true = [np.array([0.01, 0.04, 0.95]), np.array([0.05, 0.15, 0.8]), np.array([0.5, 0.5])]
    is_match = rng.random(n) < share
    levels = np.empty((n, 3), dtype=np.int8)
    for j in range(3):
        levels[is_match, j] = rng.choice(len(m_true[j]), is_match.sum(), p=m_true[j])
        levels[~is_match, j] = rng.choice(len(u_true[j]), (~is_match).sum(), p=u_true[j])
    trainable = [np.ones(len(m), dtype=bool) for m in m_true]
    m, prior, iterations, converged = em_session(levels, u_true, trainable, max_iterations=200)
    assert converged and iterations < 200
    assert prior == pytest.approx(share, abs=0.02)
    for j in range(3):
        assert m[j] == pytest.approx(m_true[j], abs=0.03)


def test_training_on_generated_data_converges_and_learns_sensible_weights(trained):
    report = trained.model.training
    sessions = [s for s in report.em_sessions if "iterations" in s]
    assert len(sessions) == 2 and all(s["converged"] for s in sessions)
    assert report.u_pairs > 0
    dob = next(c for c in trained.model.comparisons if c.name == "date_of_birth")
    exact, *_, other = dob.levels
    assert exact.m > 0.8 and exact.u < 0.01  # agreeing is common among matches, rare among non-matches
    assert other.m < 0.05 and other.u > 0.95
    assert 1e-5 < trained.model.probability_two_random_records_match < 1e-2


def test_splink_settings_export_is_plain_json_with_both_dialects(trained):
    from linkage import splink_blocking_rules, to_splink_settings

    duck = to_splink_settings(trained.model, "duckdb")
    spark = to_splink_settings(trained.model, "spark")
    assert json.loads(json.dumps(duck)) == duck
    assert duck["link_type"] == "dedupe_only"
    assert duck["probability_two_random_records_match"] == trained.model.probability_two_random_records_match
    assert [c["output_column_name"] for c in duck["comparisons"]] == [c.name for c in trained.model.comparisons]
    given = duck["comparisons"][0]["comparison_levels"]
    assert given[0]["is_null_level"] and given[-1]["sql_condition"] == "ELSE"
    assert given[1]["tf_adjustment_column"] == "given"
    assert "jaro_winkler_similarity(given_l, given_r) >= 0.92" in json.dumps(duck)
    assert "jaro_winkler(given_l, given_r) >= 0.92" in json.dumps(spark)
    assert "list_contains(given_forms_r, given_l)" in json.dumps(duck)
    assert "array_contains(given_forms_r, given_l)" in json.dumps(spark)
    ident = {lv["label_for_charts"]: lv for lv in duck["comparisons"][-1]["comparison_levels"]}
    never = ident["different_nhs_number"]
    assert never["fix_m_probability"] and np.log2(never["m_probability"] / never["u_probability"]) <= -100
    assert "l.dob = r.dob AND l.family_phonetic = r.family_phonetic" in splink_blocking_rules(trained.model)
    with pytest.raises(ValueError, match="not trained"):
        to_splink_settings(default_model())

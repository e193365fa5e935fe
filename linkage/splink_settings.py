"""Export a trained model to Splink, so that the same model runs at national scale on Splink's DuckDB or Spark
backend (never a home-made cluster). Pure functions: this module does not import Splink.

- ``splink_input(frame)``: the ``normalise_records`` frame plus the derived blocking columns Splink needs;
- ``to_splink_settings(model, dialect)``: a Splink 5 settings dict with every level's SQL condition, the trained
  m and u, the term-frequency adjustments and the prior; rules become fixed ±100-bit levels (so "different valid
  NHS numbers" can never link there either);
- ``splink_blocking_rules(model, dialect)``: the blocking rules as SQL.

Scoring the same records with our engine and with Splink on these settings gives the same probabilities
(``tests/linkage/test_splink.py``). Limits: Splink has no per-model block-size cap (``max_block_size``); per-rule
caps are carried as precomputed ``rare_<n>`` columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage.config import RULE_M_U, ModelConfig

__all__ = ["SPLINK_LINK_TYPES", "splink_blocking_rules", "splink_input", "to_splink_settings"]

SPLINK_LINK_TYPES = {"dedupe": "dedupe_only", "link": "link_only"}
_DERIVED = {"name_pair", "dob_month_day", "dob_transposed"}


def _rule_columns(model: ModelConfig) -> list[tuple[str, ...]]:
    """Per blocking rule, the Splink columns it compares (a per-rule size cap becomes one ``rare_<n>`` column)."""
    out = []
    for n, rule in enumerate(model.blocking_rules):
        out.append((f"rare_{n}",) if rule.max_block_size is not None else rule.keys)
    return out


def splink_blocking_rules(model: ModelConfig, dialect: str = "duckdb") -> list[str]:
    """The model's blocking rules as Splink SQL strings (``l.dob = r.dob AND ...``); dialect-neutral SQL."""
    del dialect  # plain equality: the same in DuckDB and Spark SQL
    return [" AND ".join(f"l.{c} = r.{c}" for c in cols) for cols in _rule_columns(model)]


def splink_input(frame: pd.DataFrame, model: ModelConfig) -> pd.DataFrame:
    """The ``normalise_records`` frame with the derived columns the exported blocking rules use.

    In: a ``normalise_records`` frame (for a link, each side's frame separately — but ``rare_<n>`` columns should
    then be computed on both together: pass the concatenation and split it). Out: a copy with ``name_pair``,
    ``dob_month_day``, ``dob_transposed`` and one ``rare_<n>`` per size-capped rule (the key where its block is no
    larger than the cap, else NULL). NULL (None) wherever a part is blank.
    """
    out = frame.copy()
    out["name_pair"] = [
        "|".join(sorted((g, f))) if isinstance(g, str) and isinstance(f, str) else None
        for g, f in zip(out["given_phonetic"], out["family_phonetic"], strict=True)
    ]
    has = out["dob"].notna().to_numpy()
    month = pd.to_numeric(out["dob_month"], errors="coerce").fillna(0).astype(int).to_numpy()
    day = pd.to_numeric(out["dob_day"], errors="coerce").fillna(0).astype(int).to_numpy()
    year = pd.to_numeric(out["dob_year"], errors="coerce").fillna(0).astype(int).to_numpy()
    out["dob_month_day"] = np.where(has, month * 100 + day, None)
    out["dob_transposed"] = np.where(has, year * 10000 + np.minimum(month, day) * 100 + np.maximum(month, day), None)
    for n, rule in enumerate(model.blocking_rules):
        if rule.max_block_size is None:
            continue
        parts = out[list(rule.keys)]
        complete = parts.notna().all(axis=1)
        key = pd.Series(["|".join(map(str, row)) for row in parts.itertuples(index=False, name=None)], index=out.index)
        sizes = key[complete].map(key[complete].value_counts())
        rare = pd.Series(None, index=out.index, dtype=object)
        small = sizes[sizes <= rule.max_block_size].index
        rare[small] = key[small]
        out[f"rare_{n}"] = rare.to_numpy()
    for column in ("given_forms", "family_parts"):
        out[column] = [list(v) if isinstance(v, list | tuple | np.ndarray) else None for v in out[column]]
    for column in ("dob_year", "dob_month", "dob_day"):
        out[column] = pd.array(pd.to_numeric(out[column], errors="coerce"), dtype="Int64")
    # Blank must be NULL for Splink, never NaN.
    return out.astype(object).where(out.notna(), None)


def _level_dict(label: str, sql: str, m: float | None, u: float | None, *, tf_column: str | None, tf_min: float):
    level: dict = {"sql_condition": sql, "label_for_charts": label}
    if m is not None:
        level["m_probability"] = m
    if u is not None:
        level["u_probability"] = u
    if tf_column is not None:
        level["tf_adjustment_column"] = tf_column
        level["tf_adjustment_weight"] = 1.0
        level["tf_minimum_u_value"] = tf_min
    return level


def to_splink_settings(model: ModelConfig, dialect: str = "duckdb") -> dict:
    """A Splink 5 settings dict equivalent to ``model``.

    In: a trained ``ModelConfig``; ``dialect`` ``"duckdb"`` or ``"spark"`` (function names differ:
    ``jaro_winkler_similarity``/``jaro_winkler``, ``list_contains``/``array_contains``). Out: a JSON-serialisable
    dict for ``splink.Linker(table, settings)``. Raises ValueError for an untrained model or an unknown dialect.
    """
    if dialect not in ("duckdb", "spark"):
        raise ValueError("dialect must be 'duckdb' or 'spark'")
    if not model.trained:
        raise ValueError("the model is not trained: train it first")
    comparisons = []
    for c in model.comparisons:
        comp = c.comparison()
        levels = [{"sql_condition": comp.null_sql, "label_for_charts": "blank", "is_null_level": True}]
        for (spec, sql), params in zip(comp.sql_levels(dialect), c.levels, strict=True):
            if spec.rule:
                m, u = RULE_M_U[spec.rule]
                level = _level_dict(spec.label, sql, m, u, tf_column=None, tf_min=model.tf_min_u)
                level["fix_m_probability"] = True
                level["fix_u_probability"] = True
            else:
                tf_column = c.name.split("_")[0] if spec.tf else None
                level = _level_dict(spec.label, sql, params.m, params.u, tf_column=tf_column, tf_min=model.tf_min_u)
            if sql == "ELSE":
                level["sql_condition"] = "ELSE"
            levels.append(level)
        comparisons.append(
            {"output_column_name": c.name, "comparison_description": comp.title, "comparison_levels": levels}
        )
    return {
        "link_type": SPLINK_LINK_TYPES[model.link_type],
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": model.probability_two_random_records_match,
        "blocking_rules_to_generate_predictions": splink_blocking_rules(model, dialect),
        "comparisons": comparisons,
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 25,
        "em_convergence": 0.0001,
    }

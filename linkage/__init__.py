"""OpenMASH's framework-free person-matching engine (no Django imports; checked by import-linter in CI).

Public API only; the modules hold the code. See docs/development/linkage.md.
"""

from linkage.clustering import cluster_pairs
from linkage.config import BlockingRule, ComparisonConfig, ConfigError, LevelParams, ModelConfig, default_model
from linkage.identifiers import NormalisedIdentifier, identifier_normalise, nhs_number_is_placeholder, nhs_number_valid
from linkage.linker import LinkResult, dedupe, link, predict, train
from linkage.names import NameKeys, compact, dob_variants, fold, name_keys, nickname_forms, phonetic, tokens
from linkage.records import INPUT_COLUMNS, InputError, normalise_records, read_records_csv, validate_records
from linkage.scoring import FieldExplanation, PairExplanation, decision, explain_records
from linkage.splink_settings import splink_blocking_rules, splink_input, to_splink_settings
from linkage.synthetic import GeneratorSettings, generate_people, truth_pairs

__all__ = [
    "INPUT_COLUMNS",
    "BlockingRule",
    "ComparisonConfig",
    "ConfigError",
    "FieldExplanation",
    "GeneratorSettings",
    "InputError",
    "LevelParams",
    "LinkResult",
    "ModelConfig",
    "NameKeys",
    "NormalisedIdentifier",
    "PairExplanation",
    "cluster_pairs",
    "compact",
    "decision",
    "dedupe",
    "default_model",
    "dob_variants",
    "explain_records",
    "fold",
    "generate_people",
    "identifier_normalise",
    "link",
    "name_keys",
    "nhs_number_is_placeholder",
    "nhs_number_valid",
    "nickname_forms",
    "normalise_records",
    "phonetic",
    "predict",
    "read_records_csv",
    "splink_blocking_rules",
    "splink_input",
    "to_splink_settings",
    "tokens",
    "train",
    "truth_pairs",
    "validate_records",
]

"""The model: which fields are compared, how candidate pairs are found, and the trained weights — as a validated
dataclass that round-trips to JSON (store the JSON with every match decision so it can be explained later).

``ModelConfig.to_json()`` / ``ModelConfig.from_json(text)`` round-trip exactly; ``validate()`` raises ``ConfigError``
with every problem listed. ``default_model()`` is the untrained standard model for UK person records.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace

from linkage.comparisons import COMPARISONS, comparison_for

__all__ = [
    "BlockingRule",
    "ComparisonConfig",
    "ConfigError",
    "LevelParams",
    "ModelConfig",
    "TrainingReport",
    "default_model",
]

SCHEMA_VERSION = 1
# Fixed weights of rule levels when the model is exported to Splink (which has no rules): +-100 bits outweigh any
# sum of the other fields, so "same NHS number" links and "different NHS numbers" never does, there as here.
RULE_M_U = {"link": (1.0, 2.0**-100), "never": (2.0**-100, 1.0)}


class ConfigError(ValueError):
    """An invalid model configuration; the message lists every problem found."""


@dataclass(frozen=True)
class LevelParams:
    """Trained parameters of one level: ``m`` = P(level | same person), ``u`` = P(level | different people).
    None until trained. Rule levels keep None (rules are not probabilities)."""

    label: str
    m: float | None = None
    u: float | None = None


@dataclass(frozen=True)
class ComparisonConfig:
    """One comparison: ``name`` (a key of ``linkage.comparisons.COMPARISONS``), its ``params`` (e.g.
    ``{"jw_thresholds": [0.92, 0.8]}``), and one ``LevelParams`` per level in the comparison's order."""

    name: str
    params: dict = field(default_factory=dict)
    levels: tuple[LevelParams, ...] = ()

    def comparison(self):
        return comparison_for(self.name, self.params)


@dataclass(frozen=True)
class BlockingRule:
    """Candidate pairs are records with equal values of every column in ``keys`` (see ``BLOCKING_KEYS``).

    ``conditions``: the comparisons the rule fixes, left out when EM trains on this rule's pairs.
    ``max_block_size``: overrides the model's for this rule (e.g. a full-name rule that only keeps rare names).
    """

    name: str
    keys: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    max_block_size: int | None = None


@dataclass(frozen=True)
class TrainingReport:
    """What training did: per EM session the rule, pairs used, iterations, whether it converged; u sample size;
    the estimated prior. Informative only: scoring does not read it."""

    u_pairs: int = 0
    em_sessions: tuple[dict, ...] = ()
    prior_iterations: int = 0


@dataclass(frozen=True)
class ModelConfig:
    """A Fellegi–Sunter model.

    - ``link_type``: ``"dedupe"`` (one file against itself) or ``"link"`` (two files, pairs across only);
    - ``probability_two_random_records_match``: the prior λ (0 < λ < 1);
    - ``comparisons``: see ``ComparisonConfig``; ``blocking_rules``: how candidate pairs are found for scoring;
      ``training_rules``: the (looser) rules whose pairs EM learns m from, sampled down to a bounded number of pairs;
    - ``upper_threshold``: at or above, a link is confirmed automatically; ``lower_threshold``: at or above (and
      below the upper), a person reviews it; below, no link (probabilities, 0 < lower <= upper < 1);
    - ``max_block_size``: blocks (records sharing a blocking key) larger than this are skipped (a guard against a
      key that is not really a key; the count skipped is reported);
    - ``tf_min_u``: floor on a name's frequency in term-frequency adjustment.
    """

    comparisons: tuple[ComparisonConfig, ...]
    blocking_rules: tuple[BlockingRule, ...]
    training_rules: tuple[BlockingRule, ...] = ()
    link_type: str = "dedupe"
    probability_two_random_records_match: float = 1e-4
    upper_threshold: float = 0.95
    lower_threshold: float = 0.5
    max_block_size: int = 5000
    tf_min_u: float = 1e-7
    trained: bool = False
    training: TrainingReport = field(default_factory=TrainingReport)
    schema_version: int = SCHEMA_VERSION

    # --- validation ----------------------------------------------------------------------------------------------
    def validate(self) -> ModelConfig:
        """Check the model; return it. Raises ``ConfigError`` listing every problem."""
        problems = self._scalar_problems()
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names):
            problems.append("each comparison may appear once")
        for c in self.comparisons:
            problems += _comparison_problems(c, self.trained)
        problems += self._rule_problems(names)
        if problems:
            raise ConfigError("; ".join(problems))
        return self

    def _scalar_problems(self) -> list[str]:
        problems: list[str] = []
        if self.schema_version != SCHEMA_VERSION:
            problems.append(f"schema_version {self.schema_version} is not {SCHEMA_VERSION}")
        if self.link_type not in ("dedupe", "link"):
            problems.append("link_type must be 'dedupe' or 'link'")
        if not 0 < self.probability_two_random_records_match < 1:
            problems.append("probability_two_random_records_match must be between 0 and 1")
        if not 0 < self.lower_threshold <= self.upper_threshold < 1:
            problems.append("thresholds must satisfy 0 < lower_threshold <= upper_threshold < 1")
        if self.max_block_size < 2:
            problems.append("max_block_size must be at least 2")
        if not self.comparisons:
            problems.append("at least one comparison is needed")
        if not self.blocking_rules:
            problems.append("at least one blocking rule is needed")
        if not self.training_rules:
            problems.append("at least one training rule is needed")
        return problems

    def _rule_problems(self, names: list[str]) -> list[str]:
        problems: list[str] = []
        estimated = {c.name for c in self.comparisons if any(c.name not in r.conditions for r in self.training_rules)}
        if self.training_rules and estimated != set(names):
            problems.append(f"no training rule estimates m for {sorted(set(names) - estimated)}")
        for rule in (*self.blocking_rules, *self.training_rules):
            unknown = [k for k in rule.keys if k not in BLOCKING_KEYS]
            if not rule.keys or unknown:
                problems.append(f"blocking rule {rule.name!r}: unknown or no keys {unknown}")
            bad = [c for c in rule.conditions if c not in names]
            if bad:
                problems.append(f"blocking rule {rule.name!r}: conditions name unknown comparisons {bad}")
            if rule.max_block_size is not None and rule.max_block_size < 2:
                problems.append(f"blocking rule {rule.name!r}: max_block_size must be at least 2")
        return problems

    # --- JSON -----------------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self, indent: int | None = 2) -> str:
        """The model as JSON text (UTF-8 safe, keys in a stable order)."""
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        """Build and validate a model from ``to_dict()`` output. Raises ``ConfigError`` for a malformed dict."""
        try:
            comparisons = tuple(
                ComparisonConfig(
                    name=c["name"],
                    params=dict(c.get("params") or {}),
                    levels=tuple(LevelParams(**lv) for lv in c.get("levels") or ()),
                )
                for c in data["comparisons"]
            )

            def rules_of(key: str) -> tuple[BlockingRule, ...]:
                return tuple(
                    BlockingRule(
                        name=r["name"],
                        keys=tuple(r["keys"]),
                        conditions=tuple(r.get("conditions") or ()),
                        max_block_size=r.get("max_block_size"),
                    )
                    for r in data.get(key) or ()
                )

            rules = rules_of("blocking_rules")
            training_rules = rules_of("training_rules")
            training = data.get("training") or {}
            report = TrainingReport(
                u_pairs=int(training.get("u_pairs", 0)),
                em_sessions=tuple(training.get("em_sessions") or ()),
                prior_iterations=int(training.get("prior_iterations", 0)),
            )
            scalars = {
                k: data[k]
                for k in (
                    "link_type",
                    "probability_two_random_records_match",
                    "upper_threshold",
                    "lower_threshold",
                    "max_block_size",
                    "tf_min_u",
                    "trained",
                    "schema_version",
                )
                if k in data
            }
        except (KeyError, TypeError) as exc:
            raise ConfigError(f"not a linkage model: {exc!r} is missing or malformed") from None
        return cls(
            comparisons=comparisons, blocking_rules=rules, training_rules=training_rules, training=report, **scalars
        ).validate()

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        """Parse ``to_json()`` output. Raises ``ConfigError`` for invalid JSON or an invalid model."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
        if not isinstance(data, dict):
            raise ConfigError("not a linkage model: the JSON is not an object")
        return cls.from_dict(data)

    def with_parameters(self, **changes) -> ModelConfig:
        return replace(self, **changes)


# Columns a blocking rule may use: normalised columns, plus "name_pair" (the unordered pair of the two name sounds,
# so a swap still blocks), "dob_month_day" (the birthday without the year) and "dob_transposed" (year with day and
# month in either order).
BLOCKING_KEYS = (
    "nhs_number",
    "identifier",
    "dob",
    "dob_year",
    "dob_month_day",
    "dob_transposed",
    "given",
    "family",
    "given_phonetic",
    "family_phonetic",
    "name_pair",
    "postcode",
    "postcode_sector",
    "postcode_district",
)


def _comparison_problems(c: ComparisonConfig, trained: bool) -> list[str]:
    if c.name not in COMPARISONS:
        return [f"unknown comparison {c.name!r}"]
    try:
        specs = c.comparison().specs
    except (TypeError, ValueError) as exc:
        return [f"comparison {c.name!r}: bad params ({exc})"]
    problems = []
    labels = [lv.label for lv in c.levels]
    expected = [s.label for s in specs]
    if labels != expected:
        problems.append(f"comparison {c.name!r}: levels {labels} are not {expected}")
        return problems
    for spec, lv in zip(specs, c.levels, strict=True):
        if spec.rule:
            continue
        for key in ("m", "u"):
            value = getattr(lv, key)
            if value is None:
                if trained:
                    problems.append(f"comparison {c.name!r} level {lv.label!r}: {key} is not trained")
            elif not (isinstance(value, int | float) and math.isfinite(value) and 0 < value <= 1):
                problems.append(f"comparison {c.name!r} level {lv.label!r}: {key} must be in (0, 1]")
    return problems


def _untrained(name: str, params: dict | None = None) -> ComparisonConfig:
    params = params or {}
    specs = comparison_for(name, params).specs
    return ComparisonConfig(name=name, params=params, levels=tuple(LevelParams(s.label) for s in specs))


def default_model(link_type: str = "dedupe") -> ModelConfig:
    """The standard untrained model for UK person records (train it with ``linkage.train``).

    Comparisons: given name, family name, date of birth, sex, location (postcode + address), identifiers.
    Blocking (candidates to score): identifiers; date of birth with a surname sound, a first-name sound or the
    postcode district; surname sound with postcode; the two name sounds in either order with the year, the birthday
    or the postcode district; surname sound with the date of birth read either way round; an uncommon full name.
    Training (EM): all pairs with the same date of birth, and with the same surname sound and postcode (Splink's
    standard pair), each sampled to a bounded number of pairs.
    """
    comparisons = (
        _untrained("given_name", {"jw_thresholds": [0.92, 0.8]}),
        _untrained("family_name", {"jw_thresholds": [0.92, 0.8]}),
        _untrained("date_of_birth"),
        _untrained("sex"),
        _untrained("location"),
        _untrained("identifier"),
    )
    rules = (
        BlockingRule("same NHS number", ("nhs_number",), ("identifier",)),
        BlockingRule("same UPN, PNC ID or other identifier", ("identifier",), ("identifier",)),
        BlockingRule("date of birth + surname sound", ("dob", "family_phonetic"), ("date_of_birth", "family_name")),
        BlockingRule("date of birth + first name sound", ("dob", "given_phonetic"), ("date_of_birth", "given_name")),
        BlockingRule("date of birth + postcode district", ("dob", "postcode_district"), ("date_of_birth",)),
        BlockingRule("surname sound + postcode", ("family_phonetic", "postcode"), ("family_name", "location")),
        BlockingRule("name sounds (either order) + year of birth", ("name_pair", "dob_year"), ()),
        BlockingRule("name sounds (either order) + postcode district", ("name_pair", "postcode_district"), ()),
        BlockingRule("name sounds (either order) + birthday", ("name_pair", "dob_month_day"), ()),
        BlockingRule("surname sound + date of birth in either order", ("family_phonetic", "dob_transposed"), ()),
        BlockingRule("uncommon full name", ("given", "family"), ("given_name", "family_name"), max_block_size=20),
    )
    training_rules = (
        BlockingRule("date of birth", ("dob",), ("date_of_birth",)),
        BlockingRule("surname sound + postcode", ("family_phonetic", "postcode"), ("family_name", "location")),
    )
    return ModelConfig(
        comparisons=comparisons, blocking_rules=rules, training_rules=training_rules, link_type=link_type
    ).validate()

"""The engine's front door: deduplicate one set of records or link two, training on the records themselves.

    result = linkage.dedupe(frame)                 # frame: a DataFrame with the batch columns
    result.pairs                                   # record_id_l, record_id_r, match_probability, match_weight
    result.model.to_json()                         # the trained model, to store with decisions
    result.clusters()                              # record_id -> person number

No labels are needed: u from random pairs, m by EM, the prior from the data (``linkage.training``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from linkage.backends.memory import MemoryBackend, Run
from linkage.clustering import ambiguous_pairs, cluster_pairs
from linkage.config import ModelConfig, default_model
from linkage.records import normalise_records, validate_records

__all__ = ["LinkResult", "dedupe", "fallback_model", "link", "predict", "train"]


@dataclass
class LinkResult:
    """``pairs``: the scored pairs at or above the threshold asked for (all scored pairs when None), highest
    first; ``model``: the model used (trained on these records unless one was given); ``timings``: seconds per
    stage; ``run``: the arrays behind it (features, candidate pairs, levels, scores)."""

    pairs: pd.DataFrame
    model: ModelConfig
    timings: dict[str, float]
    run: Run

    def clusters(self, threshold: float | None = None) -> pd.Series:
        """Person number of every record (index: record_id), from links at or above ``threshold`` (default: the
        model's upper threshold), never joining two different valid NHS numbers or two records of one agency (the
        optional ``agency`` column; not even through other records), nor a pair that
        ``linkage.scoring.automatic_link_holds`` keeps from an automatic join (names disagree, likely siblings,
        possibly relatives or namesakes), nor a record two records of one agency would each join
        (``linkage.clustering.ambiguous_pairs``: which of the agency's two people it is, a human must decide)."""
        f = self.run.features
        probability = self.run.scores.match_probability
        if self.run.scores.hold is not None:
            probability = np.where(self.run.scores.hold > 0, 0.0, probability)
        limit = self.model.upper_threshold if threshold is None else threshold
        if f.agency is not None:
            # a record two of one agency's records would each join is that agency's puzzle, not a join
            held = ambiguous_pairs(
                self.run.blocks.left, self.run.blocks.right, probability >= limit, f.agency, identifier=f.nhs_number
            )
            probability = np.where(held >= 0, 0.0, probability)
        ids = cluster_pairs(
            f.n,
            self.run.blocks.left,
            self.run.blocks.right,
            probability,
            threshold=limit,
            nhs_number=f.nhs_number,
            agency=f.agency,
        )
        return pd.Series(ids, index=pd.Index(f.record_id, name="record_id"), name="cluster")


# Below this many candidate pairs per training rule EM has nothing to learn from (a handful of records).
_FALLBACK_RECORDS = 5000


@lru_cache(maxsize=2)
def fallback_model(link_type: str = "dedupe") -> ModelConfig:
    """A model trained on generated people (``linkage.synthetic``, fixed seed), for inputs too small to train on:
    the rules (NHS numbers) and the comparisons still apply; the weights are those learned from the generated
    population. Deterministic; takes a few seconds."""
    from linkage.synthetic import generate_people

    people = normalise_records(validate_records(generate_people(_FALLBACK_RECORDS, seed=1), label="generated"))
    model = MemoryBackend().run([people], default_model("dedupe"), train=True).model
    return replace(model, link_type=link_type)


def _run(backend: MemoryBackend, frames: list[pd.DataFrame], model: ModelConfig | None, link_type: str) -> Run:
    if model is not None:
        return backend.run(frames, model, train=False)
    try:
        return backend.run(frames, default_model(link_type), train=True)
    except ValueError as exc:
        if "too few records" not in str(exc):
            raise
        run = backend.run(frames, fallback_model(link_type), train=False)
        run.timings["fallback_model"] = 1.0
        return run


def _frames(*tables: pd.DataFrame, labels: tuple[str, ...]) -> list[pd.DataFrame]:
    return [normalise_records(validate_records(t, label=lb)) for t, lb in zip(tables, labels, strict=True)]


def dedupe(
    records: pd.DataFrame,
    *,
    model: ModelConfig | None = None,
    threshold: float | None = 0.5,
    backend: MemoryBackend | None = None,
) -> LinkResult:
    """Find records of the same person within one set.

    In: ``records`` with the batch columns (see ``linkage.records``); an optional trained ``model`` (default:
    ``default_model()`` trained on these records); ``threshold`` on match probability (None: every scored pair).
    Out: ``LinkResult``. Too few records to train on (a handful): the model trained on generated people
    (``fallback_model``) scores them instead, and ``result.timings`` has ``fallback_model``. Raises ``InputError``
    for bad records.
    """
    backend = backend or MemoryBackend()
    frames = _frames(records, labels=("input",))
    run = _run(backend, frames, model, "dedupe")
    return LinkResult(pairs=run.pairs(threshold), model=run.model, timings=run.timings, run=run)


def link(
    records_l: pd.DataFrame,
    records_r: pd.DataFrame,
    *,
    model: ModelConfig | None = None,
    threshold: float | None = 0.5,
    backend: MemoryBackend | None = None,
) -> LinkResult:
    """Find records of the same person across two sets (pairs always left from ``records_l``, right from
    ``records_r``; record ids need only be unique within each set). Otherwise as ``dedupe``."""
    backend = backend or MemoryBackend()
    frames = _frames(records_l, records_r, labels=("left input", "right input"))
    run = _run(backend, frames, model, "link")
    return LinkResult(pairs=run.pairs(threshold), model=run.model, timings=run.timings, run=run)


def train(
    records: pd.DataFrame, *, model: ModelConfig | None = None, backend: MemoryBackend | None = None
) -> ModelConfig:
    """Train ``model`` (default ``default_model()``) on ``records`` without labels; return the trained model."""
    frames = _frames(records, labels=("input",))
    return (backend or MemoryBackend()).run(frames, model or default_model("dedupe"), train=True).model


def predict(records: pd.DataFrame, model: ModelConfig, *, threshold: float | None = 0.5) -> pd.DataFrame:
    """Score ``records`` against each other with a trained ``model``; pairs as in ``LinkResult.pairs``."""
    return MemoryBackend().predict(_frames(records, labels=("input",)), model, threshold)

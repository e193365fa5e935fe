"""The in-process backend: numpy arrays of integer codes, vectorised comparisons, EM on distinct vectors.

Memory is bounded by the candidate pairs (about 20 bytes each while scoring) plus the records' features; a
million records use well under 2 GB (see README, Benchmark).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkage.backends import LinkageBackend
from linkage.blocking import BlockingResult, block
from linkage.config import ModelConfig
from linkage.records import Features, encode
from linkage.scoring import Scores, comparison_levels, score_pairs
from linkage.training import train_model

__all__ = ["MemoryBackend", "Run"]


@dataclass
class Run:
    """Everything one run computed: the features, the candidate pairs, their levels and scores, the model used."""

    features: Features
    blocks: BlockingResult
    levels: np.ndarray
    scores: Scores
    model: ModelConfig
    timings: dict[str, float]

    def pairs(self, threshold: float | None) -> pd.DataFrame:
        """Scored pairs as ``record_id_l, record_id_r, match_probability, match_weight`` (at or above
        ``threshold``; all when None), highest probability first."""
        prob = self.scores.match_probability
        keep = np.ones(len(prob), dtype=bool) if threshold is None else prob >= threshold
        idx = np.flatnonzero(keep)
        idx = idx[np.argsort(-prob[idx], kind="stable")]
        ids = self.features.record_id
        return pd.DataFrame(
            {
                "record_id_l": ids[self.blocks.left[idx]],
                "record_id_r": ids[self.blocks.right[idx]],
                "match_probability": prob[idx],
                "match_weight": self.scores.match_weight[idx],
            }
        )


class MemoryBackend(LinkageBackend):
    """In-process numpy backend (see module docstring). Options: ``seed`` (sampling), ``u_pairs`` (random pairs for
    u), ``em_max_pairs`` (pairs per EM session)."""

    name = "memory"

    def __init__(self, *, seed: int = 1, u_pairs: int | None = None, em_max_pairs: int = 300_000) -> None:
        self.seed = seed
        self.u_pairs = u_pairs
        self.em_max_pairs = em_max_pairs

    @staticmethod
    def features(frames: list[pd.DataFrame]) -> Features:
        if len(frames) == 1:
            return encode(frames[0])
        if len(frames) != 2:
            raise ValueError("give one frame to deduplicate or two to link")
        both = pd.concat(frames, ignore_index=True)
        source = np.concatenate([np.zeros(len(frames[0]), np.int8), np.ones(len(frames[1]), np.int8)])
        return encode(both, source=source)

    def run(self, frames: list[pd.DataFrame], model: ModelConfig, *, train: bool) -> Run:
        """Block, compare, train (when ``train``: EM on these records, no labels) and score."""
        clock = time.process_time()
        timings: dict[str, float] = {}

        def lap(name: str) -> None:
            nonlocal clock
            now = time.process_time()
            timings[name] = round(now - clock, 3)
            clock = now

        f = self.features(frames)
        lap("encode")
        link = model.link_type == "link"
        blocks = block(f, model.blocking_rules, max_block_size=model.max_block_size, link=link)
        lap("block")
        levels = comparison_levels(model, f, blocks.left, blocks.right)
        lap("compare")
        if train:
            model = train_model(
                model,
                f,
                blocks.left,
                blocks.right,
                levels,
                seed=self.seed,
                u_pairs=self.u_pairs or min(1_000_000, max(200_000, 20 * f.n)),
                em_max_pairs=self.em_max_pairs,
            )
            lap("train")
        scores = score_pairs(model, f, blocks.left, blocks.right, levels)
        lap("score")
        return Run(features=f, blocks=blocks, levels=levels, scores=scores, model=model, timings=timings)

    def predict(self, frames: list[pd.DataFrame], model: ModelConfig, threshold: float | None) -> pd.DataFrame:
        if not model.trained:
            raise ValueError("the model is not trained: train it first (linkage.train) or use linkage.dedupe/link")
        return self.run(frames, model, train=False).pairs(threshold)

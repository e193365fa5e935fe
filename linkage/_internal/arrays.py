"""Private array helpers of the engine (free to change; not part of the public API)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["dense_codes", "in_relation", "pairwise_unique"]


def pairwise_unique(codes_l: np.ndarray, codes_r: np.ndarray, fn, vocab: list | None = None) -> np.ndarray:
    """Apply ``fn`` once per distinct code pair; return per-pair results as float64.

    ``fn(a, b)`` receives the codes, or ``vocab[code]`` of each side when ``vocab`` is given."""
    if len(codes_l) == 0:
        return np.zeros(0)
    width = int(max(codes_l.max(), codes_r.max())) + 1
    key = codes_l.astype(np.int64) * width + codes_r.astype(np.int64)
    inverse, uniq = pd.factorize(key)
    ul, ur = (uniq // width).tolist(), (uniq % width).tolist()
    if vocab is not None:
        ul = [vocab[x] for x in ul]
        ur = [vocab[y] for y in ur]
    values = np.array(list(map(fn, ul, ur)), dtype=np.float64)
    return values[inverse]


def in_relation(a: np.ndarray, b: np.ndarray, relation: np.ndarray, width: int) -> np.ndarray:
    """For each pair of vocabulary codes, whether ``a * width + b`` is in the sorted ``relation``."""
    if len(relation) == 0 or len(a) == 0:
        return np.zeros(len(a), dtype=bool)
    keys = a.astype(np.int64) * width + b.astype(np.int64)
    pos = np.minimum(np.searchsorted(relation, keys), len(relation) - 1)
    return relation[pos] == keys


def dense_codes(values: np.ndarray) -> np.ndarray:
    """Dense codes 0..k-1 for the values (hashing, no sort), keeping -1 (blank) as -1."""
    codes, _ = pd.factorize(np.where(values >= 0, values, -1))
    codes = codes.astype(np.int64)
    blank = values < 0
    if blank.any():
        # factorize gave the blank value a code too: take it out and close the gap.
        blank_code = codes[np.flatnonzero(blank)[0]]
        codes[codes > blank_code] -= 1
        codes[blank] = -1
    return codes

"""Candidate-pair generation: only records that agree on a blocking key are compared (comparing every pair of a
million records would be 5 x 10^11 comparisons).

``block(features, rules)`` returns the union of the pairs of every rule (each pair once, left index < right index
when deduplicating; left from the first file when linking) and, per rule, that rule's own pairs (for training).
Vectorised: records are sorted by key and each block's pairs are produced with ``numpy.triu_indices``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linkage._internal.arrays import dense_codes
from linkage.config import BlockingRule
from linkage.records import Features

__all__ = ["BlockingResult", "block", "blocking_key", "pairs_for_rule"]


@dataclass
class BlockingResult:
    """``left``/``right``: int32 record positions of the candidate pairs (each pair once). ``by_rule``: rule name →
    (left, right) of the pairs that rule found. ``skipped_blocks``: rule name → number of blocks larger than
    ``max_block_size`` that were not compared."""

    left: np.ndarray
    right: np.ndarray
    by_rule: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    skipped_blocks: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.left)


def _column(f: Features, key: str) -> np.ndarray:
    if key in ("dob_month_day", "dob_transposed"):
        y, m, d = f.dob_year.astype(np.int64), f.dob_month.astype(np.int64), f.dob_day.astype(np.int64)
        if key == "dob_month_day":
            out = m * 100 + d
        else:
            out = y * 10000 + np.minimum(m, d) * 100 + np.maximum(m, d)
        out[f.dob < 0] = -1
        return out
    if key == "name_pair":
        a, b = f.given_phonetic.astype(np.int64), f.family_phonetic.astype(np.int64)
        width = int(max(a.max(initial=0), b.max(initial=0))) + 1
        pair = np.minimum(a, b) * width + np.maximum(a, b)
        pair[(a < 0) | (b < 0)] = -1
        return pair
    column = {
        "nhs_number": f.nhs_number,
        "identifier": f.identifier,
        "dob": f.dob,
        "dob_year": f.dob_year,
        "given": f.given,
        "family": f.family,
        "given_phonetic": f.given_phonetic,
        "family_phonetic": f.family_phonetic,
        "postcode": f.postcode,
        "postcode_sector": f.postcode_sector,
        "postcode_district": f.postcode_district,
    }[key]
    return column.astype(np.int64)


def _compacted(f: Features, key: str) -> np.ndarray:
    cache = f.__dict__.setdefault("_blocking_columns", {})
    if key not in cache:
        cache[key] = dense_codes(_column(f, key))
    return cache[key]


def blocking_key(f: Features, keys: tuple[str, ...]) -> np.ndarray:
    """One int64 key per record combining the ``keys`` columns; -1 where any of them is blank."""
    combined = _compacted(f, keys[0])
    for key in keys[1:]:
        nxt = _compacted(f, key)
        blank = (combined < 0) | (nxt < 0)
        combined = combined * (int(nxt.max(initial=0)) + 1) + nxt
        combined[blank] = -1
        combined = dense_codes(combined)
    return combined


def pairs_for_rule(
    f: Features, rule: BlockingRule, *, max_block_size: int, link: bool, max_pairs: int | None = None, seed: int = 1
) -> tuple[np.ndarray, np.ndarray, int]:
    """All pairs of records sharing the rule's key: (left, right, number of blocks skipped for size).

    ``max_pairs``: when the rule would give more pairs, a random share of the records is kept first (the same
    record sampling as Splink's EM ``max_pairs``), so about ``max_pairs`` pairs come back — used for training."""
    if rule.max_block_size is not None:
        max_block_size = rule.max_block_size
    key = blocking_key(f, rule.keys)
    if max_pairs is not None:
        counts = np.bincount(key[key >= 0]) if (key >= 0).any() else np.zeros(0, np.int64)
        counts = counts[counts <= max_block_size].astype(np.float64)
        total = float((counts * (counts - 1) / 2).sum())
        if total > max_pairs:
            keep = np.random.default_rng(seed).random(len(key)) < np.sqrt(max_pairs / total)
            key = np.where(keep, key, -1)
    idx = np.flatnonzero(key >= 0)
    if len(idx) < 2:
        return np.empty(0, np.int32), np.empty(0, np.int32), 0
    order = idx[np.argsort(key[idx], kind="stable")]
    sorted_key = key[order]
    starts = np.concatenate(([0], np.flatnonzero(np.diff(sorted_key)) + 1))
    sizes = np.diff(np.concatenate((starts, [len(order)])))
    skipped = int((sizes > max_block_size).sum())
    lefts, rights = [], []
    for size in np.unique(sizes):
        if size < 2 or size > max_block_size:
            continue
        group_starts = starts[sizes == size]
        iu, ju = np.triu_indices(int(size), 1)
        # Bounded memory: very many blocks of one size are expanded in slices.
        step = max(1, 4_000_000 // len(iu))
        for s in range(0, len(group_starts), step):
            gs = group_starts[s : s + step]
            a = order[gs[:, None] + iu[None, :]].ravel()
            b = order[gs[:, None] + ju[None, :]].ravel()
            lefts.append(np.minimum(a, b).astype(np.int32))
            rights.append(np.maximum(a, b).astype(np.int32))
    if not lefts:
        return np.empty(0, np.int32), np.empty(0, np.int32), skipped
    left, right = np.concatenate(lefts), np.concatenate(rights)
    if link:
        src = f.source
        across = src[left] != src[right]
        left, right = left[across], right[across]
        flip = src[left] == 1
        left[flip], right[flip] = right[flip], left[flip].copy()
    return left, right, skipped


def block(
    f: Features,
    rules: tuple[BlockingRule, ...],
    *,
    max_block_size: int = 5000,
    link: bool = False,
    keep_rule_pairs: bool = False,
) -> BlockingResult:
    """Candidate pairs of ``f`` under ``rules`` (see module docstring). ``link``: pairs across ``f.source`` only.
    ``keep_rule_pairs``: also keep each rule's own pairs in ``by_rule`` (memory: for analysis and tests)."""
    by_rule: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    skipped: dict[str, int] = {}
    keys = []
    n = np.int64(f.n)
    for rule in rules:
        left, right, sk = pairs_for_rule(f, rule, max_block_size=max_block_size, link=link)
        if not keep_rule_pairs:
            left_kept = np.empty(0, np.int32)
            by_rule[rule.name] = (left_kept, left_kept)
            skipped[rule.name] = sk
            keys.append(left.astype(np.int64) * n + right)
            continue
        by_rule[rule.name] = (left, right)
        skipped[rule.name] = sk
        keys.append(left.astype(np.int64) * n + right)
    if keys:
        union = np.unique(np.concatenate(keys))
    else:
        union = np.empty(0, np.int64)
    return BlockingResult(
        left=(union // n).astype(np.int32),
        right=(union % n).astype(np.int32),
        by_rule=by_rule,
        skipped_blocks=skipped,
    )

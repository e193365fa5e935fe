"""Pairs → people: records joined by links at or above a threshold form one cluster (connected components).

Union-find (disjoint sets with path halving and union by size), taking links strongest first and refusing any union
that would put two different valid NHS numbers in one cluster — so the never-link rule also holds for chains
(A–B and B–C cannot make A and C one person when A and C have different NHS numbers) — or two records of one agency
(an agency's two records are its statement that they are two people: A–B and B–C cannot make one person of an
agency's records A and C, whatever B is). Constraints of this kind are "cannot-link" constraints (Wagstaff et al.
(2001), "Constrained K-means clustering with background knowledge", ICML); taking links strongest first means the
strongest evidence decides which of two conflicting links stands.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cluster_pairs"]


def cluster_pairs(
    n_records: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    *,
    threshold: float,
    nhs_number: np.ndarray | None = None,
    agency: np.ndarray | None = None,
) -> np.ndarray:
    """Cluster ids for ``n_records`` records.

    In: pairs as record positions ``left``/``right`` with their ``probability``; ``threshold`` (links below it are
    ignored); optionally each record's valid NHS number as int64 (-1 when none) and the code of the agency holding
    each record (-1 when not known): a link that would put two records of one agency in one cluster is refused, as
    is one that would give a cluster two NHS numbers. Out: int64 array of length ``n_records``; records in one
    cluster share an id (the smallest position in the cluster). Raises ValueError when the arrays differ in length.
    """
    left, right, probability = np.asarray(left), np.asarray(right), np.asarray(probability)
    if not (len(left) == len(right) == len(probability)):
        raise ValueError("left, right and probability must have the same length")
    parent = list(range(n_records))
    size = [1] * n_records
    nhs: list[int] = [-1] * n_records if nhs_number is None else [int(x) for x in nhs_number]
    # the agencies holding records in each cluster (at the root); only records with a known agency have an entry
    agencies: dict[int, set[int]] = (
        {} if agency is None else {i: {int(a)} for i, a in enumerate(np.asarray(agency).tolist()) if a >= 0}
    )

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keep = np.flatnonzero(probability >= threshold)
    keep = keep[np.argsort(-probability[keep], kind="stable")]
    for a, b in zip(left[keep].tolist(), right[keep].tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        na, nb = nhs[ra], nhs[rb]
        if na >= 0 and nb >= 0 and na != nb:
            continue  # never one person with two NHS numbers
        ga, gb = agencies.get(ra), agencies.get(rb)
        if ga and gb and not ga.isdisjoint(gb):
            continue  # never one person of two records one agency keeps apart
        if size[ra] < size[rb]:
            ra, rb = rb, ra
            ga, gb = gb, ga
        parent[rb] = ra
        size[ra] += size[rb]
        nhs[ra] = na if na >= 0 else nb
        if gb:
            if ga is None:
                agencies[ra] = gb
            else:
                ga |= gb
            del agencies[rb]
    roots = np.fromiter((find(i) for i in range(n_records)), dtype=np.int64, count=n_records)
    # Name each cluster by its smallest member.
    smallest = np.full(n_records, n_records, dtype=np.int64)
    np.minimum.at(smallest, roots, np.arange(n_records))
    return smallest[roots]

"""Pairs → people: records joined by links at or above a threshold form one cluster (connected components).

Union-find (disjoint sets with path halving and union by size), taking links strongest first and refusing any union
that would put two different valid NHS numbers in one cluster — so the never-link rule also holds for chains
(A–B and B–C cannot make A and C one person when A and C have different NHS numbers) — or two records of one agency
(an agency's two records are its statement that they are two people: A–B and B–C cannot make one person of an
agency's records A and C, whatever B is). Constraints of this kind are "cannot-link" constraints (Wagstaff et al.
(2001), "Constrained K-means clustering with background knowledge", ICML); taking links strongest first means the
strongest evidence decides which of two conflicting links stands.

A record that two records of one agency, kept apart, would each join automatically is ambiguous
(``ambiguous_pairs``): the engine cannot tell which of the agency's two people it belongs to (twins at one school,
one "Lily Couch" to a GP), so no link of that record is automatic; each is held for a person's review.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ambiguous_pairs", "cluster_pairs"]


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


def ambiguous_pairs(
    left: np.ndarray,
    right: np.ndarray,
    automatic: np.ndarray,
    agency: np.ndarray,
    *,
    person: np.ndarray | None = None,
    identifier: np.ndarray | None = None,
) -> np.ndarray:
    """Which automatic joins two records of one agency make ambiguous (a join to hold for a person's review).

    A record R is ambiguous when two other records C1 and C2 would each join R automatically (``automatic``) while one
    agency holds C1 and C2 apart: the same known agency (code >= 0), not already one person (``person``), and not
    that agency's duplicate of one person (the same known ``identifier``, as ``people.linking`` reads an agency's
    two records carrying one valid identifier). The agency holds two people there and nothing in R says which one it
    is, so R's automatic joins -- to C1, to C2, or to any record of a third agency (twins' GP record "Lily" to the
    CAMHS record "Lily-Rose": it could be either twin) -- are guesses. Candidates already in R's own person do not
    count (that join is decided).

    In: pairs as record positions ``left``/``right``; ``automatic``: bool per pair, the pair would be confirmed
    automatically on its own (threshold reached, no hold); ``agency``: int code per record (-1 unknown or not an
    agency's own record); ``person``: optional int per record, records with the same value are already one person
    (default: each record its own); ``identifier``: optional int per record (-1 none). Out: int64 array per pair:
    the agency code that makes the pair ambiguous, or -1 (not ambiguous, or not automatic). Raises ValueError when
    the pair arrays differ in length.

    Source: issue 8 ("never merge two children to make a pattern: a flag built on a wrong merge is worse than no
    flag") and the pattern bench's trap TR15 (twins; the at-risk twin's CAMHS record joined the other twin's GP
    record although the school held two "Lily Couch" records apart); ADR 0022, "left".
    """
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    automatic, agency = np.asarray(automatic, dtype=bool), np.asarray(agency, dtype=np.int64)
    if not (len(left) == len(right) == len(automatic)):
        raise ValueError("left, right and automatic must have the same length")
    n = len(agency)
    group = np.arange(n, dtype=np.int64) if person is None else np.asarray(person, dtype=np.int64)
    ident = np.full(n, -1, dtype=np.int64) if identifier is None else np.asarray(identifier, dtype=np.int64)
    # each record's automatic candidates of a known agency, outside its own person: {record: {agency: [candidates]}}
    candidates: dict[int, dict[int, list[int]]] = {}
    for a, b in zip(left[automatic].tolist(), right[automatic].tolist(), strict=True):
        if group[a] == group[b]:
            continue
        for r, c in ((a, b), (b, a)):
            if agency[c] >= 0:
                candidates.setdefault(r, {}).setdefault(int(agency[c]), []).append(c)
    ambiguous: dict[int, int] = {}
    for r, by_agency in candidates.items():
        for code in sorted(by_agency):
            held = by_agency[code]
            if any(
                group[c1] != group[c2] and not (ident[c1] >= 0 and ident[c1] == ident[c2])
                for i, c1 in enumerate(held)
                for c2 in held[i + 1 :]
            ):
                ambiguous[r] = code
                break
    out = np.full(len(left), -1, dtype=np.int64)
    for k in np.flatnonzero(automatic).tolist():
        code = ambiguous.get(int(left[k]), ambiguous.get(int(right[k]), -1))
        out[k] = code
    return out

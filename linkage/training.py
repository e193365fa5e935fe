"""Training without labels: u from random pairs, m by expectation maximisation (EM), the prior from the data.

- **u** (P(level | different people)): the levels of a random sample of record pairs, which are almost all
  different people (Splink's ``estimate_u_using_random_sampling``).
- **m** (P(level | same person)): EM on each training blocking rule's pairs, with u fixed; the comparisons the rule
  fixes are left out of that session (they agree by construction), and each comparison's m is the mean of the
  sessions that estimated it. EM runs on the distinct comparison vectors with their counts, so a million pairs cost
  a few hundred vectors per iteration. Source: Fellegi & Sunter (1969); Winkler (1988) "Using the EM algorithm for
  weight computation in the Fellegi-Sunter model of record linkage"; Splink's EM training sessions.
- **λ** (probability two random records match): the fixed point of λ = (Σ posterior match probability over the
  candidate pairs) / (number of possible pairs), with m and u fixed.
Rule levels (NHS numbers) are never trained.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from linkage.blocking import pairs_for_rule
from linkage.comparisons import UNRESOLVED, NameComparison
from linkage.config import BlockingRule, ComparisonConfig, LevelParams, ModelConfig, TrainingReport
from linkage.records import Features
from linkage.scoring import _bayes_weights, _probability, _tables, comparison_levels

__all__ = ["em_session", "estimate_prior", "estimate_u", "random_pairs", "train_model"]

_M_FLOOR = 1e-6


def _trainable(model: ModelConfig) -> list[np.ndarray]:
    """Per comparison: bool per level, True where the level is trained (not a rule level)."""
    return [np.array([s.rule is None for s in c.comparison().specs]) for c in model.comparisons]


def random_pairs(f: Features, n_pairs: int, *, seed: int, link: bool) -> tuple[np.ndarray, np.ndarray]:
    """``n_pairs`` random distinct record pairs (across the two files when ``link``), as (left, right) int32."""
    rng = np.random.default_rng(seed)
    if link:
        a = np.flatnonzero(f.source == 0)
        b = np.flatnonzero(f.source == 1)
        n_pairs = int(min(n_pairs, len(a) * len(b)))
        return (
            a[rng.integers(0, len(a), n_pairs)].astype(np.int32),
            b[rng.integers(0, len(b), n_pairs)].astype(np.int32),
        )
    n_pairs = int(min(n_pairs, f.n * (f.n - 1) // 2))
    left = rng.integers(0, f.n, n_pairs)
    right = rng.integers(0, f.n - 1, n_pairs)
    right = right + (right >= left)  # never the same record
    return np.minimum(left, right).astype(np.int32), np.maximum(left, right).astype(np.int32)


def _proportions(
    levels: np.ndarray, trainable: np.ndarray, floor_count: float, costly_from: int | None = None
) -> np.ndarray:
    """Share of each trainable level among pairs at a trainable level (rule levels and blanks excluded).

    With ``costly_from``, pairs marked UNRESOLVED were left out of a stratified sample: the counts of levels from
    ``costly_from`` on are scaled up by (unresolved + sampled) / sampled."""
    n_levels = len(trainable)
    counts = np.bincount(levels[levels >= 0], minlength=n_levels).astype(float)
    unresolved = int((levels == UNRESOLVED).sum())
    if costly_from is not None and unresolved:
        sampled = counts[costly_from:].sum()
        if sampled > 0:
            counts[costly_from:] *= (unresolved + sampled) / sampled
    counts[~trainable] = 0.0
    counts[trainable] = np.maximum(counts[trainable], floor_count)
    total = counts[trainable].sum()
    out = np.full(n_levels, np.nan)
    out[trainable] = counts[trainable] / total if total > 0 else 1.0 / trainable.sum()
    return out


def estimate_u(
    model: ModelConfig, f: Features, *, n_pairs: int, seed: int, costly_budget: int = 300_000
) -> tuple[list[np.ndarray], int]:
    """u of every trainable level from ``n_pairs`` random pairs; a level never seen gets half a pair's share.

    The costly name levels (nickname, phonetic, Jaro-Winkler) are computed on a stratified sample of
    ``costly_budget`` of the pairs the cheap levels leave (their u is scaled up accordingly)."""
    left, right = random_pairs(f, n_pairs, seed=seed, link=model.link_type == "link")
    trainable = _trainable(model)
    out = []
    for k, c in enumerate(model.comparisons):
        comparison = c.comparison()
        if isinstance(comparison, NameComparison):
            levels = comparison.levels(f, left, right, budget=costly_budget, seed=seed + k)
            out.append(_proportions(levels, trainable[k], 0.5, comparison.costly_from))
        else:
            out.append(_proportions(comparison.levels(f, left, right), trainable[k], 0.5))
    return out, len(left)


def _initial_m(trainable: np.ndarray) -> np.ndarray:
    """Starting m: most weight on the strongest trained level, decreasing, a little on "else"."""
    idx = np.flatnonzero(trainable)
    raw = np.array([0.5**i for i in range(len(idx))])
    raw[-1] = 0.05  # "else"
    out = np.full(len(trainable), np.nan)
    out[idx] = raw / raw.sum()
    return out


def em_session(
    levels: np.ndarray,
    u: list[np.ndarray],
    trainable: list[np.ndarray],
    *,
    m_start: list[np.ndarray] | None = None,
    prior_start: float = 0.3,
    max_iterations: int = 100,
    tolerance: float = 1e-5,
) -> tuple[list[np.ndarray], float, int, bool]:
    """EM for m (u fixed) on one set of pairs.

    In: ``levels`` (n_pairs, k) int8 for the k comparisons this session estimates; ``u``/``trainable`` per comparison.
    Out: (m per comparison, λ within these pairs, iterations run, converged). Converged means the largest change of
    any m and of λ in the last iteration was below ``tolerance``.
    """
    k = levels.shape[1]
    # Distinct comparison vectors with their counts.
    codes = np.zeros(len(levels), dtype=np.int64)
    for j in range(k):
        codes = codes * 16 + (levels[:, j].astype(np.int64) + 1)
    vectors, inverse, counts = np.unique(codes, return_index=False, return_inverse=True, return_counts=True)
    del inverse
    pattern = np.empty((len(vectors), k), dtype=np.int64)
    rest = vectors.copy()
    for j in range(k - 1, -1, -1):
        pattern[:, j] = rest % 16 - 1
        rest //= 16
    # A level counts in EM only where it is trainable; blanks and rule levels are neutral (factor 1).
    use = np.zeros_like(pattern, dtype=bool)
    for j in range(k):
        ok = pattern[:, j] >= 0
        use[ok, j] = trainable[j][pattern[ok, j]]
    log_u = np.zeros(pattern.shape)
    for j in range(k):
        log_u[use[:, j], j] = np.log(u[j][pattern[use[:, j], j]])
    m = [(_initial_m(trainable[j]) if m_start is None else m_start[j].copy()) for j in range(k)]
    prior = prior_start
    weights = counts.astype(float)
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - the count is reported
        log_m = np.zeros(pattern.shape)
        for j in range(k):
            log_m[use[:, j], j] = np.log(m[j][pattern[use[:, j], j]])
        log_match = np.log(prior) + log_m.sum(axis=1)
        log_non = np.log(1 - prior) + log_u.sum(axis=1)
        post = 1.0 / (1.0 + np.exp(np.clip(log_non - log_match, -700, 700)))
        expected = post * weights
        new_prior = float(np.clip(expected.sum() / weights.sum(), 1e-9, 1 - 1e-9))
        change = abs(new_prior - prior)
        new_m = []
        for j in range(k):
            n_levels = len(trainable[j])
            sums = np.bincount(pattern[use[:, j], j], weights=expected[use[:, j]], minlength=n_levels)
            mj = np.full(n_levels, np.nan)
            t = trainable[j]
            total = sums[t].sum()
            if total > 0:
                mj[t] = np.maximum(sums[t] / total, _M_FLOOR)
                mj[t] /= mj[t].sum()
            else:
                mj = m[j].copy()
            change = max(change, float(np.nanmax(np.abs(mj - m[j]))) if t.any() else 0.0)
            new_m.append(mj)
        m, prior = new_m, new_prior
        if change < tolerance:
            converged = True
            break
    return m, prior, iteration, converged


def _posteriors(
    levels: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], trainable: list[np.ndarray], prior: float
):
    """P(match | levels) of each pair under m, u and the prior (blank and rule levels neutral)."""
    log_ratio = np.full(len(levels), np.log(prior / (1 - prior)))
    for j in range(levels.shape[1]):
        lv = levels[:, j].astype(np.int64)
        ok = lv >= 0
        ok[ok] = trainable[j][lv[ok]]
        log_ratio[ok] += np.log(m[j][lv[ok]] / u[j][lv[ok]])
    return 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700, 700)))


def estimate_household_u(
    model: ModelConfig, f: Features, m: list[np.ndarray], u: list[np.ndarray], *, max_pairs: int, seed: int
) -> float | None:
    """u of "same surname at the same postcode": P(same surname | same postcode, different people).

    People sharing a postcode are often one household sharing a surname, so the random-pair u of a shared surname
    (and its term frequency) overstates the evidence there. On pairs sharing a postcode (sampled to ``max_pairs``),
    each pair's chance of being a non-match comes from the other fields (first name, date of birth, sex,
    identifiers) under the trained m and u, with the share of matches in that block estimated by EM; the u is the
    non-match-weighted share of pairs with the same surname. None when the data has too few such pairs.
    """
    names = [c.name for c in model.comparisons]
    if "family_name" not in names:
        return None
    rule = BlockingRule("same postcode", ("postcode",), ("location",))
    left, right, _ = pairs_for_rule(
        f, rule, max_block_size=model.max_block_size, link=model.link_type == "link", max_pairs=max_pairs, seed=seed
    )
    if len(left) < 10:
        return None
    trainable = _trainable(model)
    fam = names.index("family_name")
    cols = [k for k, name in enumerate(names) if name not in ("family_name", "location")]
    sub = replace(model, comparisons=tuple(model.comparisons[k] for k in [fam, *cols]))
    levels = comparison_levels(sub, f, left, right)
    others = levels[:, 1:]
    _, prior, _, _ = em_session(
        others, [u[k] for k in cols], [trainable[k] for k in cols], m_start=[m[k] for k in cols]
    )
    non_match = 1.0 - _posteriors(
        others, [m[k] for k in cols], [u[k] for k in cols], [trainable[k] for k in cols], prior
    )
    family_levels = levels[:, 0]
    known = family_levels >= 0
    denominator = float(non_match[known].sum())
    if denominator < 5:
        return None
    same = float(non_match[family_levels == 0].sum())
    return float(np.clip(same / denominator, 1e-6, 1.0))


def estimate_prior(
    model: ModelConfig,
    f: Features,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray,
    *,
    max_iterations: int = 50,
) -> tuple[float, int]:
    """λ such that λ x (number of possible pairs) = Σ posterior match probability of the candidate pairs."""
    tables = _tables(model)
    bayes, link, never = _bayes_weights(model, f, left, right, levels, tables)
    if model.link_type == "link":
        total = float((f.source == 0).sum()) * float((f.source == 1).sum())
    else:
        total = f.n * (f.n - 1) / 2.0
    prior = model.probability_two_random_records_match
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007
        w = bayes + np.log2(prior / (1 - prior))
        p = _probability(w)
        p[link] = 1.0
        p[never] = 0.0
        new = float(np.clip(p.sum() / max(total, 1.0), 1e-12, 0.5))
        if abs(np.log(new / prior)) < 1e-4:
            prior = new
            break
        prior = new
    return prior, iteration


def _with_parameters(model: ModelConfig, m: list[np.ndarray], u: list[np.ndarray]) -> ModelConfig:
    comparisons = []
    for k, c in enumerate(model.comparisons):
        levels = []
        for i, lv in enumerate(c.levels):
            if np.isnan(u[k][i]):
                levels.append(LevelParams(lv.label))
            else:
                levels.append(LevelParams(lv.label, m=float(m[k][i]), u=float(u[k][i])))
        comparisons.append(ComparisonConfig(name=c.name, params=c.params, levels=tuple(levels)))
    return replace(model, comparisons=tuple(comparisons))


def train_model(
    model: ModelConfig,
    f: Features,
    candidates_left: np.ndarray,
    candidates_right: np.ndarray,
    candidate_levels: np.ndarray,
    *,
    seed: int = 1,
    u_pairs: int = 2_000_000,
    em_max_pairs: int = 1_000_000,
) -> ModelConfig:
    """Train ``model`` on the records ``f`` without labels.

    In: the records' features and the blocked candidate pairs with their levels (used for the prior). u comes from
    ``u_pairs`` random pairs; m from EM on each of ``model.training_rules`` (pairs sampled to about
    ``em_max_pairs``). Out: the model with m, u, λ and a ``TrainingReport``; ``trained=True``. Raises ValueError
    when no training rule produced pairs (too few records to learn from).
    """
    trainable = _trainable(model)
    u, n_u = estimate_u(model, f, n_pairs=u_pairs, seed=seed)
    names = [c.name for c in model.comparisons]
    m_sums = [np.zeros(len(t)) for t in trainable]
    m_counts = [0] * len(names)
    sessions = []
    link = model.link_type == "link"
    for number, rule in enumerate(model.training_rules):
        left, right, _ = pairs_for_rule(
            f, rule, max_block_size=model.max_block_size, link=link, max_pairs=em_max_pairs, seed=seed + number
        )
        if len(left) < 10:
            sessions.append({"rule": rule.name, "pairs": int(len(left)), "skipped": "too few pairs"})
            continue
        cols = [k for k, name in enumerate(names) if name not in rule.conditions]
        sub = replace(model, comparisons=tuple(model.comparisons[k] for k in cols))
        levels = comparison_levels(sub, f, left, right)
        m, lam, iterations, converged = em_session(levels, [u[k] for k in cols], [trainable[k] for k in cols])
        for j, k in enumerate(cols):
            m_sums[k] += np.nan_to_num(m[j])
            m_counts[k] += 1
        sessions.append(
            {
                "rule": rule.name,
                "pairs": int(len(left)),
                "estimated": [names[k] for k in cols],
                "iterations": iterations,
                "converged": bool(converged),
                "match_share": round(lam, 6),
            }
        )
    if not any(m_counts):
        raise ValueError("too few records to train on: no training rule found pairs to learn from")
    m_final = []
    for k in range(len(names)):
        if m_counts[k]:
            mk = m_sums[k] / m_counts[k]
            mk = np.where(trainable[k], mk, np.nan)
        else:
            mk = _initial_m(trainable[k])
        m_final.append(mk)
    household_u = estimate_household_u(model, f, m_final, u, max_pairs=em_max_pairs, seed=seed + 99)
    if "family_name" in names:
        k = names.index("family_name")
        labels = [lv.label for lv in model.comparisons[k].levels]
        if labels[:2] == ["exact_same_postcode", "exact"]:
            # Same surname is the same event for a match wherever they live: m is the share of both levels.
            m_final[k][0] = m_final[k][1] = m_final[k][0] + m_final[k][1]
            if household_u is not None:
                u[k][0] = household_u
            else:
                u[k][0] = u[k][1]
    trained = _with_parameters(model, m_final, u)
    prior, prior_iterations = estimate_prior(trained, f, candidates_left, candidates_right, candidate_levels)
    sessions.append({"rule": "same postcode (household surname u)", "u_same_surname": household_u})
    report = TrainingReport(u_pairs=int(n_u), em_sessions=tuple(sessions), prior_iterations=prior_iterations)
    return replace(trained, probability_two_random_records_match=prior, trained=True, training=report).validate()

"""Fellegi–Sunter scoring: match weights, probabilities, thresholds and per-field explanations.

For a pair with comparison levels γ, the match weight (bits) is ``log2(λ / (1 - λ)) + Σ log2(m_γ / u_γ)`` with,
for an exact name, the term-frequency adjustment ``log2(u_exact / max(tf, tf_min_u))`` (a shared rare surname says
more than a shared "Smith"; the same formula as Splink's). The probability is ``2^w / (1 + 2^w)``. Rules override the
arithmetic: a "never" level (two different valid NHS numbers) gives probability 0; otherwise a "link" level (the
same valid NHS number, UPN or PNC ID) gives probability 1. A further decision rule (``automatic_link_holds``) keeps
the probability as it is but stops a pair without a shared validated identifier from being joined *automatically*
when the first names or surnames disagree, or the pair looks like relatives or namesakes (different birth dates
with a spelling variant or another home; two UPNs or PNC IDs at another home; two records one agency holds under
different record ids, even when they share an identifier), and marks the sibling
pattern (same surname, date of birth and address, different first names) as no link at all. Source: Fellegi & Sunter (1969), "A theory for record
linkage", JASA 64(328); the term-frequency formula as in Splink's documentation ("term frequency adjustments").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from linkage.config import ModelConfig
from linkage.records import Features, encode, normalise_records, validate_records

__all__ = [
    "FieldExplanation",
    "HOLD_ELSEWHERE",
    "HOLD_FOR_REVIEW",
    "HOLD_NAMESAKES",
    "HOLD_NONE",
    "HOLD_REASONS",
    "HOLD_RELATIVES",
    "HOLD_REVIEW",
    "HOLD_SAME_AGENCY",
    "HOLD_SIBLINGS",
    "NO_DOB_CEILING",
    "PairExplanation",
    "Scores",
    "automatic_link_holds",
    "clear_same_person",
    "comparison_levels",
    "decision",
    "pair_clashes",
    "explain",
    "explain_records",
    "no_dob_ceiling",
    "same_agency",
    "score_pairs",
]


def comparison_levels(model: ModelConfig, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Levels of every comparison for each pair: an (n_pairs, n_comparisons) int8 array (-1 = blank)."""
    out = np.empty((len(left), len(model.comparisons)), dtype=np.int8)
    for k, c in enumerate(model.comparisons):
        out[:, k] = c.comparison().levels(f, left, right)
    return out


@dataclass
class _Tables:
    log_bf: list[np.ndarray]  # per comparison: index level+1 (0 = blank) -> log2(m/u); 0 for blank and rule levels
    link: list[np.ndarray]  # per comparison: bool per level+1
    never: list[np.ndarray]
    tf: list[tuple[str, float, int] | None]  # per comparison: (field, u, level) of the tf-adjusted level


def _tables(model: ModelConfig) -> _Tables:
    log_bf, link, never, tf = [], [], [], []
    for c in model.comparisons:
        specs = c.comparison().specs
        lb = np.zeros(len(specs) + 1)
        lk = np.zeros(len(specs) + 1, dtype=bool)
        nv = np.zeros(len(specs) + 1, dtype=bool)
        tf_entry = None
        for i, (spec, lv) in enumerate(zip(specs, c.levels, strict=True)):
            if spec.rule == "link":
                lk[i + 1] = True
            elif spec.rule == "never":
                nv[i + 1] = True
            elif lv.m is not None and lv.u is not None:
                lb[i + 1] = np.log2(lv.m / lv.u)
                if spec.tf:
                    tf_entry = (c.name.split("_")[0], lv.u, i)  # given_name -> given_tf, family_name -> family_tf
        log_bf.append(lb)
        link.append(lk)
        never.append(nv)
        tf.append(tf_entry)
    return _Tables(log_bf, link, never, tf)


@dataclass
class Scores:
    """Per pair: ``match_weight`` (bits, before rules), ``match_probability`` (after rules), ``rule`` (0 none,
    1 deterministic link, -1 never-link), ``hold`` (``automatic_link_holds``: 0 may be joined automatically, 2 likely
    siblings: no link, any other code review at most)."""

    match_weight: np.ndarray
    match_probability: np.ndarray
    rule: np.ndarray
    hold: np.ndarray | None = None
    clear: np.ndarray | None = None  # ``clear_same_person``: may be joined from the lower threshold up


#: ``automatic_link_holds`` codes.
HOLD_NONE, HOLD_REVIEW, HOLD_SIBLINGS = 0, 1, 2
#: Why a pair was not joined automatically, per hold code (plain English, for the review queue and explanations).
HOLD_ELSEWHERE = 3
HOLD_RELATIVES = 4
HOLD_NAMESAKES = 5
HOLD_SAME_AGENCY = 6
#: Codes that stop an automatic join but leave the pair for a human's review.
HOLD_FOR_REVIEW = frozenset({HOLD_REVIEW, HOLD_ELSEWHERE, HOLD_RELATIVES, HOLD_NAMESAKES, HOLD_SAME_AGENCY})
HOLD_REASONS = {
    HOLD_REVIEW: "no shared identifier and the first names or surnames do not agree (a human must decide)",
    HOLD_ELSEWHERE: (
        "no shared identifier, day and month of birth swapped and different addresses (a human must decide)"
    ),
    HOLD_SIBLINGS: "same surname, date of birth and address but different first names: likely siblings or twins",
    HOLD_RELATIVES: (
        "no shared identifier, different dates of birth and the first names spelt differently or another home: "
        "possibly siblings or cousins (a human must decide)"
    ),
    HOLD_NAMESAKES: (
        "no shared identifier, another home and two different UPNs or PNC IDs, or the same birthday with the first "
        "name spelt another way: possibly two children of one name (a human must decide)"
    ),
    HOLD_SAME_AGENCY: (
        "one agency holds them as two records under different record ids: to that agency they are two people "
        "(a human must decide)"
    ),
}
# Name levels that count as "the names agree": the same, swapped, a nickname or short form, sounds alike, or the
# closest spelling level (a typo). The lower Jaro-Winkler level ("partly similar") and "different" do not.
_GIVEN_AGREE = frozenset({"exact", "swapped", "nickname", "phonetic"})
_FAMILY_AGREE = frozenset({"exact_same_postcode", "exact", "swapped", "part", "phonetic"})
_FAMILY_SAME = frozenset({"exact_same_postcode", "exact"})
_HOUSEHOLD = frozenset({"exact", "postcode", "address"})  # location levels: same address or same postcode


def _level_mask(model: ModelConfig, levels: np.ndarray, name: str, labels) -> np.ndarray | None:
    """Per pair, whether comparison ``name``'s level is one of ``labels`` (callable: label -> bool, or a set);
    None when the model has no such comparison."""
    for k, c in enumerate(model.comparisons):
        if c.name != name:
            continue
        specs = c.comparison().specs
        pick = labels if callable(labels) else labels.__contains__
        table = np.array([False] + [bool(pick(s.label)) for s in specs])  # index level+1 (0 = blank)
        return table[levels[:, k].astype(np.int16) + 1]
    return None


def _name_agrees(model: ModelConfig, levels: np.ndarray, name: str, agree: frozenset) -> np.ndarray | None:
    for c in model.comparisons:
        if c.name == name:
            jw = [s.label for s in c.comparison().specs if s.label.startswith("jaro_winkler_")]
            labels = agree | frozenset(jw[:1])  # the closest spelling level only
            return _level_mask(model, levels, name, labels)
    return None


def pair_clashes(f: Features, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair, three facts the comparison levels do not hold (bool arrays of the pairs' length):

    - ``other_dwelling``: both addresses carry house or flat numbers and they differ ("4/12 Harbour Court" and
      "9/12 Harbour Court": two flats of one block at one postcode), however each agency writes the street;
    - ``identifier_clash``: both records hold a UPN (or both a PNC ID) and they differ. A UPN and a PNC ID are each
      issued once per child (DfE; the Police National Computer), so two different ones of one kind are two
      children, unless one was mistyped: a reason for a human to decide, not a rule. Blank identifiers are
      unknown: never a clash, never agreement;
    - ``other_year``: both years of birth are known and differ (siblings and cousins are born in different years;
      twins share a date of birth)."""
    n = len(left)
    dwelling = np.zeros(n, dtype=bool)
    clash = np.zeros(n, dtype=bool)
    if f.address_numbers is not None:
        a, b = f.address_numbers[left], f.address_numbers[right]
        dwelling = (a >= 0) & (b >= 0) & (a != b)
    if f.identifier_kind is not None:
        ka, kb = f.identifier_kind[left], f.identifier_kind[right]
        ia, ib = f.identifier[left], f.identifier[right]
        clash = (ka >= 0) & (ka == kb) & (ia >= 0) & (ib >= 0) & (ia != ib)
    ya, yb = f.dob_year[left], f.dob_year[right]
    other_year = (ya >= 0) & (yb >= 0) & (ya != yb)
    return dwelling, clash, other_year


def same_agency(f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray | None:
    """Per pair (bool): both records are held by one agency (the same non-blank ``agency`` code). Records are
    distinct rows, each with its own ``record_id``, so such a pair is two records the agency keeps apart: its own
    statement that they are two people (a cannot-link, as in constrained clustering: Wagstaff et al. (2001),
    "Constrained K-means clustering with background knowledge", ICML) -- unless the two carry the same NHS number
    or identifier, which makes them that agency's own duplicate of one person. None when the records carry no
    agency."""
    if f.agency is None:
        return None
    a, b = f.agency[left], f.agency[right]
    one = (a >= 0) & (a == b)
    # the agency's two records with one valid NHS number or identifier are its own duplicate of one person
    for codes in (f.nhs_number, f.identifier):
        x, y = codes[left], codes[right]
        one &= ~((x >= 0) & (x == y))
    return one


def automatic_link_holds(
    model: ModelConfig,
    levels: np.ndarray,
    *,
    other_dwelling: np.ndarray | None = None,
    identifier_clash: np.ndarray | None = None,
    other_year: np.ndarray | None = None,
    one_agency: np.ndarray | None = None,
) -> np.ndarray:
    """Per pair (int8): 0 (``HOLD_NONE``) the pair may be joined automatically if its probability reaches the upper
    threshold; 1 (``HOLD_REVIEW``) it may at most be proposed for a human's review; 2 (``HOLD_SIBLINGS``) likely
    siblings: neither joined nor proposed.

    The rule (practitioners' review of the demo, December 2026, after the issue 6 engine joined twins "Amelia" and
    "Isla Hussain" at probability 0.979): the Fellegi-Sunter weights treat fields as independent, but in children's
    records a shared surname, date of birth and address is exactly what twins and siblings share, so those fields
    can outweigh two different first names. Without a shared validated identifier (the same valid NHS number, UPN
    or PNC ID: the "link" rule levels), an automatic join needs the first names to agree (the same, swapped,
    nickname or short form from the maintained list, sounds alike, or spelt within the closest Jaro-Winkler level,
    i.e. a typo) AND the surnames to agree (the same, swapped, sharing a part, sounds alike or a close typo); a name
    blank on either side does not disagree (the other fields and the probability decide). Clearly different first
    names (the "different" level, not "partly similar") with the same surname, the same date of birth and the same
    address or postcode are the sibling pattern of DOMAIN.md section 3 (twins share surname, date of birth and
    address): code 2; partly similar first names there (twins "Jack" and "Jake", or a bad typo) go to review. A known alias counts because it is held on its own agency record, which is compared as its own pair. The
    probability itself is left as computed (the statistics stay honest; this is a decision rule).

    Cousins, siblings and namesakes (the pattern bench's traps, December 2026: cousins Jayden and Jaydon in two
    flats of one block born a year apart; two boys Mohammed and Muhammad Ali born the same day in two parts of one
    city; Oliwia and Olivia Kaminska, same birthday, two towns). Each pair shows two discrepancies, each explainable
    alone (a spelling, a keying slip, a move) and together the pattern of two children, so without a shared
    validated identifier:

    - code 4 (``HOLD_RELATIVES``, review at most): the dates of birth are known and differ, and either the first
      names are not the same (a spelling variant, a short form, sounds alike) and the years of birth differ
      (``other_year``), or the home differs (another postcode, or another house or flat number at one postcode:
      ``other_dwelling``) with first names not the same, a wholly different date of birth, or another house or
      flat at one postcode. Not held: day and month swapped with first names that agree at the same home, and one
      digit or a year mistyped with the same first name in another town (one child's keying slip and a move: on
      3,000 generated people those were true pairs; the rule as a whole there held 35 of the 38 false automatic
      joins and 27 of about 2,000 true ones).
    - code 5 (``HOLD_NAMESAKES``, review at most): the home differs (not the same address or postcode, or another
      house or flat number) and either the two records hold different identifiers of one kind (two UPNs, two PNC
      IDs: ``identifier_clash``), or the dates of birth are the same and the first names are spelt differently
      but are not the same name nor a nickname or short form of one another (Olivia/Oliwia, Mohammed/Muhammad,
      Jayden/Jaydon: each a name in its own right that two children of one family or community carry; a nickname,
      Josh/Joshua, is a form of the child's own name). The spelling-variant part was added after the pattern
      bench's trap TR06 (December 2026: Olivia in Barnstaple and Oliwia in Exeter, born the same day, joined
      across two towns); on 10,000 generated people it holds 114 of the 7,040 true automatic joins for review (the
      generator writes no such namesakes, so it removes no false one there) -- the price of never building a flag
      on that kind of wrong merge. The same birthday and the same first name at another home is not held on its
      own: on 10,000 generated people that would send 750 true automatic joins to review (children move); such
      namesakes are told apart by NHS numbers, where agencies hold them, by an agency's own two records (code 6)
      and by the platform's refusal to join two people with different NHS numbers.
    - code 6 (``HOLD_SAME_AGENCY``, review at most; issue 8, the pattern bench's traps TR06, TR08 and TR10, where
      a school held the at-risk child and the cousin or namesake as two records, one of them spelt as the other
      child): the two records are held by one agency under different record ids (``one_agency``, from
      ``same_agency``). An agency's two records are its statement that they are two people; an agency's own
      duplicate is for a human to confirm, except where the two carry the same NHS number or identifier
      (``same_agency`` leaves those out: the agency's own duplicate of one person, as agencies' systems hold them).
      It is not overridden by any other code except 2 (likely siblings: no link at all).

    In: the model and ``comparison_levels`` for the pairs (n_pairs, n_comparisons); optionally per pair
    ``other_dwelling``, ``identifier_clash`` and ``other_year`` (``pair_clashes``) and ``one_agency``
    (``same_agency``); None: not known, not held for them. Out: int8 array of length n_pairs. A model without the
    given or family name comparison holds nothing for names (no basis to judge) but still holds ``one_agency``."""
    out = _name_and_home_holds(model, levels, other_dwelling, identifier_clash, other_year)
    if one_agency is not None:
        out[np.asarray(one_agency, dtype=bool) & (out != HOLD_SIBLINGS)] = HOLD_SAME_AGENCY
    return out


def _name_and_home_holds(model, levels, other_dwelling, identifier_clash, other_year) -> np.ndarray:
    """Codes 1-5 of ``automatic_link_holds`` (see there)."""
    n = len(levels)
    out = np.zeros(n, dtype=np.int8)
    given = _name_agrees(model, levels, "given_name", _GIVEN_AGREE)
    family = _name_agrees(model, levels, "family_name", _FAMILY_AGREE)
    if given is None or family is None:
        return out
    linked = np.zeros(n, dtype=bool)
    for k, c in enumerate(model.comparisons):
        rules = np.array([False] + [s.rule == "link" for s in c.comparison().specs])
        linked |= rules[levels[:, k].astype(np.int16) + 1]
    given_known = _level_mask(model, levels, "given_name", lambda label: True)
    family_known = _level_mask(model, levels, "family_name", lambda label: True)
    out[(given_known & ~given) | (family_known & ~family)] = HOLD_REVIEW
    given_different = _level_mask(model, levels, "given_name", {"else"})
    same_family = _level_mask(model, levels, "family_name", _FAMILY_SAME)
    same_dob = _level_mask(model, levels, "date_of_birth", {"exact"})
    household = _level_mask(model, levels, "location", _HOUSEHOLD)
    transposed = _level_mask(model, levels, "date_of_birth", {"transposed"})
    if household is not None and transposed is not None:
        # day and month of birth swapped AND another address: two discrepancies, each explainable alone (a keying
        # slip; a move), together the pattern of two different children (cousins, namesakes in another town)
        location_known = _level_mask(model, levels, "location", lambda label: True)
        out[(out == HOLD_NONE) & transposed & location_known & ~household] = HOLD_ELSEWHERE
    if household is not None and transposed is not None and same_dob is not None:
        facts = (other_dwelling, identifier_clash, other_year)
        _hold_relatives_and_namesakes(model, levels, out, household, transposed, same_dob, facts)
    if same_dob is not None and household is not None:
        out[given_different & same_family & same_dob & household] = HOLD_SIBLINGS
    out[linked] = HOLD_NONE
    return out


def _hold_relatives_and_namesakes(model, levels, out, household, transposed, same_dob, facts):
    """Codes 4 and 5 of ``automatic_link_holds`` (see there), written into ``out`` where nothing holds yet."""
    n = len(levels)

    def known(fact):
        return np.zeros(n, dtype=bool) if fact is None else np.asarray(fact, dtype=bool)

    dwelling, clash, other_year = (known(x) for x in facts)
    given_same = _level_mask(model, levels, "given_name", {"exact", "swapped"})
    given_known = _level_mask(model, levels, "given_name", lambda label: True)
    given_agree = _name_agrees(model, levels, "given_name", _GIVEN_AGREE)
    dob_known = _level_mask(model, levels, "date_of_birth", lambda label: True)
    dob_else = _level_mask(model, levels, "date_of_birth", {"else"})
    location_known = _level_mask(model, levels, "location", lambda label: True)
    other_flat = dwelling & household
    elsewhere = (location_known & ~household) | other_flat
    variant = given_known & ~given_same
    slip = transposed & given_agree & ~elsewhere
    relatives = (variant & other_year) | (elsewhere & (variant | dob_else | other_flat))
    out[(out == HOLD_NONE) & dob_known & ~same_dob & ~slip & relatives] = HOLD_RELATIVES
    # the same birthday at another home with the first name spelt another way (not the same, not a nickname or
    # short form of it): two children of one name as often as one child who moved
    given_nickname = _level_mask(model, levels, "given_name", {"nickname"})
    spelt_otherwise = variant & ~given_nickname
    namesakes = elsewhere & (clash | (same_dob & spelt_otherwise))
    out[(out == HOLD_NONE) & namesakes] = HOLD_NAMESAKES


def clear_same_person(model: ModelConfig, levels: np.ndarray, hold: np.ndarray) -> np.ndarray:
    """Per pair (bool): the clear case two agencies' records of one child make in practice, which may be joined
    automatically from the lower threshold up (its probability stays as computed): not held
    (``automatic_link_holds``), the first names agree (the same, a nickname or short form, sounds alike or a close
    typo), the surnames agree, the same date of birth (not day and month swapped) and the same address or postcode.
    Twins (different first names) are held as siblings; namesakes elsewhere are held by the address; a swapped
    date of birth goes to a human. Source: the bench of issue 8 (an agency's nickname for a child at the same
    address, "Josh" and "Joshua", is one child); DOMAIN.md section 3 on twins and siblings."""
    n = len(levels)
    given = _name_agrees(model, levels, "given_name", _GIVEN_AGREE)
    family = _name_agrees(model, levels, "family_name", _FAMILY_AGREE)
    same_dob = _level_mask(model, levels, "date_of_birth", {"exact"})
    household = _level_mask(model, levels, "location", _HOUSEHOLD)
    if given is None or family is None or same_dob is None or household is None:
        return np.zeros(n, dtype=bool)
    return (hold == HOLD_NONE) & given & family & same_dob & household


#: The highest probability a pair may show when it has no date of birth to compare (blank on either side) and no
#: shared validated identifier (practitioner review of issue 6, leftovers: "Caroline" and "Lynn", Barrett and Barry,
#: one address, no date of birth on one record, scored 0.989 and a reviewer read that as near certain). Without a date
#: of birth the comparisons left are the names, the sex and the address, and those are exactly what the people of
#: one household share: a mother and her daughter, two siblings, share an address and a surname (or a spelling of
#: it), and a nickname list makes many first names "agree". Fellegi-Sunter adds the address's weight (about +9.4
#: bits) as if it were independent of the names; within a household it is not, so the sum overstates the evidence.
#: The decision rule: such a pair's weight is lowered to this probability's (its fields keep their own weights, and
#: the explanation shows the lowering as its own term). 0.8 is below every upper threshold a partnership may set
#: (never an automatic join) and above the lower ones (still offered for review: one child may well be behind both
#: records, and only a date of birth or an identifier can say so). The batch bench counts pairs from 0.5, so its
#: precision, recall and F1 do not move.
NO_DOB_CEILING = 0.8
_NO_DOB_REASON = (
    "no date of birth to compare and no shared identifier: names and an address alone (which a household shares) "
    "count as 0.8 likely at most"
)


def no_dob_ceiling(model: ModelConfig, levels: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per pair (float, bits, <= 0): how much ``NO_DOB_CEILING`` lowers the match weight ``weight`` (with the prior):
    0 unless the pair has no date of birth to compare (the ``date_of_birth`` comparison blank) and no rule level (a
    shared validated identifier, or two different NHS numbers) and its weight says more than the ceiling. A model
    without a date of birth comparison is not lowered. Pure."""
    out = np.zeros(len(levels))
    dob_known = _level_mask(model, levels, "date_of_birth", lambda label: True)
    if dob_known is None:
        return out
    ruled = np.zeros(len(levels), dtype=bool)
    for k, c in enumerate(model.comparisons):
        rules = np.array([False] + [s.rule is not None for s in c.comparison().specs])
        ruled |= rules[levels[:, k].astype(np.int16) + 1]
    cap = float(np.log2(NO_DOB_CEILING / (1 - NO_DOB_CEILING)))
    over = ~dob_known & ~ruled & (weight > cap)
    out[over] = cap - weight[over]
    return out


def _tf_adjustment(f: Features, left: np.ndarray, right: np.ndarray, field: str, u_exact: float, floor: float):
    tf = getattr(f, f"{field}_tf")
    value = np.maximum(np.maximum(tf[left], tf[right]), floor)
    return np.log2(u_exact / value)


def _bayes_weights(
    model: ModelConfig, f: Features, left, right, levels: np.ndarray, tables: _Tables, term_frequencies: bool = True
):
    """Sum of log2 Bayes factors (with term-frequency adjustment) and the rule flags; no prior."""
    weight = np.zeros(len(left))
    link = np.zeros(len(left), dtype=bool)
    never = np.zeros(len(left), dtype=bool)
    for k in range(len(model.comparisons)):
        idx = levels[:, k].astype(np.int16) + 1
        weight += tables.log_bf[k][idx]
        link |= tables.link[k][idx]
        never |= tables.never[k][idx]
        entry = tables.tf[k]
        if entry is not None and term_frequencies:
            exact = levels[:, k] == entry[2]
            if exact.any():
                weight[exact] += _tf_adjustment(f, left[exact], right[exact], entry[0], entry[1], model.tf_min_u)
    return weight, link, never


def _prior_weight(prior: float) -> float:
    return float(np.log2(prior / (1 - prior)))


def _probability(weight: np.ndarray) -> np.ndarray:
    # 2^w / (1 + 2^w) without overflow
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -1000, 1000)))


def score_pairs(
    model: ModelConfig,
    f: Features,
    left: np.ndarray,
    right: np.ndarray,
    levels: np.ndarray | None = None,
    *,
    term_frequencies: bool = True,
) -> Scores:
    """Match weight and probability of each candidate pair (``left[i]``, ``right[i]``) under a trained model.

    ``levels``: precomputed ``comparison_levels`` (computed when None). ``term_frequencies``: adjust exact names by
    their frequency in ``f`` (False: use the trained u)."""
    if levels is None:
        levels = comparison_levels(model, f, left, right)
    tables = _tables(model)
    bayes, link, never = _bayes_weights(model, f, left, right, levels, tables, term_frequencies)
    weight = bayes + _prior_weight(model.probability_two_random_records_match)
    weight = weight + no_dob_ceiling(model, levels, weight)
    prob = _probability(weight)
    rule = np.zeros(len(left), dtype=np.int8)
    rule[link] = 1
    rule[never] = -1
    prob[link] = 1.0
    prob[never] = 0.0
    dwelling, clash, other_year = pair_clashes(f, left, right)
    hold = automatic_link_holds(
        model,
        levels,
        other_dwelling=dwelling,
        identifier_clash=clash,
        other_year=other_year,
        one_agency=same_agency(f, left, right),
    )
    clear = clear_same_person(model, levels, hold)
    return Scores(match_weight=weight, match_probability=prob, rule=rule, hold=hold, clear=clear)


def decision(model: ModelConfig, probability: float, hold: int = HOLD_NONE) -> str:
    """``"link"`` at or above the upper threshold, ``"review"`` at or above the lower, else ``"no link"``; a pair
    held by ``automatic_link_holds`` is at most ``"review"`` (``HOLD_FOR_REVIEW``) or ``"no link"`` (code 2, likely
    siblings)."""
    if hold == HOLD_SIBLINGS:
        return "no link"
    if probability >= model.upper_threshold:
        return "review" if hold in HOLD_FOR_REVIEW else "link"
    if probability >= model.lower_threshold:
        return "review"
    return "no link"


@dataclass(frozen=True)
class FieldExplanation:
    """One field's part in a score: ``comparison`` (model name), ``title`` ("Date of birth"), ``level`` (label),
    ``reason`` (plain English, "" when blank), ``weight`` (bits; + for, - against), ``rule`` (None/"link"/"never")."""

    comparison: str
    title: str
    level: str
    reason: str
    weight: float
    rule: str | None


@dataclass(frozen=True)
class PairExplanation:
    """A scored pair: ``probability`` (after rules), ``weight`` (bits), ``prior_weight`` (bits), ``decision``
    (``link``/``review``/``no link``, after ``automatic_link_holds``), ``fields`` (one ``FieldExplanation`` each,
    model order), ``hold`` (the hold code, 0 none) with ``held_reason`` ("" when not held) and ``reasons``: the
    reasons for and against as one sentence, strongest first, e.g. "same date of birth, surname sounds alike,
    same postcode"."""

    probability: float
    weight: float
    prior_weight: float
    decision: str
    fields: tuple[FieldExplanation, ...]
    hold: int = HOLD_NONE

    @property
    def held_reason(self) -> str:
        return HOLD_REASONS.get(self.hold, "")

    @property
    def reasons(self) -> str:
        known = [x for x in self.fields if x.reason]
        rules = [x for x in known if x.rule]
        others = sorted((x for x in known if not x.rule), key=lambda x: -x.weight)
        return ", ".join(x.reason for x in [*rules, *others])

    @property
    def reasons_for(self) -> list[str]:
        """Reasons that raise the score (and a deterministic link), strongest first."""
        ranked = sorted(self.fields, key=lambda x: (x.rule != "link", -x.weight))
        return [x.reason for x in ranked if x.reason and x.rule != "never" and (x.weight > 0 or x.rule == "link")]

    @property
    def reasons_against(self) -> list[str]:
        """Reasons that lower the score (and a never-link rule), strongest first."""
        ranked = sorted(self.fields, key=lambda x: (x.rule != "never", x.weight))
        return [x.reason for x in ranked if x.reason and x.rule != "link" and (x.weight < 0 or x.rule == "never")]


def explain(model: ModelConfig, f: Features, i: int, j: int, *, term_frequencies: bool = True) -> PairExplanation:
    """Explain the score of records at positions ``i`` and ``j`` of ``f`` field by field."""
    left, right = np.array([i], dtype=np.int32), np.array([j], dtype=np.int32)
    levels = comparison_levels(model, f, left, right)
    scores = score_pairs(model, f, left, right, levels, term_frequencies=term_frequencies)
    tables = _tables(model)
    fields = []
    for k, c in enumerate(model.comparisons):
        comp = c.comparison()
        level = int(levels[0, k])
        if level < 0:
            fields.append(FieldExplanation(c.name, comp.title, "blank", "", 0.0, None))
            continue
        spec = comp.specs[level]
        weight = float(tables.log_bf[k][level + 1])
        entry = tables.tf[k]
        if entry is not None and level == entry[2] and term_frequencies:
            weight += float(_tf_adjustment(f, left, right, entry[0], entry[1], model.tf_min_u)[0])
        fields.append(FieldExplanation(c.name, comp.title, spec.label, spec.reason, weight, spec.rule))
    lowered = sum(x.weight for x in fields) + _prior_weight(model.probability_two_random_records_match)
    lowered = float(scores.match_weight[0]) - lowered
    if lowered < -1e-9:  # NO_DOB_CEILING: its own term, so the terms still add up to the weight
        fields.append(FieldExplanation("no_date_of_birth", "Without a date of birth", "ceiling", _NO_DOB_REASON,
                                       lowered, None))  # fmt: skip
    prob = float(scores.match_probability[0])
    hold = int(scores.hold[0]) if prob > 0 else HOLD_NONE
    return PairExplanation(
        probability=prob,
        weight=float(scores.match_weight[0]),
        prior_weight=_prior_weight(model.probability_two_random_records_match),
        decision=decision(model, prob, hold),
        fields=tuple(fields),
        hold=hold,
    )


def explain_records(model: ModelConfig, record_l: Mapping[str, str], record_r: Mapping[str, str]) -> PairExplanation:
    """Score and explain two records given as mappings with the batch columns, and ``agency`` when known (missing
    keys count as blank).

    For intake and review screens: no term-frequency data about the population is at hand, so an exact name counts
    at its average weight (the trained m/u), not its frequency. Raises ``InputError`` for a date of birth that is
    not an ISO date.
    """
    from linkage.records import INPUT_COLUMNS, OPTIONAL_COLUMNS

    optional = tuple(c for c in OPTIONAL_COLUMNS if c in record_l or c in record_r)
    rows = [{c: str(r.get(c) or "") for c in INPUT_COLUMNS + optional} for r in (record_l, record_r)]
    rows[0]["record_id"], rows[1]["record_id"] = "l", "r"
    frame = normalise_records(validate_records(pd.DataFrame(rows), label="record"))
    return explain(model, encode(frame), 0, 1, term_frequencies=False)

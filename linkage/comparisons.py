"""Field comparisons: for a candidate pair of records, which agreement level each field is at.

Each comparison has ordered levels (strongest first, "else" last) and two implementations that must agree:
``levels(features, left, right)`` (vectorised numpy over many pairs, used by our engine) and ``sql_levels(dialect)``
(SQL conditions for Splink's DuckDB and Spark backends, used by ``linkage.splink_settings``). Level -1 means the
field is blank on either side and contributes nothing (Fellegi–Sunter: m = u).

A level may carry a **rule**: ``"link"`` (the same valid NHS number, UPN or PNC ID: a deterministic link) or
``"never"`` (two different valid NHS numbers: never linked, whatever the other fields say). Rules are not trained.
Level reasons are the plain-English words shown to a hub worker ("same date of birth", "surname sounds alike").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import jellyfish
import numpy as np

from linkage._internal.arrays import in_relation, pairwise_unique
from linkage.records import Features

__all__ = [
    "COMPARISONS",
    "Comparison",
    "DateOfBirthComparison",
    "IdentifierComparison",
    "LevelSpec",
    "LocationComparison",
    "NameComparison",
    "SexComparison",
    "comparison_for",
]

NULL = -1


@dataclass(frozen=True)
class LevelSpec:
    """One agreement level: ``label`` (stable key used in the model JSON), ``reason`` (plain English, for people),
    ``rule`` (None, ``"link"`` or ``"never"``), ``tf`` (term-frequency adjusted), ``sql`` (DuckDB condition on
    ``<col>_l``/``<col>_r``; ``{jw}``, ``{contains}``, ``{overlap}`` are filled per dialect)."""

    label: str
    reason: str
    sql: str
    rule: str | None = None
    tf: bool = False


_DIALECT_FUNCTIONS = {
    "duckdb": {
        "jw": "jaro_winkler_similarity",
        "contains": "list_contains({arr}, {val})",
        "overlap": "len(list_intersect({a}, {b})) > 0",
    },
    "spark": {
        "jw": "jaro_winkler",
        "contains": "array_contains({arr}, {val})",
        "overlap": "size(array_intersect({a}, {b})) > 0",
    },
}


class Comparison:
    """Base class. Subclasses set ``name``, ``columns`` (normalised columns the SQL reads), ``null_sql`` and
    ``specs``; and implement ``levels``."""

    name: ClassVar[str]
    title: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    null_sql: ClassVar[str]

    def __init__(self, **params) -> None:
        self.params = params

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        raise NotImplementedError

    def levels(self, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Level index (0 = strongest; -1 = blank) of each pair ``(left[i], right[i])``, as int8."""
        raise NotImplementedError

    def sql_levels(self, dialect: str = "duckdb") -> list[tuple[LevelSpec, str]]:
        """Each level with its SQL condition in ``dialect`` (``duckdb`` or ``spark``)."""
        fns = _DIALECT_FUNCTIONS[dialect]
        out = []
        for spec in self.specs:
            sql = spec.sql
            if "{jw}" in sql:
                sql = sql.replace("{jw}", fns["jw"])
            for key in ("contains", "overlap"):
                marker = "{" + key + ":"
                while marker in sql:
                    start = sql.index(marker)
                    end = sql.index("}", start)
                    args = sql[start + len(marker) : end].split(",")
                    if key == "contains":
                        text = fns[key].format(arr=args[0].strip(), val=args[1].strip())
                    else:
                        text = fns[key].format(a=args[0].strip(), b=args[1].strip())
                    sql = sql[:start] + text + sql[end + 1 :]
            out.append((spec, sql))
        return out


def _known(*arrays: np.ndarray) -> np.ndarray:
    ok = np.ones(len(arrays[0]), dtype=bool)
    for a in arrays:
        ok &= a >= 0
    return ok


def _assign(out: np.ndarray, todo: np.ndarray, condition: np.ndarray, level: int) -> None:
    """Give ``level`` to the pairs still without a level where ``condition`` holds (levels are tried in order)."""
    hit = todo & condition
    out[hit] = level
    todo &= ~hit


UNRESOLVED = -2  # u sampling only: a pair whose costly levels were not computed (see NameComparison.levels)


def _jaro_winkler_could_reach(f: Features, a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """False where Jaro-Winkler(a, b) is certainly below ``threshold``, from letter counts alone (exact bound).

    Matching characters m are at most the multiset overlap o of the two names' letters, so
    Jaro <= (o/|a| + o/|b| + 1) / 3 (and 0 when o = 0); Winkler's bonus for a common prefix of l letters (at most
    4, at 0.1 each) gives JW <= Jaro + 0.1 * l * (1 - Jaro)."""
    out = np.zeros(len(a), dtype=bool)
    step = 400_000
    for start in range(0, len(a), step):
        ca = f.letter_counts[a[start : start + step]]
        cb = f.letter_counts[b[start : start + step]]
        overlap = np.minimum(ca, cb).sum(axis=1, dtype=np.int32)
        la, lb = f.name_length[a[start : start + step]], f.name_length[b[start : start + step]]
        jaro = np.minimum(np.where(overlap > 0, (overlap / la + overlap / lb + 1.0) / 3.0, 0.0), 1.0)
        pa, pb = f.name_prefix[a[start : start + step]], f.name_prefix[b[start : start + step]]
        same = np.cumprod(pa == pb, axis=1, dtype=np.int8)
        prefix = same.sum(axis=1)
        out[start : start + step] = jaro + 0.1 * prefix * (1.0 - jaro) >= threshold - 1e-9
    return out


class NameComparison(Comparison):
    """A given name or a family name (compact folded forms from ``linkage.names``).

    Levels: for family names, the same surname at the same postcode first (people in one household share a
    surname, so there it is weak evidence: its u is estimated among non-matching pairs sharing a postcode, see
    ``linkage.training.estimate_household_u``); exact (term-frequency adjusted: a shared rare surname is stronger
    evidence than a shared "Smith");
    given and family names swapped; for given names a nickname or formal form ("Bill"/"William", from the
    maintained ``nicknames`` list); for family names one word of a multi-word or double-barrelled surname in common;
    same Metaphone code; Jaro-Winkler similarity at or above each threshold (default 0.92 and 0.80); else.
    """

    def __init__(self, field: str, jw_thresholds: tuple[float, ...] = (0.92, 0.80)) -> None:
        if field not in ("given", "family"):
            raise ValueError("field must be 'given' or 'family'")
        super().__init__(field=field, jw_thresholds=tuple(jw_thresholds))
        self.field = field
        self.other = "family" if field == "given" else "given"
        self.jw_thresholds = tuple(sorted(jw_thresholds, reverse=True))
        self.name = f"{field}_name"
        self.title = "First name" if field == "given" else "Surname"

    @property
    def null_sql(self) -> str:  # type: ignore[override]
        c = self.field
        return f"{c}_l IS NULL OR {c}_r IS NULL"

    @property
    def columns(self) -> tuple[str, ...]:  # type: ignore[override]
        extra = ("given_forms",) if self.field == "given" else ("family_parts", "postcode")
        return (self.field, self.other, f"{self.field}_phonetic", *extra)

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        c, o = self.field, self.other
        word = "first name" if c == "given" else "surname"
        specs = []
        if c == "family":
            specs.append(
                LevelSpec(
                    "exact_same_postcode",
                    "same surname",
                    "family_l = family_r AND postcode_l = postcode_r",
                )
            )
        specs += [
            LevelSpec("exact", f"same {word}", f"{c}_l = {c}_r", tf=True),
            LevelSpec("swapped", "first name and surname swapped", f"{c}_l = {o}_r AND {o}_l = {c}_r"),
        ]
        if c == "given":
            specs.append(
                LevelSpec(
                    "nickname",
                    "first name is a nickname or short form of the other",
                    "{contains:given_forms_r, given_l} OR {contains:given_forms_l, given_r}",
                )
            )
        else:
            specs.append(LevelSpec("part", "surnames share a part", "{overlap:family_parts_l, family_parts_r}"))
        specs.append(LevelSpec("phonetic", f"{word} sounds alike", f"{c}_phonetic_l = {c}_phonetic_r"))
        for i, t in enumerate(self.jw_thresholds):
            reason = f"{word} spelled similarly" if i == 0 else f"{word} partly similar"
            specs.append(LevelSpec(f"jaro_winkler_{t:.2f}", reason, f"{{jw}}({c}_l, {c}_r) >= {t}"))
        specs.append(LevelSpec("else", f"different {word}", "ELSE"))
        return tuple(specs)

    def levels(
        self, f: Features, left: np.ndarray, right: np.ndarray, *, budget: int | None = None, seed: int = 0
    ) -> np.ndarray:
        """See ``Comparison.levels``. ``budget`` (u sampling only): when more pairs than this are left after the
        exact and swapped levels, the costly levels (nickname/part, phonetic, Jaro-Winkler) are computed for a
        random ``budget`` of them and the others are marked ``UNRESOLVED`` (a stratified sample: the caller scales
        the sampled levels' counts up)."""
        mine, other = getattr(f, self.field), getattr(f, self.other)
        phon = getattr(f, f"{self.field}_phonetic")
        a, b = mine[left], mine[right]
        out = np.full(len(left), NULL, dtype=np.int8)
        todo = _known(a, b)
        level = 0
        if self.field == "family":
            pa, pb = f.postcode[left], f.postcode[right]
            _assign(out, todo, (a == b) & (pa == pb) & (pa >= 0), level)
            level += 1
        _assign(out, todo, a == b, level)
        level += 1
        oa, ob = other[left], other[right]
        _assign(out, todo, (a == ob) & (oa == b) & (oa >= 0) & (ob >= 0), level)
        level += 1
        if budget is not None:
            idx = np.flatnonzero(todo)
            if len(idx) > budget:
                drop = np.random.default_rng(seed).permutation(idx)[budget:]
                out[drop] = UNRESOLVED
                todo[drop] = False
        idx = np.flatnonzero(todo)
        if len(idx):
            relation = f.nickname_relation if self.field == "given" else f.part_relation
            hit = np.zeros(len(left), dtype=bool)
            hit[idx] = in_relation(a[idx], b[idx], relation, len(f.names))
            _assign(out, todo, hit, level)
        self.costly_from = level
        level += 1
        pa, pb = phon[left], phon[right]
        _assign(out, todo, (pa == pb) & (pa >= 0), level)
        level += 1
        idx = np.flatnonzero(todo)
        sims = np.zeros(len(left))
        if len(idx):
            # Only pairs whose letters could reach the lowest threshold are worth the exact computation.
            idx = idx[_jaro_winkler_could_reach(f, a[idx], b[idx], min(self.jw_thresholds))]
            sims[idx] = pairwise_unique(a[idx], b[idx], jellyfish.jaro_winkler_similarity, vocab=f.names.tolist())
        for t in self.jw_thresholds:
            _assign(out, todo, sims >= t, level)
            level += 1
        out[todo] = level
        return out


class DateOfBirthComparison(Comparison):
    """Date of birth: exact; day and month transposed; one digit different (of YYYYMMDD); the year one out with the
    same day and month; else. Source of the faults: issue 6 (transposed and mistyped dates in agency records)."""

    name = "date_of_birth"
    title = "Date of birth"
    columns = ("dob", "dob_year", "dob_month", "dob_day")
    null_sql = "dob_l IS NULL OR dob_r IS NULL"

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        return (
            LevelSpec("exact", "same date of birth", "dob_l = dob_r"),
            LevelSpec(
                "transposed",
                "day and month of birth swapped",
                "dob_year_l = dob_year_r AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
            ),
            LevelSpec("one_digit", "date of birth one digit different", "levenshtein(dob_l, dob_r) = 1"),
            LevelSpec(
                "year_off_by_one",
                "year of birth one out",
                "abs(dob_year_l - dob_year_r) = 1 AND dob_month_l = dob_month_r AND dob_day_l = dob_day_r",
            ),
            LevelSpec("else", "different date of birth", "ELSE"),
        )

    def levels(self, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b = f.dob[left], f.dob[right]
        out = np.full(len(left), NULL, dtype=np.int8)
        todo = _known(a, b)
        _assign(out, todo, a == b, 0)
        ya, yb = f.dob_year[left], f.dob_year[right]
        ma, mb = f.dob_month[left], f.dob_month[right]
        da, db = f.dob_day[left], f.dob_day[right]
        _assign(out, todo, (ya == yb) & (ma == db) & (da == mb), 1)
        idx = np.flatnonzero(todo)
        x, y = a[idx], b[idx]
        diff = np.zeros(len(idx), dtype=np.int8)
        for _ in range(8):
            diff += x % 10 != y % 10
            x = x // 10
            y = y // 10
        one = np.zeros(len(left), dtype=bool)
        one[idx] = diff == 1
        _assign(out, todo, one, 2)
        _assign(out, todo, (np.abs(ya - yb) == 1) & (ma == mb) & (da == db), 3)
        out[todo] = 4
        return out


class SexComparison(Comparison):
    """Sex as recorded (M/F/X): same or different. Weak evidence; blank is common."""

    name = "sex"
    title = "Sex"
    columns = ("sex",)
    null_sql = "sex_l IS NULL OR sex_r IS NULL"

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        return (LevelSpec("exact", "same sex", "sex_l = sex_r"), LevelSpec("else", "different sex", "ELSE"))

    def levels(self, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        a, b = f.sex[left], f.sex[right]
        out = np.full(len(left), NULL, dtype=np.int8)
        todo = _known(a, b)
        _assign(out, todo, a == b, 0)
        out[todo] = 1
        return out


class LocationComparison(Comparison):
    """Postcode and address as one comparison (they are not independent: counting both would double the evidence).

    Levels: same address and postcode; same postcode; same address (postcode blank or mistyped); same postcode
    sector ("LS1 4"); same postcode district ("LS1"); else. Blank only when neither the postcodes nor the addresses
    can be compared."""

    name = "location"
    title = "Address"
    columns = ("postcode", "postcode_sector", "postcode_district", "address")
    null_sql = "(postcode_l IS NULL OR postcode_r IS NULL) AND (address_l IS NULL OR address_r IS NULL)"

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        return (
            LevelSpec("exact", "same address", "postcode_l = postcode_r AND address_l = address_r"),
            LevelSpec("postcode", "same postcode", "postcode_l = postcode_r"),
            LevelSpec("address", "same address, different postcode", "address_l = address_r"),
            LevelSpec("sector", "same postcode sector", "postcode_sector_l = postcode_sector_r"),
            LevelSpec("district", "same postcode district", "postcode_district_l = postcode_district_r"),
            LevelSpec("else", "different address", "ELSE"),
        )

    def levels(self, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        pa, pb = f.postcode[left], f.postcode[right]
        aa, ab = f.address[left], f.address[right]
        out = np.full(len(left), NULL, dtype=np.int8)
        pc_ok, addr_ok = _known(pa, pb), _known(aa, ab)
        todo = pc_ok | addr_ok
        same_pc = pc_ok & (pa == pb)
        same_addr = addr_ok & (aa == ab)
        _assign(out, todo, same_pc & same_addr, 0)
        _assign(out, todo, same_pc, 1)
        _assign(out, todo, same_addr, 2)
        sa, sb = f.postcode_sector[left], f.postcode_sector[right]
        _assign(out, todo, (sa == sb) & (sa >= 0), 3)
        da, db = f.postcode_district[left], f.postcode_district[right]
        _assign(out, todo, (da == db) & (da >= 0), 4)
        out[todo] = 5
        return out


class IdentifierComparison(Comparison):
    """Identifiers, with the rules of ``linkage.identifiers``: the same valid NHS number links (rule "link"); two
    different valid NHS numbers never link (rule "never"); the same valid UPN or PNC ID links; another identifier
    that is the same is trained evidence; else. Placeholders and invalid numbers were blanked by normalisation."""

    name = "identifier"
    title = "Identifiers"
    columns = ("nhs_number", "identifier", "identifier_deterministic")
    null_sql = "(nhs_number_l IS NULL OR nhs_number_r IS NULL) AND (identifier_l IS NULL OR identifier_r IS NULL)"

    @property
    def specs(self) -> tuple[LevelSpec, ...]:
        return (
            LevelSpec("same_nhs_number", "same NHS number", "nhs_number_l = nhs_number_r", rule="link"),
            LevelSpec(
                "different_nhs_number",
                "different NHS numbers (never linked)",
                "nhs_number_l <> nhs_number_r",
                rule="never",
            ),
            LevelSpec(
                "same_validated_identifier",
                "same UPN or PNC ID",
                "identifier_l = identifier_r AND identifier_deterministic_l",
                rule="link",
            ),
            LevelSpec("same_identifier", "same identifier", "identifier_l = identifier_r"),
            LevelSpec("else", "different identifiers", "ELSE"),
        )

    def levels(self, f: Features, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        na, nb = f.nhs_number[left], f.nhs_number[right]
        ia, ib = f.identifier[left], f.identifier[right]
        out = np.full(len(left), NULL, dtype=np.int8)
        nhs_ok, id_ok = _known(na, nb), _known(ia, ib)
        todo = nhs_ok | id_ok
        _assign(out, todo, nhs_ok & (na == nb), 0)
        _assign(out, todo, nhs_ok, 1)
        same_id = id_ok & (ia == ib)
        _assign(out, todo, same_id & f.identifier_deterministic[left], 2)
        _assign(out, todo, same_id, 3)
        out[todo] = 4
        return out


COMPARISONS = {
    "given_name": lambda **p: NameComparison("given", **p),
    "family_name": lambda **p: NameComparison("family", **p),
    "date_of_birth": lambda **p: DateOfBirthComparison(**p),
    "sex": lambda **p: SexComparison(**p),
    "location": lambda **p: LocationComparison(**p),
    "identifier": lambda **p: IdentifierComparison(**p),
}


def comparison_for(name: str, params: dict | None = None) -> Comparison:
    """The comparison called ``name`` (a key of ``COMPARISONS``) with its parameters. Raises ValueError for an
    unknown name."""
    try:
        factory = COMPARISONS[name]
    except KeyError:
        raise ValueError(f"unknown comparison {name!r} (known: {', '.join(COMPARISONS)})") from None
    return factory(**(params or {}))

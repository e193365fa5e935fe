"""Synthetic people with known truth, for the accuracy tests and `openmash bench linkage`.

``generate_people(n_records, seed=...)`` returns a pandas DataFrame in the batch input format (``record_id,
given_name, family_name, date_of_birth, sex, postcode, address, identifier``) plus ``entity_id``, the true person each
record belongs to (the engine ignores it; the benchmark scores against it). Deterministic for a given seed.

What makes it hard, on purpose, because these are the faults real agency records have:

- **names**: a UK mix from Faker's en_GB lists (weighted as Faker weights them) plus Irish, Polish, Romanian,
  Turkish, Danish, Russian, Arabic, Hindi and Chinese names; people from non-Latin-script locales are recorded in a
  Latin transliteration, sometimes in their own script, sometimes in a different transliteration;
- **duplicates** (about half the people have 2-5 records): typos (a letter substituted, dropped, doubled or two
  letters swapped), nicknames from the maintained ``nicknames`` list, given and family names swapped, a married or
  double-barrelled surname, blank fields;
- **dates of birth**: day and month transposed, one digit mistyped, the year one out, blank;
- **addresses**: people move (a new address and postcode), postcodes typed without a space or in lower case;
- **identifiers**: NHS numbers (all in the never-issued 999 range, valid check digit) on some records, written
  "999 314 1593", "999-314-1593" or "9993141593"; a few mistyped; placeholders (0000000000, 9999999999) on
  unrelated people;
- **hard non-matches**: households share a surname and an address; twins share date of birth, surname and address;
  cousins share a given name and surname and live nearby.

Source of the UK-ness: Faker's en_GB provider (names, street suffixes) and the real UK postcode areas; the shares
of each difficulty are stated in ``GeneratorSettings`` and are illustrative, not measured from agency data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["GeneratorSettings", "generate_people", "truth_pairs"]

# Real UK postcode areas (a subset of the 121), so that postcode districts and sectors look like UK ones.
_POSTCODE_AREAS = [
    "AB",
    "AL",
    "B",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "CA",
    "CB",
    "CF",
    "CH",
    "CM",
    "CO",
    "CR",
    "CT",
    "CV",
    "CW",
    "DA",
    "DD",
    "DE",
    "DH",
    "DL",
    "DN",
    "DT",
    "DY",
    "E",
    "EC",
    "EH",
    "EN",
    "EX",
    "FK",
    "FY",
    "G",
    "GL",
    "GU",
    "HA",
    "HD",
    "HG",
    "HP",
    "HR",
    "HU",
    "HX",
    "IG",
    "IP",
    "KT",
    "L",
    "LA",
    "LE",
    "LL",
    "LN",
    "LS",
    "LU",
    "M",
    "ME",
    "MK",
    "N",
    "NE",
    "NG",
    "NN",
    "NP",
    "NR",
    "NW",
    "OL",
    "OX",
    "PE",
    "PL",
    "PO",
    "PR",
    "RG",
    "RM",
    "S",
    "SE",
    "SG",
    "SK",
    "SL",
    "SM",
    "SN",
    "SO",
    "SP",
    "SR",
    "SS",
    "ST",
    "SW",
    "SY",
    "TA",
    "TF",
    "TN",
    "TQ",
    "TS",
    "TW",
    "UB",
    "W",
    "WA",
    "WD",
    "WF",
    "WN",
    "WR",
    "WS",
    "WV",
    "YO",
]
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code (no C I K M O V)
_STREET_SUFFIXES = ("Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Gardens", "Crescent", "Court")

# Locale, share of people, whether names are in a non-Latin script.
_LOCALES = (
    ("en_GB", 0.80, False),
    ("ga_IE", 0.03, False),
    ("pl_PL", 0.04, False),
    ("ro_RO", 0.02, False),
    ("tr_TR", 0.02, False),
    ("da_DK", 0.01, False),
    ("ru_RU", 0.02, True),
    ("ar_AA", 0.02, True),
    ("hi_IN", 0.02, True),
    ("zh_CN", 0.02, True),
)
_PLACEHOLDERS = ("0000000000", "9999999999", "0000000000", "1234567890")
_TRANSLIT_VARIANTS = (("iy", "i"), ("ya", "ia"), ("kh", "h"), ("yu", "iu"), ("zh", "j"), ("sh", "sch"), ("ee", "i"))


@dataclass(frozen=True)
class GeneratorSettings:
    """Shares (probabilities) of each difficulty. Per duplicate record unless said otherwise."""

    records_per_person: tuple[float, ...] = (0.45, 0.30, 0.15, 0.07, 0.03)  # P(1 record), P(2), ... P(5)
    given_typo: float = 0.10
    family_typo: float = 0.07
    nickname: float = 0.08
    names_swapped: float = 0.015
    surname_change: float = 0.03  # adults: a married or double-barrelled surname
    native_script: float = 0.20  # of duplicates of people whose names come from a non-Latin script
    other_transliteration: float = 0.20  # likewise: "Mariya" written "Maria"
    given_missing: float = 0.02
    family_missing: float = 0.01
    dob_transposed: float = 0.03
    dob_digit_typo: float = 0.03
    dob_year_off: float = 0.015
    dob_missing: float = 0.04
    sex_missing: float = 0.10
    sex_wrong: float = 0.005
    moved: float = 0.15
    postcode_missing: float = 0.05
    postcode_typo: float = 0.02
    address_missing: float = 0.10
    nhs_present: float = 0.45  # per record
    nhs_typo: float = 0.01  # of records that carry the NHS number
    placeholder_identifier: float = 0.01  # per record, whoever it is
    twins: float = 0.02  # of children: has a twin (same DOB, surname, address; a different given name)
    cousin_same_name: float = 0.01  # of people: a cousin with the same given and family name living nearby
    base_year: int = 2026
    extra: dict = field(default_factory=dict)


@dataclass
class _Pools:
    given_f: list[list[str]]
    given_m: list[list[str]]
    family: list[list[str]]
    native: list[bool]
    shares: np.ndarray


@lru_cache(maxsize=4)
def _name_pools(seed: int) -> _Pools:
    """Draw weighted name pools from Faker (its providers weight names by real frequency where they know it)."""
    from anyascii import anyascii
    from faker import Faker

    given_f, given_m, family, native = [], [], [], []
    for i, (locale, _share, non_latin) in enumerate(_LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed + i)
        draws = 3000 if locale == "en_GB" else 600
        fs = [fake.first_name_female() for _ in range(draws)]
        ms = [fake.first_name_male() for _ in range(draws)]
        ls = [fake.last_name() for _ in range(draws)]
        given_f.append(fs)
        given_m.append(ms)
        family.append(ls)
        native.append(non_latin)
    shares = np.array([s for _, s, _ in _LOCALES])
    del anyascii
    return _Pools(given_f, given_m, family, native, shares / shares.sum())


def _latin(name: str, non_latin: bool) -> str:
    if not non_latin:
        return name
    from anyascii import anyascii

    text = anyascii(name).replace("'", "").replace("`", "")
    return " ".join(w.capitalize() for w in text.split())


def _nhs_check(first9: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else (None if check == 10 else check)


def _nhs_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct valid NHS numbers from the never-issued 999 range."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        for body in rng.integers(0, 10**6, size=(n - len(out)) * 2 + 10):
            first9 = f"999{body:06d}"
            check = _nhs_check(first9)
            if check is None or first9 in seen:
                continue
            seen.add(first9)
            out.append(first9 + str(check))
            if len(out) == n:
                break
    return out


def _typo(rnd: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rnd.randrange(1, len(s))  # first letters are mistyped less often
    kind = rnd.random()
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind < 0.35:
        return s[:i] + rnd.choice(letters) + s[i + 1 :]
    if kind < 0.55:
        return s[:i] + s[i + 1 :]
    if kind < 0.75:
        return s[:i] + s[i] + s[i:]
    if i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + rnd.choice(letters) + s[i:]


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


def _nickname(rnd: random.Random, given: str) -> str | None:
    nn = _nicknamer()
    key = given.lower()
    options = sorted(nn.nicknames_of(key) | nn.canonicals_of(key))
    options = [o for o in options if len(o) > 2]
    return rnd.choice(options).capitalize() if options else None


def _postcode(rnd: random.Random, area: str | None = None, district: int | None = None) -> str:
    area = area or rnd.choice(_POSTCODE_AREAS)
    district = district if district is not None else rnd.randint(1, 20)
    return f"{area}{district} {rnd.randint(0, 9)}{rnd.choice(_UNIT_LETTERS)}{rnd.choice(_UNIT_LETTERS)}"


def _nearby_postcode(rnd: random.Random, postcode: str) -> str:
    outward = postcode.split()[0]
    return f"{outward} {rnd.randint(0, 9)}{rnd.choice(_UNIT_LETTERS)}{rnd.choice(_UNIT_LETTERS)}"


def _random_date(rnd: random.Random, start_year: int, end_year: int) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    end = dt.date(end_year, 12, 31).toordinal()
    return dt.date.fromordinal(rnd.randint(start, end))


@dataclass
class _Person:
    entity: int
    given: str
    family: str
    sex: str
    dob: dt.date
    postcode: str
    address: str
    nhs: str | None
    non_latin: bool
    native_given: str | None
    native_family: str | None
    adult: bool


class _Generator:
    def __init__(self, n_records: int, seed: int, settings: GeneratorSettings) -> None:
        self.n_records = n_records
        self.s = settings
        self.rnd = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.pools = _name_pools(seed % 1000)
        self.streets = [f"{self._street_word()} {self.rnd.choice(_STREET_SUFFIXES)}" for _ in range(4000)]
        self.towns = [
            self._street_word() + self.rnd.choice(["ton", "ford", "by", "ham", " Green", "field"]) for _ in range(300)
        ]
        self.people: list[_Person] = []
        self._locale_draws: list[int] = []

    def _street_word(self) -> str:
        return str(self.rnd.choice(self.pools.family[0]))

    def _address(self, postcode: str) -> str:
        return f"{self.rnd.randint(1, 240)} {self.rnd.choice(self.streets)}, {self.rnd.choice(self.towns)}"

    def _locale(self) -> int:
        if not self._locale_draws:
            self._locale_draws = self.np_rng.choice(len(self.pools.shares), size=4096, p=self.pools.shares).tolist()
        return self._locale_draws.pop()

    def _name(self, locale: int, pool: list[list[str]]) -> tuple[str, str | None]:
        raw = self.rnd.choice(pool[locale])
        non_latin = self.pools.native[locale]
        return _latin(raw, non_latin), (raw if non_latin else None)

    def _new_person(
        self,
        *,
        locale: int,
        family: tuple[str, str | None],
        sex: str,
        dob: dt.date,
        postcode: str,
        address: str,
        adult: bool,
        given: tuple[str, str | None] | None = None,
    ) -> _Person:
        if given is None:
            given = self._name(locale, self.pools.given_f if sex == "F" else self.pools.given_m)
        person = _Person(
            entity=len(self.people),
            given=given[0],
            family=family[0],
            sex=sex,
            dob=dob,
            postcode=postcode,
            address=address,
            nhs=None,
            non_latin=self.pools.native[locale],
            native_given=given[1],
            native_family=family[1],
            adult=adult,
        )
        self.people.append(person)
        return person

    def households(self, n_people: int) -> None:
        rnd = self.rnd
        by = self.s.base_year
        while len(self.people) < n_people:
            locale = self._locale()
            family = self._name(locale, self.pools.family)
            postcode = _postcode(rnd)
            address = self._address(postcode)
            adults = 1 if rnd.random() < 0.35 else 2
            parent_dob = _random_date(rnd, by - 55, by - 20)
            for a in range(adults):
                sex = "F" if a == 0 else "M"
                fam = family if a == 0 or rnd.random() < 0.7 else self._name(locale, self.pools.family)
                self._new_person(
                    locale=locale,
                    family=fam,
                    sex=sex,
                    dob=_random_date(rnd, parent_dob.year - 3, parent_dob.year + 3),
                    postcode=postcode,
                    address=address,
                    adult=True,
                )
            for _ in range(rnd.choice((0, 1, 1, 2, 2, 3, 4))):
                sex = rnd.choice("FM")
                dob = _random_date(rnd, max(parent_dob.year + 18, by - 18), by - 1)
                child = self._new_person(
                    locale=locale, family=family, sex=sex, dob=dob, postcode=postcode, address=address, adult=False
                )
                if rnd.random() < self.s.twins:
                    twin_sex = rnd.choice("FM")
                    pool = self.pools.given_f if twin_sex == "F" else self.pools.given_m
                    twin_given = self._name(locale, pool)
                    if twin_given[0] != child.given:
                        self._new_person(
                            locale=locale,
                            family=family,
                            sex=twin_sex,
                            dob=dob,
                            postcode=postcode,
                            address=address,
                            adult=False,
                            given=twin_given,
                        )
            if rnd.random() < self.s.cousin_same_name * (adults + 2):
                base = self.people[-1]
                near = _nearby_postcode(rnd, base.postcode)
                dob = _random_date(rnd, base.dob.year - 3, min(base.dob.year + 3, by - 1))
                if dob != base.dob:
                    self._new_person(
                        locale=locale,
                        family=(base.family, base.native_family),
                        sex=base.sex,
                        dob=dob,
                        postcode=near,
                        address=self._address(near),
                        adult=base.adult,
                        given=(base.given, base.native_given),
                    )
        del self.people[n_people:]
        for person, nhs in zip(self.people, _nhs_numbers(self.np_rng, len(self.people)), strict=True):
            person.nhs = nhs

    # --- one record of a person, with the faults an agency's copy has -----------------------------------------------
    def record(self, p: _Person, duplicate: bool) -> dict[str, str]:
        rnd, s = self.rnd, self.s
        given, family = self._names(p) if duplicate else (p.given, p.family)
        dob, postcode, address, sex = p.dob, p.postcode, p.address, p.sex
        if duplicate:
            dob = self._dob_fault(dob)
            postcode, address = self._moved(postcode, address)
            if rnd.random() < s.sex_wrong:
                sex = "M" if sex == "F" else "F"
        return {
            "given_name": "" if rnd.random() < s.given_missing else given,
            "family_name": "" if rnd.random() < s.family_missing else family,
            "date_of_birth": "" if dob is None or rnd.random() < s.dob_missing else dob.isoformat(),
            "sex": "" if rnd.random() < s.sex_missing else sex,
            "postcode": "" if rnd.random() < s.postcode_missing else self._postcode_style(postcode),
            "address": "" if rnd.random() < s.address_missing else address,
            "identifier": self._identifier(p, duplicate),
        }

    def _names(self, p: _Person) -> tuple[str, str]:
        rnd, s = self.rnd, self.s
        given, family = p.given, p.family
        if p.non_latin and rnd.random() < s.native_script:
            given, family = p.native_given or given, p.native_family or family
        elif p.non_latin and rnd.random() < s.other_transliteration:
            for a, b in _TRANSLIT_VARIANTS:
                given, family = given.replace(a, b), family.replace(a, b)
        if rnd.random() < s.nickname:
            given = _nickname(rnd, given) or given
        if rnd.random() < s.given_typo:
            given = _typo(rnd, given)
        if rnd.random() < s.family_typo:
            family = _typo(rnd, family)
        if p.adult and rnd.random() < s.surname_change:
            other = self._name(0, self.pools.family)[0]
            family = rnd.choice((other, f"{family}-{other}", f"{other} {family}"))
        if rnd.random() < s.names_swapped:
            given, family = family, given
        return given, family

    def _moved(self, postcode: str, address: str) -> tuple[str, str]:
        rnd, s = self.rnd, self.s
        if rnd.random() < s.moved:
            postcode = _postcode(rnd) if rnd.random() < 0.6 else _nearby_postcode(rnd, postcode)
            return postcode, self._address(postcode)
        if rnd.random() < s.postcode_typo:
            return _nearby_postcode(rnd, postcode), address
        return postcode, address

    def _identifier(self, p: _Person, duplicate: bool) -> str:
        rnd, s = self.rnd, self.s
        if rnd.random() < s.nhs_present and p.nhs:
            identifier = p.nhs
            if duplicate and rnd.random() < s.nhs_typo:
                i = rnd.randrange(10)
                identifier = identifier[:i] + str((int(identifier[i]) + rnd.randint(1, 9)) % 10) + identifier[i + 1 :]
            return rnd.choice(
                (
                    identifier,
                    f"{identifier[:3]} {identifier[3:6]} {identifier[6:]}",
                    f"{identifier[:3]}-{identifier[3:6]}-{identifier[6:]}",
                )
            )
        if rnd.random() < s.placeholder_identifier:
            return rnd.choice(_PLACEHOLDERS)
        return ""

    def _postcode_style(self, postcode: str) -> str:
        r = self.rnd.random()
        if r < 0.1:
            return postcode.replace(" ", "")
        if r < 0.15:
            return postcode.lower()
        return postcode

    def _dob_fault(self, dob: dt.date) -> dt.date:
        rnd, s = self.rnd, self.s
        r = rnd.random()
        if r < s.dob_transposed and dob.day <= 12 and dob.day != dob.month:
            return dob.replace(day=dob.month, month=dob.day)
        r -= s.dob_transposed
        if r < s.dob_digit_typo:
            text = dob.strftime("%Y%m%d")
            for _ in range(10):
                i = rnd.choice((2, 3, 5, 6, 7))
                candidate = text[:i] + str(rnd.randint(0, 9)) + text[i + 1 :]
                try:
                    new = dt.datetime.strptime(candidate, "%Y%m%d").date()  # noqa: DTZ007 - a date, not a time
                except ValueError:
                    continue
                if new != dob and new.year < self.s.base_year:
                    return new
            return dob
        r -= s.dob_digit_typo
        if r < s.dob_year_off:
            try:
                new = dob.replace(year=dob.year + rnd.choice((-1, 1)))
            except ValueError:
                return dob
            return new if new.year < self.s.base_year else dob
        return dob


def generate_people(n_records: int, *, seed: int = 2026, settings: GeneratorSettings | None = None) -> pd.DataFrame:
    """Synthetic agency records with known truth.

    In: ``n_records`` (>= 10), a seed, optional ``GeneratorSettings``. Out: a DataFrame of exactly ``n_records`` rows
    in random order with string columns ``record_id`` (unique), ``given_name``, ``family_name``, ``date_of_birth``
    (ISO ``YYYY-MM-DD`` or blank), ``sex`` (``M``/``F``/blank), ``postcode``, ``address``, ``identifier`` and the
    integer ``entity_id`` (the true person). Raises ValueError for ``n_records < 10``.
    """
    if n_records < 10:
        raise ValueError("generate at least 10 records")
    s = settings or GeneratorSettings()
    gen = _Generator(n_records, seed, s)
    probs = np.array(s.records_per_person) / sum(s.records_per_person)
    mean = float((np.arange(1, len(probs) + 1) * probs).sum())
    gen.households(int(n_records / mean) + 10)
    counts = gen.np_rng.choice(np.arange(1, len(probs) + 1), size=len(gen.people), p=probs)
    rows: list[dict[str, str]] = []
    entity: list[int] = []
    for person, k in zip(gen.people, counts, strict=True):
        for j in range(int(k)):
            rows.append(gen.record(person, duplicate=j > 0))
            entity.append(person.entity)
            if len(rows) == n_records:
                break
        if len(rows) == n_records:
            break
    while len(rows) < n_records:  # not enough people drawn (a small n): add single-record people
        gen.households(len(gen.people) + 1)
        rows.append(gen.record(gen.people[-1], duplicate=False))
        entity.append(gen.people[-1].entity)
    df = pd.DataFrame(rows)
    df["entity_id"] = np.array(entity, dtype=np.int64)
    order = gen.np_rng.permutation(len(df))
    df = df.iloc[order].reset_index(drop=True)
    ids = gen.np_rng.permutation(np.arange(1, n_records + 1))
    df.insert(0, "record_id", [f"R{i:08d}" for i in ids])
    return df[
        [
            "record_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "postcode",
            "address",
            "identifier",
            "entity_id",
        ]
    ]


def truth_pairs(entity_id: np.ndarray) -> np.ndarray:
    """All pairs of row positions (i < j) that belong to the same entity, as an (n, 2) int64 array."""
    entity_id = np.asarray(entity_id)
    order = np.argsort(entity_id, kind="stable")
    sorted_ids = entity_id[order]
    boundaries = np.flatnonzero(np.diff(sorted_ids)) + 1
    starts = np.concatenate(([0], boundaries))
    sizes = np.diff(np.concatenate((starts, [len(sorted_ids)])))
    out = []
    for size in np.unique(sizes):
        if size < 2:
            continue
        group_starts = starts[sizes == size]
        iu, ju = np.triu_indices(int(size), 1)
        a = order[group_starts[:, None] + iu[None, :]].ravel()
        b = order[group_starts[:, None] + ju[None, :]].ravel()
        out.append(np.stack((np.minimum(a, b), np.maximum(a, b)), axis=1))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)

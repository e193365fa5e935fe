"""Finding people by what someone typed: the minimum-identifier rule, the index lookup, ranking and the reasons.

No access checks and no audit here: ``people.selectors.person_search`` (search pages and API) and intake's
search-before-create call this and do both. Everything reads the ``SearchKey`` index (``search_index``) and the
identifier columns, each with plain btree indexes, so one lookup is a handful of index seeks on SQLite and
PostgreSQL alike (``openmash bench lookup``).

What a typed name matches (issue 6, "Finding the child"): the typed name is folded by ``linkage.names`` (accents,
ł ø ı ß æ đ and non-Latin scripts transliterated, apostrophes of every kind dropped, hyphens as spaces) and split
into words; every run of consecutive words is compacted ("Nic Dhòmhnaill", "nicdhomhnaill" and "Nic-Dhomhnaill"
are one key) and looked up as a family name, a word of a family name, a given name or a word of a given name, by
itself and by its Metaphone code; single words also by their nicknames and formal names. A person matches on the
best pair of a family-name run and a given-name run that do not overlap; when the given name comes after the family
name in what was typed (or the record has them the other way round) the reason says the names were swapped.

The minimum-identifier rule (SECURITY-TESTS.md SR-1: "needs ≥2 identifiers (e.g. name+DoB) or a unique id"):
a search needs an identifier (NHS number, UPN, PNC ID), or at least two of: a name, a date of birth, a postcode;
or a first and last name with an approximate age. The name counts once however many words it has. Each person
listed must match at least two of the items typed; when a typed name has words the person does not match (typed
"Twind Manymatch", person "Twina Manymatch"), three.

Who of the matches may be listed to whom is not decided here: each Match says whether the name and the date of
birth typed both agree with the person (``name_and_dob_agree``), and access.search.search_listing_allowed lists
someone the searcher may not open only then (attacker review of issue 7; ADR 0009 addendum 3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from linkage.names import dob_variants, nickname_forms, phonetic, tokens
from openmash.core.exceptions import ValidationFailed
from openmash.people.identifiers import identifier_is_placeholder, identifier_normalise
from openmash.people.postcodes import postcode_normalise
from openmash.people.search_index import (
    KEY_MAX,
    KIND_FAMILY,
    KIND_FAMILY_PHONETIC,
    KIND_FAMILY_TOKEN,
    KIND_GIVEN,
    KIND_GIVEN_PHONETIC,
    KIND_GIVEN_TOKEN,
    KIND_POSTCODE,
    postcode_key,
)
from openmash.people.validation import add_months, search_date_check

MAX_NAME_WORDS = 6  # words of a typed name that are looked up (a longer name is cut, never refused)
ROW_CAP = 5000  # key rows read per lookup: past this the answer says it was cut ("add more detail")
MAX_AGE = 120

IDENTIFIER_LABELS = {"nhs_number": "NHS number", "upn": "UPN", "pnc_id": "PNC ID", "local_id": "local ID"}

# How much each kind of agreement counts towards the order of the results (exact above sound-alike and nickname).
FAMILY_WEIGHT = {"exact": 4.0, "token": 3.0, "phonetic": 2.0}
GIVEN_WEIGHT = {"exact": 3.0, "nickname": 2.5, "token": 2.5, "phonetic": 1.5}
DOB_WEIGHT = {"exact": 3.0, "transposed": 1.5, "age": 1.0}
POSTCODE_WEIGHT = 2.0
IDENTIFIER_WEIGHT = 10.0
SWAPPED_PENALTY = 0.5

FAMILY_REASON = {
    "exact": "same last name",
    "token": "part of the last name matches",
    "phonetic": "last name sounds alike",
}
GIVEN_REASON = {
    "exact": "same first name",
    "nickname": "first name is another form of the same name (like Bill and William)",
    "token": "part of the first name matches",
    "phonetic": "first name sounds alike",
}
DOB_REASON = {
    "exact": "same date of birth",
    "transposed": "same date of birth with the day and month swapped",
    "age": "age within a year of the age given",
}
#: When the name typed matched another name the person is known by (an alias, or the name in another agency's
#: record of the same person), not the name the result shows: "same first name" beside "Amelia" for a search of
#: "Isla" would be false (practitioners' review, December 2026).
OTHER_NAME_REASON = {
    "family": "known by this last name (an alias or another agency's record)",
    "given": "known by this first name (an alias or another agency's record)",
}
SWAPPED_REASON = "first and last names the other way round"
POSTCODE_REASON = "same postcode"

# --- the terms and the minimum-identifier rule ---------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """What a search looks for, checked (``search_terms_check``): ``name`` as typed; ``date_of_birth`` (a date, no
    time zone); ``postcode`` canonical ("SW1A 1AA") or ""; ``age`` in whole years or None; ``identifier_type`` and
    the normalised ``identifier`` (or "" for a name search)."""

    name: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""
    age: int | None = None
    identifier_type: str = ""
    identifier: str = ""

    @property
    def by(self) -> str:
        """Which items were given, for the audit trail (never their values): "identifier" or e.g.
        "name+date_of_birth+postcode"."""
        if self.identifier:
            return "identifier"
        items = [
            ("name", bool(tokens(self.name))),
            ("date_of_birth", self.date_of_birth is not None),
            ("postcode", bool(self.postcode)),
            ("age", self.age is not None),
        ]
        return "+".join(k for k, given in items if given)


NEED_MORE_NAME = "A name on its own is not enough: add a date of birth or a postcode"
NEED_MORE_FULL_NAME = "A name on its own is not enough: add a date of birth, a postcode or an approximate age"
NEED_NAME = "Add a name or a postcode to search by date of birth, or search by NHS number, UPN or PNC ID"
NEED_NAME_POSTCODE = "Add a name or a date of birth to search by postcode, or search by NHS number, UPN or PNC ID"
NEED_NOTHING_GIVEN = "Enter a name and a date of birth or postcode, or an NHS number, UPN or PNC ID"
NEED_FULL_NAME_FOR_AGE = "Enter the first name and the last name to search by approximate age, or add a date of birth"


def search_terms_check(
    *,
    name: str = "",
    date_of_birth: dt.date | None = None,
    postcode: str = "",
    age: int | None = None,
    identifier_type: str = "",
    identifier: str = "",
    today: dt.date,
) -> SearchTerms:
    """Check what was typed and apply the minimum-identifier rule (module docstring; SECURITY-TESTS.md SR-1).

    In: the fields as typed (``today``: the local calendar date, for the date checks). Out: SearchTerms with the
    identifier and postcode normalised. Raises ValidationFailed with messages keyed by field (``identifier``,
    ``date_of_birth``, ``postcode``, ``age``, ``name``): a bad value, or too little to search by (a surname alone
    lists nobody, and the message says what to add)."""
    if identifier:
        kind = identifier_type or "nhs_number"
        try:
            value = identifier_normalise(kind, identifier)
        except ValueError as exc:
            raise ValidationFailed("Check the identifier", errors={"identifier": [str(exc)]}) from None
        return SearchTerms(identifier_type=kind, identifier=value)
    postcode = _values_check(date_of_birth=date_of_birth, postcode=postcode, age=age, today=today)
    need = search_minimum_unmet(name=name, date_of_birth=date_of_birth, postcode=postcode, age=age)
    if need:
        raise ValidationFailed(NEED_MORE_DETAIL, errors=need)
    return SearchTerms(name=name, date_of_birth=date_of_birth, postcode=postcode, age=age)


NEED_MORE_DETAIL = "Add more detail to search: at least two identifying items are needed"


def search_minimum_unmet(
    *, name: str = "", date_of_birth: dt.date | None = None, postcode: str = "", age: int | None = None
) -> dict[str, list[str]]:
    """THE minimum-identifier rule (SECURITY-TESTS.md SR-1) for a search without an identifier, the one place that
    decides it for every entry point: the people search (API, Find a child and its htmx partial, the intake page's
    search), intake's "is it them?" lookup (the page, POST /api/v1/intake/candidates, contact creation and
    amendment: ``matching.candidates``). An identifier (NHS number, UPN, PNC ID) is enough by itself and is not
    judged here.

    In: what was given (a name as typed: the words of a first and a last name count once; a date of birth; a
    postcode; an approximate age). Out: {} when at least two of a name, a date of birth and a postcode are given,
    or a first and last name with an approximate age; otherwise the field messages saying what to add (a surname
    alone lists nobody). Pure."""
    words = tokens(name)
    has_name, has_dob, has_postcode = bool(words), date_of_birth is not None, bool(postcode)
    if has_name + has_dob + has_postcode >= 2 or (age is not None and len(words) >= 2):
        return {}
    if age is not None:
        return {"name": [NEED_FULL_NAME_FOR_AGE]}
    if has_name:
        return {"date_of_birth": [NEED_MORE_FULL_NAME if len(words) >= 2 else NEED_MORE_NAME]}
    if has_dob:
        return {"name": [NEED_NAME]}
    if has_postcode:
        return {"name": [NEED_NAME_POSTCODE]}
    return {"name": [NEED_NOTHING_GIVEN]}


def _values_check(*, date_of_birth, postcode: str, age, today: dt.date) -> str:
    """Each value's own rule (a plausible date of birth, a UK postcode, an age in range); the canonical postcode."""
    errors: dict[str, list[str]] = {}
    if date_of_birth is not None:
        try:
            search_date_check(date_of_birth, today=today)
        except ValueError as exc:
            errors["date_of_birth"] = [str(exc)]
    if postcode:
        try:
            postcode = postcode_normalise(postcode)
        except ValueError as exc:
            errors["postcode"] = [str(exc)]
    if age is not None and not 0 <= age <= MAX_AGE:
        errors["age"] = [f"Approximate age must be a whole number of years from 0 to {MAX_AGE}"]
    if age is not None and date_of_birth is not None:
        errors["age"] = ["Enter a date of birth or an approximate age, not both"]
    if errors:
        raise ValidationFailed("Check the search", errors=errors)
    return postcode


# --- what the typed name can match ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """A typed run of words (``start``..``end``, word positions) that matches an indexed key: ``role`` "family" or
    "given", ``level`` exact / token / phonetic / nickname."""

    role: str
    level: str
    start: int
    end: int


_HAN_OR_KANA = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def _cjk_spaced(name: str) -> str:
    """A name typed in Chinese or Japanese script has no spaces between family and given name ("王小明"): each
    character is read as a word of its own, so the runs of words cover the family name ("王" -> "wang") and the
    given name ("小明" -> "xiaoming") as they are indexed (practitioner review of issue 6, finding 11: a name typed
    natively found nothing). Other names are returned unchanged."""
    return _HAN_OR_KANA.sub(r" \1 ", name) if _HAN_OR_KANA.search(name or "") else name


def typed_name_keys(name: str) -> tuple[int, dict[tuple[str, str], list[Hit]]]:
    """The keys to look up for a typed name, each with what a row of that (kind, key) would mean. A name in
    Chinese or Japanese script is read a character to a word (``_cjk_spaced``).

    Out: (number of words looked up, {(kind, key): [Hit, ...]}). Pure; at most MAX_NAME_WORDS words."""
    words = tokens(_cjk_spaced(name))[:MAX_NAME_WORDS]
    keys: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for i in range(len(words)):
        for j in range(i + 1, len(words) + 1):
            run = "".join(words[i:j])[:KEY_MAX]
            keys[(KIND_FAMILY, run)].append(Hit("family", "exact", i, j))
            keys[(KIND_FAMILY_TOKEN, run)].append(Hit("family", "token", i, j))
            keys[(KIND_GIVEN, run)].append(Hit("given", "exact", i, j))
            keys[(KIND_GIVEN_TOKEN, run)].append(Hit("given", "token", i, j))
            if len(run) >= 3:  # a one- or two-letter word sounds like too many names to mean anything
                code = phonetic(run)
                if code:
                    keys[(KIND_FAMILY_PHONETIC, code[:KEY_MAX])].append(Hit("family", "phonetic", i, j))
                    keys[(KIND_GIVEN_PHONETIC, code[:KEY_MAX])].append(Hit("given", "phonetic", i, j))
            if j == i + 1:
                for form in nickname_forms(words[i]) - {run}:
                    keys[(KIND_GIVEN, form[:KEY_MAX])].append(Hit("given", "nickname", i, j))
                    keys[(KIND_GIVEN_TOKEN, form[:KEY_MAX])].append(Hit("given", "nickname", i, j))
    return len(words), dict(keys)


# --- one lookup ------------------------------------------------------------------------------------------------


@dataclass
class Match:
    """One person found: ``person_id`` (the resolved person), ``score`` (higher first), ``exact`` (everything typed
    agreed exactly), ``reasons`` (plain words, most telling first), ``parts`` (how many of the items typed it
    agreed on) and ``name_and_dob_agree``: a given name and a family name typed and the date of birth typed all
    agree with the person (``_name_and_dob_agree``), which is what access.search.search_listing_allowed asks of
    someone the searcher may not open."""

    person_id: object
    score: float
    exact: bool
    reasons: list[str] = field(default_factory=list)
    parts: int = 0
    name_and_dob_agree: bool = False


@dataclass
class LookupResult:
    """All the people who match, best first (``matches``), and ``capped``: True when the index held more rows than
    one lookup reads (ROW_CAP), so there may be more matches than listed."""

    matches: list[Match]
    capped: bool = False


def _resolve(person_ids) -> dict:
    """{person id: (resolved person id, surname, forename)} for the people the index named (ADR 0005: merged people
    are found as the person they were merged into). The name is only for ordering ties."""
    from openmash.people.models import Person

    ids = list(dict.fromkeys(person_ids))
    merged = {}
    out = {}
    for chunk_start in range(0, len(ids), 2000):
        chunk = ids[chunk_start : chunk_start + 2000]
        for pk, into, surname, forename in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "merged_into_id", "surname", "forename"
        ):
            if into is not None:
                merged[pk] = into
            out[pk] = (into or pk, surname, forename)
    targets = set(merged.values()) - set(out)
    if targets:
        for pk, surname, forename in Person.objects.filter(pk__in=targets).values_list("pk", "surname", "forename"):
            out[pk] = (pk, surname, forename)
    for pk, into in merged.items():
        if into in out:
            out[pk] = (into, out[into][1], out[into][2])
    return out


def _resolve_rows(rows: list[tuple]) -> dict:
    """As _resolve, from index rows that carry each person's merge target and names (no query unless someone in
    them was merged)."""
    out = {}
    merged = {}
    for row in rows:
        pid, into = row[0], row[4]
        if into is None:
            out[pid] = (pid, row[5], row[6])
        else:
            merged[pid] = into
    if merged:
        out.update(_resolve(merged))
    return out


def _identifier_lookup(terms: SearchTerms) -> LookupResult:
    from openmash.people.models import AgencyRecord, PersonIdentifier

    kind, value = terms.identifier_type, terms.identifier
    if identifier_is_placeholder(kind, value):
        return LookupResult([])  # a placeholder (stored before issue 5's fault 10) never links anyone
    ids = list(
        PersonIdentifier.objects.filter(identifier_type=kind, value=value).values_list("person_id", flat=True)[:ROW_CAP]
    )
    if kind in ("nhs_number", "upn", "pnc_id"):
        ids += list(AgencyRecord.objects.filter(**{kind: value}).values_list("origin_person_id", flat=True)[:ROW_CAP])
    resolved = _resolve(ids)
    reason = f"same {IDENTIFIER_LABELS.get(kind, kind)}"
    people = {r for r in resolved.values()}
    ordered = sorted(people, key=lambda r: (r[1].lower(), r[2].lower(), str(r[0])))
    return LookupResult(
        [Match(person_id=pk, score=IDENTIFIER_WEIGHT, exact=True, reasons=[reason], parts=1) for pk, _, _ in ordered]
    )


def _age_range(age: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """Dates of birth of people whose age today is within one year of ``age``: aged age-1 to age+1 inclusive."""
    earliest = add_months(today, -12 * (age + 2)) + dt.timedelta(days=1)
    latest = add_months(today, -12 * max(age - 1, 0))
    return earliest, latest


def _rows(terms: SearchTerms, keys: list[str], today: dt.date) -> tuple[list[tuple], bool]:
    """The index rows (person_id, kind, key, dob, merged_into_id, surname, forename) that can make someone match, and
    whether a read was cut."""
    from openmash.people.models import SearchKey

    rows: list[tuple] = []
    capped = False
    # with the person's merge target and names (for resolving merges and ordering ties) in the same query
    cols = ("person_id", "kind", "key", "dob", "person__merged_into_id", "person__surname", "person__forename")
    pc = postcode_key(terms.postcode)
    wanted = keys + ([pc] if pc else [])
    if terms.date_of_birth is not None and wanted:
        got = list(
            SearchKey.objects.filter(key__in=wanted, dob__in=sorted(dob_variants(terms.date_of_birth))).values_list(
                *cols
            )[:ROW_CAP]
        )
        capped |= len(got) >= ROW_CAP
        rows += got
    if pc:
        # Everyone at the postcode (a few households), then which of the typed keys they have, at any date of birth:
        # finds a child whose date of birth was recorded wrongly but whose name and postcode agree.
        at = list(
            SearchKey.objects.filter(key=pc, kind=KIND_POSTCODE)
            .values_list("person_id", flat=True)
            .distinct()[:ROW_CAP]
        )
        capped |= len(at) >= ROW_CAP
        for i in range(0, len(at), 500):
            got = list(
                SearchKey.objects.filter(person_id__in=at[i : i + 500], key__in=wanted).values_list(*cols)[:ROW_CAP]
            )
            capped |= len(got) >= ROW_CAP
            rows += got
    if terms.age is not None and terms.date_of_birth is None and keys:
        earliest, latest = _age_range(terms.age, today)
        got = list(
            SearchKey.objects.filter(key__in=keys, dob__gte=earliest, dob__lte=latest).values_list(*cols)[:ROW_CAP]
        )
        capped |= len(got) >= ROW_CAP
        rows += got
    return rows, capped


def _best_names(hits: list[Hit]) -> tuple[Hit | None, Hit | None]:
    """The best (family, given) pair of hits on different words; either may be None."""
    family = [h for h in hits if h.role == "family"] + [None]
    given = [h for h in hits if h.role == "given"] + [None]
    best, best_key = (None, None), None
    for f in family:
        for g in given:
            if f and g and not (f.end <= g.start or g.end <= f.start):
                continue
            parts = (f is not None) + (g is not None)
            covered = (f.end - f.start if f else 0) + (g.end - g.start if g else 0)
            score = (FAMILY_WEIGHT[f.level] if f else 0) + (GIVEN_WEIGHT[g.level] if g else 0)
            if f and g and g.start > f.start:
                score -= SWAPPED_PENALTY
            key = (parts, covered, score)
            if best_key is None or key > best_key:
                best, best_key = (f, g), key
    return best


def _signals(terms: SearchTerms, keymap: dict, rows: list[tuple], today: dt.date) -> tuple[list[Hit], str | None, bool]:
    """What one person's index rows agree on: the name hits, the date-of-birth level (exact, transposed, age or
    None) and whether the postcode agrees."""
    hits: list[Hit] = []
    dob_level = None
    postcode_hit = False
    pc = postcode_key(terms.postcode)
    variants = dob_variants(terms.date_of_birth)
    age_range = _age_range(terms.age, today) if terms.age is not None and terms.date_of_birth is None else None
    levels = {"exact": 3, "transposed": 2, "age": 1}
    for row in rows:
        kind, key, dob = row[1], row[2], row[3]
        if kind == KIND_POSTCODE:
            postcode_hit |= bool(pc) and key == pc
        else:
            hits += keymap.get((kind, key), ())
        level = None
        if dob is not None and dob == terms.date_of_birth:
            level = "exact"
        elif dob is not None and dob in variants:
            level = "transposed"
        elif dob is not None and age_range and age_range[0] <= dob <= age_range[1]:
            level = "age"
        if level and levels[level] > levels.get(dob_level, 0):
            dob_level = level
    return hits, dob_level, postcode_hit


#: How the family name typed may agree with someone the searcher may not open (ADR 0009 addendum 3, issue 7's
#: enumeration finding): the whole name or one word of a hyphenated or spaced surname, after the search's own
#: folding (case, accents, transliteration), never a sound-alike. The given name may then agree at any level (exact,
#: a word, a nickname, a sound-alike): a nickname or sound-alike given name is accepted only beside such a surname.
FAMILY_LEVELS_FOR_LISTING = frozenset({"exact", "token"})
#: How a given name typed may agree to list someone the searcher may not open: the same name (case, accents,
#: transliteration), a word of it, or a nickname or formal form of it (Mo / Muhammad, Bill / William: a public
#: relation, the searcher learns nothing from it); a sound-alike only when it is also spelt alike
#: (``SPELT_ALIKE_FOR_LISTING``: Kaden / Kayden, Dan / Danny, Stephen / Steven, the ordinary variation at intake).
#: A sound-alike alone told a referrer who typed "Lisa", "Lacey", "Lois" or "Louise" with the family name and date
#: of birth that the child is "Lucy" (third attacker review of issue 7). The hub and anyone with a basis still find
#: every sound-alike.
GIVEN_LEVELS_FOR_LISTING = frozenset({"exact", "token", "nickname"})
#: Jaro-Winkler similarity at or above which a given name that sounds like the person's is also spelt like it (so
#: may list them): Kaden/Kayden 0.96, Dan/Danny 0.91, Stephen/Steven 0.89 list; Jack/Jake 0.87, Lacey/Lucy 0.81,
#: Louise/Lucy 0.61, Lisa/Lucy 0.50 do not.
SPELT_ALIKE_FOR_LISTING = 0.88


def _spelt_alike(run: str, given_name: str) -> bool:
    """Whether the typed given name `run` (folded) is spelt like the person's given name or a word of it."""
    import jellyfish

    words = tokens(given_name)
    return any(
        jellyfish.jaro_winkler_similarity(run, w) >= SPELT_ALIKE_FOR_LISTING for w in [*words, "".join(words)] if w
    )


def _name_and_dob_agree(
    terms: SearchTerms, words: int, keymap: dict, rows: list[tuple], *, typed: list[str] | None = None, given_name=""
) -> bool:
    """Whether the name typed and the date of birth typed both agree with one person's index rows, strictly enough
    to list someone the searcher may not open (ADR 0009 addendum 3): the date exactly or with day and month
    swapped, and the name typed has BOTH a family name and a given name, on different words, together covering
    every word typed, each matched by name rows that carry that date: the family name exactly or as one word of it
    (FAMILY_LEVELS_FOR_LISTING: case, accents, transliteration, hyphen and space variants; not a sound-alike), the
    given name exactly, as a word of it or as a nickname or formal form (GIVEN_LEVELS_FOR_LISTING), or sounding
    alike AND spelt alike (``_spelt_alike`` of the typed words, `typed`, against the person's given name,
    `given_name`; without them, never a sound-alike), in either order. One word
    of a name with a date of birth (e.g. "Dan" or "Alexander" alone) is never enough: it would reveal the rest of
    the name. False for a search without a name or without a date of birth."""
    variants = dob_variants(terms.date_of_birth)
    if not variants or words < 2:
        return False
    hits: list[Hit] = []
    for row in rows:
        if row[1] != KIND_POSTCODE and row[3] in variants:
            hits += keymap.get((row[1], row[2]), ())
    families = [h for h in hits if h.role == "family" and h.level in FAMILY_LEVELS_FOR_LISTING]
    givens = [
        h
        for h in hits
        if h.role == "given"
        and (
            h.level in GIVEN_LEVELS_FOR_LISTING
            or (
                h.level == "phonetic"
                and typed
                and given_name
                and _spelt_alike("".join(typed[h.start : h.end]), given_name)
            )
        )
    ]
    for f in families:
        for g in givens:
            if not (f.end <= g.start or g.end <= f.start):
                continue
            if (f.end - f.start) + (g.end - g.start) >= words:
                return True
    return False


def name_and_dob_matcher(name: str, date_of_birth: dt.date | None):
    """For lists built by other rules than ``people_lookup`` (intake's candidates, matching.candidates) that must
    apply access.search.search_listing_allowed: a function ``agrees(given, family, dob) -> bool`` telling whether the
    name typed and the date of birth typed both agree with one source's name and date of birth (an agency record,
    an alias), by the search's own rules (``_name_and_dob_agree``: the keys the index would hold for that name,
    people.search_index.name_index_keys). Always False without a name or a date of birth. Pure: no query."""
    from openmash.people.search_index import name_index_keys

    words, keymap = typed_name_keys(name)
    typed = tokens(_cjk_spaced(name))[:MAX_NAME_WORDS]
    variants = dob_variants(date_of_birth)
    terms = SearchTerms(name=name, date_of_birth=date_of_birth)

    def agrees(given: str | None, family: str | None, dob: dt.date | None) -> bool:
        if not words or dob not in variants:
            return False
        rows = [(None, kind, key, dob) for kind, key in name_index_keys(given, family)]
        return _name_and_dob_agree(terms, words, keymap, rows, typed=typed, given_name=given or "")

    return agrees


def _agrees_with_shown(hit: Hit, typed: list[str], shown: str) -> bool:
    """Whether the name shown for the person (``shown``: their forename or surname) is itself what ``hit`` says
    matched: the same, a word of it, sounds like it, or a nickname of it."""
    run = "".join(typed[hit.start : hit.end])
    words = tokens(shown)
    whole = "".join(words)
    if hit.level == "exact":
        return run == whole
    if hit.level == "token":
        return run in words or run == whole
    if hit.level == "phonetic":
        code = phonetic(run)
        return bool(code) and any(phonetic(w) == code for w in [whole, *words])
    if hit.level == "nickname":
        return bool(set(words) & nickname_forms(run))
    return True


def _name_reason(hit: Hit, typed: list[str], shown: str, reasons: dict) -> str:
    if typed and not _agrees_with_shown(hit, typed, shown):
        return OTHER_NAME_REASON[hit.role]
    return reasons[hit.level]


def _evaluate(
    terms: SearchTerms,
    words: int,
    keymap: dict,
    rows: list[tuple],
    today: dt.date,
    *,
    typed: list[str] | None = None,
    shown: tuple[str, str] = ("", ""),
) -> Match | None:
    """Whether one person's rows make them a match under the rule in the module docstring, and how good.
    ``typed``: the words of the typed name (``tokens``); ``shown``: the (surname, forename) the result shows, so a
    name that matched an alias or another record's name says so (``OTHER_NAME_REASON``)."""
    hits, dob_level, postcode_hit = _signals(terms, keymap, rows, today)
    family, given = _best_names(hits)
    name_parts = (family is not None) + (given is not None)
    covered = (family.end - family.start if family else 0) + (given.end - given.start if given else 0)
    unmatched = words - covered
    items = name_parts + (dob_level is not None) + postcode_hit
    by_age = terms.age is not None and terms.date_of_birth is None
    if items < (3 if unmatched > 0 else 2) or (by_age and name_parts < 2):
        return None
    swapped = family is not None and given is not None and given.start > family.start
    parts = [
        (_name_reason(family, typed or [], shown[0], FAMILY_REASON), FAMILY_WEIGHT[family.level]) if family else None,
        (_name_reason(given, typed or [], shown[1], GIVEN_REASON), GIVEN_WEIGHT[given.level]) if given else None,
        (SWAPPED_REASON, -SWAPPED_PENALTY) if swapped else None,
        (DOB_REASON[dob_level], DOB_WEIGHT[dob_level]) if dob_level else None,
        (POSTCODE_REASON, POSTCODE_WEIGHT) if postcode_hit else None,
    ]
    parts = [p for p in parts if p]
    exact = (
        unmatched == 0
        and not swapped
        and all(h.level == "exact" for h in (family, given) if h)
        and (terms.date_of_birth is None or dob_level == "exact")
        and (not terms.postcode or postcode_hit)
    )
    return Match(
        person_id=None,
        score=sum(w for _, w in parts),
        exact=exact,
        reasons=[r for r, _ in parts],
        parts=items,
        name_and_dob_agree=_name_and_dob_agree(terms, words, keymap, rows, typed=typed, given_name=shown[1]),
    )


def people_lookup(terms: SearchTerms, *, today: dt.date) -> LookupResult:
    """Everyone who matches checked terms (``search_terms_check``), best first: exact matches above sound-alike,
    nickname, swapped and transposed ones; ties by last name, first name, id.

    In: SearchTerms; ``today`` (local date) for an approximate age. Out: LookupResult (every match, not only the
    first page; ``capped`` when the index read was cut at ROW_CAP rows). Reads only; no access check, no audit (the
    caller does both)."""
    if terms.identifier:
        return _identifier_lookup(terms)
    words, keymap = typed_name_keys(terms.name)
    keys = sorted({key for _kind, key in keymap})
    rows, capped = _rows(terms, keys, today)
    resolved = _resolve_rows(rows)
    by_person: dict = defaultdict(set)
    for row in rows:
        target = resolved.get(row[0])
        if target is not None:
            by_person[target].add(row)
    matches = []
    typed = tokens(_cjk_spaced(terms.name))[:MAX_NAME_WORDS]
    for (pk, surname, forename), person_rows in by_person.items():
        match = _evaluate(terms, words, keymap, list(person_rows), today, typed=typed, shown=(surname, forename))
        if match is not None:
            match.person_id = pk
            matches.append((match, surname.lower(), forename.lower(), str(pk)))
    matches.sort(key=lambda m: (-m[0].exact, -m[0].score, m[1], m[2], m[3]))
    return LookupResult([m[0] for m in matches], capped=capped)


__all__ = [
    "Hit",
    "LookupResult",
    "Match",
    "SearchTerms",
    "name_and_dob_matcher",
    "people_lookup",
    "search_minimum_unmet",
    "search_terms_check",
    "typed_name_keys",
]

"""Adults placed in a child's home by the records' own words, read with the household, never joined (ADR 0023).

The Child Safeguarding Practice Review Panel, *The myth of invisible men* (2021): men in a baby's life whose own
records (probation, police) are at their own address, so no household rule ever reads them with the child. Two
directions, both read from what the agencies wrote:

- **(a) the adult's own record places him** ("staying at a female's flat on Bodmin Rd", "lives at 14 Bodmin Road"):
  a sentence with a presence cue (staying, lives, most nights, girlfriend's, relationship ...) naming a street
  (and a number if given) or a postcode that is the address of people in the adult's own area (the postcode
  districts of his records). No number and several homes on that street: the home is the one whose people's first
  name the adult's records name ("at Chantelle's most nights"), else nothing. His own addresses never count.
- **(b) the child's or the mother's record names him** ("mum's partner Dean Smith", "stepdad Mr D Smith"): a
  partner cue followed by a given name (or initial) and a family name matching **one** adult only (the family name
  the same or spelt alike, the given name or initial agreeing) with a record in the namer's area; two candidates,
  or a cue negated ("no partner", "ex-partner", "no contact since 2019"), give nothing.

How it is read: ``mention_words`` runs once per chronology entry when the reader reads it
(``reading._read_rows``) and keeps only the sentences carrying such a cue (``HomeMention``, encrypted); the
evaluation decrypts those few rows only (never the descriptions) and resolves them with ``placements`` against an
index of the streets and names of the records in the districts concerned (one query, no pairwise scan). Such an
adult is added to the household the rules read (``evaluation._people``) and marked in the flag's explanation
"placed in the home by the records' words, not confirmed", with the words that place him.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from linkage.names import compact, nickname_forms
from openmash.patterns.possibly_same import _spelt_alike

#: How far back a mention may place an adult (days before the evaluation date): two years, the household rules'
#: longest lookback in the shipped rules; an older one describes a household that may no longer be.
PLACED_LOOKBACK_DAYS = 730
ADULT_DAYS = 18 * 365 + 4
WORDS_MAX = 1000

_SUFFIXES = {
    "road": "road", "rd": "road", "street": "street", "st": "street", "avenue": "avenue", "ave": "avenue",
    "lane": "lane", "ln": "lane", "close": "close", "cl": "close", "drive": "drive", "dr": "drive", "way": "way",
    "crescent": "crescent", "cres": "crescent", "terrace": "terrace", "terr": "terrace", "tce": "terrace",
    "place": "place", "pl": "place", "gardens": "gardens", "gdns": "gardens", "court": "court", "ct": "court",
    "hill": "hill", "row": "row", "grove": "grove", "gr": "grove", "walk": "walk", "square": "square", "sq": "square",
    "mews": "mews", "rise": "rise", "parade": "parade", "park": "park", "view": "view",
}  # fmt: skip
#: Words before a street suffix that are not part of a street's name ("flat on Bodmin Rd", "lives at the Road").
_NOT_NAME = frozenset(
    re.findall(
        r"\S+",
        "a an the on at in of to off near by his her their our flat house home address lives living staying stays "
        "and or from with mostly girlfriend girlfriends partner partners female females woman womans mum mums",
    )
)
_SENTENCE = re.compile(r"(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\b[A-Z])[.;!?\n|]+\s*")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_PRESENCE = re.compile(
    r"\b(?:stay(?:s|ing|ed)?|lives?|living|reside[sd]?|residing|moved\s+(?:back\s+)?in|sleep(?:s|ing)?|"
    r"most\s+nights|girlfriend'?s?|boyfriend'?s?|partner'?s|relationship|female'?s|woman'?s|at\s+her\s+(?:flat|house|home))\b",
    re.IGNORECASE,
)
_PRESENCE_NEGATED = re.compile(
    r"\b(?:ex[- ]?(?:partner|girlfriend|boyfriend)|former|previous(?:ly)?|no\s+longer|moved\s+out|used\s+to|"
    r"not\s+(?:staying|living|residing|at\s+(?:her|a|the))|no\s+contact)\b",
    re.IGNORECASE,
)
_PARTNER = re.compile(
    r"(?P<neg>\b(?:ex|former|previous|no|late|not)[- ]+(?:new\s+)?)?"
    r"\b(?:(?:mum|mother|mom)'?s\s+(?:new\s+)?|new\s+|her\s+(?:new\s+)?)?"
    r"(?:partner|boyfriend|bf|step-?dad|step-?father|fianc[eé]e?|husband|father\s+of\s+(?:the\s+)?(?:baby|unborn)|fob)"
    r"\b",
    re.IGNORECASE,
)
_PARTNER_NEGATED = re.compile(r"\b(?:no\s+contact|separated|split\s+up|estranged)\b", re.IGNORECASE)
_NAMED = re.compile(
    r"^[\s,:(\-'\"]*(?:(?:is|called|named|=)\s+)?[('\"]?\s*(?:(?:Mr|Mister)\.?\s+)?"
    r"(?P<given>[A-Z][a-z]+|[A-Z])\.?\s+(?P<family>[A-Z][a-zA-Z'-]+)"
)
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


# --- reading: once per entry, at read time -----------------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """The sentences of `text` ("Mr D. Smith" is not split). Pure."""
    return [s.strip() for s in _SENTENCE.split(text or "") if s.strip()]


def mention_words(type_text: str, description: str) -> str:
    """The sentences of an event's description that may place a person in a home or name a partner (a presence
    cue with a street, a postcode or a capitalised name; a partner cue), joined with " | " (at most ``WORDS_MAX``
    characters); "" when there are none (almost every entry). Pure; negations are judged when resolved."""
    kept = []
    for s in sentences(description):
        if _PARTNER.search(s) or (_PRESENCE.search(s) and (streets_in(s, any_cue=True) or _POSTCODE.search(s)
                                                           or _CAPITALISED.search(s))):  # fmt: skip
            kept.append(s)
    return " | ".join(kept)[:WORDS_MAX]


def _street_keys(words: list[str], at: int) -> list[str]:
    """The keys of a street whose suffix is ``words[at]``: the one and two words before it with the suffix in full
    ("bodmin road", "st austell road"). Pure."""
    suffix = _SUFFIXES[words[at]]
    keys = []
    name: list[str] = []
    for back in (1, 2):
        i = at - back
        if i < 0 or not words[i].isalpha() or words[i] in _NOT_NAME:
            break
        name.insert(0, words[i])
        keys.append(" ".join([*name, suffix]))
    return keys


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:/[a-z0-9]+)?", (text or "").lower().replace("'s", "").replace("’s", ""))


def streets_in(text: str, *, any_cue: bool = False) -> list[tuple[str | None, tuple[str, ...]]]:
    """The streets a sentence names where a presence cue says someone is there and nothing negates it: [(house
    number or None, (keys of the street's name))]. ``any_cue``: every street named (used when reading). Pure."""
    if not any_cue and (not _PRESENCE.search(text or "") or _PRESENCE_NEGATED.search(text or "")):
        return []
    words = _words(text)
    out = []
    for at, word in enumerate(words):
        if word not in _SUFFIXES or at == 0:
            continue
        keys = _street_keys(words, at)
        if not keys:
            continue
        before = at - len(keys[-1].split())  # the word before the street's name
        number = words[before] if before >= 0 and any(c.isdigit() for c in words[before]) else None
        out.append((number.split("/")[-1] if number else None, tuple(keys)))
    return out


def postcodes_in(text: str) -> list[str]:
    """The postcodes in a sentence where a presence cue says someone is there, without spaces, upper case. Pure."""
    if not _PRESENCE.search(text or "") or _PRESENCE_NEGATED.search(text or ""):
        return []
    return [(a + b).upper() for a, b in _POSTCODE.findall(text or "")]


def partners_named(text: str) -> list[tuple[str, str]]:
    """[(given name or initial, family name)] named after a partner cue ("mum's partner Dean Smith", "stepdad Mr D
    Smith"), none when the cue is negated ("no partner", "ex-partner", "no contact since 2019") or no family name
    follows ("new boyfriend (Dean)"). Pure."""
    if _PARTNER_NEGATED.search(text or ""):
        return []
    out = []
    for m in _PARTNER.finditer(text or ""):
        if m.group("neg"):
            continue
        named = _NAMED.match(text[m.end() :])
        if named:
            out.append((named.group("given"), named.group("family")))
    return out


def address_street_keys(address: str) -> tuple[set, set]:
    """(street keys, house numbers) of a record's address ("Flat 3, 8 Menacuddle Street": {"menacuddle street"},
    {"3", "8"}). Pure."""
    words = _words(address)
    keys: set = set()
    for at, word in enumerate(words):
        if word in _SUFFIXES and at:
            keys.update(_street_keys(words, at))
    numbers = {part for w in words if any(c.isdigit() for c in w) for part in w.split("/")}
    return keys, numbers


def district(postcode: str) -> str:
    """The postcode district ("TR1 1RB" -> "TR1"); "" for none. Pure."""
    pc = (postcode or "").replace(" ", "").upper()
    return pc[:-3] if len(pc) > 3 else ""


def _given_agrees(named: str, given: str) -> bool:
    a, b = compact(named), compact(given)
    if not a or not b:
        return False
    if len(a) == 1:
        return b.startswith(a)
    return a == b or bool(nickname_forms(named) & nickname_forms(given)) or _spelt_alike(a, b)


def _family_agrees(named: str, family: str) -> bool:
    a, b = compact(named), compact(family)
    return bool(a and b) and (a == b or _spelt_alike(a, b))


# --- resolving: at evaluation time --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """An adult (resolved person) read with the people of a home: how (``address``: his record names the home;
    ``named``: the home's record names him), whose record says so (``by``: the adult himself, or the person the
    naming record is of), the mention's entry, agency, date and the sentence that places him."""

    adult: uuid.UUID
    by: uuid.UUID
    how: str
    entry_id: uuid.UUID
    agency_id: object
    on: dt.date
    words: str
    sensitivity: str = ""


def _uuid(value) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _mentions(as_of: dt.date) -> list[tuple]:
    """[(resolved person, entry id, agency id, date, sentence, sensitivity)] of the mentions in the lookback."""
    from openmash.patterns.models import HomeMention

    first = as_of - dt.timedelta(days=PLACED_LOOKBACK_DAYS)
    out = []
    qs = (
        HomeMention.objects.filter(occurred_on__lte=as_of, occurred_on__gte=first)
        .select_related("person", "entry")
        .only("person__merged_into", "entry__sensitivity", "agency_id", "occurred_on", "words")
    )
    for m in qs:  # instances: the words are decrypted for their row (a few rows: only sentences with a cue)
        root = m.person.merged_into_id or m.person_id
        for s in (m.words or "").split(" | "):
            out.append((root, m.entry_id, m.agency_id, m.occurred_on, s, m.entry.sensitivity))
    return out


def placements(as_of: dt.date) -> dict:
    """{member (resolved person): {adult: Placement}}: the adults the records' words place in a member's home
    (module docstring), as at `as_of`. Reads the ``HomeMention`` rows of the last ``PLACED_LOOKBACK_DAYS`` and the
    records of the postcode districts they concern (one query: an index by street and by name, no pairwise scan).
    Never joins anyone; errors: the database's."""
    mentions = _mentions(as_of)
    if not mentions:
        return {}
    speakers = {m[0] for m in mentions}
    areas, own_homes = _speakers(speakers)
    districts = {d for ds in areas.values() for d in ds}
    postcodes = {pc for m in mentions for pc in postcodes_in(m[4])}
    if not districts and not postcodes:
        return {}
    index = _index(as_of, districts, postcodes, speakers)
    out: dict = defaultdict(dict)
    names_said: dict = defaultdict(set)
    for m in mentions:
        names_said[m[0]] |= {compact(w) for w in _CAPITALISED.findall(m[4])}
    for m in mentions:
        speaker, text = m[0], m[4]
        if speaker in index.adult_roots:  # (a) his own record places him
            found = _homes_named(text, areas[speaker], own_homes[speaker], index)
            if len(found) > 1:
                found = {h for h in found if index.given_at[h] & names_said[speaker]}
            found = {h for h in found if speaker not in index.homes[h]}
            if len(found) == 1:
                _place(out, index, speaker, found, "address", m)
        for given, family in partners_named(text):  # (b) a record of the home names him
            candidates = {
                root
                for d in areas[speaker]
                for root, g, f in index.adults.get((d, compact(family)[:1]), ())
                if root != speaker and _family_agrees(family, f) and _given_agrees(given, g)
            }
            if len(candidates) == 1:
                _place(out, index, next(iter(candidates)), index.home_of.get(speaker, set()), "named", m)
    return {k: v for k, v in out.items() if v}


def _place(out: dict, index: _Index, adult, where: set, how: str, m: tuple) -> None:
    for home in where:
        for member in index.homes.get(home, ()):
            if member != adult and adult not in out[member]:
                out[member][adult] = Placement(adult, m[0], how, m[1], m[2], m[3], m[4], m[5] or "")


def _speakers(speakers: set) -> tuple[dict, dict]:
    """({root: postcode districts of its records}, {root: {(postcode, street key)} of its own addresses})."""
    from openmash.people.models import AgencyRecord

    areas: dict = defaultdict(set)
    own_homes: dict = defaultdict(set)
    recs = AgencyRecord.objects.filter(Q(person__in=speakers) | Q(person__merged_into__in=speakers)).values_list(
        "person_id", "person__merged_into_id", "postcode", "address"
    )
    for pid, merged, postcode, address in recs:
        root = merged or pid
        if district(postcode):
            areas[root].add(district(postcode))
        for key in address_street_keys(address)[0]:
            own_homes[root].add((postcode.replace(" ", "").upper(), key))
    return areas, own_homes


@dataclass
class _Index:
    by_street: dict = field(default_factory=lambda: defaultdict(list))  # (district, key) -> [(home, numbers)]
    at_postcode: dict = field(default_factory=lambda: defaultdict(set))  # postcode -> homes
    homes: dict = field(default_factory=lambda: defaultdict(set))  # home -> roots with a record there
    given_at: dict = field(default_factory=lambda: defaultdict(set))  # home -> compact given names
    home_of: dict = field(default_factory=lambda: defaultdict(set))  # root -> homes
    #: (district, first letter of the family name) -> [(root, given name, family name)] of the adults
    adults: dict = field(default_factory=lambda: defaultdict(list))
    adult_roots: set = field(default_factory=set)


def _index(as_of: dt.date, districts: set, postcodes: set, speakers: set) -> _Index:
    """The records of `districts` and `postcodes`, indexed by street, postcode, home and (adults) name."""
    from openmash.patterns.evaluation import _address_parts
    from openmash.people.models import AgencyRecord, Person

    cond = Q(postcode__in=sorted({f"{pc[:-3]} {pc[-3:]}" for pc in postcodes}))
    for d in sorted(districts):  # postcodes are held in the canonical form, "TR1 1RB"
        cond |= Q(postcode__startswith=f"{d} ")
    adult_before = (as_of - dt.timedelta(days=ADULT_DAYS)).isoformat()
    index = _Index()
    rows = AgencyRecord.objects.filter(cond).values_list(
        "person_id", "person__merged_into_id", "postcode", "address", "given_name", "family_name", "kind",
        "date_of_birth", "person__kind",
    )  # fmt: skip
    for pid, merged, postcode, address, given, family, kind, born, person_kind in rows:
        root = merged or pid
        keys, numbers = address_street_keys(address)
        home = _address_parts(postcode, address)  # a home as the households know it
        index.homes[home].add(root)
        index.home_of[root].add(home)
        index.given_at[home].add(compact(given))
        index.at_postcode[home[0]].add(home)
        for key in keys:
            index.by_street[(district(postcode), key)].append((home, numbers))
        if kind == "adult" or person_kind == "adult" or (born and str(born) <= adult_before):
            index.adults[(district(postcode), compact(family)[:1])].append((root, given, family))
    index.adult_roots = {a[0] for rows in index.adults.values() for a in rows} | set(
        Person.objects.filter(pk__in=speakers, kind="adult").values_list("pk", flat=True)
    )
    return index


def _homes_named(text: str, areas: set, own: set, index: _Index) -> set:
    """The homes a sentence of an adult's record places him in: a street of his area (the number agreeing when
    given) or a postcode, never one of his own addresses."""
    found: set = set()
    for number, keys in streets_in(text):
        for d in areas:
            for key in keys:
                for home, numbers in index.by_street.get((d, key), ()):
                    if (home[0], key) not in own and (number is None or number in numbers):
                        found.add(home)
    for pc in postcodes_in(text):
        found |= index.at_postcode.get(pc, set())
    return found


__all__ = [
    "PLACED_LOOKBACK_DAYS",
    "Placement",
    "address_street_keys",
    "district",
    "mention_words",
    "partners_named",
    "placements",
    "postcodes_in",
    "sentences",
    "streets_in",
]

"""Name normalisation shared by search and matching: one way to turn what someone typed into comparable keys.

Framework-free (no Django). Everything here is deterministic and cheap enough to run per keystroke and per row of
a million-row import. What each function does with real names:

- ``fold("Aoife Nic Dhòmhnaill") == "aoife nic dhomhnaill"``; ``fold("Łucja Wałęsa") == "lucja walesa"``;
  ``fold("Søren Østergård") == "soren ostergard"``; ``fold("Elif Yıldız") == "elif yildiz"``; letters that are not
  accented forms of ASCII (ł ø ı ß æ đ) and non-Latin scripts are transliterated by the maintained ``anyascii``
  library (Cyrillic "Мария" → "mariya", Chinese "王芳" → "wangfang").
- Apostrophes of every kind (' ’ ‘ ʼ ` ´) are removed, so O’Brien, O'Brien and OBrien fold alike; hyphens and other
  punctuation become spaces, so "Smith-Jones" and "Smith Jones" are two tokens and ``compact`` gives "smithjones".
- ``phonetic`` is the Metaphone code (``jellyfish``) of the compact form: "Kayden" and "Kaden" share "KTN".
- ``nickname_forms`` uses the maintained ``nicknames`` list (carltonnorthern/nicknames): "Bill" → {"bill",
  "william", ...}, with a supplement of common UK short forms it lacks (``data/nicknames_extra.yaml``: "Mo" →
  Mohammed, Muhammad ...; a partnership adds its own with ``nicknames_extend_file``); ``comparison_forms`` adds the short forms English makes of any given name (``short_forms``):
  the name cut short ("Zak" of "Zakariya") and a cut name with a pet ending ("Lenny" of "Lennon", "Frankie" of
  "Francesca"), so that matching meets short forms of names the list lacks.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jellyfish
from anyascii import anyascii

__all__ = [
    "NameKeys",
    "compact",
    "comparison_forms",
    "dob_variants",
    "fold",
    "name_keys",
    "nickname_forms",
    "nicknames_extend",
    "nicknames_extend_file",
    "phonetic",
    "short_forms",
    "tokens",
]

# Every apostrophe-like character people and systems type inside names (O'Brien, D’Arcy, N‘Golo, Ma`ilei).
_APOSTROPHES = "'’‘ʼʻ`´′＇"
_APOSTROPHE_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Lower-case ASCII form of a name: transliterated, apostrophes removed, other punctuation as single spaces.

    In: any string (or None). Out: ``str`` of ``[a-z0-9 ]`` with single spaces and no leading/trailing space;
    ``""`` for None or a name with no letters. Never raises.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHE_RE.sub("", text)
    text = anyascii(text)
    # anyascii writes some scripts' letters with apostrophes or backticks (Arabic ain, Cyrillic soft sign): drop them.
    text = _APOSTROPHE_RE.sub("", text).lower()
    return _NON_ALNUM_RE.sub(" ", text).strip()


def tokens(text: str | None) -> list[str]:
    """The folded name split into words: ``tokens("Nic Dhòmhnaill-Ó Briain") == ["nic", "dhomhnaill", "o",
    "briain"]``."""
    folded = fold(text)
    return folded.split() if folded else []


def compact(text: str | None) -> str:
    """The folded name with no spaces: multi-word and hyphenated names typed with or without spaces or
    punctuation compare equal (``compact("Nic Dhòmhnaill") == compact("nicdhomhnaill")``)."""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=65536)
def phonetic(text: str | None) -> str:
    """Metaphone code of the compact name (``""`` when there are no letters). "Kayden"/"Kaden" → "KTN";
    "Stephen"/"Steven" → "STFN"."""
    c = compact(text)
    if not c:
        return ""
    letters = "".join(ch for ch in c if ch.isalpha())
    return jellyfish.metaphone(letters).upper() if letters else ""


@lru_cache(maxsize=1)
def _nicknamer():
    from nicknames import NickNamer

    return NickNamer()


#: The supplement to the maintained list: full name -> short forms, and short form -> full names (folded, compact).
_EXTRA_SHORT: dict[str, set[str]] = {}
_EXTRA_FULL: dict[str, set[str]] = {}
#: The shipped supplement (common UK short forms the maintained list lacks; review finding 5 of issue 6).
NICKNAMES_EXTRA_FILE = Path(__file__).with_name("data") / "nicknames_extra.yaml"


def nicknames_extend(table: dict) -> int:
    """Add short forms to the supplement that ``nickname_forms`` reads with the maintained list (search and
    matching both meet them from the next call).

    In: ``{full name: [short form, ...]}`` (names as typed; folded here). Out: the number of (full, short) pairs
    added. Raises ValueError when the table is not a mapping of a name to a list of names."""
    if not isinstance(table, dict):
        raise ValueError("the short forms must be a mapping of a full name to a list of its short forms")
    added = 0
    for full, shorts in table.items():
        if not isinstance(full, str) or not isinstance(shorts, list) or not all(isinstance(x, str) for x in shorts):
            raise ValueError(f"{full!r}: give a list of short forms, like mohammed: [mo, moe]")
        key = compact(full)
        for short in shorts:
            value = compact(short)
            if key and value and value != key and value not in _EXTRA_SHORT.setdefault(key, set()):
                _EXTRA_SHORT[key].add(value)
                _EXTRA_FULL.setdefault(value, set()).add(key)
                added += 1
    nickname_forms.cache_clear()
    comparison_forms.cache_clear()
    return added


def nicknames_extend_file(path: str | Path) -> int:
    """Read a YAML file of short forms (the form of ``NICKNAMES_EXTRA_FILE``) into the supplement: the shipped one,
    or a partnership's own (``OPENMASH_NICKNAMES_EXTRA``). Out: pairs added. Raises OSError when the file cannot be
    read, ValueError when it is not such a table."""
    import yaml

    try:
        table = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{Path(path).name} is not readable YAML: {str(exc).splitlines()[0]}") from None
    return nicknames_extend(table)


@lru_cache(maxsize=65536)
def nickname_forms(given: str | None) -> frozenset[str]:
    """The folded given name with its formal names and nicknames from the maintained ``nicknames`` list.

    In: a given name as typed. Out: a frozenset of folded single-word forms including the name itself
    (``nickname_forms("Bill") ⊇ {"bill", "william"}``); the empty set for a blank name. Only the first word of a
    multi-word given name is looked up.
    """
    words = tokens(given)
    if not words:
        return frozenset()
    first = words[0]
    nn = _nicknamer()
    forms = {first}
    canon = nn.canonicals_of(first)
    forms |= canon
    forms |= nn.nicknames_of(first)
    key = first.replace(" ", "")
    forms |= _EXTRA_SHORT.get(key, set())  # the supplement: "mohammed" -> {"mo", "moe"} ...
    forms |= _EXTRA_FULL.get(key, set())  # ... and "mo" -> {"mohammed", "muhammad", ...}
    return frozenset(fold(f).replace(" ", "") for f in forms if f)


@lru_cache(maxsize=65536)
def comparison_forms(given: str | None) -> frozenset[str]:
    """The forms another record's given name is looked for in when two given names are compared (the "nickname
    or short form" level): ``nickname_forms`` plus ``short_forms`` of the first word.

    In: a given name as typed. Out: a frozenset of compact forms (empty for a blank name). Only for a membership
    test of the *other* name (``compact(b) in comparison_forms(a)``): two names' sets overlap for names that are
    not forms of each other ("Jayden" and "Jaydon" both hold "jay"), so never intersect two of them; search and
    the platform's candidate rules intersect ``nickname_forms`` and keep it."""
    words = tokens(given)
    if not words:
        return frozenset()
    return nickname_forms(given) | short_forms(words[0])


#: Shortest stem a short form keeps of the full name: "Zak" of "Zakariya"; two letters ("Al", "Jo") would meet
#: too many names that are not the same ("Alfie", "Joel").
SHORT_STEM_MIN = 3
#: Pet endings English adds to a cut name (Lenny, Frankie, Maisie, Jonno, Dannie, Kacey).
_PET_ENDINGS = ("y", "ie", "i", "ey", "ee", "o")
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=65536)
def short_forms(name: str | None) -> frozenset[str]:
    """The short forms English makes of a given name: cut short, and cut short with a pet ending.

    In: one given name (folded or as typed; only the letters of its compact form count). Out: a frozenset of
    compact forms, each cut after ``SHORT_STEM_MIN`` or more letters and at least two letters shorter than the
    name, without and with each of the pet endings ``-y -ie -i -ey -ee -o``; the whole name (and the name without a
    final "e") with a pet ending ("Sam" → "Sammy", "Grace" → "Gracie"); a stem ending in "c" also takes the "k"
    spelling ("Franc" → "Frankie") and a stem ending in one consonant after a vowel may double it ("Fran" →
    "Frannie"). ``short_forms("Zakariya") ⊇ {"zak", "zaka", "zakky"...}``; ``short_forms("Lennon") ⊇ {"len",
    "lenn", "lenny"}``. A short form is never a name of the same length with another letter: "Jayden" and
    "Jaydon" are not short forms of each other.

    Source of the rule: the short forms the scenario authors and practitioners write (Zak, Lenny, Frankie, Fran)
    and the English hypocoristic pattern (truncation plus -y/-ie) described in Crystal, *The Cambridge
    Encyclopedia of the English Language* (pet names); it complements the ``nicknames`` list, which holds mostly
    irregular forms (Bill/William) and lacks most names of recent decades."""
    c = "".join(ch for ch in compact(name) if ch.isalpha())
    out: set[str] = set()
    cuts = [c[:cut] for cut in range(SHORT_STEM_MIN, len(c) - 1)]
    whole = [c] if len(c) >= SHORT_STEM_MIN else []
    if len(c) > SHORT_STEM_MIN and c.endswith("e"):
        whole.append(c[:-1])  # Grace → Gracie, Rose → Rosie
    for stem in cuts + whole:
        stems = {stem}
        if stem.endswith("c"):
            stems.add(stem[:-1] + "k")
        if len(stem) >= 2 and stem[-1] not in _VOWELS and stem[-2] in _VOWELS:
            stems.add(stem + stem[-1])
        for s in stems:
            if len(s) < len(c) - 1:
                out.add(s)  # the name cut short; a whole name or one letter less is only a stem for a pet ending
            out.update(s + ending for ending in _PET_ENDINGS if not (s[-1] in _VOWELS and ending[0] in _VOWELS))
    out.discard(c)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class NameKeys:
    """Comparable keys for one person's name, as indexed for search and used by blocking.

    - ``given``/``family``: compact folded forms ("" when not known).
    - ``given_phonetic``/``family_phonetic``: Metaphone codes of those.
    - ``given_forms``: the given name's nickname/formal forms (folded, compact).
    - ``family_tokens``: each word of a multi-word family name ("nic", "dhomhnaill"), so that a search on one part
      still finds the person when combined with another identifying item.
    """

    given: str
    family: str
    given_phonetic: str
    family_phonetic: str
    given_forms: frozenset[str]
    family_tokens: tuple[str, ...]


def name_keys(given: str | None, family: str | None) -> NameKeys:
    """Every key of a name (see ``NameKeys``). Pure function of its inputs; never raises."""
    return NameKeys(
        given=compact(given),
        family=compact(family),
        given_phonetic=phonetic(given),
        family_phonetic=phonetic(family),
        given_forms=nickname_forms(given),
        family_tokens=tuple(t for t in tokens(family) if len(t) > 1),
    )


def dob_variants(date_of_birth: dt.date | None) -> frozenset[dt.date]:
    """The date itself and, when it is a real date, the date with day and month transposed (3/4 ↔ 4/3).

    In: a date or None. Out: a frozenset of 0, 1 or 2 dates. Used to find a child whose date of birth was
    recorded in US order or with day and month swapped by mistake.
    """
    if date_of_birth is None:
        return frozenset()
    out = {date_of_birth}
    if date_of_birth.day <= 12 and date_of_birth.day != date_of_birth.month:
        # Always a real date: the new month is the old day (1-12) and the new day the old month (1-12).
        out.add(date_of_birth.replace(month=date_of_birth.day, day=date_of_birth.month))
    return frozenset(out)


nicknames_extend_file(NICKNAMES_EXTRA_FILE)

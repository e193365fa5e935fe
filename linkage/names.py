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
  "william", ...}.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
from anyascii import anyascii

__all__ = [
    "NameKeys",
    "compact",
    "dob_variants",
    "fold",
    "name_keys",
    "nickname_forms",
    "phonetic",
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
    return frozenset(fold(f).replace(" ", "") for f in forms if f)


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

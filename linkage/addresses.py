"""Address words in one canonical spelling: the common abbreviations of UK street types and of "Saint" read alike.

Framework-free. ``address_normalise("3 Birch Road, Leeds") == "3 birch rd leeds"``; ``address_normalise("3 Birch
Rd") == "3 birch rd"``. Each word that is a street type or its abbreviation becomes the abbreviation (Royal Mail
and BS 7666 use the same short forms), so "Road" and "Rd", "Street" and "St" compare equal; "Saint" also becomes
"st", so "St Mary's Close" and "Saint Mary's Close" agree while a street and a saint named alike (rare in one
place) are not told apart -- the postcode does that. Used by the matching engine's address comparison
(``linkage.records``) and by the review page's address row (``openmash.matching.selectors``), so what a reviewer is
shown is what the score used. Source: practitioner review of issue 6, finding 4 ("3 Birch Rd" against "3 Birch
Road" was shown as a different address).
"""

from __future__ import annotations

import re

__all__ = ["ADDRESS_WORDS", "address_normalise", "address_words"]

#: Every spelling people type -> the one the comparison uses.
ADDRESS_WORDS: dict[str, str] = {
    **dict.fromkeys(("road", "rd"), "rd"),
    **dict.fromkeys(("street", "st", "str", "saint"), "st"),
    **dict.fromkeys(("avenue", "ave", "av"), "ave"),
    **dict.fromkeys(("lane", "ln"), "ln"),
    **dict.fromkeys(("drive", "dr", "drv"), "dr"),
    **dict.fromkeys(("close", "cl"), "cl"),
    **dict.fromkeys(("crescent", "cres", "cresc", "cr"), "cres"),
    **dict.fromkeys(("court", "ct"), "ct"),
    **dict.fromkeys(("place", "pl"), "pl"),
    **dict.fromkeys(("gardens", "gdns", "gdn"), "gdns"),
    **dict.fromkeys(("terrace", "terr", "ter", "tce"), "ter"),
    **dict.fromkeys(("square", "sq"), "sq"),
    **dict.fromkeys(("grove", "gr", "gro"), "gr"),
    **dict.fromkeys(("park", "pk"), "pk"),
    **dict.fromkeys(("house", "ho"), "ho"),
    **dict.fromkeys(("flat", "flt", "apartment", "apt"), "flat"),
    **dict.fromkeys(("north", "n"), "n"),
    **dict.fromkeys(("south", "s"), "s"),
    **dict.fromkeys(("east", "e"), "e"),
    **dict.fromkeys(("west", "w"), "w"),
}
_WORDS = re.compile(r"[^0-9a-z]+")


def address_words(text: str | None) -> list[str]:
    """An address as comparable words: lower case, punctuation folded to spaces, each street-type word in its one
    spelling (``ADDRESS_WORDS``). In: any text (ASCII expected; the engine transliterates first). Out: a list of
    words, empty for a blank address. Never raises."""
    if not text:
        return []
    return [ADDRESS_WORDS.get(w, w) for w in _WORDS.split(text.casefold()) if w]


def address_normalise(text: str | None) -> str:
    """``address_words`` joined by single spaces ("" for a blank address)."""
    return " ".join(address_words(text))

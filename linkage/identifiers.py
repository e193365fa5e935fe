"""Identifier rules for matching: which identifiers may link people, and which must never.

Framework-free copy of the rules in ``openmash/people/identifiers.py`` (linkage may not import openmash; the two
must say the same: ``tests/linkage/test_rules.py`` checks them against each other). Sources: NHS number check digit
(modulus 11, DOMAIN.md 2.5); UPN check letter (DfE, DOMAIN.md 2.5); PNC ID check character (DOMAIN.md 2.5); the
placeholder lists are the values agency systems put in a field when the real number is not known (issue 5).

The rules the engine applies (issue 6):
- two records with **different valid NHS numbers are never linked**, whatever the other fields say;
- the **same valid NHS number** after normalisation ("999 314 1593" = "999-314-1593") is a deterministic link;
- a **placeholder** (0000000000, 9999999999, 1234567890...) or an NHS number that fails its check digit never
  contributes anything: it is treated as blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "NHS_PLACEHOLDERS",
    "NormalisedIdentifier",
    "identifier_normalise",
    "nhs_number_check_digit",
    "nhs_number_is_placeholder",
    "nhs_number_valid",
]

_UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_PNC_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"
# Same list as openmash.people.identifiers.NHS_PLACEHOLDERS; one digit repeated is caught by rule.
NHS_PLACEHOLDERS = frozenset({"0123456789", "1234567890", "9876543210", "0987654321", "4010232137"})
_SEPARATORS = re.compile(r"[\s\-./]")
_UPN_RE = re.compile(rf"[{_UPN_ALPHABET}][0-9]{{11}}[0-9{_UPN_ALPHABET}]")
_PNC_RE = re.compile(r"([0-9]{2}|[0-9]{4})/?([0-9]{1,7})([A-Z])")


def nhs_number_check_digit(first9: str) -> int | None:
    """Modulus 11 check digit of the first nine digits; None when the remainder makes the number invalid."""
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_placeholder(digits: str) -> bool:
    """True for a placeholder NHS number: one digit repeated (0000000000, 9999999999) or a listed value."""
    return len(set(digits)) == 1 or digits in NHS_PLACEHOLDERS


def nhs_number_valid(digits: str) -> bool:
    """True for ten digits with a correct check digit that are not a placeholder."""
    return (
        len(digits) == 10
        and digits.isdigit()
        and not nhs_number_is_placeholder(digits)
        and nhs_number_check_digit(digits[:9]) == int(digits[9])
    )


def _upn_check_letter(last12: str) -> str | None:
    total = 0
    for pos, ch in enumerate(last12, start=2):
        if ch.isdigit():
            total += int(ch) * pos
        elif pos == 13 and ch in _UPN_ALPHABET:
            total += _UPN_ALPHABET.index(ch) * pos
        else:
            return None
    return _UPN_ALPHABET[total % 23]


@dataclass(frozen=True, slots=True)
class NormalisedIdentifier:
    """What an identifier field holds, after normalisation.

    ``kind``: ``"nhs_number"``, ``"upn"``, ``"pnc_id"`` (each only when valid), ``"other"`` (kept for an exact
    comparison, never deterministic) or ``"none"`` (blank, placeholder or an invalid NHS number/UPN: contributes
    nothing). ``value``: the normalised value ("" for none).
    """

    kind: str
    value: str

    @property
    def deterministic(self) -> bool:
        return self.kind in ("nhs_number", "upn", "pnc_id")


_NONE = NormalisedIdentifier("none", "")


def identifier_normalise(raw: str | None) -> NormalisedIdentifier:
    """Classify and normalise one identifier as typed.

    In: any string. Out: a ``NormalisedIdentifier``. Ten digits (spaces, hyphens, dots allowed) are an NHS number:
    valid → ``nhs_number``; placeholder or bad check digit → ``none``. A UPN-shaped value with a good check letter →
    ``upn`` (placeholders with LA number 000 or one repeated character → ``none``); a PNC ID with a good check
    character → ``pnc_id``. Anything else with at least 4 letters or digits that is not one character repeated →
    ``other``. Never raises.
    """
    if not raw:
        return _NONE
    compact = _SEPARATORS.sub("", raw).upper()
    if not compact:
        return _NONE
    if compact.isdigit() and len(compact) == 10:
        return NormalisedIdentifier("nhs_number", compact) if nhs_number_valid(compact) else _NONE
    if _UPN_RE.fullmatch(compact):
        body = compact[1:]
        if len(set(body)) == 1 or body[:3] == "000" or _upn_check_letter(body) != compact[0]:
            return _NONE
        return NormalisedIdentifier("upn", compact)
    pnc = _PNC_RE.fullmatch(raw.replace(" ", "").upper())
    if pnc:
        year, serial, check = pnc.groups()
        if _PNC_ALPHABET[int(year[-2:] + serial.zfill(7)) % 23] == check:
            return NormalisedIdentifier("pnc_id", f"{year}/{serial}{check}")
    if len(compact) < 4 or len(set(compact)) == 1 or compact in ("UNKNOWN", "NONE", "NOTKNOWN", "NULL"):
        return _NONE
    return NormalisedIdentifier("other", compact)

"""UK postcodes: format check and the canonical stored form (issue 5, fault 12).

Framework-free, like identifiers.py: `postcode_normalise` returns the canonical form or raises ValueError with a
message fit for a user. Format source: the UK postcode format (outward code of area + district, a space, inward
code of sector digit + two unit letters), as in the Office for National Statistics postcode directory user guide
and the GOV.UK Design System address pattern; GIR 0AA (Girobank) is the one historic exception. Whether the
postcode exists is not checked (that needs the Royal Mail PAF).

"No fixed abode" and "not known" are states of an address (`AddressStatus`), never postcode text.
"""

from __future__ import annotations

import re

# Outward code: A9, A99, AA9, AA99, A9A, AA9A. Inward code: 9AA (the letters C, I, K, M, O and V are never used
# in the inward code's unit letters).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
# The same shape with any letters at the end: a postcode that fails only on its last two letters.
_ANY_UNIT = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_UNUSED_UNIT_LETTERS = "CIKMOV"
FORMAT_MESSAGE = "Enter a full UK postcode, like SW1A 1AA"


def postcode_normalise(value: str) -> str:
    """' sw1a1aa ' -> 'SW1A 1AA'. Raises ValueError for anything that is not a UK postcode in form; the message names
    the problem: a postcode whose shape is full but whose last two letters include one never used there ("LS7 1CD":
    practitioners' review, December 2026, was told to "enter a full UK postcode") says which letter."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    m = _POSTCODE.fullmatch(compact)
    if not m:
        shaped = _ANY_UNIT.fullmatch(compact)
        if shaped:
            bad = [c for c in shaped.group(2)[1:] if c in _UNUSED_UNIT_LETTERS]
            shown = f"{shaped.group(1)} {shaped.group(2)}"
            letters = " and ".join(dict.fromkeys(bad))
            raise ValueError(
                f"Check the postcode {shown}: the last two letters of a UK postcode are never C, I, K, M, O or V, "
                f"and it has {letters}"
            )
        raise ValueError(FORMAT_MESSAGE)
    return f"{m.group(1)} {m.group(2)}"


__all__ = ["postcode_normalise", "FORMAT_MESSAGE"]

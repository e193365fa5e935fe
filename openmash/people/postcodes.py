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
FORMAT_MESSAGE = "Enter a full UK postcode, like SW1A 1AA"


def postcode_normalise(value: str) -> str:
    """' sw1a1aa ' -> 'SW1A 1AA'. Raises ValueError for anything that is not a UK postcode in form."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    m = _POSTCODE.fullmatch(compact)
    if not m:
        raise ValueError(FORMAT_MESSAGE)
    return f"{m.group(1)} {m.group(2)}"


__all__ = ["postcode_normalise", "FORMAT_MESSAGE"]

"""A contact's reference: the one definition of its format, used to make references and wherever a person types
one (the auditor's filter, any search), so the hint shown and the check made always match what is issued.

Format: "C-" then 8 characters from an alphabet without look-alikes (no I, O, S, Z, 0, 1, 2, 5), for example
C-7KQ4MX9P. Random rather than sequential, so a reference says nothing about how many contacts there are.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRTUVWXY346789"
LENGTH = 8
PREFIX = "C-"
EXAMPLE = "C-7KQ4MX9P"
PATTERN = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH}}}$")
HINT = f"C- then 8 letters and numbers, for example {EXAMPLE}"
MESSAGE = f"Enter a contact reference in the right format: C- then 8 letters and numbers, like {EXAMPLE}"


def reference_new() -> str:
    """A new random contact reference (see the module docstring)."""
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def reference_normalise(text: str) -> str:
    """A typed reference in its stored form: spaces removed, upper case, the hyphen added if left out
    ("c 7kq4mx9p" -> "C-7KQ4MX9P"). Raises ValueError(MESSAGE) when it cannot be a contact reference."""
    value = re.sub(r"\s+", "", text or "").upper()
    if value.startswith("C") and not value.startswith(PREFIX):
        value = PREFIX + value[1:]
    if not PATTERN.match(value):
        raise ValueError(MESSAGE)
    return value

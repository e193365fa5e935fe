"""Validation of the identifiers a MASH sees: NHS number, UPN, PNC ID (check digits per DOMAIN.md 2.5).

Framework-free: each function returns the normalised value or raises ValueError with a message fit for a user.
"""

from __future__ import annotations

import datetime as dt
import re

# Spaces of every kind and hyphens/dashes people and systems put inside identifiers ("999 314 1593", "999-314-1593",
# "999–314–1593" from a word processor, a no-break space from a web page).
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]")
_UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters, no I, O, S
_PNC_ALPHABET = "ZABCDEFGHJKLMNPQRTUVWXY"


def nhs_number_check_digit(first9: str) -> int | None:
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


# Values systems put in an identifier field when the real one is not known. They pass (or need not pass) the
# check digit, so without this list 0000000000 would "match" every child recorded with it (issue 5, fault 10).
# Repeated digits are caught by rule below; these are the other placeholders seen in records.
NHS_PLACEHOLDERS = frozenset({"0123456789", "1234567890", "9876543210", "0987654321", "4010232137"})
UPN_PLACEHOLDERS = frozenset()  # a UPN of one repeated digit after its check letter is caught by rule
PLACEHOLDER_MESSAGE = "{label} {value} is a placeholder, not a real {label}: leave it blank if it is not known"
CHECK_DIGIT_MESSAGE = (
    "NHS number {value} is not valid: its last digit (the check digit) does not match the first nine. "
    "Check it was copied correctly, or leave it blank if it is not known"
)


def nhs_number_is_placeholder(digits: str) -> bool:
    """True for a known placeholder NHS number: one digit repeated (0000000000, 9999999999) or a listed value."""
    return len(set(digits)) == 1 or digits in NHS_PLACEHOLDERS


def upn_is_placeholder(upn: str) -> bool:
    """True for a placeholder UPN: the 12 characters after the check letter all the same (A000000000000), or LA
    number 000 (DfE LA numbers start at 201), or a listed value."""
    body = upn[1:]
    return len(set(body)) == 1 or upn in UPN_PLACEHOLDERS or body[:3] == "000"


def identifier_is_placeholder(kind: str, value: str) -> bool:
    """True when a stored, already-normalised identifier is a placeholder and must never link people."""
    if kind == "nhs_number":
        return nhs_number_is_placeholder(value)
    if kind == "upn":
        return len(value) == 13 and upn_is_placeholder(value)
    return False


def nhs_number_normalise(value: str) -> str:
    digits = _SEPARATORS.sub("", value or "")
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValueError("Enter an NHS number with 10 digits, like 943 476 5919")
    # The check digit first: a number that fails it is wrong whatever it looks like (practitioners' review, December
    # 2026: 1234567890 was called "a placeholder" when its check digit is what is wrong).
    if nhs_number_check_digit(digits[:9]) != int(digits[9]):
        raise ValueError(CHECK_DIGIT_MESSAGE.format(value=nhs_number_format(digits)))
    if nhs_number_is_placeholder(digits):
        raise ValueError(PLACEHOLDER_MESSAGE.format(label="NHS number", value=nhs_number_format(digits)))
    return digits


def nhs_number_passes_check_digit(digits: str) -> bool:
    """True when 10 digits pass the NHS number's modulus 11 check (DOMAIN.md 2.5); False for anything else."""
    return bool(re.fullmatch(r"[0-9]{10}", digits or "")) and nhs_number_check_digit(digits[:9]) == int(digits[9])


def nhs_number_format(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def upn_check_letter(last12: str) -> str:
    total = 0
    for pos, ch in enumerate(last12, start=2):
        if ch in "0123456789":
            v = int(ch)
        elif pos == 13:
            v = _UPN_ALPHABET.index(ch)
        else:
            raise ValueError("Enter a valid UPN")
        total += v * pos
    return _UPN_ALPHABET[total % 23]


def upn_normalise(value: str) -> str:
    upn = _SEPARATORS.sub("", value or "").upper()
    if not re.fullmatch(rf"[{_UPN_ALPHABET}][0-9]{{11}}[0-9{_UPN_ALPHABET}]", upn):
        raise ValueError(
            "Enter a UPN of 13 characters: a check letter, 11 digits and a digit or letter, like B801200005001"
        )
    if upn_is_placeholder(upn):
        raise ValueError(PLACEHOLDER_MESSAGE.format(label="UPN", value=upn))
    if upn_check_letter(upn[1:]) != upn[0]:
        raise ValueError("Enter a valid UPN: the check letter does not match")
    return upn


def pnc_check_character(year: str, serial: str) -> str:
    """The check letter of a PNC ID (Police National Computer).

    In: ``year``, two or four digits (only the last two count), and ``serial``, one to seven digits. Out: one letter of
    ``ZABCDEFGHJKLMNPQRTUVWXY``. Rule: the nine-digit number YY followed by the serial zero-padded to seven digits,
    modulo 23; remainder 0 is Z, 1 is A, 2 is B ... (I, O and S are never used). Source: the Criminal Justice Hub's
    data dictionary entry "Police National Computer Id (PNC Id)" (criminaljusticehub.org.uk jargon buster, 2021), the
    same rule as the Ministry of Justice's person-record service (ministryofjustice hmpps-person-record,
    ``PNCIdentifier``)."""
    return _PNC_ALPHABET[int(year[-2:] + serial.zfill(7)) % 23]


#: A PNC ID as people and systems write it: a two- or four-digit year, a slash, a serial of one to seven digits and a
#: check letter, in any case, with any spaces (" 01/012345 a ") -- separators are removed before matching.
_PNC_SHAPE = re.compile(r"([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])")
#: The earliest year part accepted (records older than the PNC itself, 1974, were loaded from paper files).
PNC_EARLIEST_YEAR = 1900
PNC_SHAPE_MESSAGE = (
    "Enter a PNC ID (the year, a slash, the number and its check letter) like 2001/0012345H or 01/12345H"
)


def pnc_year_full(year: str, *, today: dt.date | None = None) -> int:
    """The four-digit year of a PNC ID's year part. A four-digit year is kept; a two-digit one is read as this century
    when it is not after this year (today's 26 is 2026), otherwise as the last (27 is 1927) -- a PNC ID is issued when
    the record is created, so its year is never in the future (the same pivot as the MoJ person-record service)."""
    if len(year) == 4:
        return int(year)
    today = today or dt.datetime.now(dt.UTC).date()
    yy = int(year)
    return 2000 + yy if 2000 + yy <= today.year else 1900 + yy


def pnc_id_normalise(value: str, *, today: dt.date | None = None) -> str:
    """A PNC ID in its one canonical form: four-digit year, "/", seven-digit zero-padded serial, upper-case check
    letter -- "2001/0012345H" for "01/12345h", " 01/0012345H ", "2001/12345H" or "01/012345 H".

    In: the text as typed or sent (spaces, dashes and case do not matter; a two-digit year is widened by
    ``pnc_year_full``). Out: the canonical PNC ID. Raises ValueError, with a message for the field, when the shape is
    wrong, the serial is all zeros, the year is in the future or the check letter does not match
    (``pnc_check_character``: check letter rule from the Criminal Justice Hub data dictionary)."""
    v = _SEPARATORS.sub("", value or "").upper()
    m = _PNC_SHAPE.fullmatch(v)
    if not m:
        raise ValueError(PNC_SHAPE_MESSAGE)
    year_part, serial, check = m.groups()
    if int(serial) == 0:
        raise ValueError("Enter a valid PNC ID: the number after the slash cannot be all zeros")
    year = pnc_year_full(year_part, today=today)
    if year > (today or dt.datetime.now(dt.UTC).date()).year:
        raise ValueError(f"Enter a valid PNC ID: the year {year} is in the future")
    if year < PNC_EARLIEST_YEAR:
        raise ValueError(f"Enter a valid PNC ID: the year {year} is before any PNC record")
    if pnc_check_character(year_part, serial) != check:
        raise ValueError("Enter a valid PNC ID: the check letter does not match")
    return f"{year:04d}/{int(serial):07d}{check}"


def local_id_normalise(value: str) -> str:
    v = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9]{1,20}", v):
        raise ValueError("Enter a local ID of up to 20 letters and numbers")
    return v


NORMALISERS = {
    "nhs_number": nhs_number_normalise,
    "upn": upn_normalise,
    "pnc_id": pnc_id_normalise,
    "local_id": local_id_normalise,
}


def identifier_kind_guess(value: str) -> str:
    """Which identifier someone typed in a single "NHS number, UPN or PNC ID" box: "pnc_id" when it has a slash,
    "upn" when it starts with a letter, otherwise "nhs_number" (so "12345" is told what an NHS number looks like).
    The value is then checked by ``identifier_normalise``."""
    v = _SEPARATORS.sub("", value or "")
    if "/" in v:
        return "pnc_id"
    if v[:1].isalpha():
        return "upn"
    return "nhs_number"


def identifier_normalise(kind: str, value: str) -> str:
    try:
        fn = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"Unknown identifier type: choose one of {', '.join(NORMALISERS)}") from None
    return fn(value)


__all__ = [
    "identifier_kind_guess",
    "identifier_normalise",
    "identifier_is_placeholder",
    "nhs_number_is_placeholder",
    "upn_is_placeholder",
    "nhs_number_normalise",
    "nhs_number_check_digit",
    "nhs_number_format",
    "upn_normalise",
    "upn_check_letter",
    "pnc_id_normalise",
    "pnc_check_character",
    "pnc_year_full",
    "local_id_normalise",
]

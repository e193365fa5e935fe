"""Field rules for people, shared by the API (through the services) and the pages (through form fields).

Framework-free like identifiers.py and postcodes.py: each function returns the clean value or raises ValueError
with a message fit for the field it belongs to, so an error always lands on the right field whichever way the
data came in (issue 5: one validation layer). The rules and their sources:

- Names (fault 11): text cleaned by `openmash.core.text.clean_text` (NFC, no invisible or control characters);
  a name must hold at least one letter, and only letters of any script with their combining marks, spaces,
  hyphens, apostrophes (any kind: ' ’ ‘ ʼ ʻ `) and full stops (practitioner review: no digits, emoji, symbols or
  markup such as < >: a name is a name wherever it comes in: API, intake, amendment, correction, import, users); a person may be known by one name only (either box may be blank, not
  both); an unborn child may have no name at all.
- Dates of birth (fault 9): not in the future, not more than 120 years ago; a subject child is under 25 on the
  day (exact calendar arithmetic: on their 25th birthday they are 25). Children Act 1989 s17 covers under-18s;
  the MASH front door also takes care leavers up to 25 (Children and Social Work Act 2017 s3), hence 25.
- Expected dates of birth of unborn children: not more than a month past (a late update) and not more than ten
  months ahead (a pregnancy lasts about 40 weeks; a pre-birth referral is usually made from about 12 weeks).
- A parent or carer is older than the child.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from openmash.core.text import TextRefused, clean_text, has_letter

MAX_NAME = 100
MAX_AGE_YEARS = 120
SUBJECT_AGE_LIMIT = 25
EXPECTED_DOB_MONTHS_AHEAD = 10
EXPECTED_DOB_DAYS_PAST = 31


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (29 February -> 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the end of a shorter month."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    """Whole years of age on a day (exact: a person is 25 from their 25th birthday)."""
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


# --- names -------------------------------------------------------------------------------------------------------


# Besides letters (Unicode L*) and combining marks (M*): spaces, hyphens (Unicode dash punctuation, Pd),
# apostrophes of every kind typed or pasted, and full stops ("St. John", "J. R.").
NAME_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u02b9\u0060\u00b4\u2032\uff07"
NAME_OTHER_CHARACTERS = frozenset(" ." + NAME_APOSTROPHES)
_ASCII_NAME = re.compile(r"^[A-Za-z .'`-]*$")


def name_characters_check(name: str, *, label: str = "Name") -> str:
    """Refuse a name holding anything but letters of any script, combining marks, spaces, hyphens, apostrophes
    and full stops: digits, emoji and other symbols, and markup characters such as < > (practitioner review: a
    name is never 'J0hn😀' or '<script>'). Raises ValueError naming the field; returns the name unchanged."""
    if _ASCII_NAME.match(name):
        return name
    for ch in name:
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Pd" or ch in NAME_OTHER_CHARACTERS:
            continue
        raise ValueError(
            f"{label} must only include letters, spaces, hyphens, apostrophes and full stops, "
            "not numbers, symbols or emoji"
        )
    return name


def name_clean(value: str | None, *, label: str = "Name", max_length: int = MAX_NAME) -> str:
    """One person's name (first, last, another name or alias, or a user's full name): cleaned text, at most
    `max_length` characters, only the characters a name holds (name_characters_check), with at least one letter
    when given. '' stays '' (whether a name is required is `names_check`'s question). Raises ValueError with a
    message for the field. The one name rule: the API and the pages (through the services and NameField), imports
    (feeds.validate) and user accounts (accounts.admin_services.user_validate) all call it."""
    try:
        name = clean_text(value)
    except TextRefused as exc:
        raise ValueError(str(exc)) from None
    if not name:
        return ""
    if len(name) > max_length:
        raise ValueError(f"{label} must be {max_length} characters or fewer")
    if not has_letter(name):
        raise ValueError(f"{label} must include at least one letter")
    return name_characters_check(name, label=label)


def names_check(forename: str, surname: str, *, unborn: bool) -> None:
    """Refuse a person with no name at all, unless they are an unborn child (who may not be named yet).
    Raises ValueError (for the first-name field)."""
    if not (forename or surname) and not unborn:
        raise ValueError(
            "Enter the person's first name or last name. If they are known by one name only, enter it in either box"
        )


# --- dates -------------------------------------------------------------------------------------------------------


def date_of_birth_check(dob: dt.date, *, today: dt.date, subject_child: bool) -> dt.date:
    """A date of birth that can be true: not in the future, not over 120 years ago, and (for the child a contact is
    about) under 25 today."""
    if dob > today:
        raise ValueError("Date of birth must be today or in the past")
    if age_on(dob, today) >= MAX_AGE_YEARS:
        raise ValueError(f"Date of birth must be within the last {MAX_AGE_YEARS} years")
    if subject_child and age_on(dob, today) >= SUBJECT_AGE_LIMIT:
        raise ValueError(
            f"A child the concern is about must be under {SUBJECT_AGE_LIMIT}: this date of birth makes them "
            f"{age_on(dob, today)}. Add an adult as a household member instead"
        )
    return dob


def expected_date_of_birth_check(edd: dt.date, *, today: dt.date) -> dt.date:
    """An unborn child's expected date: from a month ago (a late update) to ten months ahead."""
    if edd < today - dt.timedelta(days=EXPECTED_DOB_DAYS_PAST):
        raise ValueError("Expected date of birth must not be more than a month in the past")
    if edd > add_months(today, EXPECTED_DOB_MONTHS_AHEAD):
        raise ValueError(f"Expected date of birth must be within the next {EXPECTED_DOB_MONTHS_AHEAD} months")
    return edd


def search_date_check(day: dt.date, *, today: dt.date) -> dt.date:
    """A date searched for as a date of birth: in the past, or an unborn child's expected date (up to ten months
    ahead, as expected_date_of_birth_check allows)."""
    if day > add_months(today, EXPECTED_DOB_MONTHS_AHEAD):
        raise ValueError(
            "Date of birth must be in the past. For an unborn child, enter the expected date, "
            f"within the next {EXPECTED_DOB_MONTHS_AHEAD} months"
        )
    if age_on(day, today) >= MAX_AGE_YEARS:
        raise ValueError(f"Date of birth must be within the last {MAX_AGE_YEARS} years")
    return day


def parent_older_check(parent_dob: dt.date | None, child_born: dt.date | None) -> None:
    """A parent or carer is older than the child (child_born: date of birth or expected date of birth)."""
    if parent_dob and child_born and parent_dob >= child_born:
        raise ValueError("A parent or carer must be older than the child: check both dates of birth")


__all__ = [
    "add_months",
    "add_years",
    "age_on",
    "name_clean",
    "name_characters_check",
    "names_check",
    "date_of_birth_check",
    "expected_date_of_birth_check",
    "parent_older_check",
    "search_date_check",
]

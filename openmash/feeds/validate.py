"""One row of a feed, checked field by field with the same domain rules as every other way data comes in.

`row_clean(row, spec, today=...)` returns a `CleanRow` (or None) and the row's problems. Rules and their sources:

- ``record_id``: the agency's own id for the person, required, cleaned text of at most 100 characters (it keys
  ``AgencyRecord``: unique per agency).
- names: `openmash.people.validation.name_clean` (NFC, no invisible or control characters, at least one letter,
  and whatever else the product's name rule refuses), and not beginning with a spreadsheet formula character
  (= + - @): a name is shown and exported everywhere, and ``=HYPERLINK(...)`` is never a child's name.
- ``date_of_birth``: a calendar date in one of the mapping's ``date_formats`` (an XLSX date cell is taken as it
  is), then `date_of_birth_check` (not in the future, not over 120 years ago).
- ``sex``: one of the mapping's ``sex_values`` (M, F, U; blank is U).
- ``postcode``: `openmash.people.postcodes.postcode_normalise`; ``address``: cleaned text, at most 300.
- ``nhs_number`` / ``upn`` / ``pnc_id``: `openmash.people.identifiers` (format, check digit / check letter). A placeholder
  (0000000000, A000000000000, ...) means "not known": a **warning**; the row is imported without it (the value
  the agency sent is kept in ``as_received``), because a placeholder must never link anyone (ADR 0005). Any other
  invalid identifier is an **error**: the row is wrong and the agency should correct it.
- Event columns: when any of ``event_date``, ``event_type``, ``description``, ``event_id`` is given, the row is an
  event and needs a date (not in the future, not before 1900) and a type (at most 200 characters); the
  description is multi-line text up to ``OPENMASH_MAX_NARRATIVE_CHARS``. An event dated before the person's date
  of birth is an error (the date or the person is wrong), unless its kind is one of ``choices.PRE_BIRTH_KINDS``
  (none today). When all are blank the row only
  creates or supersedes the person's record.

Any other text cell that starts like a spreadsheet formula (= + - @) -- the record id, address, event type,
description or event id -- is imported as sent (a description may fairly begin "- police attended") and never
evaluated, with a **warning** on the row's report (``FORMULA_WARNING``) so the agency sees what a spreadsheet would
have run; every CSV export of it is neutralised (`openmash.audit.export.neutralise`). ADR 0006 records the choice.

Problems never quote a cell's free text (the report is shown and downloaded without showing personal data); a
date that was read as a date, or has a date's shape, is named in its problem (an event date the same as a date of
birth: review finding 16), so the agency can find the cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings

from openmash.core.text import TextRefused, clean_text
from openmash.feeds.choices import PRE_BIRTH_KINDS, EventKind
from openmash.feeds.mapping import FeedSpec, event_hash_key, type_key
from openmash.feeds.readers import Problem, Row
from openmash.people.identifiers import (
    identifier_is_placeholder,
    nhs_number_is_placeholder,
    nhs_number_normalise,
    nhs_number_passes_check_digit,
    pnc_id_normalise,
    upn_is_placeholder,
    upn_normalise,
)
from openmash.people.postcodes import postcode_normalise
from openmash.people.validation import date_of_birth_check, name_clean

EARLIEST_EVENT = dt.date(1900, 1, 1)
FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet reads as a formula (OWASP CSV injection)
#: The one rule for a text cell that starts like a spreadsheet formula (names apart: a name is refused, ``name``):
#: it is imported as sent, never evaluated, every CSV export neutralises it, and the row's report says so (ADR 0006).
FORMULA_WARNING = (
    "This begins with = + - or @, which a spreadsheet reads as a formula: imported as text, exactly as sent (never "
    "run); every export from OpenMASH neutralises it. Check the agency's system exported the text it meant to"
)
PERSON_AS_RECEIVED = (
    "given_name", "family_name", "date_of_birth", "sex", "postcode", "address", "nhs_number", "upn", "pnc_id",
)  # fmt: skip


@dataclass(frozen=True)
class CleanEvent:
    """An imported event: its date (a calendar date), the agency's type text, its OpenMASH kind and sensitivity,
    the description, and the id that makes it unique in its source (``id:<agency's event id>`` when the file
    gives one, else ``h:`` and a SHA-256 of record id, date, type and description, so the same event in a later
    extract is recognised)."""

    occurred_on: dt.date
    type_text: str
    kind: str
    sensitivity: str
    description: str
    external_id: str
    time: dt.time | None = None  # the time of day when the source gave one (Europe/London); None: a date only


@dataclass(frozen=True)
class CleanRow:
    """A row that passed: the agency's record of the person (blank fields were not sent), and the event, if any."""

    number: int
    local_id: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    postcode: str
    address: str
    nhs_number: str
    upn: str
    as_received: dict
    event: CleanEvent | None
    pnc_id: str = ""


def _text(value) -> str:
    """A cell as text: '' for None, an ISO date for a date cell, str() otherwise."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# The common formats parsed without strptime (several times faster; the same dates accepted and refused).
_FAST_DATES = {
    "%Y-%m-%d": re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    "%d/%m/%Y": re.compile(r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"),
    "%d-%m-%Y": re.compile(r"(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})"),
}


def event_time(value, formats: tuple[str, ...]) -> dt.time | None:
    """The time of day an event cell gives, or None when it gives a date only: an XLSX date-time cell whose time
    is not midnight (a date cell is stored as midnight), or text matching one of `formats` that has a time
    directive (%H, %I, %M). Call it on a cell `parse_date` accepted."""
    if isinstance(value, dt.datetime):
        return value.time() if value.time() != dt.time() else None
    if value is None or isinstance(value, dt.date):
        return None
    text = str(value).strip()
    for fmt in formats:
        if not any(d in fmt for d in ("%H", "%I", "%M")):
            continue
        try:
            return dt.datetime.strptime(text, fmt).time()  # noqa: DTZ007 - local (Europe/London) wall-clock time
        except ValueError:
            continue
    return None


def parse_date(value, formats: tuple[str, ...]) -> dt.date | None:
    """A calendar date from a cell: a date cell as it is, text in one of `formats`; None when blank.
    Raises ValueError when the text is not a date in any of them."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    for fmt in formats:
        fast = _FAST_DATES.get(fmt)
        if fast is not None:
            m = fast.fullmatch(text)
            if m is None:
                continue
            parts = {k: int(v) for k, v in m.groupdict().items()}
            try:
                return dt.date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                continue
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    shown = " or ".join(f.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD") for f in formats)
    if missing := _impossible_date(text, formats):
        raise ValueError(missing)
    raise ValueError(f"This is not a date: write it as {shown}")


def _impossible_date(text: str, formats) -> str:
    """The message for text that has a date's shape in one of ``formats`` but names a day that does not exist
    ("31/02/2015": practitioners' review, December 2026, was told it "is not a date: write it as ..."), else ""."""
    import calendar

    for fmt in formats:
        pattern = re.escape(fmt).replace("%Y", r"(?P<y>\d{4})").replace("%m", r"(?P<m>\d{1,2})")
        pattern = pattern.replace("%d", r"(?P<d>\d{1,2})")
        m = re.fullmatch(pattern, text)
        if m is None or not {"y", "m", "d"} <= set(m.groupdict()):
            continue
        y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
        if not 1 <= mo <= 12:
            return f"{text} is not a date: the month must be between 1 and 12"
        last = calendar.monthrange(y, mo)[1]
        if not 1 <= d <= last:
            return f"{text} is not a date that exists: {calendar.month_name[mo]} {y} has {last} days"
    return ""


class _Checker:
    def __init__(self, row: Row, spec: FeedSpec, today: dt.date) -> None:
        self.row, self.spec, self.today = row, spec, today
        self.problems: list[Problem] = list(row.problems)

    def err(self, field: str, reason: str, level: str = "error") -> None:
        self.problems.append(Problem(self.row.number, field, reason, level))

    def text(self, field: str, *, limit: int, multiline: bool = False) -> str:
        try:
            value = clean_text(_text(self.row.values.get(field)), multiline=multiline)
        except TextRefused as exc:
            self.err(field, str(exc))
            return ""
        if len(value) > limit:
            self.err(field, f"This is longer than {limit} characters")
            return ""
        if value.startswith(FORMULA_STARTS):
            self.err(field, FORMULA_WARNING, level="warning")
        return value

    def name(self, field: str, label: str) -> str:
        try:
            name = name_clean(_text(self.row.values.get(field)), label=label)
        except ValueError as exc:
            self.err(field, str(exc))
            return ""
        if name.startswith(FORMULA_STARTS):
            self.err(field, f"{label} must not begin with = + - or @ (it reads as a spreadsheet formula)")
            return ""
        return name

    def date_of_birth(self) -> dt.date | None:
        try:
            dob = parse_date(self.row.values.get("date_of_birth"), self.spec.date_formats)
            return date_of_birth_check(dob, today=self.today, subject_child=False) if dob else None
        except ValueError as exc:
            self.err("date_of_birth", str(exc))
            return None

    def sex(self) -> str:
        word = type_key(_text(self.row.values.get("sex")))
        if not word:
            return "U"
        found = self.spec.sex_values.get(word)
        if found is None:
            self.err("sex", "This is not a value the feed knows for sex: use M, F or U (or add it to sex_values)")
            return "U"
        return found

    def postcode(self) -> str:
        raw = _text(self.row.values.get("postcode")).strip()
        if not raw:
            return ""
        try:
            return postcode_normalise(raw)
        except ValueError as exc:
            self.err("postcode", str(exc))
            return ""

    def identifier(self, field: str, normalise, is_placeholder, label: str) -> str:
        raw = _text(self.row.values.get(field)).strip()
        if not raw:
            return ""
        compact = "".join(raw.split()).replace("-", "").upper()
        if compact and is_placeholder(compact):
            if field == "nhs_number" and not nhs_number_passes_check_digit(compact):
                # 1234567890: a made-up number, but what is wrong with it is its check digit (practitioners' review)
                self.err(
                    field,
                    f"The {label} fails its check digit (its last digit does not match the first nine; it looks made "
                    "up): imported without it",
                    level="warning",
                )
            else:
                self.err(field, f"The {label} is a placeholder: imported without it", level="warning")
            return ""
        try:
            return normalise(raw)
        except ValueError as exc:
            self.err(field, str(exc))
            return ""

    def event(self, local_id: str, date_of_birth: dt.date | None = None) -> CleanEvent | None:
        values = self.row.values
        given = {f: _text(values.get(f)).strip() for f in ("event_date", "event_type", "description", "event_id")}
        if not any(given.values()) and not self.row.fhir_event_id:
            return None
        try:
            occurred_on = parse_date(values.get("event_date"), self.spec.date_formats)
        except ValueError as exc:
            self.err("event_date", str(exc))
            occurred_on = None
        else:
            if occurred_on is None:
                self.err("event_date", "Enter the date of the event")
            elif occurred_on > self.today:
                self.err("event_date", f"The event date {occurred_on.isoformat()} is in the future")
                occurred_on = None
            elif occurred_on < EARLIEST_EVENT:
                self.err("event_date", f"The event date {occurred_on.isoformat()} is before 1900")
                occurred_on = None
        type_text = self.text("event_type", limit=200)
        if not type_text and not any(p.field == "event_type" for p in self.problems):
            self.err("event_type", "Enter the type of the event")
        description = self.text("description", limit=settings.OPENMASH_MAX_NARRATIVE_CHARS, multiline=True)
        event_id = self.row.fhir_event_id or self.text("event_id", limit=96)
        if occurred_on is None or not type_text:
            return None
        kind = self.spec.event_kind(type_text)
        if date_of_birth is not None and occurred_on < date_of_birth and kind not in PRE_BIRTH_KINDS:
            self.err(
                "event_date",
                f"The event date {occurred_on.isoformat()} is before the person's date of birth: check both dates",
            )
            return None
        if event_id:
            external_id = f"id:{event_id}"
        else:
            digest = hashlib.sha256(
                "\x1f".join([local_id, occurred_on.isoformat(), event_hash_key(type_text), description]).encode()
            ).hexdigest()
            external_id = f"h:{digest[:40]}"
        time = event_time(values.get("event_date"), self.spec.date_formats)
        return CleanEvent(
            occurred_on, type_text, kind, self.spec.sensitivity_of(kind), description, external_id, time=time
        )


def _as_received(values: dict) -> dict:
    out = {}
    for f in PERSON_AS_RECEIVED:
        text = _text(values.get(f))
        if text.strip():
            out[f] = text[:300]
    return out


_EVENT_FIELDS = frozenset({"event_date", "event_type", "description", "event_id"})


def _person_clean(c: _Checker, values: dict) -> dict:
    """The person half of a row (the agency's record): its CleanRow fields, the event apart."""
    local_id = c.text("record_id", limit=100)
    if not local_id and not any(p.field == "record_id" for p in c.problems):
        c.err("record_id", "Enter the agency's record id for the person")
    return {
        "local_id": local_id,
        "given_name": c.name("given_name", "Given name"),
        "family_name": c.name("family_name", "Family name"),
        "date_of_birth": c.date_of_birth(),
        "sex": c.sex(),
        "postcode": c.postcode(),
        "address": c.text("address", limit=300),
        "nhs_number": c.identifier("nhs_number", nhs_number_normalise, nhs_number_is_placeholder, "NHS number"),
        "upn": c.identifier("upn", upn_normalise, lambda v: len(v) == 13 and upn_is_placeholder(v), "UPN"),
        "pnc_id": c.identifier("pnc_id", pnc_id_normalise, lambda v: identifier_is_placeholder("pnc_id", v), "PNC ID"),
        "as_received": _as_received(values),
    }


def row_clean(
    row: Row, spec: FeedSpec, *, today: dt.date, memo: dict | None = None
) -> tuple[CleanRow | None, list[Problem]]:
    """Check one row. Returns (CleanRow, problems) when it may be imported (problems are then warnings only), or
    (None, problems) when any problem is an error, or when the item gives no row (``row.only_problems``).

    ``memo``: a dict the caller keeps for one pass over one file (same spec, same day). An extract lists a person's
    events on consecutive rows with the same person cells; when a row's person cells are exactly the previous
    row's, and those had no problem, their checked values are reused instead of checked again (the result is the
    same: the checks depend on the cells, the spec and the day only). It holds one person at a time."""
    if row.only_problems:
        return None, list(row.problems)
    c = _Checker(row, spec, today)
    key = person = None
    if memo is not None and not row.problems:
        key = tuple((k, v.__class__, v) for k, v in row.values.items() if k not in _EVENT_FIELDS)
        try:
            person = memo.get(key)
        except TypeError:  # a cell that cannot be a key (none of the readers gives one today): no memo
            key = None
    if person is None:
        person = _person_clean(c, row.values)
        if key is not None and not c.problems:
            memo.clear()
            memo[key] = person
    clean = CleanRow(
        number=row.number,
        **{**person, "as_received": dict(person["as_received"])},
        event=c.event(person["local_id"], person["date_of_birth"]),
    )
    if any(p.level == "error" for p in c.problems):
        return None, c.problems
    return clean, c.problems


def is_unmapped(clean: CleanRow) -> bool:
    """True when the row's event type is not in the mapping (it imports as 'other')."""
    return clean.event is not None and clean.event.kind == EventKind.OTHER


__all__ = ["FORMULA_WARNING", "CleanEvent", "CleanRow", "event_time", "parse_date", "row_clean", "is_unmapped"]

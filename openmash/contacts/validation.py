"""Field rules for a contact, shared by the API (through the services) and the pages (through form fields).

Framework-free: each function returns the clean value or raises ValueError with a message for its own field.

When a contact was received (issue 5, fault 9):
- not in the future (five minutes' grace for clocks);
- not more than `RECEIVED_MAX_DAYS` (a year) ago: older is not a plausible date for a contact being recorded now
  and is refused (a disclosure of historic abuse is a contact received the day it is disclosed);
- more than the partnership's late-recording window ago (PartnershipSettings.late_contact_days, default 30)
  needs a reason, stored on the contact, so a contact cannot jump the queue by a mistyped date unnoticed;
- not before a child the contact is about was born.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openmash.core.text import TextRefused, clean_text

RECEIVED_MAX_DAYS = 366
FUTURE_GRACE = dt.timedelta(minutes=5)
MAX_LATE_REASON = 500


def received_at_check(received: dt.datetime, *, now: dt.datetime) -> dt.datetime:
    """Refuse a receipt time in the future or older than a year."""
    if received > now + FUTURE_GRACE:
        raise ValueError("The time the contact was received must not be in the future")
    if received < now - dt.timedelta(days=RECEIVED_MAX_DAYS):
        raise ValueError(
            "The date the contact was received must be within the last year. Enter the date it reached your agency"
        )
    return received


def late_reason_check(received: dt.datetime, reason: str | None, *, now: dt.datetime, window_days: int) -> str:
    """The reason a contact is recorded late: required when it was received more than window_days ago, ignored
    ('' returned) otherwise. Raises ValueError for the reason field."""
    try:
        text = clean_text(reason, multiline=True)
    except TextRefused as exc:
        raise ValueError(str(exc)) from None
    if received >= now - dt.timedelta(days=window_days):
        return ""
    if not text:
        raise ValueError(f"Say why this contact is being recorded more than {window_days} days after it was received")
    if len(text) > MAX_LATE_REASON:
        raise ValueError(f"The reason must be {MAX_LATE_REASON} characters or fewer")
    return text


def received_after_birth_check(received: dt.datetime, born: dt.date | None, *, local_date) -> None:
    """A contact about a child cannot have been received before the child was born (local_date: the partnership's
    calendar date of the receipt time)."""
    if born and local_date(received) < born:
        raise ValueError(
            f"The contact cannot have been received before the child was born ({born:%-d %B %Y}): "
            "check the date received and the child's date of birth"
        )


@dataclass(frozen=True)
class NamedDates:
    """One person's dates as a contact names them, for contact_people_dates_check. `key` is the error key for their
    date field; `changed` says whether this write gives (or changes) their date or their place in the contact (a
    new person, a date corrected, a person added): only pairs with a changed side are judged, and the error goes
    on the changed side. `born` is the date of birth, or the expected date of an unborn child; `received` (children
    only) is the earliest time a contact about them was received, when it is not the contact's own."""

    key: str
    changed: bool
    born: dt.date | None
    unborn: bool = False
    received: dt.datetime | None = None


def _born_before_receipt(child, received, received_changed, received_key, local_date) -> tuple[str, str] | None:
    """(error key, message) when a contact about the child was received before the child was born, else None."""
    if child.unborn or child.born is None:
        return None
    times = [(received, received_changed, received_key)] if received else []
    if child.received is not None:
        times.append((child.received, False, ""))
    for when, when_changed, when_key in times:
        if not (child.changed or when_changed):
            continue
        try:
            received_after_birth_check(when, child.born, local_date=local_date)
        except ValueError as exc:
            return (when_key if when_changed else child.key, str(exc))
    return None


def contact_people_dates_check(
    *,
    received: dt.datetime | None,
    received_changed: bool,
    children: list[NamedDates],
    carers: list[NamedDates],
    local_date,
    received_key: str = "received_at",
) -> dict[str, list[str]]:
    """The dates that must agree between the people a contact names and the contact (issue 5, fault 9), on every
    path that writes them: recording a contact, amending it (a person's date corrected, a child or a household
    member added) and the hub's corrections, for the API and the pages alike (practitioner review, fault 6).

    - a contact cannot have been received before a child it is about was born (an unborn child has no such date);
    - a parent or carer is older than each child (people/validation.parent_older_check).

    A born person whose date of birth is in the future (UK calendar) is left out: that date has its own error.
    Returns {error key: [messages]}; empty when the dates agree. A pair in which nothing changed is not judged (a
    correction elsewhere must not be refused for what was already recorded). Received-date errors go on
    `received_key` when the receipt time is what changed, otherwise on the child's date; parent errors on the
    carer's date when it changed, otherwise on the child's."""
    from openmash.people.validation import parent_older_check

    errors: dict[str, list[str]] = {}
    from django.utils import timezone

    today = timezone.localdate()

    def add(key: str, message: str) -> None:
        if message not in errors.setdefault(key, []):
            errors[key].append(message)

    # A born person's date of birth in the future is refused by its own check (people.validation.date_of_birth_check): the
    # comparisons here would only add a second, confusing error (practitioners' review: "cannot have been received
    # before the child was born (1 May 2027)"), so such a date is left out of them.
    children = [c for c in children if c.unborn or c.born is None or c.born <= today]
    carers = [c for c in carers if c.born is None or c.born <= today]
    for child in children:
        found = _born_before_receipt(child, received, received_changed, received_key, local_date)
        if found:
            add(*found)
    for carer in carers:
        for child in children:
            if not (carer.changed or child.changed):
                continue
            try:
                parent_older_check(carer.born, child.born)
            except ValueError as exc:
                add(carer.key if carer.changed else child.key, str(exc))
                break
    return errors


# --- Operation Encompass: schools and early years settings --------------------------------------------------------

ENCOMPASS_MIN_AGE_YEARS = 2
ENCOMPASS_NO_SCHOOL_MESSAGE = (
    "Operation Encompass tells a child's school or early years setting. Choose the child's school, or answer no"
)
ENCOMPASS_TOO_YOUNG_MESSAGE = (
    "A child under 2 on the day of the incident is not at school, so no school can be told: answer no. "
    "Tell the MASH about the incident in the description"
)


@dataclass(frozen=True)
class EncompassChild:
    """A child a contact is about, for encompass_check: their date of birth (None if not known), whether they are
    unborn, and whether a school or early years setting is chosen for them."""

    born: dt.date | None
    unborn: bool
    has_school: bool


def encompass_child_eligible(child: EncompassChild, incident_on: dt.date | None) -> bool:
    """Whether an Operation Encompass notice may go about this child: a school is chosen, they are born, and they
    are 2 or over on the day of the incident (a date of birth not known is not held against them)."""
    from openmash.people.validation import age_on

    if not child.has_school or child.unborn:
        return False
    if child.born is None or incident_on is None:
        return True
    return age_on(child.born, incident_on) >= ENCOMPASS_MIN_AGE_YEARS


def encompass_check(incident_on: dt.date | None, children: list[EncompassChild]) -> None:
    """Refuse "tell the children's schools" (Operation Encompass) when no notice could rightly go: no child the
    contact is about has a school chosen, or each one who has is under 2 (or unborn) on the incident date.
    Operation Encompass informs schools and early years settings; a baby is not at school (practitioner review).
    With several children, the notices go only to the schools of the children it may (contacts.services
    _encompass_send). Raises ValueError for the notify_schools field."""
    if any(encompass_child_eligible(child, incident_on) for child in children):
        return
    if not any(child.has_school for child in children):
        raise ValueError(ENCOMPASS_NO_SCHOOL_MESSAGE)
    raise ValueError(ENCOMPASS_TOO_YOUNG_MESSAGE)


__all__ = [
    "received_at_check",
    "late_reason_check",
    "received_after_birth_check",
    "contact_people_dates_check",
    "NamedDates",
    "EncompassChild",
    "encompass_check",
    "encompass_child_eligible",
    "ENCOMPASS_MIN_AGE_YEARS",
    "RECEIVED_MAX_DAYS",
]

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


__all__ = ["received_at_check", "late_reason_check", "received_after_birth_check", "RECEIVED_MAX_DAYS"]

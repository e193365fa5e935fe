"""When the hub's work is due: a MASH enquiry from its RAG rating, an agency's answer a lead before that, and
whether a due time falls outside the hub's hours. One place for the rule; the services, the API, the pages and the
demo all ask here.

Ordinary work runs in the hub's working hours (partnership.working_time): "red = 4 working hours" rated at 16:00 on
a Friday is due at 12:00 on Monday. **Immediate risk does not wait for the hub to open** (practitioner review: a red
immediate-risk enquiry received Monday 16:53 was due 12:57 the next day, its agency requests 10:58). For a contact
with immediate risk the enquiry is due by the clock, at most `PartnershipSettings.immediate_risk_enquiry_hours`
(default 4) after it is opened or re-rated, or sooner when its RAG rating gives an earlier time; its agency requests
are due `immediate_risk_agency_lead_minutes` (default 120) by the clock before that.

Source of the defaults (DOMAIN.md 1.2, stage 3 "RAG rating", all local practice, none national): Havering "Red =
action within 4 h" [HAV] gives the 4 elapsed hours for the enquiry; Merton "Red = partner information in 2 h"
[MERTON] gives agencies 2 hours from being asked, i.e. the answer due 2 hours before a 4-hour enquiry; Luton "Red
completed even outside hours" [LUTON] is why both are counted by the clock. Each partnership sets its own on the
settings page. When the due time falls outside the hub's hours the hub cannot act on it itself: the pages and the
API say so (`due_outside_hub_hours`), so the work is handed to the Emergency Duty Team or the police at once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from openmash.partnership.models import PartnershipSettings, RagLevel
from openmash.partnership.selectors import partnership_settings_get, working_calendar_get
from openmash.partnership.working_time import WorkingCalendar

#: What the hub's pages say when an item is due outside the hub's hours.
OUTSIDE_HUB_HOURS_MESSAGE = "Due outside hub hours: hand over to the Emergency Duty Team / police now"


def enquiry_due_at(
    *, rag_level: RagLevel, start: dt.datetime, immediate_risk: bool, settings_obj: PartnershipSettings | None = None
) -> dt.datetime:
    """When a MASH enquiry rated (or re-rated) `rag_level` at `start` is due (aware UTC).

    In: the RAG level (its working_hours), the time of the rating, whether the contact has immediate risk.
    Out: start + the level's working hours in the hub's calendar; for immediate risk, the earlier of that and
    start + immediate_risk_enquiry_hours by the clock (module docstring: source of the rule). No errors."""
    settings_obj = settings_obj or partnership_settings_get()
    calendar = working_calendar_get(around=timezone.localtime(start).date(), settings_obj=settings_obj)
    due = calendar.add_working_hours(start, rag_level.working_hours)
    if immediate_risk:
        due = min(due, (start + dt.timedelta(hours=settings_obj.immediate_risk_enquiry_hours)).astimezone(dt.UTC))
    return due


def _duration(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def rag_timescale_hint(
    *, rag_level: RagLevel, immediate_risk: bool, settings_obj: PartnershipSettings | None = None
) -> str:
    """The timescale a RAG rating will actually give, in words, for the hint beside each rating on the screening and
    re-rating pages. In: the level, whether the contact has immediate risk. Out: for ordinary work "Partner
    information within N working hours" (the level's working_hours); for immediate risk, when the level's own
    timescale is longer than immediate_risk_enquiry_hours, the clock time that enquiry_due_at will give and the
    agencies' time from agency_due_at (e.g. "Immediate risk: enquiry due within 4 hours by the clock, partner
    information within 2 hours"), so the page never promises 72 hours for work due in 4 (practitioner review)."""
    hours = rag_level.working_hours
    if not immediate_risk:
        return f"Partner information within {hours} working hour{'s' if hours != 1 else ''}"
    settings_obj = settings_obj or partnership_settings_get()
    limit = settings_obj.immediate_risk_enquiry_hours
    if hours < limit:
        return f"Immediate risk: enquiry due within {hours} working hour{'s' if hours != 1 else ''} at most"
    remaining = limit * 60
    agency = remaining - min(settings_obj.immediate_risk_agency_lead_minutes, remaining // 2)
    return (
        f"Immediate risk: enquiry due within {_duration(remaining)} by the clock (not {hours} working hours), "
        f"partner information within {_duration(agency)}"
    )


def rag_timescale_hints(
    rag_levels, *, immediate_risk: bool, settings_obj: PartnershipSettings | None = None
) -> dict[str, str]:
    """The hint beside each RAG rating, {level code: words}, for every form that rates an enquiry: the screening
    page's first rating and the enquiry page's re-rating say the same thing from the same words
    (rag_timescale_hint), so a manager re-rating an immediate-risk enquiry is told the clock time it will really get.
    In: the levels (RagLevel), whether the contact has immediate risk. No errors."""
    settings_obj = settings_obj or (partnership_settings_get() if immediate_risk else None)
    return {
        lvl.code: rag_timescale_hint(rag_level=lvl, immediate_risk=immediate_risk, settings_obj=settings_obj)
        for lvl in rag_levels
    }


def agency_due_at(*, enquiry_due: dt.datetime, now: dt.datetime, immediate_risk: bool = False) -> dt.datetime:
    """When an agency's answer is due, for a request sent (or re-timed) at `now` on an enquiry due `enquiry_due`.

    Ordinary enquiries: the partnership's lead (agency_lead_working_hours, default 4 working hours) before the
    enquiry is due, counted in the hub's working calendar (Europe/London; the partnership's working weekdays and
    hours; England and Wales bank holidays, partnership.services.bank_holidays_load), so the manager has time to
    decide (issue 5). The lead is never more than half the working time left, so a red enquiry still gives the
    agency some time. The answer is never due at night, at a weekend or on a bank holiday: a time outside the working
    day moves back to the close of the last working day before it (WorkingCalendar.clamp_back), never forward past
    the enquiry's own due time. An enquiry already past due gives the agency that time, moved back the same way.

    Immediate risk: immediate_risk_agency_lead_minutes (default 120) before the enquiry is due, by the clock, which
    may be at night: immediate risk does not wait for the hub to open (module docstring; [LUTON]), and moving the
    time back to the last working day would make it overdue before it was sent. The pages say when such a time is
    outside the hub's hours (due_outside_hub_hours).

    In: aware datetimes. Out: an aware UTC datetime, never after `enquiry_due` (ordinary: unless that is itself
    outside the working day). No errors."""
    settings_obj = partnership_settings_get()
    if immediate_risk:
        remaining = int((enquiry_due - now).total_seconds() // 60)
        if remaining <= 0:
            return enquiry_due
        lead = min(settings_obj.immediate_risk_agency_lead_minutes, remaining // 2)
        return min(enquiry_due, now + dt.timedelta(minutes=remaining - lead))
    calendar = working_calendar_get(around=timezone.localtime(now).date(), settings_obj=settings_obj)
    remaining = calendar.working_minutes_between(now, enquiry_due)
    if remaining <= 0:
        return calendar.clamp_back(enquiry_due)
    lead = min(settings_obj.agency_lead_working_hours * 60, remaining // 2)
    return calendar.clamp_back(min(enquiry_due, calendar.add_working_minutes(now, remaining - lead)))


def hub_calendar() -> WorkingCalendar:
    """The hub's calendar (hours, weekdays, bank holidays) around today: read once per page or list, then passed to
    due_outside_hub_hours for each item."""
    return working_calendar_get()


def due_outside_hub_hours(due_at: dt.datetime | None, calendar: WorkingCalendar | None = None) -> bool:
    """Whether a due time falls outside the hub's hours: not on a working day, or before the hub opens or after it
    closes (closing time itself is inside: work due at 17:00 is the hub's). In: an aware due time (None -> False)
    and the hub's calendar (hub_calendar(); read here when not given). Out: True when the hub will not be open to act
    on it, so it must be handed to the Emergency Duty Team or the police now (OUTSIDE_HUB_HOURS_MESSAGE)."""
    if due_at is None:
        return False
    calendar = calendar or hub_calendar()
    local = due_at.astimezone(calendar.tz)
    if not calendar.is_working_day(local.date()):
        return True
    clock = local.time().replace(tzinfo=None)
    return not (calendar.day_start <= clock <= calendar.day_end)

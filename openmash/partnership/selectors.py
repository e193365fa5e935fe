"""Reads of partnership configuration (not personal data: no access checks beyond authentication)."""

import datetime as dt

from django.utils import timezone

from openmash.partnership.models import BankHoliday, OutcomeCode, PartnershipSettings, RagLevel, ThresholdLevel
from openmash.partnership.working_time import WorkingCalendar


def partnership_settings_get() -> PartnershipSettings:
    obj = PartnershipSettings.objects.order_by("created_at").first()
    if obj is None:
        obj = PartnershipSettings.objects.create(working_weekdays=[0, 1, 2, 3, 4])
    return obj


def working_calendar_get(
    *, around: dt.date | None = None, settings_obj: PartnershipSettings | None = None
) -> WorkingCalendar:
    s = settings_obj or partnership_settings_get()
    around = around or timezone.localdate()
    holidays = BankHoliday.objects.filter(
        date__gte=around - dt.timedelta(days=400), date__lte=around + dt.timedelta(days=800)
    ).values_list("date", flat=True)
    return WorkingCalendar(
        day_start=s.day_start,
        day_end=s.day_end,
        weekdays=frozenset(s.working_weekdays or [0, 1, 2, 3, 4]),
        holidays=frozenset(holidays),
    )


def rag_levels_list() -> list[RagLevel]:
    return list(RagLevel.objects.all())


def rag_level_get(code: str) -> RagLevel | None:
    return RagLevel.objects.filter(code=code).first()


def threshold_levels_list() -> list[ThresholdLevel]:
    return list(ThresholdLevel.objects.all())


def outcome_codes_list(*, active_only: bool = True) -> list[OutcomeCode]:
    qs = OutcomeCode.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return list(qs)


def bank_holidays_upcoming(*, limit: int = 30) -> list[BankHoliday]:
    return list(BankHoliday.objects.filter(date__gte=timezone.localdate()).order_by("date")[:limit])

"""Writes of partnership configuration, including the defaults a new partnership starts with."""

import datetime as dt

import holidays as holidays_lib
from django.db import transaction
from django.utils import timezone

from openmash.access.policy import require
from openmash.audit.services import audit_record
from openmash.core.exceptions import NotFound, ValidationFailed
from openmash.partnership.models import BankHoliday, OutcomeCode, PartnershipSettings, RagLevel, ThresholdLevel

DEFAULT_RAG = [("red", "Red", 4, 1), ("amber", "Amber", 24, 2), ("green", "Green", 72, 3)]
DEFAULT_THRESHOLDS = [
    (1, "Universal", "No additional needs; universal services."),
    (2, "Additional needs", "Early help: single agency or coordinated support."),
    (3, "Complex needs", "Targeted help or child in need (s17)."),
    (4, "Acute needs", "Child protection (s47) or specialist services."),
]
# code, label, opens a referral, exclusive (no other outcome with it), usual threshold levels (min, max; None = any).
# The usual levels follow DEFAULT_THRESHOLDS: NFA and advice at levels 1-2, early help at 2-3, an assessment at 3-4,
# a strategy discussion at 4 (child protection). Outside them the decision needs a reason (DOMAIN 4.1: thresholds
# guide, they do not decide).
DEFAULT_OUTCOMES = [
    ("nfa", "No further action", False, True, (1, 2)),
    ("information_advice", "Information and advice", False, False, (1, 2)),
    ("early_help", "Early help", False, False, (2, 3)),
    ("assessment_s17", "Child and family assessment (s17)", True, False, (3, 4)),
    ("strategy_s47", "Strategy discussion / s47 enquiry", True, False, (4, 4)),
    ("police_action", "Police action", False, False, (None, None)),
    ("referral_other_service", "Referral to another service", False, False, (None, None)),
]


def bank_holidays_load(*, years: range) -> int:
    """Load England & Wales bank holidays for the given years from the offline holidays package."""
    ew = holidays_lib.country_holidays("GB", subdiv="ENG", years=list(years))
    created = 0
    for day, name in sorted(ew.items()):
        _, was_created = BankHoliday.objects.get_or_create(date=day, defaults={"name": name})
        created += int(was_created)
    return created


@transaction.atomic
def partnership_defaults_ensure(*, name: str = "OpenMASH partnership", la_code: str = "999") -> PartnershipSettings:
    settings_obj = PartnershipSettings.objects.order_by("created_at").first()
    if settings_obj is None:
        settings_obj = PartnershipSettings.objects.create(name=name, la_code=la_code, working_weekdays=[0, 1, 2, 3, 4])
    for code, label, hours, order in DEFAULT_RAG:
        RagLevel.objects.get_or_create(
            code=code, defaults={"label": label, "working_hours": hours, "sort_order": order}
        )
    for level, label, desc in DEFAULT_THRESHOLDS:
        ThresholdLevel.objects.get_or_create(level=level, defaults={"label": label, "description": desc})
    for i, (code, label, opens, exclusive, (low, high)) in enumerate(DEFAULT_OUTCOMES):
        OutcomeCode.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "opens_referral": opens,
                "sort_order": i,
                "exclusive": exclusive,
                "usual_min_level": low,
                "usual_max_level": high,
            },
        )
    this_year = timezone.localdate().year
    bank_holidays_load(years=range(this_year - 2, this_year + 3))
    return settings_obj


def _err(errors: dict, field: str, msg: str) -> None:
    errors.setdefault(field, []).append(msg)


def rag_timescales_now() -> dict[str, int]:
    """Every RAG level's timescale now: {code: working_hours} (the `base` of a rag_timescales SettingChange)."""
    return {lvl.code: lvl.working_hours for lvl in RagLevel.objects.order_by("code")}


@transaction.atomic
def rag_levels_update(*, actor, hours: dict[str, int]):
    """Set the working-hours timescale of RAG levels (hours = {code: 1 to 720}). Applies to ratings made from now on.
    Lengthening any level (a child rated at that urgency waits longer for the hub) waits, whole, for a second
    partnership admin (dual control, ADR 0019 addendum; issue 7) and returns the pending partnership.SettingChange
    (kind rag_timescales, every level's hours); shortening (or the same hours) applies at once and returns the
    levels. Audited (`update` per level changed; `setting_change_request` when it waits). Raises PermissionDenied,
    ValidationFailed (keyed ``rag_<code>``)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    levels = {lvl.code: lvl for lvl in RagLevel.objects.select_for_update()}
    errors: dict[str, list[str]] = {}
    for code, value in hours.items():
        if code not in levels:
            _err(errors, f"rag_{code}", f"Unknown RAG level: {code}")
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 720:
            _err(errors, f"rag_{code}", "Enter a whole number of working hours from 1 to 720")
    if errors:
        raise ValidationFailed("There is a problem with the timescales", errors=errors)
    base = rag_timescales_now()
    proposed = {**base, **hours}
    longer = [code for code in sorted(proposed) if proposed[code] > base[code]]
    if longer:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.RAG_TIMESCALES,
            proposed={"hours": proposed},
            base=base,
            summary="RAG timescales lengthened: "
            + "; ".join(f"{code} {base[code]} -> {proposed[code]} working hours" for code in longer),
        )
    return rag_levels_apply(actor=actor, hours=proposed, levels=levels)


def rag_levels_apply(*, actor, hours: dict[str, int], levels=None) -> list[RagLevel]:
    """Set RAG timescales now (a shortening, or a lengthening a second admin approved: partnership.setting_changes).
    In: {code: working_hours}. Each level that changes is audited `update` with its hours before and after. Out: the
    levels. Callers check the hours and the actor."""
    if levels is None:
        levels = {lvl.code: lvl for lvl in RagLevel.objects.select_for_update()}
    for code, value in hours.items():
        level = levels.get(code)
        if level is not None and level.working_hours != value:
            before = level.working_hours
            level.working_hours = value
            level.save(update_fields=["working_hours", "updated_at"])
            audit_record(actor=actor, action="update", obj=level, detail={"working_hours": [before, value]})
    return list(levels.values())


@transaction.atomic
def working_hours_update(*, actor, day_start: dt.time, day_end: dt.time, weekdays: list[int]) -> PartnershipSettings:
    require(actor, "partnership.configure")
    errors: dict[str, list[str]] = {}
    if day_end <= day_start:
        _err(errors, "day_end", "The working day must end after it starts")
    if not weekdays or any(d not in range(7) for d in weekdays):
        _err(errors, "weekdays", "Choose at least one working day")
    if errors:
        raise ValidationFailed("There is a problem with the working hours", errors=errors)
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    obj.day_start, obj.day_end, obj.working_weekdays = day_start, day_end, sorted(set(weekdays))
    obj.save(update_fields=["day_start", "day_end", "working_weekdays", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"working_hours": [str(day_start), str(day_end)]})
    return obj


@transaction.atomic
def late_contact_days_update(*, actor, days: int) -> PartnershipSettings:
    """Set the late-recording window: contacts received more than `days` ago need a reason (1 to 365)."""
    require(actor, "partnership.configure")
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationFailed(
            "There is a problem with the window", errors={"late_contact_days": ["Enter a number of days from 1 to 365"]}
        )
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = obj.late_contact_days
    obj.late_contact_days = days
    obj.save(update_fields=["late_contact_days", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"late_contact_days": [before, days]})
    return obj


IMMEDIATE_RISK_MAX_MINUTES = 240


@transaction.atomic
def immediate_risk_screening_update(*, actor, minutes: int):
    """Set how soon a contact with immediate risk is due for screening: `minutes` after it was received, by the
    clock (0 = due on receipt; at most 240, as anything later is no longer "at once"). Applies to contacts recorded
    from now on. Shortening it (or setting the same) applies at once and returns the PartnershipSettings row;
    lengthening it (a child at immediate risk waits longer before the hub must look) waits for a second partnership
    admin (dual control, ADR 0019 addendum; issue 7) and returns the pending partnership.SettingChange. Audited
    (`update` with the minutes before and after; `setting_change_request` when it waits). Raises PermissionDenied,
    ValidationFailed on "immediate_risk_screening_minutes"."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= IMMEDIATE_RISK_MAX_MINUTES:
        raise ValidationFailed(
            "Check the screening time",
            errors={
                "immediate_risk_screening_minutes": [
                    f"Enter a whole number of minutes from 0 to {IMMEDIATE_RISK_MAX_MINUTES}"
                ]
            },
        )
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    if minutes > obj.immediate_risk_screening_minutes:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.IMMEDIATE_RISK_SCREENING,
            proposed={"minutes": minutes},
            base={"minutes": obj.immediate_risk_screening_minutes},
            summary=f"Screening time for immediate risk: {obj.immediate_risk_screening_minutes} -> {minutes} "
            "minutes after a contact is received",
        )
    return immediate_risk_screening_apply(actor=actor, minutes=minutes)


def immediate_risk_screening_apply(*, actor, minutes: int) -> PartnershipSettings:
    """Set the immediate-risk screening time now (a shortening, or a lengthening a second admin approved:
    partnership.setting_changes). Audited `update` with the minutes before and after. Callers check the minutes and
    the actor."""
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = obj.immediate_risk_screening_minutes
    obj.immediate_risk_screening_minutes = minutes
    obj.save(update_fields=["immediate_risk_screening_minutes", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"immediate_risk_screening_minutes": [before, minutes]})
    return obj


@transaction.atomic
def immediate_risk_enquiry_update(*, actor, enquiry_hours: int, agency_lead_minutes: int):
    """Set the immediate-risk timescales of a MASH enquiry (enquiries.timescales, which gives the source of the
    defaults): the enquiry is due at most `enquiry_hours` (1 to 24) after it is opened or re-rated, by the clock, and
    agencies answer `agency_lead_minutes` (0 to 720, and less than the enquiry's time) before that. Applies to
    enquiries rated and requests sent from now on. A change that gives more time (immediate_risk_enquiry_relaxes:
    the enquiry or the agencies' answers due later) waits for a second partnership admin (dual control, ADR 0019
    addendum; issue 7) and returns the pending partnership.SettingChange; one that gives less (or the same) applies
    at once and returns the PartnershipSettings row. Audited (`update`; `setting_change_request` when it waits).
    Raises PermissionDenied, ValidationFailed on "immediate_risk_enquiry_hours" /
    "immediate_risk_agency_lead_minutes"."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    errors: dict[str, list[str]] = {}
    if not isinstance(enquiry_hours, int) or isinstance(enquiry_hours, bool) or not 1 <= enquiry_hours <= 24:
        _err(errors, "immediate_risk_enquiry_hours", "Enter a whole number of hours from 1 to 24")
    if (
        not isinstance(agency_lead_minutes, int)
        or isinstance(agency_lead_minutes, bool)
        or not 0 <= agency_lead_minutes <= 720
    ):
        _err(errors, "immediate_risk_agency_lead_minutes", "Enter a whole number of minutes from 0 to 720")
    elif not errors and agency_lead_minutes >= enquiry_hours * 60:
        _err(
            errors,
            "immediate_risk_agency_lead_minutes",
            "The agencies' lead must be shorter than the time the enquiry is due in",
        )
    if errors:
        raise ValidationFailed("There is a problem with the immediate risk timescales", errors=errors)
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    base = {"hours": obj.immediate_risk_enquiry_hours, "lead": obj.immediate_risk_agency_lead_minutes}
    if immediate_risk_enquiry_relaxes((base["hours"], base["lead"]), (enquiry_hours, agency_lead_minutes)):
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.IMMEDIATE_RISK_ENQUIRY,
            proposed={"hours": enquiry_hours, "lead": agency_lead_minutes},
            base=base,
            summary=f"Immediate-risk enquiry: due {base['hours']} -> {enquiry_hours} hours after it is opened, "
            f"agencies answer {base['lead']} -> {agency_lead_minutes} minutes before",
        )
    return immediate_risk_enquiry_apply(
        actor=actor, enquiry_hours=enquiry_hours, agency_lead_minutes=agency_lead_minutes
    )


def immediate_risk_enquiry_relaxes(before, after) -> bool:
    """Whether immediate-risk enquiry timescales give more time: the enquiry due later (more hours), or the agencies'
    answers due later (hours * 60 - lead minutes after the enquiry is opened: a shorter lead with the same hours).
    In: two (enquiry_hours, agency_lead_minutes). Out: bool (pure). Source: enquiries.timescales (the clock rule)."""
    (h0, lead0), (h1, lead1) = before, after
    return h1 > h0 or h1 * 60 - lead1 > h0 * 60 - lead0


def immediate_risk_enquiry_apply(*, actor, enquiry_hours: int, agency_lead_minutes: int) -> PartnershipSettings:
    """Set the immediate-risk enquiry timescales now (a tightening, or a relaxing a second admin approved:
    partnership.setting_changes). Audited `update` with [hours, lead] before and after. Callers check the figures
    and the actor."""
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = [obj.immediate_risk_enquiry_hours, obj.immediate_risk_agency_lead_minutes]
    obj.immediate_risk_enquiry_hours, obj.immediate_risk_agency_lead_minutes = enquiry_hours, agency_lead_minutes
    obj.save(update_fields=["immediate_risk_enquiry_hours", "immediate_risk_agency_lead_minutes", "updated_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=obj,
        detail={"immediate_risk_enquiry": [before, [enquiry_hours, agency_lead_minutes]]},
    )
    return obj


@transaction.atomic
def agency_access_days_update(*, actor, days: int):
    """Set for how many days (1 to 365) after a request is answered or closed its agency still sees the people in
    it (access.policy.agency_request_people_until). Shortening the window (or setting the same) applies at once, to
    every request, and returns the PartnershipSettings row; lengthening it (agencies see people for longer) waits
    for a second partnership admin (dual control, ADR 0019 addendum; issue 7, attacker finding 5) and returns the
    pending partnership.SettingChange. Audited (`update` with the days before and after; `setting_change_request`
    when it waits). Raises PermissionDenied, ValidationFailed (keyed ``agency_access_days``)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise ValidationFailed(
            "There is a problem with the window",
            errors={"agency_access_days": ["Enter a number of days from 1 to 365"]},
        )
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    if days > obj.agency_access_days:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.AGENCY_ACCESS_DAYS,
            proposed={"days": days},
            base={"days": obj.agency_access_days},
            summary=f"Agency access window: {obj.agency_access_days} -> {days} days after a request is answered "
            "or closed",
        )
    return agency_access_days_apply(actor=actor, days=days)


def agency_access_days_apply(*, actor, days: int) -> PartnershipSettings:
    """Set the agency access window now (a shortening, or a lengthening a second admin approved:
    partnership.setting_changes). Audited `update` with the days before and after. Callers check the days and the
    actor."""
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = obj.agency_access_days
    obj.agency_access_days = days
    obj.save(update_fields=["agency_access_days", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"agency_access_days": [before, days]})
    return obj


@transaction.atomic
def agency_lead_update(*, actor, hours: int):
    """Set how many working hours before an ordinary enquiry is due the agencies' answers are due
    (``agency_lead_working_hours``, 0 to 72, default 4; 0 = at the enquiry's due time; enquiries.timescales
    agency_due_at). Applies to requests sent (or re-timed by a re-rating) from now on. A shorter lead lets the
    answers come later, leaving the manager less time to read them before the enquiry is due: it waits for a second
    partnership admin (dual control, ADR 0019 addendum; issue 7) and returns the pending partnership.SettingChange
    (kind agency_lead_hours, {"hours": n}); a longer lead (or the same) applies at once and returns the
    PartnershipSettings row. Audited (`update`; `setting_change_request` when it waits). Raises PermissionDenied,
    ValidationFailed on "agency_lead_working_hours"."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    if not isinstance(hours, int) or isinstance(hours, bool) or not 0 <= hours <= 72:
        raise ValidationFailed(
            "Check the lead time", errors={"agency_lead_working_hours": ["Enter a whole number of hours from 0 to 72"]}
        )
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = obj.agency_lead_working_hours
    if hours < before:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.AGENCY_LEAD,
            proposed={"hours": hours},
            base={"hours": before},
            summary=f"Agencies answer {before} -> {hours} working hours before the enquiry is due",
        )
    return agency_lead_apply(actor=actor, hours=hours)


def agency_lead_apply(*, actor, hours: int) -> PartnershipSettings:
    """Set the agencies' answer lead now (a longer lead, or a shorter one a second admin approved:
    partnership.setting_changes). Audited `update` with the hours before and after. Out: the PartnershipSettings
    row. Callers check the hours and the actor."""
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = obj.agency_lead_working_hours
    obj.agency_lead_working_hours = hours
    obj.save(update_fields=["agency_lead_working_hours", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"agency_lead_working_hours": [before, hours]})
    return obj


@transaction.atomic
def bank_holiday_add(*, actor, date: dt.date, name: str) -> BankHoliday:
    require(actor, "partnership.configure")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed("Check the holiday", errors={"name": ["Enter a name of up to 100 characters"]})
    if BankHoliday.objects.filter(date=date).exists():
        raise ValidationFailed("Check the holiday", errors={"date": ["That date is already a holiday"]})
    holiday = BankHoliday.objects.create(date=date, name=name)
    audit_record(actor=actor, action="create", obj=holiday, detail={"date": str(date)})
    return holiday


@transaction.atomic
def bank_holiday_remove(*, actor, holiday_id) -> None:
    require(actor, "partnership.configure")
    holiday = BankHoliday.objects.filter(pk=holiday_id).first()
    if holiday is None:
        raise NotFound()
    audit_record(actor=actor, action="delete", obj=holiday, detail={"date": str(holiday.date)})
    holiday.delete()


def threshold_levels_words() -> dict[str, list[str]]:
    """The threshold levels' words now: {"<level>": [label, description]} (the `base` of a threshold_levels
    SettingChange; JSON keys are strings)."""
    return {str(t.level): [t.label, t.description] for t in ThresholdLevel.objects.order_by("level")}


@transaction.atomic
def threshold_levels_update(*, actor, levels: dict[int, tuple[str, str]]):
    """Set the labels and descriptions of threshold levels: levels = {level: (label, description)} (labels 1 to 100
    characters, descriptions up to 2,000; surrounding spaces dropped). These words define the levels of need that
    screeners and managers read when they decide (DOMAIN 4.1), so rewording them can lower a threshold as surely as
    changing a number, and no rule can tell words that tighten from words that relax: any change of words waits
    for a second partnership admin (dual control, ADR 0019 addendum; issue 7), all levels together, and returns the
    pending partnership.SettingChange; the same words again change nothing and return the levels. Audited
    `setting_change_request` (and each level's `update` when approved). Raises PermissionDenied, NotFound (an
    unknown level), ValidationFailed (keyed ``threshold_<level>``)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    rows = {t.level: t for t in ThresholdLevel.objects.select_for_update().order_by("level")}
    errors: dict[str, list[str]] = {}
    clean: dict[int, list[str]] = {}
    for level, (label, description) in levels.items():
        if level not in rows:
            raise NotFound()
        label, description = (label or "").strip(), (description or "").strip()[:2000]
        if not label or len(label) > 100:
            _err(errors, f"threshold_{level}", "Enter a label of up to 100 characters")
        clean[level] = [label, description]
    if errors:
        raise ValidationFailed("Check the level", errors=errors)
    base = threshold_levels_words()
    proposed = {**base, **{str(level): words for level, words in clean.items()}}
    if proposed == base:
        return list(rows.values())
    changed = []
    for key in sorted(proposed, key=int):
        (old_label, old_desc), (new_label, new_desc) = base[key], proposed[key]
        if new_label != old_label:
            changed.append(f'level {key} label "{old_label[:30]}" -> "{new_label[:30]}"')
        if new_desc != old_desc:
            changed.append(f"level {key} description reworded")
    return setting_change_request(
        actor=actor,
        kind=SettingChange.Kind.THRESHOLD_LEVELS,
        proposed={"levels": proposed},
        base=base,
        summary="Threshold levels: " + "; ".join(changed),
    )


def threshold_levels_apply(*, actor, levels: dict[str, list[str]]) -> list[ThresholdLevel]:
    """Set the threshold levels' words now (a second admin approved them: partnership.setting_changes). In: {"<level>":
    [label, description]}. Each level whose words change is audited `update` with its label before and after.
    Callers check the words and the actor."""
    rows = {str(t.level): t for t in ThresholdLevel.objects.select_for_update()}
    for key, (label, description) in levels.items():
        obj = rows.get(key)
        if obj is None or [obj.label, obj.description] == [label, description]:
            continue
        before = obj.label
        obj.label, obj.description = label, description
        obj.save(update_fields=["label", "description", "updated_at"])
        audit_record(actor=actor, action="update", obj=obj, detail={"label": [before, label]})
    return list(rows.values())


def threshold_level_update(*, actor, level: int, label: str, description: str):
    """One level's words (threshold_levels_update with that level only: a change of words waits for a second
    admin). Out: the ThresholdLevel when nothing changed, else the pending SettingChange."""
    result = threshold_levels_update(actor=actor, levels={level: (label, description)})
    if isinstance(result, list):
        return next(t for t in result if t.level == level)
    return result


@transaction.atomic
def outcome_code_set_active(*, actor, code: str, active: bool):
    """Switch a decision outcome on or off. Switching one off takes a decision away from the hub (a strategy
    discussion / s47 enquiry, a police referral: no rule tells which outcome is a safeguard, so every one), and
    waits for a second partnership admin (dual control, ADR 0019 addendum; issue 7), returning the pending
    partnership.SettingChange (kind outcome_active, key the code); switching one on (or setting the same) applies at
    once and returns the OutcomeCode. Audited (`update` with "active"; `setting_change_request` when it waits).
    Raises PermissionDenied, NotFound (an unknown code)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    obj = OutcomeCode.objects.select_for_update().filter(code=code).first()
    if obj is None:
        raise NotFound()
    if obj.active and not active:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.OUTCOME_ACTIVE,
            key=obj.code,
            proposed={"active": False},
            base={"active": True},
            summary=f"Stop using the decision outcome {obj.code}",
        )
    return outcome_code_active_apply(actor=actor, code=code, active=active)


def outcome_code_active_apply(*, actor, code: str, active: bool) -> OutcomeCode:
    """Switch an outcome on or off now (switching on, or switching off a second admin approved:
    partnership.setting_changes). Audited `update` with "active" when it changes. Raises NotFound. Callers check the
    actor."""
    obj = OutcomeCode.objects.select_for_update().filter(code=code).first()
    if obj is None:
        raise NotFound()
    if obj.active != active:
        obj.active = active
        obj.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, action="update", obj=obj, detail={"active": active})
    return obj


def outcome_rules_now() -> dict[str, list]:
    """Every outcome's decision rule now: {code: [exclusive, usual_min_level, usual_max_level]} (the `base` of an
    outcome_rules SettingChange)."""
    return {o.code: [o.exclusive, o.usual_min_level, o.usual_max_level] for o in OutcomeCode.objects.order_by("code")}


def outcome_rule_relaxes(before, after) -> bool:
    """Whether a decision rule asks for less: exclusive -> combinable, or a usual level range that takes in more
    levels (a lower lowest, a higher highest, or none: any level) so fewer decisions need a reason. In: two
    (exclusive, usual_min_level, usual_max_level). Out: bool (pure). Source: enquiries.services.decision_exceptions
    (ADR 0003), which reads these rules."""
    (ex0, low0, high0), (ex1, low1, high1) = before, after
    if ex0 and not ex1:
        return True
    if low0 is not None and (low1 is None or low1 < low0):
        return True
    return high0 is not None and (high1 is None or high1 > high0)


@transaction.atomic
def outcome_rules_update(*, actor, rules: dict[str, dict]):
    """Set the decision rules of outcome codes: rules = {code: {"exclusive": bool, "usual_min_level": int | None,
    "usual_max_level": int | None}}. Used by enquiries.services.decision_exceptions (ADR 0003): an exclusive
    outcome cannot be combined with another; outside its usual levels a decision needs a reason. All or nothing.
    A change that relaxes any rule (outcome_rule_relaxes: fewer decisions need a reason) waits, whole, for a second
    partnership admin (dual control, ADR 0019 addendum; issue 7) and returns the pending partnership.SettingChange;
    a change that only tightens (or changes nothing) applies at once and returns the outcome codes. Audited (`update`
    per outcome changed; `setting_change_request` when it waits). Raises PermissionDenied, ValidationFailed (keyed
    ``rule_<code>_min`` / ``rule_<code>_max``)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    codes = {o.code: o for o in OutcomeCode.objects.select_for_update().filter(code__in=list(rules))}
    levels = set(ThresholdLevel.objects.values_list("level", flat=True))
    errors: dict[str, list[str]] = {}
    for code, rule in rules.items():
        low, high = rule.get("usual_min_level"), rule.get("usual_max_level")
        if code not in codes:
            _err(errors, f"rule_{code}_min", f"Unknown outcome: {code}")
        elif any(v is not None and v not in levels for v in (low, high)):
            _err(errors, f"rule_{code}_min", "Choose threshold levels from the list")
        elif low is not None and high is not None and low > high:
            _err(
                errors, f"rule_{code}_max", f"{codes[code].label}: the highest usual level must not be below the lowest"
            )
    if errors:
        raise ValidationFailed("There is a problem with the outcome rules", errors=errors)
    base = outcome_rules_now()
    proposed = {
        **base,
        **{
            code: [bool(rule.get("exclusive")), rule.get("usual_min_level"), rule.get("usual_max_level")]
            for code, rule in rules.items()
        },
    }
    relaxed = [code for code in sorted(proposed) if outcome_rule_relaxes(base[code], proposed[code])]
    if relaxed:

        def words(rule):
            ex, low, high = rule
            levels_words = f"levels {low or 'any'}-{high or 'any'}"
            return f"{'exclusive, ' if ex else ''}{levels_words}"

        changed = [f"{code}: {words(base[code])} -> {words(proposed[code])}" for code in relaxed]
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.OUTCOME_RULES,
            proposed={"rules": proposed},
            base=base,
            summary="Outcome rules relaxed: " + "; ".join(changed),
        )
    return outcome_rules_apply(actor=actor, rules=proposed, codes=codes)


def outcome_rules_apply(*, actor, rules: dict[str, list], codes=None) -> list[OutcomeCode]:
    """Set outcome rules now (a tightening, or a relaxing a second admin approved: partnership.setting_changes). In:
    {code: [exclusive, usual_min_level, usual_max_level]}. Each outcome that changes is audited `update` with its
    new rule. Out: the outcome codes named. Callers check the rules and the actor."""
    if codes is None:
        codes = {o.code: o for o in OutcomeCode.objects.select_for_update().filter(code__in=list(rules))}
    for code, new in rules.items():
        obj = codes.get(code)
        if obj is None:
            continue
        new = (bool(new[0]), new[1], new[2])
        if (obj.exclusive, obj.usual_min_level, obj.usual_max_level) != new:
            obj.exclusive, obj.usual_min_level, obj.usual_max_level = new
            obj.save(update_fields=["exclusive", "usual_min_level", "usual_max_level", "updated_at"])
            audit_record(actor=actor, action="update", obj=obj, detail={"rule": list(new)})
    return list(codes.values())


@transaction.atomic
def link_thresholds_update(*, actor, lower: float, upper: float):
    """Set the person-matching thresholds (issue 6; ``openmash.matching.scoring``): match probabilities in
    [0.01, 0.99] with ``lower <= upper``. At or above ``upper`` two agency records are joined automatically; at or
    above ``lower`` (and below ``upper``) they go to the review queue. Applies to records scored from now on.
    Lowering either figure (more records joined, or more pairs of records put side by side before the hub) waits
    for a second partnership admin (dual control, ADR 0019 addendum; issue 7, attacker finding 5) and returns the
    pending partnership.SettingChange; raising them (or setting the same) applies at once and returns the
    PartnershipSettings row. Audited (`update` with the figures before and after; `setting_change_request` when it
    waits). Raises PermissionDenied, ValidationFailed (keyed ``link_upper_threshold`` / ``link_lower_threshold``)."""
    from openmash.partnership.models import SettingChange
    from openmash.partnership.setting_changes import setting_change_request

    require(actor, "partnership.configure")
    errors: dict[str, list[str]] = {}
    for key, value in (("link_upper_threshold", upper), ("link_lower_threshold", lower)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.01 <= value <= 0.99:
            _err(errors, key, "Enter a percentage from 1 to 99")
    if not errors and lower > upper:
        _err(errors, "link_lower_threshold", "The review figure must not be more than the automatic figure")
    if errors:
        raise ValidationFailed("There is a problem with the matching thresholds", errors=errors)
    lower, upper = float(lower), float(upper)
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    base = {"lower": obj.link_lower_threshold, "upper": obj.link_upper_threshold}
    if lower < base["lower"] or upper < base["upper"]:
        return setting_change_request(
            actor=actor,
            kind=SettingChange.Kind.LINK_THRESHOLDS,
            proposed={"lower": lower, "upper": upper},
            base=base,
            summary=f"Person matching: joined automatically at {base['upper']:.0%} -> {upper:.0%}, "
            f"to review at {base['lower']:.0%} -> {lower:.0%}",
        )
    return link_thresholds_apply(actor=actor, lower=lower, upper=upper)


def link_thresholds_apply(*, actor, lower: float, upper: float) -> PartnershipSettings:
    """Set the matching thresholds now (a raising, or a lowering a second admin approved: partnership.setting_changes).
    Audited `update` with [lower, upper] before and after. Callers check the figures and the actor."""
    obj = PartnershipSettings.objects.select_for_update().order_by("created_at").first()
    before = [obj.link_lower_threshold, obj.link_upper_threshold]
    obj.link_lower_threshold, obj.link_upper_threshold = float(lower), float(upper)
    obj.save(update_fields=["link_lower_threshold", "link_upper_threshold", "updated_at"])
    audit_record(actor=actor, action="update", obj=obj, detail={"link_thresholds": [before, [lower, upper]]})
    return obj

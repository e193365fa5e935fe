"""Writes of partnership configuration, including the defaults a new partnership starts with."""

import holidays as holidays_lib
from django.db import transaction
from django.utils import timezone

from openmash.audit.services import audit_record
from openmash.partnership.models import BankHoliday, OutcomeCode, PartnershipSettings, RagLevel, ThresholdLevel

DEFAULT_RAG = [("red", "Red", 4, 1), ("amber", "Amber", 24, 2), ("green", "Green", 72, 3)]
DEFAULT_THRESHOLDS = [
    (1, "Universal", "No additional needs; universal services."),
    (2, "Additional needs", "Early help: single agency or coordinated support."),
    (3, "Complex needs", "Targeted help or child in need (s17)."),
    (4, "Acute needs", "Child protection (s47) or specialist services."),
]
DEFAULT_OUTCOMES = [
    ("nfa", "No further action", False),
    ("information_advice", "Information and advice", False),
    ("early_help", "Early help", False),
    ("assessment_s17", "Child and family assessment (s17)", True),
    ("strategy_s47", "Strategy discussion / s47 enquiry", True),
    ("police_action", "Police action", False),
    ("referral_other_service", "Referral to another service", False),
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
    for i, (code, label, opens) in enumerate(DEFAULT_OUTCOMES):
        OutcomeCode.objects.get_or_create(
            code=code, defaults={"label": label, "opens_referral": opens, "sort_order": i}
        )
    this_year = timezone.localdate().year
    bank_holidays_load(years=range(this_year - 2, this_year + 3))
    return settings_obj


@transaction.atomic
def rag_level_update(*, actor, code: str, working_hours: int, label: str | None = None) -> RagLevel:
    from openmash.access.policy import require_role

    require_role(actor, "partnership_admin")
    level = RagLevel.objects.select_for_update().get(code=code)
    before = level.working_hours
    level.working_hours = working_hours
    if label:
        level.label = label
    level.save(update_fields=["working_hours", "label", "updated_at"])
    audit_record(actor=actor, action="update", obj=level, detail={"working_hours": [before, working_hours]})
    return level

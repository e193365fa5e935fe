"""Partnership configuration held as data and edited by the partnership admin: timescales, hours, codes."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from openmash.core.models import BaseModel


def default_day_start() -> dt.time:
    """Hub day start when the partnership has not set one: 09:00 local (Europe/London) time.

    A callable, not a fixed ``dt.time``: Django's check fields.W161 warns about a fixed time default whenever the
    check happens to run within ten seconds of that time of day, which made every command print a warning at 09:00.
    """
    return dt.time(9, 0)


def default_day_end() -> dt.time:
    """Hub day end when the partnership has not set one: 17:00 local (Europe/London) time (see default_day_start)."""
    return dt.time(17, 0)


class PartnershipSettings(BaseModel):
    """One row: the partnership's name, LA number and hub working hours."""

    name = models.CharField(max_length=200, default="OpenMASH partnership")
    la_code = models.CharField(max_length=3, default="999", help_text="DfE 3-digit LA number (CIN header LEA).")
    day_start = models.TimeField(default=default_day_start)
    day_end = models.TimeField(default=default_day_end)
    working_weekdays = models.JSONField(default=list, help_text="0 = Monday ... 6 = Sunday.")
    screening_working_days = models.PositiveSmallIntegerField(default=1)
    re_referral_months = models.PositiveSmallIntegerField(default=12)
    late_contact_days = models.PositiveSmallIntegerField(
        default=30,
        help_text="A contact received more than this many days before it is recorded needs a reason (late recording).",
    )
    agency_access_days = models.PositiveSmallIntegerField(
        default=30,
        help_text="An agency's researchers see the people in a request while it is open and for this many days after "
        "it was answered or closed (access.policy.agency_request_people_allowed).",
    )
    immediate_risk_screening_minutes = models.PositiveSmallIntegerField(
        default=60,
        help_text="A contact with immediate risk is due for screening this many minutes after it was received, by "
        "the clock (not working hours: immediate protection does not wait for the hub to open). 0 = due on receipt.",
    )
    # Immediate risk at the MASH enquiry (practitioner review: a red immediate-risk enquiry received Monday 16:53 was
    # due 12:57 the next day, its agency requests 10:58, because red counts hub working hours). Counted by the clock:
    # see enquiries.timescales, which says where the defaults come from.
    immediate_risk_enquiry_hours = models.PositiveSmallIntegerField(
        default=4,
        help_text="A MASH enquiry about a contact with immediate risk is due at most this many hours after it is "
        "opened or re-rated, by the clock (not working hours), or sooner if its RAG rating gives an earlier time.",
    )
    immediate_risk_agency_lead_minutes = models.PositiveSmallIntegerField(
        default=120,
        help_text="Agencies asked about an immediate-risk enquiry answer this many minutes (by the clock) before the "
        "enquiry is due (never more than half the time left when the request is sent).",
    )
    agency_lead_working_hours = models.PositiveSmallIntegerField(
        default=4,
        help_text="Agencies' answers are due this many working hours before the enquiry is due, so the manager "
        "has time to decide (never more than half the time left when the request is sent).",
    )

    link_upper_threshold = models.FloatField(
        default=0.95,
        validators=[MinValueValidator(0.01), MaxValueValidator(0.9999)],
        help_text="Person matching: two agency records whose match probability is at or above this are joined "
        "automatically (openmash.matching.scoring).",
    )
    link_lower_threshold = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.01), MaxValueValidator(0.9999)],
        help_text="Person matching: pairs at or above this (and below the upper threshold) go to the review queue; "
        "below it nothing is recorded.",
    )

    class Meta:
        verbose_name_plural = "partnership settings"


class BankHoliday(BaseModel):
    """A day the hub does not count as working (England & Wales by default)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]


class RagLevel(BaseModel):
    """An urgency rating with its timescale in working hours (defaults: red 4, amber 24, green 72)."""

    code = models.SlugField(max_length=20, unique=True)
    label = models.CharField(max_length=50)
    working_hours = models.PositiveIntegerField()
    sort_order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.label


class ThresholdLevel(BaseModel):
    """A level in the local continuum of need (1 universal ... 4 acute/child protection)."""

    level = models.PositiveSmallIntegerField(unique=True)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.label}"


class OutcomeCode(BaseModel):
    """A decision outcome. opens_referral marks outcomes that make the contact a referral (CIN episode)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    opens_referral = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    exclusive = models.BooleanField(default=False, help_text="Cannot be combined with any other outcome (e.g. NFA).")
    usual_min_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Lowest threshold level this outcome usually goes with; below it, a reason."
    )
    usual_max_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Highest threshold level this outcome usually goes with; above it, a reason."
    )

    class Meta:
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.label


class SettingChange(BaseModel):
    """A change to a setting that widens who sees or may share personal data, or that switches off or loosens a
    safeguarding rule, waiting for a second partnership admin (dual control, ADR 0019 addendum; attacker review
    2026-12 findings A and E). Until it is approved the setting is untouched (the evaluator, the access rules keep
    using the approved value); approving applies ``proposed``. ``base`` is the approved value it was written against:
    approving when the setting has changed since is refused, so a change is never approved blind. Never the person
    who asked approves (access.policy.setting_change_decidable); rejected and approved changes stay as the record.

    ``kind``: "sealed_roles" (``proposed`` {"roles": [...]}), "outside_agreement" ({"mode": "flag"}), "pattern_rule"
    (``key`` the rule's code; ``proposed`` the rule's item as the rules file holds it; ``base`` {"version": n}),
    "agency_access_days" ({"days": n}; ``base`` {"days": n}), "link_thresholds" ({"lower": p, "upper": p}, match
    probabilities; ``base`` the same), "sharing_agreement" (``key`` the agreement's id, chosen when a new one is asked
    for; ``proposed`` the agreement's fields as sharing.agreements takes them, dates ISO 8601, with "create": true
    for a new one; ``base`` {"version": n}, 0 for a new one) (issue 7, attacker finding 5); "threshold_levels"
    ({"levels": {"<level>": [label, description]}}, every level; ``base`` the same, now), "outcome_rules"
    ({"rules": {code: [exclusive, usual_min_level, usual_max_level]}}, every outcome; ``base`` the same, now) and
    "immediate_risk_screening" ({"minutes": n}; ``base`` the same) (issue 7: settings that relax a safeguard);
    "rag_timescales" ({"hours": {code: working_hours}}, every level; ``base`` the same, now),
    "immediate_risk_enquiry" ({"hours": n, "lead": minutes}; ``base`` the same) and "outcome_active" (``key`` the
    outcome's code; ``proposed`` {"active": false}; ``base`` {"active": true}) (issue 7, later); "agency_lead_hours"
    ({"hours": n}, the agencies' answer lead in working hours; ``base`` the same) (issue 7, later still)."""

    class Kind(models.TextChoices):
        SEALED_ROLES = "sealed_roles", "Roles that see sealed items"
        OUTSIDE_AGREEMENT = "outside_agreement", "Outside an information-sharing agreement"
        PATTERN_RULE = "pattern_rule", "Pattern rule"
        AGENCY_ACCESS_DAYS = "agency_access_days", "Agency access window"
        LINK_THRESHOLDS = "link_thresholds", "Person matching thresholds"
        SHARING_AGREEMENT = "sharing_agreement", "Information-sharing agreement"
        THRESHOLD_LEVELS = "threshold_levels", "Threshold level words"
        OUTCOME_RULES = "outcome_rules", "Outcome rules"
        IMMEDIATE_RISK_SCREENING = "immediate_risk_screening", "Screening time for immediate risk"
        RAG_TIMESCALES = "rag_timescales", "RAG timescales"
        IMMEDIATE_RISK_ENQUIRY = "immediate_risk_enquiry", "Immediate-risk enquiry timescales"
        OUTCOME_ACTIVE = "outcome_active", "Decision outcome switched off"
        AGENCY_LEAD = "agency_lead_hours", "Agency answer lead time"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Replaced by a later change"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    key = models.CharField(max_length=60, blank=True, db_index=True)
    proposed = models.JSONField(default=dict)
    base = models.JSONField(default=dict)
    summary = models.CharField(
        max_length=300, blank=True
    )  # what changes, in words, for the approver (no personal data)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    @property
    def reference(self) -> str:
        """The change's reference in words and notices ("SC-1A2B3C4D": the first 8 hex digits of its id; what the
        command line prints, the notifications name and the settings page shows). No personal data."""
        return "SC-" + self.pk.hex[:8].upper()

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key} ({self.get_status_display()})".replace("  ", " ")

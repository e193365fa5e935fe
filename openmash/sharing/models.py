"""The secure room (issue 7): an agency's answer is made of contributed items, each with its sensitivity and the
sharing decisions recorded about it. Who sees an item is decided in one place: openmash.access.sharing."""

from django.conf import settings
from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel, VersionedModel
from openmash.sharing.choices import (
    AgreementCheck,
    AgreementStatus,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ConsentState,
    DecisionKind,
    DecisionOutcome,
    IntelAssessment,
    IntelHandling,
    IntelSource,
    ItemSensitivity,
    ItemState,
    LawfulBasis,
    OutsideAgreement,
    Part3Condition,
    Purpose,
    RefusalReason,
    ReleaseRequestStatus,
    SpecialCondition,
)

User = settings.AUTH_USER_MODEL


class ContributedItem(BaseModel):
    """One piece of what an agency holds about the children in a request: its text, sensitivity (with a category
    for sensitive and sealed items; the 3x5x2 grading for police intelligence), the agency, who wrote it and when
    (aware UTC). `state`: draft (only the agency sees it), shared into the hub, or refused. `released_at`: set when
    the agency released it out of the hub (a ShareDecision of kind release); only then does it reach the MASH pack,
    the referrer or an export. `withdrawn_at`: replaced by the agency's amended answer (no longer shown).
    `source`: "item" (written as an item), "summary" (a plain summary: the old API field), "migrated" (an answer
    recorded before items)."""

    request = models.ForeignKey("enquiries.AgencyRequest", on_delete=models.PROTECT, related_name="items")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=1)
    text = EncryptedTextField(blank=True)  # encrypted at rest (ADR 0012)
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)
    category = models.CharField(max_length=40, blank=True)  # SensitiveCategory or SealedCategory code
    intel_source = models.CharField(max_length=1, choices=IntelSource.choices, blank=True)
    intel_assessment = models.CharField(max_length=1, choices=IntelAssessment.choices, blank=True)
    intel_handling = models.CharField(max_length=1, choices=IntelHandling.choices, blank=True)
    state = models.CharField(max_length=20, choices=ItemState.choices, default=ItemState.DRAFT, db_index=True)
    refusal_reason = models.CharField(max_length=40, choices=RefusalReason.choices, blank=True)
    source = models.CharField(max_length=20, default="item")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "recorded_at"]
        indexes = [models.Index(fields=["request", "state"], name="sharing_item_request_idx")]

    def __str__(self) -> str:
        return f"Item {self.position} from {self.agency_id}"


class ShareDecision(BaseModel):
    """A recorded sharing decision (golden rule 7; DOMAIN.md 3.6 'purpose and legal basis per disclosure'): a share
    into the hub, a refusal, a release out of the hub or a refused release, never changed afterwards.

    purpose (Purpose), lawful_basis (UK GDPR art. 6), special_condition (art. 9 / DPA 2018 Sch 1, for special
    category data), part3_condition (DPA 2018 Part 3 / Sch 8, for police), consent (given / refused / not sought)
    with consent_not_sought_reason or consent_override_reason, necessity_note (necessary and proportionate: why this
    much), urgent (a child at risk of significant harm now: never blocked, recorded), outcome (the helper's answer),
    refusal_reason (a category), decided_by and decided_at (aware UTC; pages show Europe/London), via ("helper",
    "form", "api", "summary", "migration")."""

    item = models.ForeignKey(ContributedItem, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices, blank=True)
    purpose = models.CharField(max_length=30, choices=Purpose.choices, blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices, blank=True)
    special_condition = models.CharField(max_length=30, choices=SpecialCondition.choices, blank=True)
    part3_condition = models.CharField(max_length=30, choices=Part3Condition.choices, blank=True)
    consent = models.CharField(max_length=20, choices=ConsentState.choices, blank=True)
    consent_not_sought_reason = models.CharField(max_length=30, choices=ConsentNotSoughtReason.choices, blank=True)
    consent_override_reason = models.CharField(max_length=30, choices=ConsentOverrideReason.choices, blank=True)
    necessity_note = EncryptedTextField(blank=True)
    #: The deciding researcher's choice for the necessity note (standard, sensitive, sealed, as a case note's). A
    #: sealed note, and who wrote it, are read by the owning agency's researchers, the partnership's sealed roles and
    #: the writer only (access.sharing.share_note_held); the decision's codes stay shown.
    note_sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)
    urgent = models.BooleanField(default=False)
    refusal_reason = models.CharField(max_length=40, choices=RefusalReason.choices, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=20, default="form")
    # The information-sharing agreement check of a release (access.sharing.agreement_check): the agreement that
    # covers it, or none and "outside" (flagged for the privacy officer); "" = not checked (ADR 0016).
    agreement = models.ForeignKey(
        "sharing.SharingAgreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_check = models.CharField(max_length=10, choices=AgreementCheck.choices, blank=True, db_index=True)
    info_category = models.CharField(max_length=30, blank=True)  # InfoCategory code the check used

    class Meta:
        ordering = ["decided_at"]


class ReleaseRequest(BaseModel):
    """The hub or the allocated worker asks the owning agency to release an item out of the hub. The agency sees it
    in its inbox (and an in-app notification with the contact reference only); it is answered by a release or a
    refused release (a ShareDecision)."""

    item = models.ForeignKey(ContributedItem, on_delete=models.PROTECT, related_name="release_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    requested_as = models.CharField(max_length=20)  # "hub" or "worker"
    status = models.CharField(
        max_length=20, choices=ReleaseRequestStatus.choices, default=ReleaseRequestStatus.OPEN, db_index=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decision = models.ForeignKey(ShareDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at"]


class SharingSettings(BaseModel):
    """The partnership's sharing settings (one row). sealed_roles: the role codes that see sealed items, inside the
    hub and (once released) outside it. Default: MASH managers only (the sealed-envelope model: a specially granted
    role, SECURITY-TESTS.md section 2)."""

    sealed_roles = models.JSONField(default=list, blank=True)  # empty: the default (access.sharing.sealed_roles)
    # A request or release outside every active information-sharing agreement: flagged (default) or refused.
    # Urgent child protection is never refused (access.sharing.agreement_check).
    outside_agreement = models.CharField(max_length=10, choices=OutsideAgreement.choices, default=OutsideAgreement.FLAG)

    class Meta:
        verbose_name_plural = "sharing settings"


class SharingAgreement(VersionedModel):
    """An information-sharing agreement (ISA) the partnership admin records (ADR 0016): which agencies (parties)
    share which categories of information (InfoCategory codes) under which lawful bases (AgreementBasis codes),
    from `starts_on` until `ends_on` (inclusive; none = open-ended), with a reference to the signed document (where
    it is kept: text, not the document). Status draft / active / ended; only an active agreement, in its dates,
    covers a request or a release (access.sharing.agreement_check). No personal data."""

    title = models.CharField(max_length=200)
    parties = models.ManyToManyField("accounts.Agency", related_name="+")
    categories = models.JSONField(default=list)
    lawful_bases = models.JSONField(default=list)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    document_reference = models.CharField(max_length=500)
    status = models.CharField(
        max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, db_index=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["title", "starts_on"]

    def __str__(self) -> str:
        return self.title

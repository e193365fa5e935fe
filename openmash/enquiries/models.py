"""The hub's work on a contact: screening, the MASH enquiry, agency requests, decision, referral."""

from django.conf import settings
from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel, VersionedModel
from openmash.enquiries.choices import (
    EarlyHelpRequestStatus,
    EarlyHelpSource,
    EnquiryStatus,
    RequestStatus,
    ScreeningOutcome,
    Sensitivity,
)
from openmash.sharing.choices import ItemSensitivity

User = settings.AUTH_USER_MODEL


class Screening(BaseModel):
    """The screening decision on a contact (one per contact), always with a rationale."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.PROTECT, related_name="screening")
    screened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField()
    outcome = models.CharField(max_length=30, choices=ScreeningOutcome.choices)
    rag = models.CharField(max_length=20, blank=True)
    rationale = EncryptedTextField()
    # Why a MASH manager closed a contact with immediate risk without a MASH enquiry, strategy discussion or referral
    # (choices.SCREENING_CLOSING_OUTCOMES; "" otherwise).
    exception_reason = EncryptedTextField(blank=True)
    # Outcome "add_to_enquiry" (issue 6, duplicate work): the open MASH enquiry this contact joined. Its decision is
    # this contact's decision too.
    added_to = models.ForeignKey(
        "Enquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="added_screenings"
    )
    #: The screener's choice for their texts, the rationale and the exception reason (standard, sensitive, sealed, as
    #: a case note's). A sealed one is read by the partnership's sealed roles and its writer only
    #: (access.sharing.screening_text_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")


class Enquiry(VersionedModel):
    """A MASH enquiry: multi-agency checks at a RAG urgency, ending in a manager's decision."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.PROTECT, related_name="enquiry")
    status = models.CharField(max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.OPEN, db_index=True)
    rag = models.CharField(max_length=20)
    rag_set_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Who in the hub holds the enquiry (taken or assigned; see assignment.py). Not part of the version check.
    assigned_to = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="enquiries_assigned"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "enquiries"
        indexes = [models.Index(fields=["status", "due_at"], name="enquiry_queue_idx")]


class RagChange(BaseModel):
    """A RAG rating or re-rating, with the reason (required for a re-rating)."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="rag_changes")
    from_rag = models.CharField(max_length=20, blank=True)
    to_rag = models.CharField(max_length=20)
    reason = EncryptedTextField(blank=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    #: The rater's choice for the reason (standard, sensitive, sealed, as a case note's; the first rating's reason is
    #: the screening rationale and takes its level). A sealed reason is read by the partnership's sealed roles and its
    #: writer only (access.sharing.rag_change_reason_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")
    changed_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at"]


class AgencyRequest(VersionedModel):
    """A request to one partner agency for what it knows about the enquiry's subjects."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="agency_requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="information_requests")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    question = EncryptedTextField(blank=True)
    #: The asker's choice for the question (standard, sensitive, sealed: the words of a contributed item, as a case
    #: note's). A sealed question is read by the partnership's sealed roles and the asker only
    #: (access.sharing.request_question_held).
    question_sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the decision closed it unanswered.")
    # The information-sharing agreement check when it was sent (access.sharing.agreement_check, ADR 0016): the
    # agreement covering it, or none and "outside" (flagged for the privacy officer); "" = sent before agreements.
    agreement = models.ForeignKey(
        "sharing.SharingAgreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement_check = models.CharField(max_length=10, blank=True, db_index=True)
    info_category = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enquiry", "agency"], name="agency_request_one_per_agency")]
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="agency_inbox_idx")]


class AgencyResponse(VersionedModel):
    """An agency's answer: what is known, or that no information is held.

    `late` marks an answer sent after the enquiry was decided (accepted as late information; the hub is told).
    An amendment keeps the replaced content as an AgencyResponseRevision and bumps `version`."""

    request = models.OneToOneField(AgencyRequest, on_delete=models.PROTECT, related_name="response")
    responded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField()
    no_information = models.BooleanField(default=False)
    summary = EncryptedTextField(blank=True)
    risk_indicators = models.JSONField(default=list)
    relevant_dates = EncryptedTextField(max_length=500, blank=True)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    late = models.BooleanField(default=False)
    amended_at = models.DateTimeField(null=True, blank=True)
    amended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amendment_reason = EncryptedTextField(blank=True)


class AgencyResponseRevision(BaseModel):
    """A previous version of an agency's answer, kept when a researcher amends it (never changed afterwards)."""

    response = models.ForeignKey(AgencyResponse, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    no_information = models.BooleanField(default=False)
    summary = EncryptedTextField(blank=True)
    risk_indicators = models.JSONField(default=list)
    relevant_dates = EncryptedTextField(max_length=500, blank=True)
    sensitivity = models.CharField(max_length=20, choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    replaced_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField()

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["response", "version"], name="response_revision_unique")]


class Decision(BaseModel):
    """The MASH manager's decision on an enquiry: outcomes, threshold, rationale, next steps."""

    enquiry = models.OneToOneField(Enquiry, on_delete=models.PROTECT, related_name="decision")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(db_index=True)  # the decided list is newest first
    outcomes = models.JSONField(default=list)
    threshold_level = models.PositiveSmallIntegerField()
    rationale = EncryptedTextField()
    next_steps = EncryptedTextField(blank=True)
    # Unusual combinations the manager confirmed (codes from services.decision_exceptions) and why.
    exceptions = models.JSONField(default=list)
    exception_reason = EncryptedTextField(blank=True)
    #: The manager's choice for the decision's texts, the rationale, next steps and exception reason (standard,
    #: sensitive, sealed, as a case note's). A sealed one is read by the partnership's sealed roles and its writer
    #: only (access.sharing.decision_text_held); outcomes and threshold stay shown.
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")


class DecisionChild(BaseModel):
    """The decision for one subject child: outcomes and threshold can differ between children in one contact."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="children")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    outcomes = models.JSONField(default=list)
    threshold_level = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "person"], name="decision_child_unique")]


class Referral(BaseModel):
    """A contact that became a referral for one child (SSD ssd_cin_episodes / CIN CINdetails)."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    referral_date = models.DateField(db_index=True)
    source_code = models.CharField(max_length=3)
    is_re_referral = models.BooleanField(default=False)
    outcome_code = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "person"], name="referral_one_per_child_contact")]


class CaseAllocation(BaseModel):
    """A child open to children's social care, with the allocated worker. New contacts route to them.
    opened_at: when the child became open to the service; allocated_at: when the current worker was given the child
    (None when no worker, or for allocations recorded before it was kept: then `allocated_since` is opened_at)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="allocations")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "closed_at"], name="allocation_open_idx")]

    @property
    def allocated_since(self):
        """When the current worker was given the child (aware UTC; None when no worker is allocated)."""
        if self.worker_id is None:
            return None
        return self.allocated_at or self.opened_at


class Notification(BaseModel):
    """An in-app notice. Text never holds personal data: only a reference and what happened."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    contact = models.ForeignKey("contacts.Contact", null=True, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class EarlyHelpRequest(VersionedModel):
    """A hand-over to the early help service (the agency of type early help) after an early-help outcome at
    screening or at the decision. The service sees the minimum identifying details and acknowledges it."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="early_help_requests")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="early_help_requests")
    source = models.CharField(max_length=20, choices=EarlyHelpSource.choices)
    children = models.ManyToManyField("people.Person", related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=EarlyHelpRequestStatus.choices, default=EarlyHelpRequestStatus.OPEN, db_index=True
    )
    acknowledged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "agency"], name="early_help_one_per_contact")]
        indexes = [models.Index(fields=["agency", "status", "requested_at"], name="early_help_inbox_idx")]

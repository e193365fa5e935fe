"""Casework on a contact after it reaches the hub: case notes, strategy discussions (the MASH pack's own parts).

Allocations still live in `enquiries.CaseAllocation` (ADR 0004 says where they move later).
"""

from django.conf import settings
from django.db import models

from openmash.casework.choices import CaseNoteType
from openmash.core.fields import EncryptedJSONField, EncryptedTextField
from openmash.core.models import BaseModel
from openmash.sharing.choices import ItemSensitivity

User = settings.AUTH_USER_MODEL


class CaseNote(BaseModel):
    """A note the hub records on a contact (and its enquiry, when there is one). Never edited: a correction is a
    new note whose `corrects` points at the note it corrects."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="case_notes")
    enquiry = models.ForeignKey(
        "enquiries.Enquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="case_notes"
    )
    note_type = models.CharField(max_length=30, choices=CaseNoteType.choices)
    occurred_at = models.DateTimeField(help_text="When the event the note records happened.")
    text = EncryptedTextField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections")
    #: The author's choice (standard, sensitive, sealed: the words of a contributed item). A sealed note is read by
    #: the partnership's sealed roles and its author only (access.sharing.case_note_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)

    class Meta:
        ordering = ["-occurred_at", "-created_at"]
        indexes = [models.Index(fields=["contact", "-occurred_at"], name="case_note_contact_idx")]


class StrategyDiscussion(BaseModel):
    """A strategy discussion (Working Together 2023; DOMAIN.md 1.3), recorded as its own step after the MASH
    decision or screening outcome that called for it. Its decision on a section 47 enquiry has a rationale."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="strategy_discussions")
    enquiry = models.ForeignKey(
        "enquiries.Enquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    section47 = models.BooleanField(help_text="Whether a section 47 enquiry starts.")
    rationale = EncryptedTextField()
    missing_agencies_reason = EncryptedTextField(
        blank=True, help_text="Why police or health did not take part (they should: Working Together 2023)."
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    #: The recorder's choice (standard, sensitive, sealed: the words of a contributed item, as a case note's). A
    #: sealed discussion's text (rationale, absent agencies' reason, attendees, actions) is read by the partnership's
    #: sealed roles and its recorder only (access.sharing.strategy_discussion_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)

    class Meta:
        ordering = ["-held_at"]


class StrategyAttendee(BaseModel):
    """Who took part, by agency."""

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="attendees")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]


class StrategyAction(BaseModel):
    """An action agreed at the discussion, with its owner and due date."""

    discussion = models.ForeignKey(StrategyDiscussion, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField(max_length=1000)
    owner = models.CharField(max_length=200)
    owner_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField()

    class Meta:
        ordering = ["due_date", "created_at"]


class RoutedContactReceipt(BaseModel):
    """The allocated worker's acknowledgement of a contact passed to them (status "with allocated worker"): "I have
    it and take it into my work with the child" (ADR 0008). A routed contact without a receipt from the worker it
    was routed to is "not dealt with": when that worker's allocation closes it goes back to the screening queue.
    One per contact and worker; never changed."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="worker_receipts")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "worker"], name="routed_contact_receipt_unique"),
        ]


class RoutedContactReturn(BaseModel):
    """A routed contact the allocated worker had not acknowledged, sent back to the hub's screening queue when their
    allocation closed (ADR 0008). Keeps where it was (the worker, the allocation) and, when the hub had screened it to
    the worker, that earlier screening (outcome, who, when, rationale), which a new screening replaces."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="worker_returns")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    allocation = models.ForeignKey("enquiries.CaseAllocation", on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField()
    returned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = EncryptedTextField(max_length=500)
    previous_screening = EncryptedJSONField(null=True, blank=True)
    #: The level the closer chose for their reason (standard, sensitive, sealed, as a case note's). A sealed reason is
    #: read by the partnership's sealed roles and its writer only (access.sharing.routed_return_reason_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default=ItemSensitivity.STANDARD)

    class Meta:
        ordering = ["-returned_at"]

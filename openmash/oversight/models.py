"""Oversight of who looked at a child's record (issue 7): break-glass uses, the privacy officer's alerts and their
review, and CP-IS style access notices to the team that owns a flagged child.

None of these rows is ever deleted by the application (PROTECT everywhere); the free text (a break-glass reason, a
privacy officer's note) stays here and never goes into the audit trail, which holds only ids and codes.
"""

from __future__ import annotations

import secrets

from django.db import models

from openmash.core.fields import EncryptedTextField
from openmash.core.models import BaseModel
from openmash.oversight.choices import AccessOwner, AlertDecision, AlertStatus, BreakGlassCategory
from openmash.sharing.choices import ItemSensitivity

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read over the phone


def new_reference(prefix: str) -> str:
    """A random reference people can read out: `prefix`-XXXX-XXXX (e.g. BG-7KQ2-M9TD), 40 bits of randomness."""
    chars = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


class BreakGlass(BaseModel):
    """One use of emergency access: `user`, acting in `membership`, opened `person`'s full record (the resolved
    person; access.policy covers their cluster) at `started_at` until `expires_at` (aware UTC,
    OPENMASH_BREAK_GLASS_MINUTES later), with a `category` and a `reason` of at least 20 characters. Ended early by
    its user or the privacy officer (`ended_at`, `ended_by`). Source: NHS SCR emergency access (SECURITY-TESTS
    section 2, BG-1)."""

    reference = models.CharField(max_length=16, unique=True)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=30, choices=BreakGlassCategory.choices)
    reason = EncryptedTextField()  # encrypted at rest (ADR 0012)
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "break-glass use"
        indexes = [models.Index(fields=["membership", "expires_at"], name="break_glass_live_idx")]

    def __str__(self) -> str:
        return self.reference


class PrivacyAlert(BaseModel):
    """The alert a break-glass raises, and its item in the privacy officer's review queue (one per use, same
    reference). `status` moves from unreviewed to approved, flagged or escalated (choices.DECIDABLE says which may
    still be decided); each decision is a PrivacyAlertDecision row. `version` guards two officers deciding at once."""

    reference = models.CharField(max_length=16, unique=True)
    break_glass = models.OneToOneField(BreakGlass, on_delete=models.PROTECT, related_name="alert")
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.UNREVIEWED)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="privacy_alert_queue_idx")]

    def __str__(self) -> str:
        return self.reference


class PrivacyAlertDecision(BaseModel):
    """One decision on an alert by a privacy officer, with their note (required to flag or escalate)."""

    alert = models.ForeignKey(PrivacyAlert, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=AlertDecision.choices)
    note = EncryptedTextField(blank=True)
    #: The officer's choice for the note (standard, sensitive, sealed, as a case note's): a sealed one is read by its
    #: writer only, no sealed role reading the review queue (access.sharing.privacy_alert_note_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["decided_at"]


class AccessNotice(BaseModel):
    """A CP-IS style access notice (SECURITY-TESTS NT-1, P4): someone outside the team that owns a flagged child
    opened the child's record. Holds who (user, their role code and agency) and when; the recipients' in-app
    notifications carry only `reference`. At most one per viewer per child per hour."""

    reference = models.CharField(max_length=16, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    viewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    viewer_membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()
    owners = models.JSONField(default=list)  # AccessOwner codes the child had when it was opened
    basis = models.CharField(max_length=30, blank=True)  # how the viewer could open it (access.involvement)

    class Meta:
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["viewer", "person", "viewed_at"], name="access_notice_dedupe_idx")]

    def __str__(self) -> str:
        return self.reference

    def owner_labels(self) -> list[str]:
        return [AccessOwner(o).label for o in self.owners if o in AccessOwner.values]


class OversightDelivery(BaseModel):
    """Which oversight record an in-app notification (enquiries.Notification, which names only a contact) is about,
    so the home page links it to the alert or the notice. The notification's text holds only the reference."""

    notification = models.OneToOneField(
        "enquiries.Notification", on_delete=models.CASCADE, related_name="oversight_delivery"
    )
    alert = models.ForeignKey(PrivacyAlert, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    notice = models.ForeignKey(AccessNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")

"""Contacts: a concern about one or more children, as received at the front door."""

from django.conf import settings
from django.db import models

from openmash.contacts.choices import (
    Consent,
    ConsentNotSoughtReason,
    ContactPersonRole,
    ContactStatus,
    FamilyAware,
    ReferrerType,
)
from openmash.core.models import BaseModel, VersionedModel


class Contact(VersionedModel):
    """One approach to the front door about one or more children (SSD ssd_contacts, grouped per event)."""

    reference = models.CharField(max_length=20, unique=True)
    received_at = models.DateTimeField(db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_recorded"
    )
    recording_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="contacts_recorded")
    source_code = models.CharField(max_length=3)
    referrer_type = models.CharField(max_length=20, choices=ReferrerType.choices, default=ReferrerType.PROFESSIONAL)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_identity_protected = models.BooleanField(default=False)
    narrative = models.TextField()
    concern_codes = models.JSONField(default=list)
    family_aware = models.CharField(max_length=10, choices=FamilyAware.choices, default=FamilyAware.UNKNOWN)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_not_sought_reason = models.CharField(max_length=20, choices=ConsentNotSoughtReason.choices, blank=True)
    consent_detail = models.CharField(max_length=500, blank=True)
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_detail = models.CharField(max_length=1000, blank=True)
    late_recorded_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why a contact received longer ago than the partnership's late-recording window was recorded late.",
    )
    status = models.CharField(
        max_length=30, choices=ContactStatus.choices, default=ContactStatus.AWAITING_SCREENING, db_index=True
    )
    screening_due_at = models.DateTimeField(db_index=True)
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts_routed"
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recorded_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="contact_idempotency_key_unique_per_user",
            )
        ]
        indexes = [models.Index(fields=["status", "screening_due_at"], name="contact_queue_idx")]

    def __str__(self) -> str:
        return self.reference


class ContactPerson(BaseModel):
    """A person named in a contact. Subject children give one row per child per contact (Annex A List 1)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contact_links")
    role = models.CharField(max_length=30, choices=ContactPersonRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_unique"),
        ]
        indexes = [models.Index(fields=["person", "role"], name="contact_person_role_idx")]

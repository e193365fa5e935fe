"""Contacts: a concern about one or more children, as received at the front door."""

from django.conf import settings
from django.db import models

from openmash.contacts.choices import (
    ChangeKind,
    Consent,
    ConsentCondition,
    ConsentLawfulBasis,
    ConsentNotSoughtReason,
    ConsentOverrideReason,
    ContactPersonRole,
    ContactStatus,
    DashRisk,
    FamilyAware,
    ReferrerType,
    YesNoUnknown,
)
from openmash.core.fields import EncryptedJSONField, EncryptedTextField
from openmash.core.models import BaseModel, VersionedModel
from openmash.sharing.choices import ItemSensitivity


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
    narrative = EncryptedTextField()
    concern_codes = models.JSONField(default=list)
    family_aware = models.CharField(max_length=10, choices=FamilyAware.choices, default=FamilyAware.UNKNOWN)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_not_sought_reason = models.CharField(max_length=20, choices=ConsentNotSoughtReason.choices, blank=True)
    consent_detail = EncryptedTextField(max_length=500, blank=True)  # the note about consent (free text)
    # Sharing without consent as a recorded decision (ADR 0016): why (a category) and the lawful basis; the condition
    # for health or police information when the recorder gives one. Empty when consent was obtained.
    consent_override_reason = models.CharField(max_length=30, choices=ConsentOverrideReason.choices, blank=True)
    consent_lawful_basis = models.CharField(max_length=30, choices=ConsentLawfulBasis.choices, blank=True)
    consent_condition = models.CharField(max_length=30, choices=ConsentCondition.choices, blank=True)
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_detail = EncryptedTextField(max_length=1000, blank=True)
    late_recorded_reason = EncryptedTextField(
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
    # Who in the hub holds this contact for screening (taken by a screener or assigned by a manager); see
    # openmash/enquiries/assignment.py. Not versioned: taking a contact must not make someone's amendment stale.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts_assigned"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    # Domestic abuse details (DOMAIN.md 1.5): the police incident, the DASH grade and the MARAC referral.
    police_reference = models.CharField(max_length=40, blank=True)
    incident_at = models.DateTimeField(null=True, blank=True)
    dash_risk = models.CharField(max_length=10, choices=DashRisk.choices, blank=True)
    marac_referral = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    notify_schools = models.BooleanField(
        default=False, help_text="Operation Encompass: tell each child's school that the incident happened."
    )

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
    # What the referrer told us about a child in this contact: their school and GP (partner agencies) and
    # whether they were present at the domestic abuse incident (for the Operation Encompass notice).
    school = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    gp = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    present_at_incident = models.CharField(max_length=10, choices=YesNoUnknown.choices, blank=True)
    # What the referrer named (issue 5 review, fault 2): the names, date of birth and sex as given at intake (for a
    # person picked from search, as the search showed them) and as changed by the recorder's own amendments. The
    # recorder's views of the contact are rendered from this, never from the live Person, so the hub's later
    # corrections of the child's record do not show to the referrer. Keys: AS_NAMED_KEYS (dates as ISO strings).
    as_named = models.JSONField(default=dict, blank=True)
    # True when this contact created the person's record (new details at intake or added by an amendment), False
    # when the person was picked from search or named again from an earlier contact. Only a person created here,
    # and named nowhere else, may be changed by the recorder's amendment (contacts.services.contact_amend).
    created_by_contact = models.BooleanField(default=False)

    class Meta:
        # a fixed order (when named, then id): pages number a contact's children by it (the decision form's
        # child_0, child_1, ... on the page and again on the POST), so it never depends on the database's row order
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_unique"),
        ]
        indexes = [models.Index(fields=["person", "role"], name="contact_person_role_idx")]

    def named_person(self):
        """The person as this contact's recorder named them: an unsaved Person built from `as_named` (so templates
        and schemas read full_name, date_of_birth, get_sex_display as on a record). Never touches the database."""
        from openmash.people.models import Person

        values = as_named_parse(self.as_named)
        return Person(**values)


#: The details kept in ContactPerson.as_named.
AS_NAMED_KEYS = ("kind", "forename", "surname", "date_of_birth", "expected_date_of_birth", "sex")


def as_named_of(person) -> dict:
    """In: a Person (or anything with kind, forename, surname, date_of_birth, expected_date_of_birth and sex).
    Out: the JSON-ready dict stored in ContactPerson.as_named (dates as ISO strings, None when not known)."""
    out = {}
    for key in AS_NAMED_KEYS:
        value = getattr(person, key, None)
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def as_named_parse(as_named: dict) -> dict:
    """In: a ContactPerson.as_named dict. Out: Person field values (dates parsed; missing keys give an unnamed
    person of unknown sex rather than an error)."""
    import datetime as dt

    def date(value):
        return dt.date.fromisoformat(value) if value else None

    data = as_named or {}
    return {
        "kind": data.get("kind") or "child",
        "forename": data.get("forename") or "",
        "surname": data.get("surname") or "",
        "date_of_birth": date(data.get("date_of_birth")),
        "expected_date_of_birth": date(data.get("expected_date_of_birth")),
        "sex": data.get("sex") or "U",
    }


class ContactChange(BaseModel):
    """One change to what a contact recorded, with the value it replaced: an amendment before screening (by
    the recorder or the hub) or a correction of a person's details by the hub (with a reason). Append-only;
    shown on the contact page. `field` names what changed (a contact field, a person field, or an addition
    such as person_added / identifier_added / address_added)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="changes")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    field = models.CharField(max_length=60)
    previous = EncryptedJSONField(null=True, blank=True)
    new = EncryptedJSONField(null=True, blank=True)
    reason = EncryptedTextField(max_length=500, blank=True)
    #: The hub's choice for a correction's reason (standard, sensitive, sealed, as a case note's): a sealed one is
    #: read by the partnership's sealed roles and its writer only (access.sharing.contact_change_reason_held).
    sensitivity = models.CharField(max_length=20, choices=ItemSensitivity.choices, default="standard")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    contact_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contact", "-created_at"], name="contact_change_idx")]


class EncompassNotice(BaseModel):
    """An Operation Encompass notice to a child's school (DOMAIN.md 1.5): a domestic abuse incident happened.
    Minimal by law and design: police reference, date and time, the child (name and date of birth are read from
    the person) and whether they were present; never the narrative. The school's designated safeguarding lead
    (users of the school agency) opens it in OpenMASH."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="encompass_notices")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="encompass_notices")
    police_reference = models.CharField(max_length=40)
    incident_at = models.DateTimeField()
    present = models.CharField(max_length=10, choices=YesNoUnknown.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    # the school's designated safeguarding lead confirms the school has it in hand (hub and police see it)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "person", "school"], name="encompass_notice_unique")]


class IntakeDraft(BaseModel):
    """A contact its recorder was still writing when they were signed out for being idle, kept so they can carry on
    after signing in again (practitioner review, fault 2: 16.5 minutes of typing lost to the 15-minute idle sign-out).

    One per user, only ever shown to that user; saved at each step of the intake page and by the sign-out at the
    time limit; deleted when the contact is sent or the user starts again, and after OPENMASH_INTAKE_DRAFT_HOURS.
    `answers` holds the page's fields as posted ({name: [values]}); `selected` the records picked by search (id,
    name, date of birth, as the intake keeps them in the session). Never in a URL, a log or the audit trail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_draft")
    answers = EncryptedJSONField(default=dict)
    selected = EncryptedJSONField(default=list)
    saved_at = models.DateTimeField(db_index=True)

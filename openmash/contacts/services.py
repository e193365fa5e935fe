"""Writes for contacts: intake at the front door."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from openmash.access.policy import people_linkable, require
from openmash.audit.models import AuditEvent
from openmash.audit.services import audit_record
from openmash.contacts.choices import (
    CONCERN_CODES,
    SOURCE_CODES,
    Consent,
    ConsentNotSoughtReason,
    ContactPersonRole,
    ContactStatus,
    FamilyAware,
    ReferrerType,
)
from openmash.contacts.models import Contact, ContactPerson
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.partnership.selectors import partnership_settings_get, working_calendar_get
from openmash.people.models import Person
from openmash.people.selectors import open_allocation_for
from openmash.people.services import chronology_add, people_create, person_input_validate, relationships_ensure

_REF_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXY346789"


def _new_reference() -> str:
    return "C-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def _fingerprint(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _resolve_person(actor, ref: dict, *, prefix: str, errors: dict, child: bool) -> tuple[str, Any]:
    """A person reference is either {"person_id": ...} (an existing record) or the details of a new person.

    An existing record may be linked if the actor may link it (access.policy.people_linkable), or if it came up in the actor's own intake search
    within the last day (the audit trail holds those search results): a professional can attach a concern to a
    child they found by exact name + date of birth or identifier, without gaining sight of the record, and
    cannot attach one to an arbitrary id."""
    if ref.get("person_id"):
        pid = ref["person_id"]
        person = people_linkable(actor).filter(pk=pid).first() if _is_uuid(pid) else None
        if person is None and _is_uuid(pid) and _found_by_own_search(actor, pid):
            person = Person.objects.filter(pk=pid).first()
        if person is None:
            errors.setdefault(f"{prefix}.person_id", []).append("No person with that ID was found")
            return "missing", None
        return "existing", person
    return "new", person_input_validate(ref, prefix=prefix, errors=errors, child=child)


def _found_by_own_search(actor, person_id) -> bool:
    return AuditEvent.objects.filter(
        actor_user_id=actor.user.pk,
        action="search_result",
        object_type="people.person",
        object_id=str(person_id),
        at__gte=timezone.now() - dt.timedelta(days=1),
    ).exists()


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


def _validate_contact_fields(data: dict, errors: dict[str, list[str]]) -> dict:
    def err(field: str, msg: str) -> None:
        errors.setdefault(field, []).append(msg)

    cleaned: dict[str, Any] = {}
    _validate_concern(data, cleaned, err)
    _validate_referrer(data, cleaned, err)
    _validate_consent(data, cleaned, err)
    _validate_risk(data, cleaned, err)
    return cleaned


def _validate_concern(data, cleaned, err) -> None:
    narrative = data.get("narrative") or ""
    if not narrative.strip():
        err("narrative", "Describe the concern")
    elif len(narrative) > settings.OPENMASH_MAX_NARRATIVE_CHARS:
        err("narrative", f"The description must be {settings.OPENMASH_MAX_NARRATIVE_CHARS:,} characters or fewer")
    cleaned["narrative"] = narrative
    codes = list(dict.fromkeys(data.get("concern_codes") or []))
    unknown = [str(c) for c in codes if c not in CONCERN_CODES]
    if not codes:
        err("concern_codes", "Select at least one concern category")
    if unknown:
        err("concern_codes", f"Unknown concern category code: {', '.join(unknown)}")
    cleaned["concern_codes"] = codes
    received = data.get("received_at")
    if received and timezone.is_naive(received):
        received = timezone.make_aware(received)  # a time without an offset is the partnership's local time
    if received and received > timezone.now() + dt.timedelta(minutes=5):
        err("received_at", "The time the contact was received must not be in the future")
    cleaned["received_at"] = received or timezone.now()


def _validate_referrer(data, cleaned, err) -> None:
    source = data.get("source_code") or ""
    if source and source not in SOURCE_CODES:
        err("source_code", "Unknown contact source code: use a CIN referral-source code such as 6 or 3A")
    cleaned["source_code"] = source
    rtype = data.get("referrer_type") or ReferrerType.PROFESSIONAL
    if rtype not in ReferrerType.values:
        err("referrer_type", "Referrer type must be professional or public")
    cleaned["referrer_type"] = rtype
    for field, limit in (("referrer_name", 200), ("referrer_role", 200), ("referrer_phone", 40)):
        value = (data.get(field) or "").strip()
        if len(value) > limit:
            err(field, f"Must be {limit} characters or fewer")
        cleaned[field] = value[:limit]
    family = data.get("family_aware") or FamilyAware.UNKNOWN
    if family not in FamilyAware.values:
        err("family_aware", "Say whether the family knows about this contact")
    cleaned["family_aware"] = family


def _validate_consent(data, cleaned, err) -> None:
    consent = data.get("consent") or ""
    if consent not in Consent.values:
        err("consent", "Select the consent position")
    reason = data.get("consent_not_sought_reason") or ""
    if consent == Consent.NOT_SOUGHT and reason not in ConsentNotSoughtReason.values:
        err("consent_not_sought_reason", "Select why consent was not sought")
    detail = (data.get("consent_detail") or "").strip()
    if len(detail) > 500:
        err("consent_detail", "Must be 500 characters or fewer")
    cleaned.update(
        consent=consent,
        consent_not_sought_reason=reason if consent == Consent.NOT_SOUGHT else "",
        consent_detail=detail,
    )


def _validate_risk(data, cleaned, err) -> None:
    immediate = data.get("immediate_risk")
    if immediate is None:
        err("immediate_risk", "Say whether the child is at immediate risk")
    risk_detail = (data.get("immediate_risk_detail") or "").strip()
    if immediate and not risk_detail:
        err("immediate_risk_detail", "Describe the immediate risk and what has been done")
    if len(risk_detail) > 1000:
        err("immediate_risk_detail", "Must be 1,000 characters or fewer")
    cleaned.update(immediate_risk=bool(immediate), immediate_risk_detail=risk_detail)


def contact_validate(*, actor, data: dict) -> tuple[dict, list, list]:
    errors: dict[str, list[str]] = {}
    cleaned = _validate_contact_fields(data, errors)
    subjects = data.get("subjects") or []
    if not subjects:
        errors.setdefault("subjects", []).append("Add at least one child the concern is about")
    if len(subjects) > 20:
        errors.setdefault("subjects", []).append("A contact may name at most 20 children")
    resolved_subjects = [
        _resolve_person(actor, s, prefix=f"subjects[{i}]", errors=errors, child=True) for i, s in enumerate(subjects)
    ]
    others = data.get("household") or []
    if len(others) > 30:
        errors.setdefault("household", []).append("A contact may name at most 30 other people")
    resolved_others = []
    for i, o in enumerate(others):
        role = o.get("role") or ContactPersonRole.HOUSEHOLD_MEMBER
        if role not in ContactPersonRole.values or role == ContactPersonRole.SUBJECT:
            errors.setdefault(f"household[{i}].role", []).append(
                "Role must be parent_carer, household_member or alleged_perpetrator"
            )
        resolved_others.append((role, _resolve_person(actor, o, prefix=f"household[{i}]", errors=errors, child=False)))
    if errors:
        raise ValidationFailed("There is a problem with the contact", errors=errors)
    return cleaned, resolved_subjects, resolved_others


def contact_create(*, actor, data: dict, idempotency_key: str | None = None) -> tuple[Contact, bool]:
    """Record a contact. Returns (contact, created). The same Idempotency-Key from the same user returns the
    first contact instead of creating another; reusing a key for a different request is refused."""
    require(actor, "contact.create")
    if idempotency_key is not None and not (1 <= len(idempotency_key) <= 100):
        raise ValidationFailed("Bad Idempotency-Key", errors={"Idempotency-Key": ["Must be 1 to 100 characters"]})
    fingerprint = _fingerprint(data)
    if idempotency_key:
        existing = _idempotent_existing(actor, idempotency_key, fingerprint)
        if existing:
            return existing, False
    cleaned, subjects, others = contact_validate(actor=actor, data=data)
    try:
        with transaction.atomic():
            contact = _contact_insert(actor, cleaned, subjects, others, idempotency_key, fingerprint)
    except IntegrityError:
        if idempotency_key:
            existing = _idempotent_existing(actor, idempotency_key, fingerprint)
            if existing:
                return existing, False
        raise
    return contact, True


def _idempotent_existing(actor, key: str, fingerprint: str) -> Contact | None:
    existing = Contact.objects.filter(recorded_by=actor.user, idempotency_key=key).first()
    if existing and existing.idempotency_fingerprint != fingerprint:
        raise Conflict("This Idempotency-Key was already used for a different contact.")
    return existing


def _contact_insert(actor, cleaned, subjects, others, idempotency_key, fingerprint) -> Contact:
    received_at = cleaned.pop("received_at")
    source = cleaned.pop("source_code") or (
        "9" if cleaned["referrer_type"] == ReferrerType.PUBLIC and not cleaned["referrer_name"] else ""
    )
    source = source or actor.agency.source_code
    new = [p for kind, p in [*subjects, *(ref for _, ref in others)] if kind == "new"]
    created = iter(people_create(actor=actor, cleaned_list=new))
    subject_people = [p if kind == "existing" else next(created) for kind, p in subjects]
    other_people = [(role, p if kind == "existing" else next(created)) for role, (kind, p) in others]
    partnership = partnership_settings_get()
    calendar = working_calendar_get(around=received_at.date(), settings_obj=partnership)
    due = calendar.add_working_days(received_at, partnership.screening_working_days)
    allocation = open_allocation_for([p.pk for p in subject_people])
    contact = Contact.objects.create(
        reference=_new_reference(),
        received_at=received_at,
        recorded_by=actor.user,
        recording_agency=actor.agency,
        source_code=source,
        referrer_identity_protected=cleaned["referrer_type"] == ReferrerType.PUBLIC,
        screening_due_at=due,
        status=ContactStatus.WITH_ALLOCATED_WORKER if allocation else ContactStatus.AWAITING_SCREENING,
        routed_to=allocation.worker if allocation else None,
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=fingerprint if idempotency_key else "",
        **cleaned,
    )
    seen: set = set()
    rows = []
    for p in subject_people:
        if p.pk not in seen:
            rows.append(ContactPerson(contact=contact, person=p, role=ContactPersonRole.SUBJECT))
            seen.add(p.pk)
    for role, p in other_people:
        if p.pk not in seen:
            rows.append(ContactPerson(contact=contact, person=p, role=role))
            seen.add(p.pk)
    ContactPerson.objects.bulk_create(rows)
    # What the referrer told us about the household becomes relationships to each subject child.
    by_role: dict[str, list] = {}
    for role, p in other_people:
        by_role.setdefault(role, []).extend((p.pk, child.pk) for child in subject_people)
    for role, pairs in by_role.items():
        relationships_ensure(pairs=pairs, relationship_type=role, source_contact=contact, actor=actor)
    audit_record(actor=actor, action="create", obj=contact, detail={"subjects": len(subject_people)})
    concerns = ", ".join(CONCERN_CODES[c] for c in contact.concern_codes[:3])
    chronology_add(
        person_ids=[p.pk for p in subject_people],
        occurred_at=received_at,
        kind="contact",
        summary=f"Contact {contact.reference} from {actor.agency.name}: {concerns}",
        obj=contact,
        agency=actor.agency,
    )
    if allocation:
        from openmash.enquiries.services import notification_send

        notification_send(
            user=allocation.worker,
            contact=contact,
            message=f"New contact {contact.reference} about a child allocated to you",
        )
        audit_record(actor=actor, action="route", obj=contact, detail={"to": "allocated_worker"})
    return contact

"""Reads of contacts, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from openmash.access.policy import contact_get_for, contacts_visible, require
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactPerson


def _contact_qs(actor):
    return (
        contacts_visible(actor)
        .select_related("recording_agency", "recorded_by", "routed_to")
        .prefetch_related(
            Prefetch("people", queryset=ContactPerson.objects.select_related("person").order_by("role", "created_at"))
        )
    )


@transaction.atomic
def screening_queue(*, actor, limit: int = 50) -> list[Contact]:
    """Contacts awaiting screening, soonest due first."""
    require(actor, "contact.screen")
    contacts = list(
        _contact_qs(actor).filter(status=ContactStatus.AWAITING_SCREENING).order_by("screening_due_at")[:limit]
    )
    audit_record_many(actor=actor, action="list", objects=contacts, reason="screening queue")
    return contacts


@transaction.atomic
def contact_get(*, actor, contact_id) -> Contact:
    qs = _contact_qs(actor).select_related("screening", "enquiry", "enquiry__decision")
    contact = contact_get_for(actor, contact_id, qs=qs)
    audit_record(actor=actor, action="view", obj=contact)
    return contact


def contact_just_created(contact: Contact) -> Contact:
    """A contact as contact_create returned it, with its people loaded and no screening or enquiry yet (one query,
    no audit: the creator's read-back is covered by the service's 'create' event)."""
    prefetch_related_objects(
        [contact], Prefetch("people", queryset=ContactPerson.objects.select_related("person").order_by("role"))
    )
    for name in ("screening", "enquiry"):  # known not to exist yet: cache that, so reading them costs no query
        Contact._meta.get_field(name).set_cached_value(contact, None)
    return contact


@transaction.atomic
def my_contacts(*, actor, limit: int = 50) -> list[Contact]:
    """The contacts the actor recorded (a referrer's own list, with outcomes)."""
    contacts = list(_contact_qs(actor).filter(recorded_by=actor.user).order_by("-received_at")[:limit])
    audit_record_many(actor=actor, action="list", objects=contacts, reason="my contacts")
    return contacts


@transaction.atomic
def routed_contacts(*, actor, limit: int = 50) -> list[Contact]:
    contacts = list(_contact_qs(actor).filter(routed_to=actor.user).order_by("-received_at")[:limit])
    audit_record_many(actor=actor, action="list", objects=contacts, reason="routed to me")
    return contacts


def subjects_of(contact: Contact) -> list:
    return [cp.person for cp in contact.people.all() if cp.role == ContactPersonRole.SUBJECT]


def others_of(contact: Contact) -> list:
    return [cp for cp in contact.people.all() if cp.role != ContactPersonRole.SUBJECT]


def is_overdue(due_at, now=None) -> bool:
    return due_at is not None and due_at < (now or timezone.now())

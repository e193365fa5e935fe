"""Reads of contacts, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from openmash.access.policy import contact_get_for, contacts_visible, require
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactPerson
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, day_bounds, paginate
from openmash.enquiries.assignment import assigned_filter

# The screening queue's order (issue 5, fault 1): immediate risk first, then soonest due; ties by arrival and id so
# that paging visits every contact exactly once.
QUEUE_ORDER = ("-immediate_risk", "screening_due_at", "received_at", "id")


def _contact_qs(actor):
    return (
        contacts_visible(actor)
        .select_related("recording_agency", "recorded_by", "routed_to")
        .prefetch_related(
            Prefetch("people", queryset=ContactPerson.objects.select_related("person").order_by("role", "created_at"))
        )
    )


def screening_queue_qs(
    *,
    actor,
    immediate_only: bool = False,
    overdue_only: bool = False,
    agency_code: str = "",
    assigned: str = "",
    received_from=None,
    received_to=None,
):
    """The filtered screening queue, in queue order, unevaluated (for the list and for counts that must match it).

    Filters: immediate risk only; overdue only (screening due before now); recording agency code; holder ("me",
    "none" or a user id, see enquiries.assignment.assigned_filter); received between two local dates (inclusive).
    """
    require(actor, "contact.screen")
    qs = contacts_visible(actor).filter(assigned_filter(actor, assigned), status=ContactStatus.AWAITING_SCREENING)
    if immediate_only:
        qs = qs.filter(immediate_risk=True)
    if overdue_only:
        qs = qs.filter(screening_due_at__lt=timezone.now())
    if agency_code:
        qs = qs.filter(recording_agency__code=agency_code)
    start, end = day_bounds(received_from, received_to)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lt=end)
    return qs.order_by(*QUEUE_ORDER)


@transaction.atomic
def screening_queue(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True, **filters) -> Page:
    """One page of the contacts awaiting screening (immediate risk first, then soonest due) with the true total,
    filtered as screening_queue_qs; the contacts on the page are audited as listed."""
    qs = screening_queue_qs(actor=actor, **filters).select_related(
        "recording_agency", "recorded_by", "routed_to", "assigned_to"
    )
    qs = qs.prefetch_related(
        Prefetch("people", queryset=ContactPerson.objects.select_related("person").order_by("role", "created_at"))
    )
    result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="screening queue")
    return result


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
def my_contacts(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the contacts the actor recorded, newest first, with the true total (audited as listed)."""
    qs = _contact_qs(actor).filter(recorded_by=actor.user).order_by("-received_at", "-id")
    result = paginate(qs, page=page, page_size=page_size)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="my contacts")
    return result


@transaction.atomic
def routed_contacts(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the contacts passed to the actor (an allocated worker), newest first, with the true total."""
    qs = _contact_qs(actor).filter(routed_to=actor.user).order_by("-received_at", "-id")
    result = paginate(qs, page=page, page_size=page_size)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="routed to me")
    return result


def subjects_of(contact: Contact) -> list:
    return [cp.person for cp in contact.people.all() if cp.role == ContactPersonRole.SUBJECT]


def others_of(contact: Contact) -> list:
    return [cp for cp in contact.people.all() if cp.role != ContactPersonRole.SUBJECT]


def is_overdue(due_at, now=None) -> bool:
    return due_at is not None and due_at < (now or timezone.now())

"""Reads of contacts, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When, prefetch_related_objects
from django.utils import timezone

from openmash.access.fields import contact_change_visible
from openmash.access.policy import (
    can,
    contact_amend_allowed,
    contact_get_for,
    contacts_visible,
    encompass_notice_get_for,
    encompass_notices_visible,
    person_full_record_allowed,
    require,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactChange, ContactPerson, EncompassNotice
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, day_bounds, paginate
from openmash.enquiries.assignment import assigned_filter

# The screening queue's order (issue 5, fault 1): immediate risk first, then soonest due; ties by arrival and id so
# that paging visits every contact exactly once.
QUEUE_ORDER = ("-immediate_risk", "screening_due_at", "received_at", "id")


def _contact_qs(actor):
    return (
        contacts_visible(actor)
        .select_related("recording_agency", "recorded_by", "routed_to", "assigned_to")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=ContactPerson.objects.select_related("person", "school", "gp").order_by("role", "created_at"),
            )
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
    qs = _contact_qs(actor).select_related(
        "screening", "enquiry", "enquiry__decision", "screening__added_to__decision", "screening__added_to__contact"
    )
    contact = contact_get_for(actor, contact_id, qs=qs)
    audit_record(actor=actor, action="view", obj=contact)
    return contact


def encompass_status(*, contact) -> dict:
    """What the contact page says about Operation Encompass (DOMAIN.md 1.5), from the notices themselves, the one
    source of truth (practitioner review, fault 4: the page said "not yet: no school known" to the police officer
    who had sent them, because it read a list that only the hub is given). For a contact the actor may already
    open (the caller fetched it through the access policy). Returns {"requested": bool (the contact asked for
    notices), "notices": [EncompassNotice with school] oldest first, "children_without_school": int (children a
    notice is still waiting for, as no school is known for them)}. The schools are those the contact named."""
    notices = list(
        contact.encompass_notices.select_related("school", "person", "acknowledged_by").order_by("created_at", "id")
    )
    told = {n.person_id for n in notices}
    waiting = 0
    if contact.notify_schools:
        waiting = (
            contact.people.filter(role=ContactPersonRole.SUBJECT, school__isnull=True)
            .exclude(person_id__in=told)
            .count()
        )
    return {"requested": contact.notify_schools, "notices": notices, "children_without_school": waiting}


def contact_just_created(contact: Contact) -> Contact:
    """A contact as contact_create returned it, with its people loaded and no screening or enquiry yet (one query,
    no audit: the creator's read-back is covered by the service's 'create' event)."""
    prefetch_related_objects(
        [contact],
        Prefetch("people", queryset=ContactPerson.objects.select_related("person", "school", "gp").order_by("role")),
    )
    contact._changes_cache = []  # a new contact has no change history
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
    """One page of the contacts passed to the actor (an allocated worker), with the true total: the ones they have
    not acknowledged yet first, oldest first (their work: the longest-waiting contact leads), then the acknowledged
    ones newest first. Source: issue 5 "Queues and lists" (the list was found newest first, so the contact waiting
    longest for the worker sank to the bottom)."""
    from openmash.casework.models import RoutedContactReceipt

    acknowledged = Exists(RoutedContactReceipt.objects.filter(contact_id=OuterRef("pk"), worker=actor.user))
    qs = (
        _contact_qs(actor)
        .filter(routed_to=actor.user)
        .annotate(done=Case(When(acknowledged, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by(
            "done",
            Case(When(done=0, then=F("received_at"))).asc(nulls_last=True),
            F("received_at").desc(),
            "id",
        )
    )
    result = paginate(qs, page=page, page_size=page_size)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="routed to me")
    return result


def subjects_of(contact: Contact) -> list:
    return [cp.person for cp in contact.people.all() if cp.role == ContactPersonRole.SUBJECT]


def others_of(contact: Contact) -> list:
    return [cp for cp in contact.people.all() if cp.role != ContactPersonRole.SUBJECT]


def is_overdue(due_at, now=None) -> bool:
    return due_at is not None and due_at < (now or timezone.now())


def contact_changes(*, actor, contact: Contact) -> list[ContactChange]:
    """The change history of a contact the actor has already opened (covered by that 'view' event), newest first,
    as access.fields.contact_change_visible allows: the hub sees every change; the recorder sees the changes they
    made themselves, without any change to a hub-only detail of a person's record (what the hub changed or
    corrected may come from the child's record, which recording a contact does not open: issue 5, fault 2, and
    the review's fault 1); anyone else sees none."""
    cached = getattr(contact, "_changes_cache", None)
    if cached is not None:
        return cached
    qs = contact.changes.select_related("changed_by", "agency", "person").order_by("-created_at")
    if actor.is_hub:
        return list(qs)
    if contact.recorded_by_id != actor.user.pk:
        return []
    return [c for c in qs.filter(changed_by=actor.user) if contact_change_visible(actor, contact, c)]


def contact_amendable(*, actor, contact: Contact) -> bool:
    """Whether the actor may amend this contact now: the recorder or the hub, until someone has acted on it
    (contacts.services.contact_status_amendable: before screening, or passed to the allocated worker and not yet
    acknowledged)."""
    from openmash.contacts.services import contact_status_amendable

    return contact_amend_allowed(actor, contact) and contact_status_amendable(contact)


@transaction.atomic
def encompass_notices(*, actor, unread: bool = False, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True) -> Page:
    """One page of the Operation Encompass notices the actor may open (their school's; the hub: all), with the true
    total: the notices not opened yet first, oldest first (the school's work: the longest-waiting notice leads),
    then the opened ones newest first; `unread` keeps only the unopened ones. Audited as listed. Source: issue 5
    "Queues and lists" (the list was found newest first: an unread notice from before the weekend sank below
    Monday's)."""
    require(actor, "encompass.view")
    qs = encompass_notices_visible(actor).select_related("person", "school")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    unopened = Q(read_at__isnull=True)
    qs = qs.annotate(
        opened=Case(When(unopened, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by(
        "opened",
        Case(When(unopened, then=F("created_at"))).asc(nulls_last=True),
        F("created_at").desc(),
        "id",
    )
    result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="encompass notices")
    return result


def encompass_unread_count(*, actor) -> int:
    """How many of the school's notices it has not opened yet (a count for the school's home page; no personal
    data, not audited). 0 for anyone who may not see notices."""
    if not can(actor, "encompass.view"):
        return 0
    return encompass_notices_visible(actor).filter(read_at__isnull=True).count()


@transaction.atomic
def encompass_notice_open(*, actor, notice_id) -> EncompassNotice:
    """One notice; opening it by the school marks it read. Audited."""
    require(actor, "encompass.view")
    notice = encompass_notice_get_for(
        actor, notice_id, qs=encompass_notices_visible(actor).select_related("person", "school", "acknowledged_by")
    )
    if notice.read_at is None and not actor.is_hub:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at", "updated_at"])
    audit_record(actor=actor, action="view", obj=notice)
    return notice


def current_address(*, actor, person):
    """The address a person named in a contact lives at now (not ended; the newest if several), for the hub's
    correction page; None if there is none or the actor may not see the person's full record
    (access.policy.person_full_record_allowed). Audited as a view of the person."""
    if not person_full_record_allowed(actor, person):
        return None
    address = person.addresses.filter(end_date__isnull=True).order_by("-start_date", "-created_at").first()
    if address is not None:
        audit_record(actor=actor, action="view", obj=person, detail={"address": str(address.pk)})
    return address


def partner_schools_and_gps() -> dict:
    """The partner agencies a child's school (education) and GP practice (health, GP service) are chosen from:
    agency names only, no personal data (not audited)."""
    from openmash.accounts.models import Agency

    return {"schools": list(Agency.schools()), "gps": list(Agency.gp_practices())}


def contact_by_idempotency_key(*, actor, key: str) -> Contact | None:
    """The actor's own contact recorded with this form reference (a repeated 'send' of one intake)."""
    if not key:
        return None
    return contacts_visible(actor).filter(recorded_by=actor.user, idempotency_key=key).first()

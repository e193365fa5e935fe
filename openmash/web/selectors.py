"""Read-only selectors the pages need beyond the apps' own selectors.

Every read of case data starts from a `*_visible(actor)` queryset of the access policy. Reads that return personal
data are audited (`audit_record_many`); reads that return only counts or ids the actor may already see are not, as
they disclose nothing about a person.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from openmash.access.actor import active_memberships_q
from openmash.access.policy import (
    agency_requests_visible,
    contacts_visible,
    enquiries_visible,
    people_visible,
    require,
)
from openmash.audit.services import audit_record_many
from openmash.contacts.choices import ContactPersonRole, ContactStatus
from openmash.contacts.models import Contact, ContactPerson
from openmash.enquiries.choices import EnquiryStatus, RequestStatus


def hub_counts(*, actor) -> dict[str, int]:
    """The hub's workload for the dashboard: contacts awaiting screening and open enquiries, with overdue counts."""
    require(actor, "contact.screen")
    now = timezone.now()
    contacts = contacts_visible(actor).filter(status=ContactStatus.AWAITING_SCREENING)
    c = contacts.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(screening_due_at__lt=now)),
        immediate=Count("pk", filter=Q(immediate_risk=True)),
    )
    e = (
        enquiries_visible(actor)
        .filter(status=EnquiryStatus.OPEN)
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    return {
        "awaiting": c["total"],
        "awaiting_overdue": c["overdue"],
        "awaiting_immediate": c["immediate"],
        "enquiries_open": e["total"],
        "enquiries_overdue": e["overdue"],
    }


def inbox_counts(*, actor) -> dict[str, int]:
    """A researcher's open requests and how many are overdue."""
    require(actor, "request.inbox")
    now = timezone.now()
    r = (
        agency_requests_visible(actor)
        .filter(agency_id=actor.agency_id, status=RequestStatus.OPEN)
        .aggregate(total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
    )
    return {"open": r["total"], "overdue": r["overdue"]}


@transaction.atomic
def contacts_recorded(*, actor, limit: int = 20) -> list[Contact]:
    """The contacts the actor recorded, newest first, with what is needed to say their outcome (no N+1)."""
    contacts = list(
        contacts_visible(actor)
        .filter(recorded_by=actor.user)
        .select_related("screening", "enquiry", "enquiry__decision")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=ContactPerson.objects.filter(role=ContactPersonRole.SUBJECT).select_related("person"),
                to_attr="subject_links",
            )
        )
        .order_by("-received_at")[:limit]
    )
    audit_record_many(actor=actor, action="list", objects=contacts, reason="my contacts")
    # the page names the subject children of each contact: each child shown is a read of that person
    people = {cp.person_id: cp.person for c in contacts for cp in c.subject_links}
    audit_record_many(actor=actor, action="list", objects=list(people.values()), reason="my contacts")
    return contacts


def visible_contact_ids(*, actor, ids) -> set:
    """Which of these contact ids the actor may open (to link to them, or not)."""
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(contacts_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def visible_person_ids(*, actor, ids) -> set:
    """Which of these people the actor may open."""
    ids = [i for i in ids if i]
    if not ids:
        return set()
    return set(people_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))


def enquiry_id_for_contact(*, actor, contact_id):
    """The id of the enquiry opened from a contact, if there is one the actor may see."""
    return enquiries_visible(actor).filter(contact_id=contact_id).values_list("pk", flat=True).first()


def agencies_for_requests() -> list:
    """Partner agencies the hub can ask for information (partnership configuration, not personal data)."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.filter(active=True, is_hub=False).order_by("name"))


def memberships_for(*, user) -> list:
    """The signed-in user's own active memberships, for the 'switch role' control."""
    return list(user.memberships.filter(active_memberships_q()).select_related("agency").order_by("created_at"))


def awaiting_screening_count(*, actor) -> int:
    require(actor, "contact.screen")
    return contacts_visible(actor).filter(status=ContactStatus.AWAITING_SCREENING).count()

"""THE answer to "may this actor read and write the secure messages of this MASH enquiry?" (issue 7: secure
messaging and attachments between the practitioners on an enquiry replace email; ADR 0017).

The thread of an enquiry is one room. Its members, each while their involvement lasts (checked on every request,
so involvement ended means access ended on the next one):

- the **hub**: screeners and managers of the hub agency (``Actor.is_hub``), who see every enquiry;
- the **agencies asked**: the researchers of an agency with an information request on the enquiry, while the
  request is open and for the partnership's ``agency_access_days`` after it was answered or closed (the same window
  in which they see the people in it: ``policy.agency_requests_people_open_q``);
- the **allocated worker**: a social worker with an open allocation of one of the enquiry's subject children (over
  the child's cluster of merged records, ADR 0005), for as long as that allocation is open.

Everyone else, the referrer who recorded the contact included, gets nothing (the thread answers as missing).
Members read every message and attachment on the thread and may post; a message is written for the room, whose
members the page lists above the form (ADR 0017: the secure room's release rule covers an agency's answer; a
message is a deliberate share with the members named, so it is not held back from the allocated worker).

Basis codes (for the audit event's detail): "hub", "agency_request", "allocation"; "" for none.
"""

from __future__ import annotations

from django.db.models import QuerySet

from openmash.access.policy import _allocated_to, agency_requests_people_open_q, can, memberships_allowed
from openmash.accounts.choices import Role
from openmash.core.exceptions import NotFound


def thread_basis(actor, enquiry) -> str:
    """Why `actor` may read and post on `enquiry`'s thread now: "hub", "agency_request", "allocation", or "" when
    they may not. In: an Actor (or None) and an Enquiry. One or two small queries."""
    if actor is None or enquiry is None:
        return ""
    if actor.is_hub and can(actor, "enquiry.view"):
        return "hub"
    if can(actor, "request.inbox"):
        asked = enquiry.agency_requests.filter(agency_id=actor.agency_id).filter(agency_requests_people_open_q())
        return "agency_request" if asked.exists() else ""
    if can(actor, "allocation.receive"):
        from openmash.contacts.models import ContactPerson

        mine = ContactPerson.objects.filter(
            contact_id=enquiry.contact_id, role="subject", person_id__in=_allocated_to(actor.user)
        )
        return "allocation" if mine.exists() else ""
    return ""


def thread_allowed(actor, enquiry) -> bool:
    """Whether `actor` may read and post on `enquiry`'s thread now (thread_basis is not "")."""
    return bool(thread_basis(actor, enquiry))


def thread_enquiry_get_for(actor, enquiry_id):
    """The Enquiry whose thread the actor may open, with its contact. Raises NotFound, exactly as for an enquiry
    that does not exist, when there is none or the actor is not on its thread (never reveals that it exists)."""
    from django.core.exceptions import ValidationError

    from openmash.enquiries.models import Enquiry

    try:
        enquiry = Enquiry.objects.select_related("contact").get(pk=enquiry_id)
    except (Enquiry.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None
    if not thread_allowed(actor, enquiry):
        raise NotFound()
    return enquiry


def attachment_get_for(actor, enquiry, attachment_id):
    """The Attachment `attachment_id` on `enquiry`'s thread (which the caller has already opened through
    thread_enquiry_get_for, so the access check is this request's). Raises NotFound for one on another thread or
    none at all."""
    from django.core.exceptions import ValidationError

    from openmash.messaging.models import Attachment

    if not thread_allowed(actor, enquiry):
        raise NotFound()
    try:
        return Attachment.objects.select_related("message").get(pk=attachment_id, message__enquiry_id=enquiry.pk)
    except (Attachment.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound() from None


def thread_members(enquiry) -> QuerySet:
    """Active memberships on `enquiry`'s thread now, to tell of a new message (in-app only): the hub member holding
    the enquiry (else whoever opened it), the researchers of each agency whose request is still live, and the
    social workers allocated to one of its subject children. A queryset of Membership with user and agency."""
    from openmash.accounts.models import Membership
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation

    hub_user = enquiry.assigned_to_id or enquiry.opened_by_id
    hub = memberships_allowed("enquiry.view").filter(user_id=hub_user)
    agencies = enquiry.agency_requests.filter(agency_requests_people_open_q()).values("agency_id")
    researchers = memberships_allowed("request.inbox").filter(agency_id__in=agencies)
    children = ContactPerson.objects.filter(contact_id=enquiry.contact_id, role="subject").values("person_id")
    from openmash.access.policy import people_in_clusters

    workers = CaseAllocation.objects.filter(
        closed_at__isnull=True, worker__isnull=False, person_id__in=people_in_clusters(children)
    ).values("worker_id")
    allocated = memberships_allowed("allocation.receive").filter(user_id__in=workers, role=Role.SOCIAL_WORKER)
    ids = set(hub.values_list("pk", flat=True)) | set(researchers.values_list("pk", flat=True))
    ids |= set(allocated.values_list("pk", flat=True))
    return Membership.objects.filter(pk__in=ids).select_related("user", "agency")


def thread_member_summary(enquiry) -> dict:
    """Who reads the thread, for the page's "who can read this" list: {"hub": True, "agencies": [agency names
    whose request is live, sorted], "allocated_worker": bool}. Names of agencies only, never of people."""
    agencies = sorted(
        enquiry.agency_requests.filter(agency_requests_people_open_q()).values_list("agency__name", flat=True)
    )
    from openmash.contacts.models import ContactPerson
    from openmash.enquiries.models import CaseAllocation

    children = ContactPerson.objects.filter(contact_id=enquiry.contact_id, role="subject").values("person_id")
    from openmash.access.policy import people_in_clusters

    allocated = CaseAllocation.objects.filter(
        closed_at__isnull=True, worker__isnull=False, person_id__in=people_in_clusters(children)
    ).exists()
    return {"hub": True, "agencies": agencies, "allocated_worker": allocated}


__all__ = [
    "attachment_get_for",
    "thread_allowed",
    "thread_basis",
    "thread_enquiry_get_for",
    "thread_member_summary",
    "thread_members",
]

"""Reads of the hub's workflow, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from openmash.access.policy import (
    agency_request_get_for,
    agency_requests_visible,
    can,
    enquiries_visible,
    enquiry_get_for,
    memberships_allowed,
    require,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.models import ContactPerson
from openmash.enquiries.choices import EnquiryStatus, RequestStatus
from openmash.enquiries.models import AgencyRequest, Enquiry, Notification, RagChange


def _enquiry_qs(actor):
    return (
        enquiries_visible(actor)
        .select_related("contact", "contact__recording_agency")
        .prefetch_related(
            Prefetch(
                "contact__people",
                queryset=ContactPerson.objects.filter(role="subject").select_related("person"),
                to_attr="subject_links",
            )
        )
    )


@transaction.atomic
def enquiry_list(*, actor, status: str = EnquiryStatus.OPEN, overdue_only: bool = False, limit: int = 100):
    require(actor, "enquiry.view")
    qs = _enquiry_qs(actor).annotate(
        requests_total=Count("agency_requests", distinct=True),
        requests_open=Count("agency_requests", filter=Q(agency_requests__status=RequestStatus.OPEN), distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(due_at__lt=timezone.now())
    enquiries = list(qs.order_by("due_at")[:limit])
    audit_record_many(actor=actor, action="list", objects=enquiries, reason="enquiry list")
    return enquiries


@transaction.atomic
def enquiry_get(*, actor, enquiry_id) -> Enquiry:
    qs = (
        _enquiry_qs(actor)
        .select_related("decision", "contact__screening")
        .prefetch_related(
            Prefetch(
                "agency_requests",
                queryset=AgencyRequest.objects.select_related("agency", "response", "response__responded_by").order_by(
                    "agency__name"
                ),
            ),
            Prefetch("rag_changes", queryset=RagChange.objects.select_related("changed_by")),
            Prefetch(
                "contact__people",
                queryset=ContactPerson.objects.select_related("person").order_by("role"),
                to_attr="all_people",
            ),
        )
    )
    enquiry = enquiry_get_for(actor, enquiry_id, qs=qs)
    audit_record(actor=actor, action="view", obj=enquiry)
    return enquiry


def _inbox_qs(actor):
    return (
        agency_requests_visible(actor)
        .select_related("agency", "enquiry__contact")
        .prefetch_related(
            Prefetch(
                "enquiry__contact__people",
                queryset=ContactPerson.objects.filter(role="subject")
                .select_related("person")
                .prefetch_related("person__addresses", "person__identifiers"),
                to_attr="subject_links",
            )
        )
    )


@transaction.atomic
def agency_inbox(*, actor, status: str = "", limit: int = 100) -> list[AgencyRequest]:
    """The calling user's agency inbox: only requests addressed to their agency. Open first, soonest due first."""
    require(actor, "request.inbox")
    qs = _inbox_qs(actor).filter(agency_id=actor.agency_id)
    if status:
        qs = qs.filter(status=status)
    requests = list(qs.order_by("status", "due_at")[:limit])  # "open" sorts before "responded"
    audit_record_many(actor=actor, action="list", objects=requests, reason="agency inbox")
    return requests


@transaction.atomic
def agency_request_get(*, actor, request_id) -> AgencyRequest:
    request = agency_request_get_for(actor, request_id, qs=_inbox_qs(actor).select_related("response"))
    audit_record(actor=actor, action="view", obj=request)
    return request


def notifications_for(*, actor, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(user=actor.user).select_related("contact").order_by("-created_at")[:limit])


def unread_count(*, actor) -> int:
    return Notification.objects.filter(user=actor.user, read_at__isnull=True).count()


def allocation_current(*, actor, person_id):
    """The child's open allocation (with worker), for a hub page; None when the child is not open."""
    from openmash.enquiries.models import CaseAllocation

    if not can(actor, "enquiry.view"):
        return None
    return (
        CaseAllocation.objects.filter(person_id=person_id, closed_at__isnull=True)
        .select_related("worker", "agency")
        .first()
    )


def social_workers_list(*, actor) -> list:
    """Memberships of active social workers, to allocate children to."""
    require(actor, "allocation.assign")
    return list(
        memberships_allowed("allocation.receive")
        .select_related("user", "agency")
        .order_by("user__display_name", "user__username")
    )

"""Reads of the hub's workflow, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from openmash.access.fields import person_details_for
from openmash.access.policy import (
    agency_request_get_for,
    agency_requests_visible,
    can,
    early_help_request_get_for,
    early_help_requests_visible,
    enquiries_visible,
    enquiry_get_for,
    memberships_allowed,
    require,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.choices import ContactPersonRole
from openmash.contacts.models import ContactPerson
from openmash.enquiries.choices import EarlyHelpRequestStatus, EnquiryStatus, RequestStatus
from openmash.enquiries.models import AgencyRequest, EarlyHelpRequest, Enquiry, Notification, RagChange


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
                queryset=AgencyRequest.objects.select_related(
                    "agency", "response", "response__responded_by", "response__amended_by"
                )
                .prefetch_related("response__revisions")
                .order_by("agency__name"),
            ),
            "decision__children",
            Prefetch("contact__early_help_requests", queryset=EarlyHelpRequest.objects.select_related("agency")),
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


def _people_prefetch(prefix: str) -> Prefetch:
    """Everyone named in the contact, with what the minimum identifying details need (request_people)."""
    return Prefetch(
        f"{prefix}people",
        queryset=ContactPerson.objects.select_related("person")
        .prefetch_related("person__addresses", "person__identifiers")
        .order_by("role", "person__surname", "person__forename"),
        to_attr="people_links",
    )


def _inbox_qs(actor):
    return (
        agency_requests_visible(actor)
        .select_related("agency", "enquiry__contact")
        .prefetch_related(_people_prefetch("enquiry__contact__"), "response__revisions")
    )


def request_people(actor, contact, *, children=None) -> list[dict]:
    """The people in a contact as an agency asked about it sees them: each person's details are decided by
    access.fields.person_details_for (the minimum identifying details for researchers: name, date of birth, sex,
    postcode, NHS number; docs/security/access-and-audit.md), plus "person_id" and "role": "child" for the subject
    children (only `children`, if given), then "adult" for the household adults, never the role the referrer gave
    an adult (an allegation is not an identifying detail). Used by the API and the pages alike."""
    links = getattr(contact, "people_links", None)
    if links is None:
        links = list(
            contact.people.select_related("person").prefetch_related("person__addresses", "person__identifiers")
        )
    wanted = {str(c) for c in children} if children is not None else None
    rows = []
    for cp in links:
        is_child = cp.role == ContactPersonRole.SUBJECT
        if is_child and wanted is not None and str(cp.person_id) not in wanted:
            continue
        details = person_details_for(actor, cp.person)
        details.pop("kind", None)
        rows.append({"person_id": cp.person_id, "role": "child" if is_child else "adult", **details})
    return sorted(rows, key=lambda r: r["role"] != "child")


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


def _early_help_qs(actor):
    return (
        early_help_requests_visible(actor)
        .select_related("contact", "agency")
        .prefetch_related(_people_prefetch("contact__"), "children")
    )


@transaction.atomic
def early_help_inbox(*, actor, status: str = "", limit: int = 100) -> list[EarlyHelpRequest]:
    """The early help service's hand-overs addressed to the actor's agency: open first, oldest first."""
    require(actor, "early_help.inbox")
    qs = _early_help_qs(actor).filter(agency_id=actor.agency_id)
    if status:
        qs = qs.filter(status=status)
    requests = list(qs.order_by("-status", "requested_at")[:limit])  # "open" sorts after "acknowledged"
    audit_record_many(actor=actor, action="list", objects=requests, reason="early help inbox")
    return requests


def early_help_open_count(*, actor) -> int:
    """How many hand-overs wait for the actor's agency (0 for anyone who has no early help inbox)."""
    if not can(actor, "early_help.inbox"):
        return 0
    return (
        early_help_requests_visible(actor).filter(agency_id=actor.agency_id, status=EarlyHelpRequestStatus.OPEN).count()
    )


@transaction.atomic
def early_help_request_get(*, actor, request_id) -> EarlyHelpRequest:
    request = early_help_request_get_for(actor, request_id, qs=_early_help_qs(actor))
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

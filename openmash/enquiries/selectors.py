"""Reads of the hub's workflow, audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from openmash.access.fields import early_help_case_details, field_access, person_details_for
from openmash.access.policy import (
    agency_access_days,
    agency_request_get_for,
    agency_request_people_allowed,
    agency_request_people_until,
    agency_requests_visible,
    can,
    early_help_people_allowed,
    early_help_request_get_for,
    early_help_requests_visible,
    enquiries_visible,
    enquiry_get_for,
    memberships_choosable,
    require,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.contacts.choices import ContactPersonRole
from openmash.contacts.models import ContactPerson
from openmash.core.pagination import DEFAULT_PAGE_SIZE, Page, day_bounds, paginate
from openmash.enquiries.assignment import assigned_filter
from openmash.enquiries.choices import EarlyHelpRequestStatus, EnquiryStatus, RequestStatus
from openmash.enquiries.models import AgencyRequest, EarlyHelpRequest, Enquiry, Notification, RagChange


def answer_counts(statuses, *, late: int = 0) -> dict:
    """How an enquiry's agency requests stand, from their statuses (RequestStatus values): {"asked", "answered"
    (the agency responded), "closed_unanswered" (still unanswered when the MASH decided: closed, never counted as
    answered; practitioner review, fault 5), "waiting" (open), "late" (of the answered, how many came after the
    decision: AgencyResponse.late, given by the caller who loaded the answers; ADR 0003)}. Used by the lists, the
    enquiry page, the MASH pack and the API alike."""
    statuses = list(statuses)
    return {
        "asked": len(statuses),
        "answered": sum(s == RequestStatus.RESPONDED for s in statuses),
        "closed_unanswered": sum(s == RequestStatus.CLOSED for s in statuses),
        "waiting": sum(s == RequestStatus.OPEN for s in statuses),
        "late": late,
    }


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


def _most_urgent_rag():
    """A subquery: the code of the partnership's most urgent RAG level (shortest timescale; "red" by default)."""
    from openmash.partnership.models import RagLevel

    return Subquery(RagLevel.objects.order_by("working_hours", "sort_order").values("code")[:1])


def enquiry_list_qs(
    *,
    actor,
    status: str = EnquiryStatus.OPEN,
    overdue_only: bool = False,
    immediate_only: bool = False,
    rag: str = "",
    agency_code: str = "",
    assigned: str = "",
    received_from=None,
    received_to=None,
):
    """The filtered enquiry list, ordered, unevaluated (for the list and for counts that must match it).

    Order (issue 5): open enquiries by immediate risk first, then the most urgent RAG level, then soonest due;
    decided enquiries newest decision first. Ties by id, so paging visits every enquiry exactly once.
    Filters: status ("open"/"decided"/"" for both); overdue (open and past due); immediate risk; RAG code; the
    contact's recording agency code; holder ("me", "none", a user id); contact received between two local dates.
    """
    require(actor, "enquiry.view")
    qs = enquiries_visible(actor).filter(assigned_filter(actor, assigned))
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=EnquiryStatus.OPEN, due_at__lt=timezone.now())
    if immediate_only:
        qs = qs.filter(contact__immediate_risk=True)
    if rag:
        qs = qs.filter(rag=rag)
    if agency_code:
        qs = qs.filter(contact__recording_agency__code=agency_code)
    start, end = day_bounds(received_from, received_to)
    if start:
        qs = qs.filter(contact__received_at__gte=start)
    if end:
        qs = qs.filter(contact__received_at__lt=end)
    if status == EnquiryStatus.DECIDED:
        return qs.order_by("-decision__decided_at", "-id")
    qs = qs.annotate(
        rag_rank=Case(When(rag=_most_urgent_rag(), then=Value(0)), default=Value(1), output_field=IntegerField())
    )
    return qs.order_by("-contact__immediate_risk", "rag_rank", "due_at", "id")


@transaction.atomic
def enquiry_list(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True, **filters) -> Page:
    """One page of MASH enquiries with the true total, filtered and ordered as enquiry_list_qs; the enquiries on
    the page are audited as listed. Each carries requests_total, requests_open, requests_answered and
    requests_closed (closed unanswered by the decision)."""
    qs = (
        enquiry_list_qs(actor=actor, **filters)
        .select_related("contact", "contact__recording_agency", "assigned_to", "decision")
        .prefetch_related(
            Prefetch(
                "contact__people",
                queryset=ContactPerson.objects.filter(role="subject").select_related("person"),
                to_attr="subject_links",
            )
        )
        .annotate(
            requests_total=Count("agency_requests", distinct=True),
            requests_open=Count("agency_requests", filter=Q(agency_requests__status=RequestStatus.OPEN), distinct=True),
            requests_answered=Count(
                "agency_requests", filter=Q(agency_requests__status=RequestStatus.RESPONDED), distinct=True
            ),
            requests_closed=Count(
                "agency_requests", filter=Q(agency_requests__status=RequestStatus.CLOSED), distinct=True
            ),
        )
    )
    plain = enquiry_list_qs(actor=actor, **filters)
    result = paginate(qs, page=page, page_size=page_size, clamp=clamp, count_queryset=plain)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="enquiry list")
    return result


@transaction.atomic
def enquiry_get(*, actor, enquiry_id) -> Enquiry:
    qs = (
        _enquiry_qs(actor)
        .select_related("decision", "contact__screening", "assigned_to")
        .prefetch_related(
            Prefetch(
                "agency_requests",
                queryset=AgencyRequest.objects.select_related(
                    "agency", "response", "response__responded_by", "response__amended_by"
                )
                .prefetch_related("response__revisions", "items")
                .order_by("agency__name"),
            ),
            "decision__children",
            Prefetch("contact__early_help_requests", queryset=EarlyHelpRequest.objects.select_related("agency")),
            Prefetch("rag_changes", queryset=RagChange.objects.select_related("changed_by")),
            Prefetch(
                "contact__people",
                # a fixed order within a role: the decision form numbers the children by it (child_0, child_1, ...)
                # on the page and again on the POST, so the order must never depend on the database's row order
                queryset=ContactPerson.objects.select_related("person").order_by("role", "created_at", "id"),
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


def _mark_people_access(actor, requests) -> None:
    """Set `people_until` (when the agency stops seeing the people in it: access.policy.agency_request_people_until)
    and `people_shown` on each request, with one read of the partnership's window for the whole list (none when
    every request is still open: their people are shown whatever the window)."""
    now = timezone.now()
    days = agency_access_days() if any(r.status != RequestStatus.OPEN for r in requests) else 0
    for r in requests:
        r.people_until = agency_request_people_until(r, days=days)
        r.people_shown = agency_request_people_allowed(actor, r, now=now, days=days)


def early_help_people(actor, eh) -> list[dict]:
    """The people in an early help hand-over as `request_people` gives them (the children handed over, then the
    household adults), or [] once the service's sight of them has ended (access.policy.early_help_people_allowed:
    the partnership's agency_access_days after acknowledgement), and [] when field_access(actor, eh) (field_table
    "early_help_request") does not give "people". Each person's fields are field_access's for that person. One
    answer for the API and the pages."""
    if not early_help_people_allowed(actor, eh):
        return []
    if "people" not in field_access(actor, eh, record_type="early_help_request"):
        return []
    return request_people(actor, eh.contact, children=[p.pk for p in eh.children.all()])


def request_people(actor, contact, *, children=None, request=None) -> list[dict]:
    """The people in a contact as an agency asked about it sees them: each person's details are decided by
    access.fields.person_details_for (the minimum identifying details for researchers: name, date of birth, sex,
    postcode, NHS number; docs/security/access-and-audit.md), plus "person_id" and "role": "child" for the subject
    children (only `children`, if given), then "adult" for the household adults, never the role the referrer gave
    an adult (an allegation is not an identifying detail). Used by the API and the pages alike.

    With `request` (the agency request being shown), nobody once the agency's sight of it has ended
    (access.policy.agency_request_people_allowed; the selectors mark `people_shown` on the requests they return)."""
    if request is not None:
        shown = getattr(request, "people_shown", None)
        if shown is None:
            shown = agency_request_people_allowed(actor, request)
        if not shown:
            return []
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


def agency_inbox_qs(*, actor, status: str = "", overdue_only: bool = False):
    """The calling user's agency inbox, ordered, unevaluated. Only requests addressed to the actor's agency.

    Open requests as the hub's own queue orders its enquiries (enquiry_list_qs; practitioner review: a red
    immediate-risk request sat 16th behind older amber and green ones): immediate risk first, then the most urgent
    RAG rating, then soonest due. Answered requests newest answer first; closed ones (closed: decided) newest
    closing first; all together, open first (in the open order), then the rest newest first (answered or closed,
    whichever happened). Ties by id. Source: issue 5 "Queues and lists" (decided and answered lists newest first;
    the closed list was found soonest due first, its oldest decisions on page 1)."""
    require(actor, "request.inbox")
    qs = agency_requests_visible(actor).filter(agency_id=actor.agency_id)
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=RequestStatus.OPEN, due_at__lt=timezone.now())
    if status == RequestStatus.RESPONDED:
        return qs.order_by("-response__responded_at", "-id")
    if status and status != RequestStatus.OPEN:
        return qs.order_by(F("closed_at").desc(nulls_last=True), "-due_at", "-id")
    is_open = Q(status=RequestStatus.OPEN)
    qs = qs.annotate(
        open_rank=Case(When(is_open, then=Value(0)), default=Value(1), output_field=IntegerField()),
        immediate_rank=Case(
            When(is_open & Q(enquiry__contact__immediate_risk=True), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        rag_rank=Case(
            When(is_open & Q(enquiry__rag=_most_urgent_rag()), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    )
    if status == RequestStatus.OPEN:
        return qs.order_by("open_rank", "immediate_rank", "rag_rank", "due_at", "id")
    open_due = Case(When(is_open, then=F("due_at")))
    finished = Case(When(~is_open, then=Coalesce("response__responded_at", "closed_at", "due_at")))
    return qs.order_by(
        "open_rank",
        "immediate_rank",
        "rag_rank",
        open_due.asc(nulls_last=True),
        finished.desc(nulls_last=True),
        "id",
    )


@transaction.atomic
def agency_inbox(
    *, actor, status: str = "", overdue_only: bool = False, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True
) -> Page:
    """One page of the actor's agency inbox (see agency_inbox_qs) with the true total; audited as listed."""
    qs = agency_inbox_qs(actor=actor, status=status, overdue_only=overdue_only)
    qs = qs.select_related("agency", "enquiry__contact", "response").prefetch_related(
        _people_prefetch("enquiry__contact__"), "response__revisions"
    )
    result = paginate(qs, page=page, page_size=page_size, clamp=clamp)
    _mark_people_access(actor, result.items)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="agency inbox")
    return result


@transaction.atomic
def agency_request_get(*, actor, request_id) -> AgencyRequest:
    request = agency_request_get_for(actor, request_id, qs=_inbox_qs(actor).select_related("response"))
    _mark_people_access(actor, [request])
    audit_record(actor=actor, action="view", obj=request)
    return request


def _early_help_qs(actor):
    return (
        early_help_requests_visible(actor)
        .select_related(
            "contact", "agency", "contact__recording_agency", "contact__screening", "contact__enquiry__decision"
        )
        .prefetch_related(_people_prefetch("contact__"), "children", "contact__enquiry__decision__children")
    )


EARLY_HELP_ORDERS = {
    "oldest": ("requested_at", "id"),
    "newest": ("-requested_at", "-id"),
}


def early_help_inbox_qs(*, actor, status: str = EarlyHelpRequestStatus.OPEN, order: str = ""):
    """The early help service's hand-overs to the actor's agency, filtered and ordered, unevaluated (the list and
    its tile count from the same query). status: "open" (waiting), "acknowledged" or "" (both). order: "oldest"
    (sent first: the default whenever the list holds waiting hand-overs, "open" and "", so the family waiting
    longest comes first; with both statuses the waiting ones come first, oldest first, then the acknowledged newest
    first) or "newest" (the default for "acknowledged"; asked for, today's hand-overs on page 1). Ties by id, so
    paging visits each one once. Source: issue 5 "Queues and lists" (the inbox was found newest first with both
    statuses listed: the family waiting longest was on the last page)."""
    require(actor, "early_help.inbox")
    qs = early_help_requests_visible(actor).filter(agency_id=actor.agency_id)
    if status:
        qs = qs.filter(status=status)
    order = early_help_order(status, order)
    if order == "oldest" and not status:
        waiting = Q(status=EarlyHelpRequestStatus.OPEN)
        return qs.annotate(
            waiting_rank=Case(When(waiting, then=Value(0)), default=Value(1), output_field=IntegerField())
        ).order_by(
            "waiting_rank",
            Case(When(waiting, then=F("requested_at"))).asc(nulls_last=True),
            F("requested_at").desc(),
            "id",
        )
    return qs.order_by(*EARLY_HELP_ORDERS[order])


def early_help_order(status: str, order: str = "") -> str:
    """The order the early help inbox uses: the one asked for, else "newest" for the acknowledged list only and
    "oldest" for every list that holds waiting hand-overs (one answer for the selector, the page and the API)."""
    if order in EARLY_HELP_ORDERS:
        return order
    return "newest" if status == EarlyHelpRequestStatus.ACKNOWLEDGED else "oldest"


@transaction.atomic
def early_help_inbox_page(
    *,
    actor,
    status: str = EarlyHelpRequestStatus.OPEN,
    order: str = "",
    page=1,
    page_size=DEFAULT_PAGE_SIZE,
    clamp: bool = True,
) -> Page:
    """One page of the early help inbox (early_help_inbox_qs) with the true total, each hand-over with its people
    (minimum details: request_people) and children prefetched; the hand-overs on the page are audited as listed.
    clamp=False (the API): a page past the last is empty. PermissionDenied for anyone outside the early help
    service."""
    qs = early_help_inbox_qs(actor=actor, status=status, order=order)
    window = qs.select_related("contact", "agency").prefetch_related(_people_prefetch("contact__"), "children")
    result = paginate(window, page=page, page_size=page_size, clamp=clamp)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="early help inbox")
    return result


def early_help_open_count(*, actor) -> int:
    """How many hand-overs wait for the actor's agency (0 for anyone who has no early help inbox)."""
    if not can(actor, "early_help.inbox"):
        return 0
    return (
        early_help_requests_visible(actor).filter(agency_id=actor.agency_id, status=EarlyHelpRequestStatus.OPEN).count()
    )


@transaction.atomic
def early_help_request_get(*, actor, request_id) -> EarlyHelpRequest:
    """One hand-over, with what access.fields.early_help_case_details reads loaded (the contact's agency,
    screening and decision). Audited as a view naming the case fields the reader is shown."""
    request = early_help_request_get_for(actor, request_id, qs=_early_help_qs(actor))
    shown = sorted(early_help_case_details(actor, request).get("fields", ()))
    audit_record(actor=actor, action="view", obj=request, detail={"fields": shown} if shown else None)
    return request


def notifications_for(*, actor, page=1, page_size=DEFAULT_PAGE_SIZE) -> Page:
    """One page of the actor's own notifications, newest first, with the true total (they carry no personal
    data beyond a contact reference, so they are not audited)."""
    qs = Notification.objects.filter(user=actor.user).select_related("contact").order_by("-created_at", "-id")
    return paginate(qs, page=page, page_size=page_size)


def unread_count(*, actor) -> int:
    return Notification.objects.filter(user=actor.user, read_at__isnull=True).count()


def allocation_current(*, actor, person):
    """The child's open allocation (with worker and agency), or None when the child is not open to children's
    social care. In: an actor and a person they opened (fetched through access.policy.people_visible). Whether the
    actor may be told is decided once, by access.fields.case_status_visible (the hub, and the allocated worker for
    their child): for anyone else the answer is None and the caller must not show the section at all. Read over the
    child's cluster (ADR 0005): an allocation of anyone merged with the child is the child's."""
    from openmash.access.fields import case_status_visible
    from openmash.access.policy import people_in_clusters
    from openmash.enquiries.models import CaseAllocation

    if person is None or not case_status_visible(actor, person):
        return None
    return (
        CaseAllocation.objects.filter(person_id__in=people_in_clusters([person.pk]), closed_at__isnull=True)
        .select_related("worker", "agency")
        .order_by("opened_at", "pk")
        .first()
    )


def social_workers_list(*, actor) -> list:
    """Memberships of social workers a child may be allocated to now: active, and able to sign in and work
    (access.policy.memberships_choosable, the one check every "choose a user" list uses). PermissionDenied without
    allocation.assign."""
    require(actor, "allocation.assign")
    return list(
        memberships_choosable("allocation.receive")
        .select_related("user", "agency")
        .order_by("user__display_name", "user__username")
    )

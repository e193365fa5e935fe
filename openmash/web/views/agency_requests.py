"""An agency's inbox of information requests, and answering one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import agency_request_urgency, answer_shown, field_access
from openmash.access.policy import can
from openmash.access.sharing import items_shown, request_question_held
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import RequestStatus
from openmash.partnership.selectors import rag_levels_list
from openmash.sharing.selectors import items_for_requests, open_release_requests_count
from openmash.web import presenters
from openmash.web.forms import ResponseAmendForm, ResponseForm, apply_service_errors
from openmash.web.paging import pagination


@require_safe
@actor_required
def request_inbox(request):
    """Open requests by default (immediate risk first, then the most urgent RAG rating, then soonest due; each with
    its RAG rating and immediate-risk flag: access.fields.agency_request_urgency); ?status=responded lists the
    answered ones (newest answer first), ?status=closed the ones the decision closed (newest first); ?overdue=1 only the overdue open ones. Paged (GOV.UK pagination) with the
    true total."""
    status = request.GET.get("status", RequestStatus.OPEN)
    if status not in RequestStatus.values:
        status = RequestStatus.OPEN
    overdue = status == RequestStatus.OPEN and request.GET.get("overdue") in ("1", "true", "on")
    page = enquiry_selectors.agency_inbox(
        actor=request.actor, status=status, overdue_only=overdue, page=request.GET.get("page")
    )
    now = timezone.now()
    rows = [
        {
            "r": r,
            "subjects": presenters.inbox_subjects(request.actor, r),  # children, then the household adults
            "overdue": r.status == RequestStatus.OPEN and r.due_at < now,
            "urgency": agency_request_urgency(request.actor, r),
        }
        for r in page
    ]
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Information request pages"),
        "status": status,
        "overdue": overdue,
        "rag_labels": {lvl.code: lvl.label for lvl in rag_levels_list()},
        "early_help_open": enquiry_selectors.early_help_open_count(actor=request.actor),
        "release_open": open_release_requests_count(actor=request.actor),
        "nav_active": "requests",
    }
    return render(request, "web/requests/inbox.html", ctx)


def _amend_initial(response) -> dict:
    return {
        "information_held": "no" if response.no_information else "yes",
        "summary": response.summary,
        "risk_indicators": response.risk_indicators,
        "relevant_dates": response.relevant_dates,
        "sensitivity": response.sensitivity,
        "version": response.version,
    }


def _answer_shown(actor, agency_request, response) -> dict | None:
    access = field_access(actor, agency_request, record_type="agency_answer")
    shown = answer_shown(access, response)
    if shown is not None:
        shown["summary"] = response.summary if "summary" in access else ""
    return shown


@require_http_methods(["GET", "POST"])
@actor_required
def request_detail(request, request_id):
    """One request. Open: answer it. Closed because the enquiry was decided: the answer can still be sent as late
    information (the hub is told; ADR 0003). Answered: the agency's answer, which it can amend (versioned)."""
    actor = request.actor
    agency_request = enquiry_selectors.agency_request_get(actor=actor, request_id=request_id)
    response = getattr(agency_request, "response", None) if agency_request.status == RequestStatus.RESPONDED else None
    posted = request.POST if request.method == "POST" else None
    amending = bool(posted and posted.get("form") == "amend")
    form = ResponseForm(None if amending else posted)
    amend_form = None
    if response is not None:
        amend_form = ResponseAmendForm(posted if amending else None, initial=_amend_initial(response))
    ref = agency_request.enquiry.contact.reference
    if amending and amend_form is not None and amend_form.is_valid():
        try:
            enquiry_services.agency_response_amend(
                actor=actor, request_id=agency_request.pk, **amend_form.service_kwargs()
            )
        except (ValidationFailed, Conflict, PermissionDenied) as exc:
            apply_service_errors(amend_form, exc)
        else:
            messages.success(request, f"Amended answer sent to the MASH for {ref}. The earlier version is kept.")
            return redirect("web:request_detail", request_id=agency_request.pk)
    elif posted and not amending and response is not None:
        form.is_valid()  # answered meanwhile (by a colleague): say so rather than dropping what was typed
        form.add_error(None, "This request has already been answered. You can amend your agency's answer instead.")
    elif posted and not amending and form.is_valid():
        try:
            enquiry_services.agency_response_record(actor=actor, request_id=agency_request.pk, **form.service_kwargs())
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            late = agency_request.status == RequestStatus.CLOSED
            messages.success(
                request,
                f"Late information sent to the MASH for {ref}. The MASH manager has been told."
                if late
                else f"Response sent to the MASH for {ref}.",
            )
            return redirect("web:request_inbox")
    unanswered = agency_request.status in (RequestStatus.OPEN, RequestStatus.CLOSED)
    people = presenters.inbox_subjects(actor, agency_request)
    # the secure room (issue 7): the items of this answer as the reader may see them (access.sharing.item_shown)
    items = items_shown(actor, items_for_requests([agency_request])[agency_request.pk])
    owner = can(actor, "request.respond") and agency_request.agency_id == actor.agency_id
    # the question as the reader may read it (access.sharing.request_question_held: a sealed one is held)
    agency_request.question_held = request_question_held(actor, agency_request)
    ctx = {
        "r": agency_request,
        "subjects": [p for p in people if p["role"] == "child"],
        "adults": [p for p in people if p["role"] == "adult"],
        # the answer as the one answer (access.fields.field_access "agency_answer") lets this reader see it; its
        # summary is the agency's own words (the summary item's text), shown with the answer's other fields
        "response": _answer_shown(actor, agency_request, response),
        "closed": agency_request.status == RequestStatus.CLOSED,
        "overdue": agency_request.status == RequestStatus.OPEN and agency_request.due_at < timezone.now(),
        "urgency": agency_request_urgency(actor, agency_request),
        "rag_labels": {lvl.code: lvl.label for lvl in rag_levels_list()},
        "can_respond": (unanswered or form.errors) and can(actor, "request.respond"),
        "can_amend": amend_form is not None and can(actor, "request.respond"),
        "items": items,
        "can_add_items": owner,
        "drafts": [i for i in items if i["state"] == "draft"],
        "response_form": form,
        "amend_form": amend_form,
        "form": next((f for f in (form, amend_form) if f is not None and f.is_bound and f.errors), None),
        "nav_active": "requests",
    }
    return render(request, "web/requests/detail.html", ctx)

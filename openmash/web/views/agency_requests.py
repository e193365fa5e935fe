"""An agency's inbox of information requests, and answering one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openmash.access.policy import can
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import RequestStatus
from openmash.web import presenters
from openmash.web.forms import ResponseForm, apply_service_errors
from openmash.web.paging import pagination


@actor_required
def request_inbox(request):
    """Open requests by default (soonest due first); ?status=responded lists the answered ones (newest answer
    first); ?overdue=1 only the overdue open ones. Paged (GOV.UK pagination) with the true total."""
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
            "subjects": presenters.inbox_subjects(request.actor, r),
            "overdue": r.status == RequestStatus.OPEN and r.due_at < now,
        }
        for r in page
    ]
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Information request pages"),
        "status": status,
        "overdue": overdue,
        "nav_active": "requests",
    }
    return render(request, "web/requests/inbox.html", ctx)


@actor_required
@require_http_methods(["GET", "POST"])
def request_detail(request, request_id):
    actor = request.actor
    agency_request = enquiry_selectors.agency_request_get(actor=actor, request_id=request_id)
    form = ResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry_services.agency_response_record(actor=actor, request_id=agency_request.pk, **form.service_kwargs())
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            ref = agency_request.enquiry.contact.reference
            messages.success(request, f"Response sent to the MASH for {ref}.")
            return redirect("web:request_inbox")
    is_open = agency_request.status == RequestStatus.OPEN
    ctx = {
        "r": agency_request,
        "subjects": presenters.inbox_subjects(actor, agency_request),
        "response": getattr(agency_request, "response", None) if not is_open else None,
        "overdue": is_open and agency_request.due_at < timezone.now(),
        "can_respond": (is_open or form.errors) and can(actor, "request.respond"),
        "response_form": form,
        "form": form if form.is_bound and form.errors else None,
        "nav_active": "requests",
    }
    return render(request, "web/requests/detail.html", ctx)

"""An agency's inbox of information requests, and answering one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.policy import can
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import RequestStatus
from openmash.web import presenters
from openmash.web.forms import ResponseForm, apply_service_errors


@require_safe
@actor_required
def request_inbox(request):
    """Open requests by default (soonest due first); ?status=responded lists the answered ones.

    The status is always passed to the selector: unfiltered, it sorts answered requests first and cuts the list at
    100, so a busy agency's open requests could drop off the page.
    """
    status = request.GET.get("status", RequestStatus.OPEN)
    if status not in RequestStatus.values:
        status = RequestStatus.OPEN
    now = timezone.now()
    rows = [
        {
            "r": r,
            "subjects": presenters.inbox_subjects(request.actor, r),
            "overdue": r.status == RequestStatus.OPEN and r.due_at < now,
        }
        for r in enquiry_selectors.agency_inbox(actor=request.actor, status=status)
    ]
    return render(request, "web/requests/inbox.html", {"rows": rows, "status": status, "nav_active": "requests"})


@require_http_methods(["GET", "POST"])
@actor_required
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

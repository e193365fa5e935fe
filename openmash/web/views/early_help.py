"""The early help service's inbox of hand-overs from the MASH (an early-help outcome at screening or decision),
and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.policy import can
from openmash.core.exceptions import Conflict, PermissionDenied
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import EarlyHelpRequestStatus
from openmash.enquiries.selectors import request_people
from openmash.web import presenters
from openmash.web.forms import AcknowledgeForm, apply_service_errors
from openmash.web.paging import pagination


def _people(actor, eh) -> list[dict]:
    return presenters.minimum_people(request_people(actor, eh.contact, children=[p.pk for p in eh.children.all()]))


@require_safe
@actor_required
def early_help_inbox(request):
    """Waiting hand-overs by default (oldest first); ?status=acknowledged lists the acknowledged ones. Paged
    (GOV.UK pagination) with the true total."""
    status = request.GET.get("status", EarlyHelpRequestStatus.OPEN)
    if status not in EarlyHelpRequestStatus.values:
        status = EarlyHelpRequestStatus.OPEN
    page = enquiry_selectors.early_help_inbox(actor=request.actor, status=status, page=request.GET.get("page"))
    rows = [{"eh": eh, "people": _people(request.actor, eh)} for eh in page]
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Early help request pages"),
        "status": status,
        "nav_active": "requests",
    }
    return render(request, "web/early_help/inbox.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def early_help_detail(request, request_id):
    actor = request.actor
    eh = enquiry_selectors.early_help_request_get(actor=actor, request_id=request_id)
    form = AcknowledgeForm(request.POST if request.method == "POST" else None, initial={"version": eh.version})
    if request.method == "POST" and form.is_valid():
        try:
            enquiry_services.early_help_request_acknowledge(
                actor=actor, request_id=eh.pk, version=form.cleaned_data["version"]
            )
        except (Conflict, PermissionDenied) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Early help request {eh.contact.reference} acknowledged. The MASH has been told."
            )
            return redirect("web:early_help_inbox")
    people = _people(actor, eh)
    ctx = {
        "eh": eh,
        "children": [p for p in people if p["role"] == "child"],
        "adults": [p for p in people if p["role"] == "adult"],
        "can_acknowledge": eh.status == EarlyHelpRequestStatus.OPEN
        and eh.agency_id == actor.agency_id
        and can(actor, "early_help.acknowledge"),
        "ack_form": form,
        "form": form if form.is_bound and form.errors else None,
        "nav_active": "requests",
    }
    return render(request, "web/early_help/detail.html", ctx)

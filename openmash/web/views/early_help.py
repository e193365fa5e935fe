"""The early help service's inbox of hand-overs from the MASH (an early-help outcome at screening or decision),
and acknowledging one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import early_help_case_details
from openmash.access.policy import can, early_help_people_allowed, early_help_people_until
from openmash.contacts.choices import Consent, ConsentNotSoughtReason, FamilyAware
from openmash.core.exceptions import Conflict, PermissionDenied
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import EarlyHelpRequestStatus
from openmash.web import presenters
from openmash.web.forms import AcknowledgeForm, apply_service_errors
from openmash.web.paging import pagination


def _people(actor, eh) -> list[dict]:
    return presenters.minimum_people(enquiry_selectors.early_help_people(actor, eh))


_STATUSES = {"open": EarlyHelpRequestStatus.OPEN, "acknowledged": EarlyHelpRequestStatus.ACKNOWLEDGED, "all": ""}


@require_safe
@actor_required
def early_help_inbox(request):
    """The early help service's hand-overs, 25 a page with the true total (GOV.UK pagination). ?status=open
    (waiting: the default), acknowledged or all; ?order=oldest or newest (oldest first by default whenever waiting
    hand-overs are listed, so the family waiting longest leads, and with "all" the waiting ones come first;
    acknowledged only: newest first; enquiries.selectors.early_help_order)."""
    status = request.GET.get("status", "open")
    if status not in _STATUSES:
        status = "open"
    order = request.GET.get("order", "")
    order = order if order in enquiry_selectors.EARLY_HELP_ORDERS else ""
    page = enquiry_selectors.early_help_inbox_page(
        actor=request.actor, status=_STATUSES[status], order=order, page=request.GET.get("page")
    )
    effective = enquiry_selectors.early_help_order(_STATUSES[status], order)
    # Waiting stays oldest first (the family waiting longest is the service's next piece of work), but a long queue
    # must not hide what arrived today (practitioners' review: 165 waiting, today's on page 7): say how many came
    # today, with a link to them, whenever they are not on this page's order.
    sent_today = 0
    if status in ("open", "all") and effective == "oldest":
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        sent_today = (
            enquiry_selectors.early_help_inbox_qs(actor=request.actor, status=_STATUSES["open"])
            .filter(requested_at__gte=today)
            .count()
        )
    rows = [{"eh": eh, "people": _people(request.actor, eh), "until": early_help_people_until(eh)} for eh in page]
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Pages of early help requests"),
        "status": status,
        "order": effective,
        "other_order": "newest" if effective == "oldest" else "oldest",
        "sent_today": sent_today,
        "nav_active": "early_help",
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
    case = early_help_case_details(actor, eh)
    ctx = {
        "eh": eh,
        "case": case,
        "consent_label": Consent(case["consent"]).label if case.get("consent") in Consent.values else "",
        "not_sought_label": ConsentNotSoughtReason(case["consent_not_sought_reason"]).label
        if case.get("consent_not_sought_reason") in ConsentNotSoughtReason.values
        else "",
        "family_aware_label": FamilyAware(case["family_aware"]).label
        if case.get("family_aware") in FamilyAware.values
        else "",
        "people_until": early_help_people_until(eh),
        "people_shown": early_help_people_allowed(actor, eh),
        "children": [p for p in people if p["role"] == "child"],
        "adults": [p for p in people if p["role"] == "adult"],
        "can_acknowledge": eh.status == EarlyHelpRequestStatus.OPEN
        and eh.agency_id == actor.agency_id
        and can(actor, "early_help.acknowledge"),
        "ack_form": form,
        "form": form if form.is_bound and form.errors else None,
        "nav_active": "early_help",
    }
    return render(request, "web/early_help/detail.html", ctx)

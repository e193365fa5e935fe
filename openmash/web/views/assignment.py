"""Taking and assigning the hub's work from the pages (services in openmash.enquiries.assignment).

Take is a POST from the queue or enquiry list, or from the contact's or enquiry's own page (then `back=detail` brings
the user back there); the loser of a race is told in a GOV.UK notification banner ("already taken by …"). A manager
assigns or re-assigns on a small page with one question, reached from the list or the item's page; a change by
someone else in the meantime is shown in the GOV.UK error summary.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.policy import require
from openmash.contacts import selectors as contact_selectors
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import assignment
from openmash.enquiries import selectors as enquiry_selectors
from openmash.web.filters import AssignForm
from openmash.web.forms import apply_service_errors

_KINDS = {
    "contact": {
        "take": assignment.contact_take,
        "assign": assignment.contact_assign,
        "id": "contact_id",
        "list": "web:screening_queue",
        "detail": "web:contact_detail",
        "what": "contact",
    },
    "enquiry": {
        "take": assignment.enquiry_take,
        "assign": assignment.enquiry_assign,
        "id": "enquiry_id",
        "list": "web:enquiry_list",
        "detail": "web:enquiry_detail",
        "what": "enquiry",
    },
}


def _back(request, spec: dict, pk):
    """Where to go after taking or assigning: the item's own page when the form came from it (or, for a contact,
    its screening page), else the list."""
    back = request.POST.get("back", request.GET.get("back"))
    if back == "detail":
        return redirect(spec["detail"], **{spec["id"]: pk})
    if back == "screen" and spec["what"] == "contact":
        return redirect("web:contact_screen", contact_id=pk)
    return redirect(spec["list"])


def _take(request, kind: str, pk):
    spec = _KINDS[kind]
    try:
        item = spec["take"](actor=request.actor, **{spec["id"]: pk})
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        reference = item.reference if kind == "contact" else item.contact.reference
        what = "contact" if kind == "contact" else "enquiry on contact"
        messages.success(request, f"You now hold the {what} {reference}. It shows as yours on the list.")
    return _back(request, spec, pk)


@require_POST
@actor_required
def contact_take(request, contact_id):
    return _take(request, "contact", contact_id)


@require_POST
@actor_required
def enquiry_take(request, enquiry_id):
    return _take(request, "enquiry", enquiry_id)


def _assign_page(request, kind: str, item, reference: str):
    spec = _KINDS[kind]
    actor = request.actor
    holders = assignment.work_assignees_list(actor=actor)  # only those who can sign in and work now
    seen = str(item.assigned_to_id or "")
    if request.method == "POST":
        form = AssignForm(request.POST, holders=holders)
        if form.is_valid():
            try:
                spec["assign"](
                    actor=actor,
                    **{spec["id"]: item.pk},
                    assign_to=form.cleaned_data["assign_to"] or None,
                    expected=form.cleaned_data["expected"] or None,
                )
            except (Conflict, ValidationFailed) as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{reference}: who holds it has been changed.")
                return _back(request, spec, item.pk)
    else:
        form = AssignForm(initial={"assign_to": seen, "expected": seen}, holders=holders)
    ctx = {
        "item": item,
        "kind": kind,
        "reference": reference,
        "assign_form": form,
        "form": form if form.errors else None,
        "list_url": spec["list"],
        "detail_url": spec["detail"],
        "back": request.POST.get("back", request.GET.get("back")) == "detail",
        "nav_active": "screening" if kind == "contact" else "enquiries",
    }
    return render(request, "web/assignment.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def contact_assignment(request, contact_id):
    require(request.actor, "work.assign")
    contact = contact_selectors.contact_get(actor=request.actor, contact_id=contact_id)
    return _assign_page(request, "contact", contact, contact.reference)


@require_http_methods(["GET", "POST"])
@actor_required
def enquiry_assignment(request, enquiry_id):
    require(request.actor, "work.assign")
    enquiry = enquiry_selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id)
    return _assign_page(request, "enquiry", enquiry, enquiry.contact.reference)


@require_safe
@actor_required
def workload(request):
    """Who holds what (practitioner review, fault 12): per hub member, the contacts awaiting screening and the open
    enquiries they hold, overdue ones apart, each figure a link to the list filtered to it."""
    require(request.actor, "work.take")
    ctx = {**assignment.workload_by_holder(actor=request.actor), "nav_active": "workload"}
    return render(request, "web/workload.html", ctx)

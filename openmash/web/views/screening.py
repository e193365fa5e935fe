"""The screening queue and the screening form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.policy import can, require
from openmash.casework import selectors as casework_selectors
from openmash.contacts import selectors as contact_selectors
from openmash.contacts.choices import ContactStatus
from openmash.core.exceptions import Conflict, NotFound, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import assignment
from openmash.enquiries import related as related_work
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import ScreeningOutcome
from openmash.enquiries.timescales import OUTSIDE_HUB_HOURS_MESSAGE, due_outside_hub_hours, hub_calendar
from openmash.partnership.selectors import rag_levels_list
from openmash.people.chronology import known_to
from openmash.people.names import names_resolve
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.filters import NOT_FILTERS, QueueFilterForm
from openmash.web.forms import IntakeMatchRejectForm, ScreeningForm, apply_service_errors
from openmash.web.paging import pagination


@require_safe
@actor_required
def screening_queue(request):
    """The screening queue: immediate risk first, then soonest due, paged (GOV.UK pagination) with its true total,
    filtered by GET parameters (web.filters.QueueFilterForm; bad values -> GOV.UK error summary)."""
    actor = request.actor
    require(actor, "contact.screen")
    holders = assignment.work_holders_list(actor=actor)
    bound = any(k not in NOT_FILTERS for k in request.GET)
    form = QueueFilterForm(
        request.GET if bound else None,
        agencies=web_selectors.agencies_list(),
        holders=holders,
        former=assignment.former_holders_list(actor=actor),
    )
    page = None
    if not bound or form.is_valid():
        filters = form.filters() if bound else {}
        page = contact_selectors.screening_queue(actor=actor, page=request.GET.get("page"), **filters)
    contacts = list(page or [])
    related = related_work.related_work_counts(actor=actor, contacts=contacts)
    calendar = hub_calendar() if contacts else None
    rows = [
        {
            "contact": c,
            "subjects": presenters.subjects(c),
            "related": [related_work.KIND_LABELS[k] for k in related.get(c.pk, [])],
            "outside_hub_hours": due_outside_hub_hours(c.screening_due_at, calendar),
        }
        for c in contacts
    ]
    names_resolve(p for row in rows for p in row["subjects"])  # the resolved names, one query (finding 2)
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Screening queue pages") if page else None,
        "filter_form": form,
        "filtered": bound and form.is_valid() and form.active(),
        "form": form if bound and form.errors else None,
        "can_take": can(actor, "work.take"),
        "can_assign": can(actor, "work.assign"),
        "outside_hub_hours_message": OUTSIDE_HUB_HOURS_MESSAGE,
        "nav_active": "screening",
    }
    return render(request, "web/screening/queue.html", ctx)


def _screen(request, contact, form, levels):
    cd = form.cleaned_data
    outcome = cd.get("outcome") or ""
    # The RAG question is revealed only for a MASH enquiry; an answer left in the hidden branch is ignored.
    rag = (cd.get("rag") or "") if outcome == ScreeningOutcome.MASH_ENQUIRY else ""
    enquiry_services.screening_record(
        actor=request.actor,
        contact_id=contact.pk,
        outcome=outcome,
        rationale=cd.get("rationale") or "",
        rag=rag,
        holder_confirmed=form.holder_confirmed_id(),
        enquiry_id=(cd.get("enquiry_id") or None) if outcome == ScreeningOutcome.ADD_TO_ENQUIRY else None,
        exception_reason=cd.get("exception_reason") or "",
        sensitivity=cd.get("sensitivity") or "standard",
    )
    if outcome == ScreeningOutcome.ADD_TO_ENQUIRY:
        messages.success(request, f"Contact {contact.reference} added to the open MASH enquiry.")
        return redirect("web:contact_detail", contact_id=contact.pk)
    if outcome == ScreeningOutcome.MASH_ENQUIRY:
        label = next((lvl.label for lvl in levels if lvl.code == rag), rag)
        enquiry_id = web_selectors.enquiry_id_for_contact(actor=request.actor, contact_id=contact.pk)
        messages.success(request, f"Contact {contact.reference} screened: MASH enquiry opened, rated {label}.")
        if enquiry_id:
            return redirect("web:enquiry_detail", enquiry_id=enquiry_id)
    else:
        messages.success(request, f"Contact {contact.reference} screened: {ScreeningOutcome(outcome).label}.")
    return redirect("web:screening_queue")


@require_http_methods(["GET", "POST"])
@actor_required
def contact_screen(request, contact_id):
    require(request.actor, "contact.screen")
    contact = contact_selectors.contact_get(actor=request.actor, contact_id=contact_id)
    levels = rag_levels_list()
    held_by = contact.assigned_to if contact.assigned_to_id not in (None, request.user.pk) else None
    related = related_work.related_work(actor=request.actor, contact=contact)
    open_enquiries = [
        (i.enquiry_id, f"contact {i.reference} from {i.agency_name}") for i in related if i.kind == "open_enquiry"
    ]
    immediate = contact.immediate_risk and contact.status == ContactStatus.AWAITING_SCREENING
    form = ScreeningForm(
        request.POST if request.method == "POST" else None,
        rag_levels=levels,
        holder=held_by,
        open_enquiries=open_enquiries,
        immediate_risk=immediate,
        immediate_risk_exception=immediate and can(request.actor, "screening.close_immediate_risk"),
    )
    reject_form = None
    if request.method == "POST" and "intake_match_reject" in request.POST:
        # "not the same child": a held intake join (ADR 0009 addendum 2), not a screening decision
        form = ScreeningForm(
            None,
            rag_levels=levels,
            holder=held_by,
            open_enquiries=open_enquiries,
            immediate_risk=immediate,
            immediate_risk_exception=immediate and can(request.actor, "screening.close_immediate_risk"),
        )
        reject_form = IntakeMatchRejectForm(request.POST)
        if reject_form.is_valid():
            try:
                enquiry_services.intake_match_reject(
                    actor=request.actor,
                    contact_id=contact.pk,
                    link_id=reject_form.cleaned_data["intake_match_reject"],
                    reason=reject_form.cleaned_data["intake_match_reason"],
                )
                messages.success(request, "Not the same child: the contact now stands for the child as described.")
                return redirect("web:contact_screen", contact_id=contact.pk)
            except (ValidationFailed, Conflict) as exc:
                apply_service_errors(reject_form, exc, key_to_field=lambda key: f"intake_match_{key}")
            except NotFound:
                reject_form.add_error(None, "That match has already been decided. Reload the page.")
    elif request.method == "POST" and form.is_valid():
        try:
            return _screen(request, contact, form, levels)
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
    people = list(contact.people.all())
    names_resolve(cp.person for cp in people)  # the resolved names the person page shows (finding 2)
    subjects = [cp for cp in people if cp.role == "subject"]
    # what partner agencies' imported records already hold about each child, where the decision is made
    known = known_to(actor=request.actor, person_ids=[cp.person_id for cp in subjects if cp.person_id])
    already_screened = contact.status != ContactStatus.AWAITING_SCREENING and not form.errors
    ctx = {
        "contact": contact,
        "form": form if form.is_bound and form.errors else None,
        "screening_form": form,
        "subjects": subjects,
        "known_to": [(cp, known[cp.person_id]) for cp in subjects if cp.person_id in known],
        "others": [cp for cp in people if cp.role != "subject"],
        "already_screened": already_screened,
        # who screened it and when ("You have already screened this contact, at …"), the same words as the service's
        "screened_message": enquiry_services.screened_already_message(
            actor=request.actor, contact_id=contact.pk, reload_hint=False
        )
        if already_screened
        else "",
        # immediate risk: the rule on closing it is shown before the screener submits (practitioner review)
        "immediate_risk_rule": enquiry_services.IMMEDIATE_RISK_CLOSE_RULE
        if immediate and not can(request.actor, "screening.close_immediate_risk")
        else "",
        "immediate_risk_manager": immediate and can(request.actor, "screening.close_immediate_risk"),
        "outside_hub_hours": contact.status == ContactStatus.AWAITING_SCREENING
        and due_outside_hub_hours(contact.screening_due_at),
        "outside_hub_hours_message": OUTSIDE_HUB_HOURS_MESSAGE,
        # a contact passed to the allocated worker is not the queue's: say so, not "Held by: Nobody" and a due time
        "routed": contact.status == ContactStatus.WITH_ALLOCATED_WORKER and contact.routed_to_id is not None,
        "routed_acknowledged": casework_selectors.routed_contact_receipt(contact=contact),
        "related": related,
        "intake_matches": web_selectors.intake_matches(actor=request.actor, contact=contact)
        if contact.status == ContactStatus.AWAITING_SCREENING
        else [],
        "reject_form": reject_form or IntakeMatchRejectForm(),
        "can_take": can(request.actor, "work.take"),
        "nav_active": "screening",
    }
    if reject_form is not None and reject_form.errors:
        ctx["form"] = reject_form
    return render(request, "web/screening/screen.html", ctx)

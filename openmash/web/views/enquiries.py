"""MASH enquiries: the list, the enquiry page and its three forms (re-rate, request information, decide)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import answer_shown, field_access
from openmash.access.policy import can, require
from openmash.access.sharing import (
    items_shown,
    outcome_texts_mark,
    rag_change_reason_held,
    request_question_held,
    sealed_roles,
)
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import assignment
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.enquiries.choices import EnquiryStatus, RequestStatus
from openmash.enquiries.timescales import OUTSIDE_HUB_HOURS_MESSAGE, due_outside_hub_hours, hub_calendar
from openmash.partnership.selectors import outcome_codes_list, rag_levels_list, threshold_levels_list
from openmash.people.names import names_resolve
from openmash.sharing.selectors import items_for_requests
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.filters import NOT_FILTERS, EnquiryFilterForm
from openmash.web.forms import AgencyRequestForm, DecisionForm, RerateForm, apply_service_errors
from openmash.web.paging import pagination
from openmash.web.views._common import first_with_errors


@require_safe
@actor_required
def enquiry_list(request):
    """Open enquiries (immediate risk, then the most urgent RAG, then soonest due) or decided ones (newest first),
    paged with the true total and filtered by GET parameters (web.filters.EnquiryFilterForm)."""
    actor = request.actor
    require(actor, "enquiry.view")
    status = request.GET.get("status", EnquiryStatus.OPEN)
    if status not in EnquiryStatus.values:
        status = EnquiryStatus.OPEN
    levels = rag_levels_list()
    bound = any(k not in NOT_FILTERS for k in request.GET)
    form = EnquiryFilterForm(
        request.GET if bound else None,
        agencies=web_selectors.agencies_list(),
        holders=assignment.work_holders_list(actor=actor),
        former=assignment.former_holders_list(actor=actor),
        rag_levels=levels,
    )
    page = None
    if not bound or form.is_valid():
        filters = form.filters() if bound else {}
        page = enquiry_selectors.enquiry_list(actor=actor, status=status, page=request.GET.get("page"), **filters)
    calendar = hub_calendar() if page and any(e.status == EnquiryStatus.OPEN for e in page) else None
    rows = [
        {
            "enquiry": e,
            "subjects": presenters.subjects(e.contact),
            "outside_hub_hours": e.status == EnquiryStatus.OPEN and due_outside_hub_hours(e.due_at, calendar),
            "counts": {
                "asked": e.requests_total,
                "answered": e.requests_answered,
                "closed_unanswered": e.requests_closed,
                "waiting": e.requests_open,
            },
            "done": e.status != EnquiryStatus.OPEN,
        }
        for e in (page or [])
    ]
    names_resolve(p for row in rows for p in row["subjects"])  # the resolved names, one query (finding 2)
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Enquiry list pages") if page else None,
        "status": status,
        "filter_form": form,
        "filtered": bound and form.is_valid() and form.active(),
        "form": form if bound and form.errors else None,
        "rag_labels": {lvl.code: lvl.label for lvl in levels},
        "can_take": status == EnquiryStatus.OPEN and can(actor, "work.take"),
        "can_assign": status == EnquiryStatus.OPEN and can(actor, "work.assign"),
        "outside_hub_hours_message": OUTSIDE_HUB_HOURS_MESSAGE,
        "nav_active": "enquiries",
    }
    return render(request, "web/enquiries/list.html", ctx)


def _subject_people(enquiry) -> list:
    return [cp.person for cp in enquiry.contact.all_people if cp.role == "subject"]


def _page(request, enquiry_id, *, rerate_form=None, request_form=None, decision_form=None, status=200, enquiry=None):
    actor = request.actor
    enquiry = enquiry or enquiry_selectors.enquiry_get(actor=actor, enquiry_id=enquiry_id)
    names_resolve(cp.person for cp in enquiry.contact.all_people)  # the person page's names (finding 2)
    levels = rag_levels_list()
    requests = list(enquiry.agency_requests.all())
    for r in requests:  # each question as the reader may read it (access.sharing.request_question_held)
        r.question_held = request_question_held(actor, r)
    asked = {r.agency_id for r in requests}
    agencies = [a for a in web_selectors.agencies_for_requests() if a.pk not in asked]
    outcome_codes = outcome_codes_list()
    thresholds = threshold_levels_list()
    is_open = enquiry.status == EnquiryStatus.OPEN
    rerate_form = rerate_form or RerateForm(rag_levels=levels)
    rerate_form.timescales(immediate_risk=enquiry.contact.immediate_risk)  # the words the first rating gave
    request_form = request_form or AgencyRequestForm(agencies=agencies)
    decision_form = decision_form or DecisionForm(
        outcome_codes=outcome_codes,
        threshold_levels=thresholds,
        children=_subject_people(enquiry),
        agencies_asked=len(requests),
    )
    now = timezone.now()
    # which parts of the enquiry and of each answer the reader sees: the one answer (access.fields.field_access)
    fields = field_access(actor, enquiry, record_type="enquiry").fields
    decision = getattr(enquiry, "decision", None) if not is_open and "decision" in fields else None
    # the screening's and decision's texts as this reader may read them (access.sharing.outcome_texts_mark)
    outcome_texts_mark(actor, screening=getattr(enquiry.contact, "screening", None), decision=decision)
    # the secure room (issue 7): each agency's items as this reader may see them (access.sharing.item_shown)
    items = items_for_requests(requests)
    roles = sealed_roles() if any(items.values()) else None  # one settings read for the page
    answers = {r.pk: field_access(actor, r, record_type="agency_answer") for r in requests}
    all_outcomes = {o.code: o.label for o in outcome_codes_list(active_only=False)}
    ctx = {
        "enquiry": enquiry,
        "contact": enquiry.contact,
        # contacts added to this enquiry at screening instead of starting parallel work (issue 6, duplicate work)
        "added_contacts": [
            sc.contact
            for sc in enquiry.added_screenings.select_related("contact__recording_agency").order_by("screened_at")
        ]
        if "added_contacts" in fields
        else [],
        "screening": getattr(enquiry.contact, "screening", None),
        "subjects": [cp for cp in enquiry.contact.all_people if cp.role == "subject"],
        "others": [cp for cp in enquiry.contact.all_people if cp.role != "subject"],
        "requests": [
            {
                "r": r,
                "response": answer_shown(
                    answers[r.pk], getattr(r, "response", None) if r.status == RequestStatus.RESPONDED else None
                ),
                "fields": answers[r.pk].fields,
                "overdue": r.status == RequestStatus.OPEN and r.due_at < now,
                "closed": r.status == RequestStatus.CLOSED,
                "items": items_shown(actor, items[r.pk], roles=roles) if "items" in answers[r.pk] else [],
            }
            for r in requests
        ]
        if "agency_answers" in fields
        else [],
        "fields": fields,
        "counts": enquiry_selectors.answer_counts(r.status for r in requests),
        "waiting_agencies": [r.agency.name for r in requests if r.status == RequestStatus.OPEN],
        "rag_changes": _rag_changes_marked(actor, enquiry) if "rag_history" in fields else [],
        "rag_labels": {lvl.code: lvl.label for lvl in levels},
        "overdue": is_open and enquiry.due_at < now,
        # due when the hub is closed (an immediate-risk enquiry runs by the clock): hand over now
        "outside_hub_hours": is_open and due_outside_hub_hours(enquiry.due_at),
        "outside_hub_hours_message": OUTSIDE_HUB_HOURS_MESSAGE,
        "is_open": is_open,
        "done": not is_open,
        "rerate_form": rerate_form,
        "request_form": request_form,
        "decision_form": decision_form,
        "can_rate": is_open and can(actor, "enquiry.rate"),
        "can_request": is_open and can(actor, "enquiry.request") and bool(agencies),
        "can_decide": is_open and can(actor, "enquiry.decide"),
        "can_take": is_open and can(actor, "work.take"),
        "can_assign": is_open and can(actor, "work.assign"),
        "decision": decision,
        "decision_outcomes": [all_outcomes.get(c, c) for c in decision.outcomes] if decision else [],
        "decision_threshold": next((t for t in thresholds if decision and t.level == decision.threshold_level), None),
        "decision_children": _decision_children(enquiry, decision, all_outcomes),
        "early_help": list(enquiry.contact.early_help_requests.all()),
        "form": first_with_errors(rerate_form, request_form, decision_form),
        "nav_active": "enquiries",
    }
    return render(request, "web/enquiries/detail.html", ctx, status=status)


def _decision_children(enquiry, decision, labels: dict) -> list[dict]:
    """Per-child outcomes, shown only when they differ between the children."""
    if decision is None:
        return []
    names = {cp.person_id: cp.person.full_name for cp in enquiry.contact.all_people}
    rows = [
        {
            "name": names.get(c.person_id, ""),
            "outcomes": [labels.get(o, o) for o in c.outcomes],
            "level": c.threshold_level,
        }
        for c in decision.children.all()
    ]
    distinct = {(tuple(r["outcomes"]), r["level"]) for r in rows}
    return rows if len(distinct) > 1 else []


@require_safe
@actor_required
def enquiry_detail(request, enquiry_id):
    return _page(request, enquiry_id)


def _back_to_enquiry(request, enquiry_id, section: str):
    """A GET on one of the enquiry's action addresses (a bookmark, the back button, a reload after sending):
    back to the enquiry page at that section, never an empty form. When the enquiry is already decided, a notice
    says so. The enquiry is read through the access policy as the page would (NotFound for whoever may not see
    it; the view is audited by the enquiry page itself)."""
    enquiry = enquiry_selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id)
    if enquiry.status != EnquiryStatus.OPEN:
        messages.info(request, "This enquiry has already been decided. The decision is shown below.")
        section = "decision"
    return redirect(f"{reverse('web:enquiry_detail', args=[enquiry_id])}#{section}")


def _rag_changes_marked(actor, enquiry) -> list:
    """The enquiry's ratings, each with ``held`` (access.sharing.rag_change_reason_held: its reason and who gave it
    are held from the reader by its sensitivity)."""
    changes = list(enquiry.rag_changes.all())
    roles = sealed_roles() if changes else None
    for c in changes:
        c.held = rag_change_reason_held(actor, c, roles=roles)
    return changes


@require_http_methods(["GET", "POST"])
@actor_required
def enquiry_rerate(request, enquiry_id):
    if request.method == "GET":
        return _back_to_enquiry(request, enquiry_id, "rag")
    form = RerateForm(request.POST, rag_levels=rag_levels_list())
    if form.is_valid():
        cd = form.cleaned_data
        try:
            enquiry = enquiry_services.enquiry_rerate(
                actor=request.actor,
                enquiry_id=enquiry_id,
                rag=cd.get("rag") or "",
                reason=cd.get("reason") or "",
                version=cd["version"],
                sensitivity=cd.get("sensitivity") or "standard",
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Enquiry re-rated {enquiry.rag}. New due times apply to open requests.")
            return redirect("web:enquiry_detail", enquiry_id=enquiry_id)
    return _page(request, enquiry_id, rerate_form=form)


@require_http_methods(["GET", "POST"])
@actor_required
def enquiry_requests(request, enquiry_id):
    if request.method == "GET":
        return _back_to_enquiry(request, enquiry_id, "agency-requests")
    agencies = web_selectors.agencies_for_requests()
    form = AgencyRequestForm(request.POST, agencies=agencies)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            created = enquiry_services.agency_requests_create(
                actor=request.actor,
                enquiry_id=enquiry_id,
                agency_codes=list(cd.get("agency_codes") or []),
                question=cd.get("question") or "",
                questions=form.questions(),
                question_sensitivity=cd.get("question_sensitivity") or "standard",
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc, form.field_for_service_key)
        else:
            names = ", ".join(r.agency.name for r in created)
            messages.success(request, f"Information requested from {names}.")
            outside = [r.agency.name for r in created if r.agreement_check == "outside"]
            if outside:
                messages.warning(
                    request,
                    f"No active information-sharing agreement covers the request to {', '.join(outside)}. It is "
                    "recorded and flagged for the privacy officer.",
                )
            return redirect("web:enquiry_detail", enquiry_id=enquiry_id)
    return _page(request, enquiry_id, request_form=form)


@require_http_methods(["GET", "POST"])
@actor_required
def enquiry_decide(request, enquiry_id):
    if request.method == "GET":
        return _back_to_enquiry(request, enquiry_id, "decision")
    enquiry = enquiry_selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id)
    form = DecisionForm(
        request.POST,
        outcome_codes=outcome_codes_list(),
        threshold_levels=threshold_levels_list(),
        children=_subject_people(enquiry),
        agencies_asked=enquiry.agency_requests.count(),
    )
    if form.is_valid():
        cd = form.cleaned_data
        try:
            enquiry_services.enquiry_decide(
                actor=request.actor,
                enquiry_id=enquiry_id,
                outcomes=list(cd.get("outcomes") or []),
                threshold_level=form.threshold(),
                rationale=cd.get("rationale") or "",
                next_steps=cd.get("next_steps") or "",
                exception_reason=cd.get("exception_reason") or "",
                children=form.children_data(),
                unanswered_confirmed=bool(cd.get("unanswered_confirmed")),
                sensitivity=cd.get("decision_sensitivity") or "standard",
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc, form.field_for_service_key)
            enquiry = enquiry if isinstance(exc, ValidationFailed) else None  # decided meanwhile: show it
        else:
            messages.success(request, "Decision recorded. The referrer has been told there is an outcome.")
            return redirect("web:enquiry_detail", enquiry_id=enquiry_id)
    return _page(request, enquiry_id, decision_form=form, enquiry=enquiry)

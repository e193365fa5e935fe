"""Pages of the oversight app (issue 7): break-glass, access notices, who has seen a record, and the privacy
officer's review queue, report of views without an involvement and subject access export.

No personal data goes in a URL: records are named by their opaque ids only, break-glass is asked for by a POST with
the person's id, and the report's filters are codes and dates. Who may do what is decided in openmash/access."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.involvement import basis_label
from openmash.access.policy import (
    access_history_allowed,
    break_glass_minutes,
    break_glass_offered,
    people_visible_ids,
    require,
)
from openmash.accounts.stepup import safe_next, stepup_required
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.pagination import Page
from openmash.core.views import actor_required
from openmash.oversight import selectors, services
from openmash.oversight.choices import DECIDABLE, AlertStatus
from openmash.oversight.forms import AlertDecisionForm, BreakGlassForm, ReportFilterForm, SubjectAccessForm
from openmash.sharing.agreements import agreement_flags
from openmash.web.forms import apply_service_errors
from openmash.web.paging import pagination

PENDING = "openmash_break_glass_person"  # the person chosen from a search, kept while the user steps up


def _uuid_or_none(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        return None


def _break_glass_page(request, form, status=200):
    return render(
        request,
        "oversight/break_glass.html",
        {"form": form, "minutes": break_glass_minutes(), "nav_active": "people"},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@actor_required
def break_glass(request):
    """Emergency access to one person's record (BG-1). A POST with only `person_id` (the offer on a search result)
    starts it; the user confirms their password (step-up) if it is not fresh, then gives a category and a reason
    (POST with all three), and is sent to the record. GET shows the form for the person chosen (kept in the
    session while they stepped up). 403 for anyone who may not use it (the hub, admins, auditors, privacy
    officers); 404 for no such person."""
    actor = request.actor
    if not break_glass_offered(actor):
        raise PermissionDenied("You do not have permission to do that.")
    here = reverse("oversight:break_glass")
    if request.method == "POST":
        person_id = _uuid_or_none(request.POST.get("person_id"))
        if person_id:
            request.session[PENDING] = person_id
        gate = stepup_required(request, next_url=here)
        if gate is not None:
            return gate
        if "category" not in request.POST and "reason" not in request.POST:
            return _break_glass_page(request, BreakGlassForm(initial={"person_id": person_id}))
        form = BreakGlassForm(request.POST)
        if form.is_valid():
            try:
                glass = services.break_glass_open(
                    actor=actor,
                    person_id=form.cleaned_data["person_id"],
                    category=form.cleaned_data["category"],
                    reason=form.cleaned_data["reason"],
                    stepped_up=True,
                )
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                request.session.pop(PENDING, None)
                messages.success(
                    request,
                    f"Emergency access {glass.reference} is open until "
                    f"{selectors.local_time(glass.expires_at)}. The privacy officer has been told.",
                )
                return redirect("web:person_detail", person_id=glass.person_id)
        return _break_glass_page(request, form)
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("web:person_search")
    gate = stepup_required(request, next_url=here)
    if gate is not None:
        return gate
    return _break_glass_page(request, BreakGlassForm(initial={"person_id": pending}))


@require_POST
@actor_required
def break_glass_end(request, break_glass_id):
    """End emergency access now (its user, or the privacy officer): the record answers 404 from the next request."""
    try:
        glass = services.break_glass_end(actor=request.actor, break_glass_id=break_glass_id)
    except Conflict as exc:
        messages.info(request, exc.message)
        return redirect(safe_next(request, request.POST.get("next")))
    messages.success(request, f"Emergency access {glass.reference} has ended.")
    return redirect(safe_next(request, request.POST.get("next")))


@require_safe
@actor_required
def access_notice(request, notice_id):
    """An access notice sent to the actor: who (role, agency) opened a record their team holds, and when."""
    actor = request.actor
    notice = selectors.access_notice_get(actor=actor, notice_id=notice_id)
    can_open = bool(people_visible_ids(actor, [notice.person_id]))
    return render(
        request,
        "oversight/access_notice.html",
        {
            "notice": notice,
            "viewer_role": notice.viewer_membership.get_role_display(),
            "basis": basis_label(notice.basis),
            "can_open": can_open,
        },
    )


@require_safe
@actor_required
def person_access_history(request, person_id):
    """Who has seen this person's record (MASH managers and the privacy officer)."""
    actor = request.actor
    person, page = selectors.person_access_history(actor=actor, person_id=person_id, page=request.GET.get("page"))
    return render(
        request,
        "oversight/person_access_history.html",
        {
            "person": person,
            "page": page,
            "pagination": pagination(request, page, label="Pages of who has seen this record"),
            "can_export": selectors.may_export(actor),
            "nav_active": "privacy" if selectors.may_export(actor) else "people",
        },
    )


@require_safe
@actor_required
def review_queue(request):
    """The privacy officer's review queue (and home of their work): alerts overdue for review first (marked), then
    the other unreviewed ones, oldest first; `status` filters (an AlertStatus code or "overdue")."""
    actor = request.actor
    require(actor, "privacy.review")
    status = request.GET.get("status", "")
    page = selectors.review_queue(actor=actor, page=request.GET.get("page"), status=status)
    return render(
        request,
        "oversight/review_queue.html",
        {
            "page": page,
            "pagination": pagination(request, page, label="Pages of alerts"),
            "status": status if status in AlertStatus.values or status == "overdue" else "",
            "statuses": AlertStatus.choices,
            "unreviewed": selectors.unreviewed_count(actor=actor),
            "overdue": selectors.overdue_count(actor=actor),
            "review_days": selectors.review_days(),
            "outside_agreement": agreement_flags(actor=actor),
            "nav_active": "privacy",
        },
    )


@require_http_methods(["GET", "POST"])
@actor_required
def alert_detail(request, alert_id):
    """One alert: who broke glass, when, on which record, the category and reason; the decision form (approve, flag
    with a note, escalate to the Caldicott guardian with a note)."""
    actor = request.actor
    require(actor, "privacy.review")
    form = AlertDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.privacy_alert_decide(
                actor=actor,
                alert_id=alert_id,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data.get("note") or "",
                version=form.cleaned_data.get("version"),
                sensitivity=form.cleaned_data.get("sensitivity") or "standard",
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Alert {alert.reference}: {alert.get_status_display().lower()}.")
            return redirect("oversight:review_queue")
    alert = selectors.alert_get(actor=actor, alert_id=alert_id)
    glass = alert.break_glass
    return render(
        request,
        "oversight/alert_detail.html",
        {
            "alert": alert,
            "glass": glass,
            "glass_role": glass.membership.get_role_display(),
            "live": selectors.is_live(glass),
            "decidable": alert.status in DECIDABLE,
            "form": form,
            "nav_active": "privacy",
        },
    )


def _report_filters(request, actor):
    from openmash.accounts.models import Agency

    agencies = list(Agency.objects.order_by("name"))
    bound = any(k in request.GET for k in ("agency", "date_from_day", "date_to_day"))
    form = ReportFilterForm(request.GET if bound else None, agencies=agencies)
    if bound and not form.is_valid():
        return form, None
    cd = form.cleaned_data if bound else {}
    filters = {"agency_code": cd.get("agency") or "", "date_from": cd.get("date_from"), "date_to": cd.get("date_to")}
    return form, filters


def _audit_filters(filters) -> dict:
    return {k: (str(v) if v else "") for k, v in filters.items()}


@require_safe
@actor_required
def report(request):
    """Views without an involvement (possible snooping), filterable by UK days and agency; break-glass views listed
    apart. Paged (50 a page); the CSV export takes the same filters."""
    actor = request.actor
    require(actor, "privacy.review")
    form, filters = _report_filters(request, actor)
    result, page, listing = None, None, None
    if filters is not None:
        result = selectors.snooping_report(actor=actor, **filters)
        page = _list_page(result.without, request.GET.get("page"))
        listing = pagination(request, page, label="Pages of views without an involvement")
        selectors.snooping_report_audit(actor=actor, report=result, action="view", filters=_audit_filters(filters))
    return render(
        request,
        "oversight/report.html",
        {
            "filter_form": form,
            "form": form if form.is_bound and form.errors else None,
            "report": result,
            "page": page,
            "pagination": listing,
            "query": request.GET.urlencode(),
            "nav_active": "privacy",
        },
    )


def _list_page(rows: list, number, size: int = 50) -> Page:
    try:
        n = max(1, int(number or 1))
    except (TypeError, ValueError):
        n = 1
    pages = max(1, -(-len(rows) // size))
    n = min(n, pages)
    return Page(items=rows[(n - 1) * size : n * size], count=len(rows), number=n, page_size=size, num_pages=pages)


@require_safe
@actor_required
def report_export(request):
    """The report as CSV (formula-safe cells), audited as an export."""
    actor = request.actor
    require(actor, "privacy.review")
    form, filters = _report_filters(request, actor)
    if filters is None:
        return redirect(f"{reverse('oversight:report')}?{request.GET.urlencode()}")
    result = selectors.snooping_report(actor=actor, **filters)
    selectors.snooping_report_audit(actor=actor, report=result, action="export", filters=_audit_filters(filters))
    response = HttpResponse(selectors.snooping_report_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="views-without-involvement.csv"'
    return response


@require_safe
@actor_required
def uses_report(request):
    """Break-glass uses by period (UK days) and agency, with how each ended and the privacy officer's outcome, and
    whether its review is overdue. Bad dates: the GOV.UK error summary. The CSV export takes the same filters."""
    actor = request.actor
    require(actor, "privacy.review")
    form, filters = _report_filters(request, actor)
    result = None
    if filters is not None:
        result = selectors.break_glass_uses(actor=actor, **filters)
        selectors.break_glass_uses_audit(actor=actor, report=result, action="list", filters=_audit_filters(filters))
    return render(
        request,
        "oversight/uses_report.html",
        {
            "filter_form": form,
            "form": form if form.is_bound and form.errors else None,
            "report": result,
            "review_days": selectors.review_days(),
            "query": request.GET.urlencode(),
            "nav_active": "privacy",
        },
    )


@require_safe
@actor_required
def uses_report_export(request):
    """The break-glass uses report as CSV (formula-safe cells), audited as an export of each alert listed."""
    actor = request.actor
    require(actor, "privacy.review")
    form, filters = _report_filters(request, actor)
    if filters is None:
        return redirect(f"{reverse('oversight:uses_report')}?{request.GET.urlencode()}")
    result = selectors.break_glass_uses(actor=actor, **filters)
    selectors.break_glass_uses_audit(actor=actor, report=result, action="export", filters=_audit_filters(filters))
    response = HttpResponse(selectors.break_glass_uses_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="break-glass-uses.csv"'
    return response


@require_http_methods(["GET", "POST"])
@actor_required
def subject_access(request):
    """The subject access export (privacy officer): a person's record ID or NHS number, then step-up, then a zip of
    every record held about them (selectors.subject_access_export). The form posts: no identifier in a URL."""
    actor = request.actor
    require(actor, "subject_access.export")
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        gate = stepup_required(request, next_url=reverse("oversight:subject_access"))
        if gate is not None:
            messages.info(request, "Confirm your password, then ask for the export again.")
            return gate
        try:
            person_id = selectors.person_for_subject_access(actor=actor, text=form.cleaned_data["person"])
            name, body = selectors.subject_access_export(actor=actor, person_id=person_id)
        except ValidationFailed as exc:
            apply_service_errors(form, exc, key_to_field=lambda key: "person")
        else:
            response = HttpResponse(body, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "oversight/subject_access.html", {"form": form, "nav_active": "privacy"})


__all__ = [
    "break_glass",
    "break_glass_end",
    "access_notice",
    "person_access_history",
    "review_queue",
    "alert_detail",
    "report",
    "report_export",
    "uses_report",
    "uses_report_export",
    "subject_access",
    "access_history_allowed",
]

"""The hub's pages for flags (issue 8; ADR 0015): "Patterns to look at" (the open flags), one flag with its
explanation and the decisions (accept into a contact or an open enquiry, dismiss with a reason, watch), and the
watch-list. Hub only: every read goes through patterns.selectors (access.policy.flags_visible, audited) and every
write through patterns.decisions_extra (flag.decide, audited, optimistic on the flag's version). Anyone else gets
403 on the lists and 404 on a flag (answered like a missing one). Everything works without JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.fields import flag_child_shown
from openmash.access.policy import can
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.views import actor_required
from openmash.patterns import decisions_extra as decisions
from openmash.patterns import selectors
from openmash.patterns.forms import (
    FlagAcceptForm,
    FlagDismissForm,
    FlagEarlyHelpOutcomeForm,
    FlagEarlyHelpSuggestForm,
    FlagWatchForm,
)
from openmash.patterns.models import FlagStatus
from openmash.web.forms import apply_service_errors
from openmash.web.paging import pagination
from openmash.web.views._common import first_with_errors


def _require_view(actor) -> None:
    if not can(actor, "flag.view"):
        raise PermissionDenied("Flags are for the MASH hub")


@require_safe
@actor_required
def flag_list(request):
    """Open flags, 25 a page with the true total. ?order=newest (default: as-of date) or strongest (most rules,
    then most contributing events)."""
    _require_view(request.actor)
    order = request.GET.get("order", "newest")
    order = order if order in selectors.FLAG_ORDERS else "newest"
    page = selectors.flags_page(actor=request.actor, order=order, page=request.GET.get("page"))
    ctx = {
        "flags": page.items,
        "page": page,
        "order": order,
        "pagination": pagination(request, page, label="Pages of flags"),
        "nav_active": "flags",
    }
    return render(request, "patterns/flag_list.html", ctx)


def _flag_page(request, flag_id, *, dismiss_form=None, watch_form=None, early_form=None, status=200):
    actor = request.actor
    flag = selectors.flag_get(actor=actor, flag_id=flag_id)
    explained = selectors.flag_explained(actor=actor, flag=flag)
    decidable = flag.status in (FlagStatus.OPEN, FlagStatus.WATCHING) and can(actor, "flag.decide")
    dismiss_form = dismiss_form or FlagDismissForm(initial={"version": flag.version})
    watch_form = watch_form or FlagWatchForm(initial={"version": flag.version, "days": "90"})
    from openmash.patterns.models import FlagEarlyHelp

    tracked = FlagEarlyHelp.objects.filter(flag=flag).select_related("request", "request__agency").first()
    early_form = early_form or (
        FlagEarlyHelpOutcomeForm(initial={"version": tracked.version})
        if tracked
        else FlagEarlyHelpSuggestForm(initial={"version": flag.version})
    )
    from openmash.access.sharing import flag_dismissal_reason_held

    ctx = {
        # the reason (and who dismissed) at its writer's level (issue 7, lawful sharing)
        "reason_held": flag_dismissal_reason_held(actor, flag),
        "early_help": tracked,
        "early_suggestable": decidable and decisions.early_help_suggestable(flag),
        "early_form": early_form,
        "flag": flag,
        "x": explained,
        "decidable": decidable,
        "can_decide": can(actor, "flag.decide"),
        "dismiss_form": dismiss_form,
        "watch_form": watch_form,
        "form": first_with_errors(dismiss_form, watch_form, early_form),
        "enquiry": decisions.open_enquiry_for(flag.child) if decidable else None,
        "nav_active": "flags",
    }
    return render(request, "patterns/flag_detail.html", ctx, status=status)


@require_safe
@actor_required
def flag_detail(request, flag_id):
    """One flag: the child, the rules that fired (with their descriptions), each contributing event in time order
    naming its agency, and the decisions. NotFound (404) for anyone outside the hub."""
    return _flag_page(request, flag_id)


@require_POST
@actor_required
def flag_dismiss(request, flag_id):
    """Dismiss with a reason: an empty reason shows the GOV.UK error summary; a stale version the conflict
    message (409)."""
    selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)  # 404 before anything else
    form = FlagDismissForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            decisions.flag_dismiss(
                actor=request.actor,
                flag_id=flag_id,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                sensitivity=form.cleaned_data["sensitivity"],
            )
        except Conflict as exc:
            apply_service_errors(form, exc)
            status = 409
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Flag dismissed. Your reason has been recorded.")
            return redirect("patterns:flag_list")
    return _flag_page(request, flag_id, dismiss_form=form, status=status)


@require_POST
@actor_required
def flag_watch(request, flag_id):
    """Watch the flag: the child goes on the watch-list for the chosen period."""
    selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)
    form = FlagWatchForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            decisions.flag_watch(
                actor=request.actor,
                flag_id=flag_id,
                version=form.cleaned_data["version"],
                days=form.cleaned_data["days"],
            )
        except Conflict as exc:
            apply_service_errors(form, exc)
            status = 409
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The child is on the watch-list. Any new event about them will show there.")
            return redirect("patterns:watch_list")
    return _flag_page(request, flag_id, watch_form=form, status=status)


@require_http_methods(["GET", "POST"])
@actor_required
def flag_accept(request, flag_id):
    """Accept the flag into a contact, prefilled with the child, the concern categories matching its events and a
    summary of the pattern (source: pattern flag); or, when the child is in an open MASH enquiry, add that contact
    to it. The consent decision is the screener's answer to the intake form's consent questions (nothing is
    preselected: a missing answer shows the error summary). 403 without flag.decide."""
    actor = request.actor
    flag = selectors.flag_get(actor=actor, flag_id=flag_id, audit=request.method == "GET")
    if not can(actor, "flag.decide"):
        raise PermissionDenied("You cannot decide flags")
    if flag.status not in (FlagStatus.OPEN, FlagStatus.WATCHING):
        raise Conflict("This flag has already been decided")
    enquiry = decisions.open_enquiry_for(flag.child)
    status = 200
    if request.method == "POST":
        form = FlagAcceptForm(request.POST, enquiry=enquiry)
        if form.is_valid():
            data = form.cleaned_data
            try:
                accepted = decisions.flag_accept(
                    actor=actor,
                    flag_id=flag.pk,
                    version=data["version"],
                    concern_codes=data["concern_codes"],
                    narrative=data["narrative"],
                    consent=form.consent_data(),
                    enquiry_id=enquiry.pk if enquiry is not None and data.get("destination") == "enquiry" else None,
                )
            except Conflict as exc:
                apply_service_errors(form, exc)
                status = 409
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                contact = accepted.contact
                messages.success(request, f"Flag accepted. Contact {contact.reference} recorded.")
                return redirect("web:contact_detail", contact_id=contact.pk)
    else:
        form = FlagAcceptForm(
            initial={
                "version": flag.version,
                # only from the events the screener may read (attacker review 2026-12, finding B)
                "concern_codes": decisions.suggested_concern_codes(flag, actor=actor),
                "narrative": decisions.concern_summary(flag, actor=actor),
            },
            enquiry=enquiry,
        )
    child = flag_child_shown(request.actor, flag)  # the one answer (access.fields, field table "flag_child")
    ctx = {
        "flag": flag,
        "form": form,
        "enquiry": enquiry,
        "child": child,
        "age": child["age"],
        "nav_active": "flags",
    }
    return render(request, "patterns/flag_accept.html", ctx, status=status)


@require_safe
@actor_required
def watch_list(request):
    """The watch-list: children watched, until when, with the events recorded about them since watching began and
    whether they are escalated (repeat contacts)."""
    _require_view(request.actor)
    page = selectors.watch_list_page(actor=request.actor, page=request.GET.get("page"))
    ctx = {
        "watches": page.items,
        "page": page,
        "pagination": pagination(request, page, label="Pages of the watch-list"),
        "escalate_at": settings.OPENMASH_WATCH_ESCALATE_CONTACTS,
        "nav_active": "watch_list",
    }
    return render(request, "patterns/watch_list.html", ctx)


@require_POST
@actor_required
def flag_early_help(request, flag_id):
    """Early help before crisis: without ``outcome``, suggest early help (a contact screened as early help, so the
    early help service's inbox gets it, recording the screener's consent decision: the intake form's consent
    questions, none preselected); with ``outcome``, record whether help was offered, accepted or declined."""
    selectors.flag_get(actor=request.actor, flag_id=flag_id, audit=False)
    status = 200
    if "outcome" in request.POST:
        form = FlagEarlyHelpOutcomeForm(request.POST)
        action = decisions.flag_early_help_outcome
        done = "Early help outcome recorded."
    else:
        form = FlagEarlyHelpSuggestForm(request.POST)
        action = decisions.flag_suggest_early_help
        done = "Early help suggested: the request is in the early help service's inbox and the child is watched."
    if form.is_valid():
        data = {"version": form.cleaned_data["version"]}
        if "outcome" in form.cleaned_data:
            data["outcome"] = form.cleaned_data["outcome"]
        else:
            data["consent"] = form.consent_data()
        try:
            action(actor=request.actor, flag_id=flag_id, **data)
        except Conflict as exc:
            apply_service_errors(form, exc)
            status = 409
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("patterns:flag_detail", flag_id=flag_id)
    return _flag_page(request, flag_id, early_form=form, status=status)

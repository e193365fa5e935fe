"""Casework pages: add a case note, record a strategy discussion, allocate siblings together, the MASH pack,
close an allocation. Writes through `casework.services`, reads through `casework.selectors`."""

from __future__ import annotations

import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openmash.access.policy import (
    can,
    case_note_correctable,
    case_note_type_allowed,
    person_full_record_allowed,
    require,
)
from openmash.casework import selectors, services
from openmash.casework.choices import CaseNoteType
from openmash.casework.forms import (
    ActionFormSet,
    AllocateTogetherForm,
    AllocationCloseForm,
    AttendeeFormSet,
    CaseNoteForm,
    StrategyDiscussionForm,
)
from openmash.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.partnership.selectors import outcome_codes_list
from openmash.people.names import names_resolve
from openmash.sharing.selectors import pack_withheld_by_agency
from openmash.web.forms import apply_service_errors, forms_quiet, formset_resize

_ROW_KEY = re.compile(r"^(attendees|actions)\.(\d+)\.(\w+)$")


def _summary(*forms_or_sets) -> list[dict]:
    """Every error on the page, in order, for the GOV.UK error summary: text and the id of the control."""
    items = []
    for f in forms_or_sets:
        subforms = list(f.forms) if hasattr(f, "forms") else [f]
        if hasattr(f, "non_form_errors"):
            items += [{"text": e, "href": ""} for e in f.non_form_errors()]
        for form in subforms:
            items += [{"text": e, "href": ""} for e in form.non_field_errors()]
            for bf in form:
                for e in bf.errors:
                    items.append({"text": e, "href": "" if bf.is_hidden else f"#{bf.id_for_label or bf.auto_id}"})
    return items


def _back(contact) -> str:
    enquiry = getattr(contact, "enquiry", None)
    if enquiry is not None:
        return f"/enquiries/{enquiry.pk}/"
    return f"/contacts/{contact.pk}/"


# --- case notes ---------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def note_add(request, contact_id):
    actor = request.actor
    require(actor, "casenote.create")
    contact = selectors.contact_for_casework(actor=actor, contact_id=contact_id)
    corrects_id = request.POST.get("corrects_id") if request.method == "POST" else request.GET.get("corrects", "")
    notes = selectors.case_notes_for_contact(actor=actor, contact_id=contact.pk)
    corrects = next((n for n in notes if str(n.pk) == (corrects_id or "")), None)
    if corrects is not None and not case_note_correctable(actor, corrects):
        raise PermissionDenied(services.CORRECT_OWN_NOTES_ONLY)
    if corrects is not None and corrects.held:
        raise PermissionDenied(services.CORRECT_HELD_NOTE)
    note_types = [t for t in CaseNoteType.values if case_note_type_allowed(actor, t)]
    if request.method == "POST":
        form = CaseNoteForm(request.POST, note_types=note_types)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                services.case_note_add(
                    actor=actor,
                    contact_id=contact.pk,
                    note_type=cd["note_type"],
                    occurred_at=cd["occurred_at"],
                    text=cd["text"],
                    corrects_id=cd.get("corrects_id") or None,
                    sensitivity=cd["sensitivity"],
                )
            except ValidationFailed as exc:
                apply_service_errors(form, exc, lambda key: {"occurred_at": "occurred_on"}.get(key, key))
            else:
                messages.success(request, "Correction added." if corrects else "Case note added.")
                return redirect(_back(contact) + "#case-notes")
    else:
        form = CaseNoteForm(initial=_note_initial(corrects), note_types=note_types)
    ctx = {
        "contact": contact,
        "form": form,
        "errors": _summary(form) if form.is_bound else [],
        "corrects": corrects,
        "back": _back(contact),
    }
    return render(request, "casework/note_add.html", ctx, status=200)


def _note_initial(corrects) -> dict:
    """A new note starts at now, in UK time (Europe/London), as the intake's received date and time does
    (practitioners' review: the note form was blank while intake was filled in); a correction starts from the note
    it corrects: its type, date and time; the text is the corrector's own."""
    if corrects is None:
        now = timezone.localtime()
        return {"corrects_id": "", "occurred_on": now.date(), "occurred_time": now.strftime("%H:%M")}
    when = timezone.localtime(corrects.occurred_at)
    return {
        "corrects_id": str(corrects.pk),
        "sensitivity": corrects.sensitivity,  # a correction starts at the level of the note it corrects
        "note_type": corrects.note_type,
        "occurred_on": when.date(),
        "occurred_time": when.strftime("%H:%M"),
    }


# --- strategy discussions -----------------------------------------------------------------------------------------


def _row_errors(errors: dict[str, list[str]], form, attendees, actions) -> None:
    """Service errors keyed attendees.<i>.field / actions.<i>.field land on the formset row's field. A field that
    already shows an error from the page's own checks keeps that one message (no doubled messages)."""
    rows = {
        "attendees": [f for f in attendees.forms if not f.is_blank()],
        "actions": [f for f in actions.forms if not f.is_blank()],
    }
    field_map = {
        "held_at": "held_on",
        "section47": "section47",
        "rationale": "rationale",
        "missing_agencies_reason": "missing_agencies_reason",
        "sensitivity": "sensitivity",
    }

    def add(target, name, msg):
        if name is not None and name not in target.fields:
            name = None
        if name is not None and target.errors.get(name):
            return
        if name == "held_on" and target.errors.get("held_time"):
            return
        target.add_error(name, msg)

    for key, msgs in errors.items():
        m = _ROW_KEY.match(key)
        for msg in msgs:
            if m and int(m.group(2)) < len(rows[m.group(1)]):
                add(rows[m.group(1)][int(m.group(2))], m.group(3), msg)
            elif key == "attendees":
                add(attendees.forms[0], "agency_code", msg)
            elif key == "actions":
                add(actions.forms[0], "description", msg)
            else:
                add(form, field_map.get(key), msg)


_ROW_ACTION = re.compile(r"^(add|remove)-(attendees|actions)(?:-(\d{1,3}))?$")


def _strategy_values(form, attendees, actions) -> dict:
    """What the page could read, in the service's shape (missing values as None or "")."""
    cd = form.cleaned_data
    return {
        "held_at": cd.get("held_at"),
        "attendees": [f.cleaned_data for f in attendees.forms if not f.is_blank()],
        "section47": {"yes": True, "no": False}.get(cd.get("section47")),
        "rationale": cd.get("rationale") or "",
        "actions": [f.cleaned_data for f in actions.forms if not f.is_blank()],
        "missing_agencies_reason": cd.get("missing_agencies_reason") or "",
        "sensitivity": cd.get("sensitivity") or "standard",
    }


@require_http_methods(["GET", "POST"])
@actor_required
def strategy_new(request, contact_id):
    actor = request.actor
    require(actor, "strategy.record")
    contact = selectors.contact_for_casework(actor=actor, contact_id=contact_id)
    agencies = selectors.agencies_for_strategy()
    due = services.strategy_discussion_due(contact)
    if request.method == "GET" and not due:
        # A form that cannot be submitted is not shown (practitioner review, "a Monday of 60 contacts"): the page
        # says why and what to do next; a POST is still refused by the service.
        return render(
            request,
            "casework/strategy_not_due.html",
            {"contact": contact, "next_step": _strategy_next_step(contact), "back": _back(contact)},
        )
    kwargs = {"form_kwargs": {"agencies": agencies}}
    row_action = _ROW_ACTION.match(request.POST.get("row_action", "")) if request.method == "POST" else None
    if row_action:  # "Add another attendee" / "Remove": the page again as typed, one row more or fewer
        verb, prefix, index = row_action.groups()
        data = formset_resize(request.POST, prefix, add=verb == "add", drop=int(index) if index else None)
        form = StrategyDiscussionForm(data)
        attendees = AttendeeFormSet(data, prefix="attendees", **kwargs)
        actions = ActionFormSet(data, prefix="actions", **kwargs)
        forms_quiet(form, attendees, actions)
    elif request.method == "POST":
        form = StrategyDiscussionForm(request.POST)
        attendees = AttendeeFormSet(request.POST, prefix="attendees", **kwargs)
        actions = ActionFormSet(request.POST, prefix="actions", **kwargs)
        valid = all([form.is_valid(), attendees.is_valid(), actions.is_valid()])
        if valid:
            try:
                services.strategy_discussion_record(
                    actor=actor, contact_id=contact.pk, **_strategy_values(form, attendees, actions)
                )
            except ValidationFailed as exc:
                _row_errors(exc.errors, form, attendees, actions)
            else:
                messages.success(request, "Strategy discussion recorded.")
                return redirect(_back(contact) + "#strategy-discussions")
        else:
            # The domain rules run on whatever could be read, so every problem shows at once, not in rounds.
            _row_errors(
                services.strategy_discussion_errors(
                    actor=actor, contact_id=contact.pk, **_strategy_values(form, attendees, actions)
                ),
                form,
                attendees,
                actions,
            )
    else:
        form = StrategyDiscussionForm()
        attendees = AttendeeFormSet(prefix="attendees", **kwargs)
        actions = ActionFormSet(prefix="actions", **kwargs)
    errors = _summary(form, attendees, actions) if form.is_bound else []
    ctx = {
        "can_add_attendee": len(attendees.forms) < services.MAX_ATTENDEES,
        "can_add_action": len(actions.forms) < services.MAX_ACTIONS,
        "contact": contact,
        "form": {"errors": bool(errors)},
        "main": form,
        "attendees": attendees,
        "actions": actions,
        "errors": errors,
        "due": due,
        "back": _back(contact),
    }
    return render(request, "casework/strategy_new.html", ctx)


def _strategy_next_step(contact) -> dict:
    """What to do before a strategy discussion can be recorded for a contact that does not call for one yet
    (services.strategy_discussion_due is False): {"text", "href", "link"} for the page's explanation."""
    from openmash.contacts.choices import ContactStatus
    from openmash.enquiries.choices import EnquiryStatus

    enquiry = getattr(contact, "enquiry", None)
    if contact.status == ContactStatus.AWAITING_SCREENING:
        return {
            "text": "This contact has not been screened yet. Screen it: choose a strategy discussion if one is needed "
            "now, or a MASH enquiry to gather information first.",
            "href": f"/contacts/{contact.pk}/screen/",
            "link": "Screen this contact",
        }
    if enquiry is not None and enquiry.status == EnquiryStatus.OPEN:
        return {
            "text": "This contact's MASH enquiry has not been decided yet. Record the decision first: choose the "
            "strategy discussion outcome if one is needed.",
            "href": f"/enquiries/{enquiry.pk}/#decision",
            "link": "Go to the decision on the MASH enquiry",
        }
    if enquiry is not None:
        return {
            "text": "The decision on this contact's MASH enquiry did not include a strategy discussion. If one is "
            "needed now, record a new contact with the new information so that it is screened again.",
            "href": f"/enquiries/{enquiry.pk}/#decision",
            "link": "See the decision on the MASH enquiry",
        }
    return {
        "text": "This contact was not screened to a strategy discussion. If one is needed now, record a new contact "
        "with the new information so that it is screened again.",
        "href": f"/contacts/{contact.pk}/",
        "link": "See the contact",
    }


# --- handover -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@actor_required
def allocate(request, contact_id):
    """Allocate children of one contact (siblings) to one social worker in one action (a MASH manager's)."""
    actor = request.actor
    require(actor, "allocation.assign")
    contact = selectors.contact_for_casework(actor=actor, contact_id=contact_id)
    allocatable = set(services.allocatable_child_ids(contact))
    children = [
        cp.person
        for cp in contact.people.filter(role="subject").select_related("person")
        if cp.person_id in allocatable
    ]
    workers = enquiry_selectors.social_workers_list(actor=actor)
    form = AllocateTogetherForm(request.POST or None, children=children, workers=workers)
    if request.method == "POST" and form.is_valid():
        try:
            allocations = services.allocations_assign_together(
                actor=actor,
                contact_id=contact.pk,
                person_ids=form.cleaned_data["person_ids"],
                worker_membership_id=form.cleaned_data["worker"],
            )
        except (ValidationFailed, Conflict) as exc:
            apply_service_errors(form, exc)
        else:
            n = len(allocations)
            told = f"{n} child{'ren' if n != 1 else ''} allocated. The worker has the MASH pack."
            withheld = pack_withheld_by_agency(actor=actor, contact=contact)
            if withheld:  # said plainly at the hand-over, with the one-click ask on the allocation page
                told += " " + ". ".join(row["message"] for row in withheld) + "."
                messages.success(request, told)
                return redirect("casework:allocate", contact_id=contact.pk)
            messages.success(request, told)
            return redirect(_back(contact))
    ctx = {
        "contact": contact,
        "form": form,
        "errors": _summary(form) if form.is_bound else [],
        "back": _back(contact),
        # agency contributions the pack withholds until their agency releases them (ADR 0013), with "ask to release"
        "withheld": pack_withheld_by_agency(actor=actor, contact=contact),
    }
    return render(request, "casework/allocate.html", ctx)


PACKS_PER_PAGE = 25


@require_safe
@actor_required
def pack_list(request):
    """Every MASH pack handed to the actor, newest first, 25 a page with GOV.UK pagination and the true total.
    ?to_allocate=1 (those who allocate: the MASH managers): the packs whose children wait for a social worker,
    immediate risk first, then oldest first (a work queue)."""
    from openmash.web.paging import pagination

    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    to_allocate = request.GET.get("to_allocate") == "1" and can(request.actor, "allocation.assign")
    page = selectors.mash_pack_page(
        actor=request.actor, offset=(number - 1) * PACKS_PER_PAGE, limit=PACKS_PER_PAGE, to_allocate=to_allocate
    )
    rows = selectors.pack_rows(request.actor, page.packs)
    ctx = {
        "rows": rows,
        "page": page,
        "pagination": pagination(request, page, label="Pages of MASH packs"),
        "first": page.offset + 1,
        "last": page.offset + len(rows),
        "to_allocate": to_allocate,
        "can_allocate": can(request.actor, "allocation.assign"),
    }
    return render(request, "casework/pack_list.html", ctx)


@require_safe
@actor_required
def pack(request, contact_id, close_form=None, status=200):
    """The MASH pack page (the allocated worker's and the assessment team's; the hub's too). Audited."""
    actor = request.actor
    found = selectors.mash_pack_get(actor=actor, contact_id=contact_id)
    labels = {o.code: o.label for o in outcome_codes_list(active_only=False)}
    # the allocated children's resolved names, as the person page shows them, in one query (finding 2)
    names_resolve(a.person for a in found.allocations)  # the people are resolved by mash_pack_get
    ctx = {
        "pack": found,
        "contact": found.contact,
        "decision_outcomes": [labels.get(c, c) for c in found.decision.outcomes] if found.decision else [],
        "decision_children": [
            {**c, "outcomes": [labels.get(o, o) for o in c["outcomes"]]} for c in found.decision_children
        ],
        "close_form": close_form or AllocationCloseForm(),
        "close_target": request.POST.get("allocation_id", "") if close_form is not None else "",
        # each allocation's own close form (ids unique on the page), the one posted with its errors
        "close_forms": {
            a.pk: (
                close_form
                if close_form is not None and request.POST.get("allocation_id", "") == str(a.pk)
                else AllocationCloseForm(auto_id=f"id_{a.pk}_%s")
            )
            for a in found.allocations
        },
        "form": close_form,
        "errors": _summary(close_form) if close_form is not None else [],
        "can_allocate": can(actor, "allocation.assign"),
        # each child whose chronology, household chronology and family network the reader may open (the same rule
        # those pages apply: access.policy.person_full_record_allowed; no new access)
        "record_children": [cp.person for cp in found.subjects if person_full_record_allowed(actor, cp.person)],
    }
    return render(request, "casework/pack.html", ctx, status=status)


@require_POST
@actor_required
def allocation_close(request, contact_id, allocation_id):
    form = AllocationCloseForm(request.POST)
    if form.is_valid():
        try:
            closed = services.allocation_close(
                actor=request.actor,
                allocation_id=allocation_id,
                reason=form.cleaned_data["reason"],
                sensitivity=form.cleaned_data.get("sensitivity") or "standard",
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            returned = len(getattr(closed, "returned", []))
            back = (
                f" {returned} contact{'s' if returned != 1 else ''} you had not acknowledged went back to the MASH "
                "screening queue."
                if returned
                else ""
            )
            messages.success(request, "Allocation closed. Access to the MASH pack for this child has ended." + back)
            return redirect("web:home")
    request.POST = request.POST.copy()
    request.POST["allocation_id"] = str(allocation_id)
    return pack.__wrapped__(request, contact_id, close_form=form)


@require_POST
@actor_required
def routed_contact_acknowledge(request, contact_id):
    """The allocated worker acknowledges a contact passed to them (ADR 0008); back to the contact page."""
    services.routed_contact_acknowledge(actor=request.actor, contact_id=contact_id)
    messages.success(request, "Contact acknowledged. It stays with your case if your allocation closes.")
    return redirect("web:contact_detail", contact_id=contact_id)

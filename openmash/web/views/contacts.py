"""Recording a contact (intake, with a child search first) and a contact's page."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import contact_view
from openmash.access.policy import can, require
from openmash.contacts import selectors as contact_selectors
from openmash.contacts import services as contact_services
from openmash.contacts.choices import ContactStatus
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries.services import notifications_mark_read
from openmash.partnership.selectors import outcome_codes_list
from openmash.people import selectors as people_selectors
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.forms import CHILD_SLOTS, MEMBER_SLOTS, ContactForm, PersonSearchForm, apply_service_errors
from openmash.web.views._common import first_with_errors, is_htmx

INTAKE = "contact_intake"  # session: the last search's matches (id, name, date of birth) and the children picked
CREATED = "contact_created"  # session: the contact just recorded, for the confirmation panel
MAX_SELECTED = len(CHILD_SLOTS)


# --- intake state ------------------------------------------------------------------------------------------------


def _new_intake() -> dict:
    return {"token": secrets.token_urlsafe(8), "matches": [], "selected": []}


def _intake(request) -> dict:
    """The intake in progress. A plain visit to the page starts a new one, so a child picked in an abandoned
    intake can never slip into the next contact; our own redirects carry the intake's token to continue it."""
    intake = request.session.get(INTAKE)
    if intake and (request.method == "POST" or request.GET.get("intake") == intake.get("token")):
        return intake
    intake = _new_intake()
    request.session[INTAKE] = intake
    return intake


def _continue(intake: dict, anchor: str = ""):
    return redirect(f"{reverse('web:contact_new')}?intake={intake['token']}{anchor}")


def _person_summary(person) -> dict:
    """What the intake keeps in the session about a match: enough to show and check a pick, nothing more."""
    born = person.date_of_birth or person.expected_date_of_birth
    return {
        "id": str(person.pk),
        "name": person.full_name,
        "dob": born.isoformat() if born else "",
        "unborn": person.date_of_birth is None and person.expected_date_of_birth is not None,
    }


def _result_row(person) -> dict:
    """A search result as shown once, in the search response (sex and postcode are not kept in the session)."""
    address = next(iter(person.addresses.all()), None)
    return {**_person_summary(person), "sex": person.get_sex_display(), "postcode": address.postcode if address else ""}


def _with_dates(summaries: list[dict]) -> list[dict]:
    return [{**s, "dob_date": dt.date.fromisoformat(s["dob"]) if s.get("dob") else None} for s in summaries]


# --- the page ----------------------------------------------------------------------------------------------------


def _initial(request, intake: dict) -> dict:
    user, actor = request.user, request.actor
    initial = {
        "referrer_name": user.display_name or user.get_full_name() or user.username,
        "referrer_role": user.job_title or f"{actor.membership.get_role_display()}, {actor.agency.name}",
        "idempotency_key": uuid.uuid4().hex,
    }
    for n, chosen in zip(CHILD_SLOTS, intake["selected"], strict=False):
        initial[f"child{n}_person_id"] = chosen["id"]
    return initial


def _slots(form: ContactForm, intake: dict) -> list[dict]:
    known = {s["id"]: s for s in _with_dates(intake["selected"] + intake["matches"])}
    slots = []
    for n in CHILD_SLOTS:
        pid = form[f"child{n}_person_id"].value() or ""
        chosen = known.get(pid) if pid else None
        if pid and chosen is None:
            chosen = {"id": pid, "name": "A record found by search", "dob_date": None}
        slots.append(
            {
                "n": n,
                "chosen": chosen,
                "fields": form.child(n),
                "open": bool(chosen) or form.slot_has_data(f"child{n}_") or form.slot_has_errors(f"child{n}_"),
            }
        )
    return slots


def _render(request, intake, *, form=None, search_form=None, results=None, status=200):
    form = form or ContactForm(initial=_initial(request, intake))
    search_form = search_form or PersonSearchForm()
    selected_ids = {s["id"] for s in intake["selected"]}
    ctx = {
        "nav_active": "contact_new",
        "contact_form": form,
        "search_form": search_form,
        "form": first_with_errors(search_form, form),
        "can_search": can(request.actor, "person.search"),
        "intake": intake,
        "searched": results is not None,
        "matches": [{**m, "selected": m["id"] in selected_ids} for m in _with_dates(results or [])],
        "selected": _with_dates(intake["selected"]),
        "can_select_more": len(intake["selected"]) < MAX_SELECTED,
        "slots": _slots(form, intake),
        "members": [{"n": n, "fields": form.member(n)} for n in MEMBER_SLOTS],
        "member2_open": form.slot_has_data("member2_") or form.slot_has_errors("member2_"),
        "referrer_hints": {"public": "Their identity is protected: only the MASH and you will see who they are"},
    }
    if is_htmx(request) and request.POST.get("action") == "search":
        return render(request, "web/contacts/_intake_search.html", ctx, status=status)
    return render(request, "web/contacts/new.html", ctx, status=status)


def _search(request, intake):
    """Search and show the results in this response (no redirect), so only ids, names and dates of birth of the
    matches are kept in the session, and only until a child is picked."""
    require(request.actor, "person.search")
    search_form = PersonSearchForm(request.POST)
    results = None
    if search_form.is_valid():
        cd = search_form.cleaned_data
        try:
            people = people_selectors.person_search(
                actor=request.actor,
                name=cd["name"],
                date_of_birth=cd["date_of_birth"],
                identifier_type="nhs_number" if cd["identifier"] else "",
                identifier=cd["identifier"],
            )
        except ValidationFailed as exc:
            apply_service_errors(search_form, exc)
        else:
            results = [_result_row(p) for p in people]
            intake["matches"] = [_person_summary(p) for p in people]
            request.session[INTAKE] = intake
    return _render(request, intake, search_form=search_form, results=results)


def _select(request, intake):
    pid = request.POST.get("person_id", "")
    match = next((m for m in intake["matches"] if m["id"] == pid), None)
    if match and len(intake["selected"]) < MAX_SELECTED and all(s["id"] != pid for s in intake["selected"]):
        intake["selected"].append(match)
    intake["matches"] = []  # the other matches are not needed any more
    request.session[INTAKE] = intake
    return _continue(intake, "#children")


def _remove(request, intake):
    pid = request.POST.get("person_id", "")
    intake["selected"] = [s for s in intake["selected"] if s["id"] != pid]
    request.session[INTAKE] = intake
    return _continue(intake, "#children")


def _submit(request, intake):
    form = ContactForm(request.POST)
    if form.is_valid():
        key = form.cleaned_data.get("idempotency_key") or None
        try:
            contact, _created = contact_services.contact_create(
                actor=request.actor, data=form.service_data(), idempotency_key=key
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc, form.field_for_service_key)
        except Conflict:
            # The form's idempotency key was already used for a contact with different details.
            form.add_error(
                None,
                "This form was already submitted. To record another concern, start a new form from "
                "'Record a concern'; your earlier contact is listed on your home page.",
            )
        else:
            request.session.pop(INTAKE, None)
            request.session[CREATED] = str(contact.pk)
            return redirect("web:contact_detail", contact_id=contact.pk)
    return _render(request, intake, form=form)


@require_http_methods(["GET", "POST"])
@actor_required
def contact_new(request):
    """One page: find the child (search, pick up to two records), then the contact form."""
    require(request.actor, "contact.create")
    intake = _intake(request)
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        handler = {"search": _search, "select": _select, "remove": _remove}.get(action, _submit)
        return handler(request, intake)
    return _render(request, intake)


@require_safe
@actor_required
def contact_detail(request, contact_id):
    actor = request.actor
    contact = contact_selectors.contact_get(actor=actor, contact_id=contact_id)
    notifications_mark_read(actor=actor, contact_id=contact.pk)
    view = contact_view(actor, contact)
    hub = view.viewed_as == "hub"
    labels = {o.code: o.label for o in outcome_codes_list(active_only=False)}
    people = list(contact.people.all())
    viewable = web_selectors.visible_person_ids(actor=actor, ids=[cp.person_id for cp in people])
    enquiry = getattr(contact, "enquiry", None)
    ctx = {
        "contact": contact,
        "hub": hub,
        "just_created": request.session.pop(CREATED, None) == str(contact.pk),
        "identity_hidden": not view.referrer_identity,
        "subjects": [cp for cp in people if cp.role == "subject"],
        "others": [cp for cp in people if cp.role != "subject"],
        "viewable": viewable,
        "outcome": presenters.contact_outcome(contact, labels, view),
        "screening": getattr(contact, "screening", None) if view.screening else None,
        "show_due": view.due_dates,
        "enquiry": enquiry if hub else None,
        "decision": getattr(enquiry, "decision", None) if enquiry is not None else None,
        "can_screen": hub and contact.status == ContactStatus.AWAITING_SCREENING,
        # Only those who may know the child has an allocated worker are told it went to them (fault 6).
        "routed_to_worker": view.viewed_as != "recorder"
        and contact.routed_to_id is not None
        and contact.status == ContactStatus.WITH_ALLOCATED_WORKER,
    }
    return render(request, "web/contacts/detail.html", ctx)

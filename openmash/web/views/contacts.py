"""Recording a contact (intake, with a child search first) and a contact's page."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django import forms
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import contact_view
from openmash.access.policy import can, require
from openmash.contacts import selectors as contact_selectors
from openmash.contacts import services as contact_services
from openmash.contacts.choices import CONCERN_CODES, ContactPersonRole, ContactStatus
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries.services import notifications_mark_read
from openmash.partnership.selectors import outcome_codes_list
from openmash.people import selectors as people_selectors
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.forms import (
    MAX_CHILDREN,
    MAX_MEMBERS,
    ChildForm,
    ChildFormSet,
    ContactForm,
    DomesticAbuseForm,
    MemberForm,
    MemberFormSet,
    PersonChangeForm,
    PersonSearchForm,
    apply_service_errors,
    place_service_errors,
)
from openmash.web.views._common import first_with_errors, render_form_response, render_rate_limited, search_table

INTAKE = "contact_intake"  # session: the last search's matches, the children picked, and the answers to check
CREATED = "contact_created"  # session: the contact just recorded, for the confirmation panel
MAX_SELECTED = MAX_CHILDREN
_NOT_ANSWERS = {"csrfmiddlewaretoken", "action"}


# --- intake state ------------------------------------------------------------------------------------------------


def _new_intake() -> dict:
    return {"token": secrets.token_urlsafe(8), "matches": [], "selected": [], "answers": None}


def _intake(request) -> dict:
    """The intake in progress. A plain visit to the page starts a new one, so a child picked in an abandoned
    intake can never slip into the next contact; our own redirects and links carry the intake's token."""
    intake = request.session.get(INTAKE)
    if intake and (request.method == "POST" or request.GET.get("intake") == intake.get("token")):
        intake.setdefault("answers", None)
        return intake
    intake = _new_intake()
    request.session[INTAKE] = intake
    return intake


def _continue(intake: dict, anchor: str = "", *, name: str = "web:contact_new", change: bool = False):
    extra = "&change=1" if change else ""
    return redirect(f"{reverse(name)}?intake={intake['token']}{extra}{anchor}")


def _person_summary(person) -> dict:
    """What the intake keeps in the session about a match: enough to show and check a pick, nothing more."""
    born = person.date_of_birth or person.expected_date_of_birth
    return {
        "id": str(person.pk),
        "name": person.full_name,
        "dob": born.isoformat() if born else "",
        "unborn": person.date_of_birth is None and person.expected_date_of_birth is not None,
    }


def _with_dates(summaries: list[dict]) -> list[dict]:
    return [{**s, "dob_date": dt.date.fromisoformat(s["dob"]) if s.get("dob") else None} for s in summaries]


# --- the forms -----------------------------------------------------------------------------------------------------


class Intake:
    """The intake's forms: the contact's questions, the children formset and the household formset, bound to
    posted (or stored) answers or fresh with the referrer prefilled and the children picked by search."""

    def __init__(self, request, intake: dict, data=None):
        partners = contact_selectors.partner_schools_and_gps()
        self.partners = partners
        if data is None:
            user, actor = request.user, request.actor
            initial = {
                "referrer_name": user.display_name or user.get_full_name() or user.username,
                "referrer_role": user.job_title or f"{actor.membership.get_role_display()}, {actor.agency.name}",
                "idempotency_key": uuid.uuid4().hex,
            }
            self.form = ContactForm(initial=initial)
            picked = [{"person_id": s["id"]} for s in intake["selected"]] or [{}]
            self.children = ChildFormSet(prefix="children", initial=picked, form_kwargs=partners)
            self.members = MemberFormSet(prefix="members", initial=[{}], form_kwargs=partners)
        else:
            self.form = ContactForm(data)
            self.children = ChildFormSet(data, prefix="children", form_kwargs=partners)
            self.members = MemberFormSet(data, prefix="members", form_kwargs=partners)
        known = {s["id"]: s for s in _with_dates(intake["selected"] + intake["matches"])}
        for child in self.children.forms:
            pid = child.picked_id()
            if pid:
                child.chosen = known.get(pid) or {"id": pid, "name": "A record found by search", "dob_date": None}

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.children.is_valid(), self.members.is_valid()])

    def used_children(self) -> list:
        return [f for f in self.children.forms if not f.is_blank()]

    def used_members(self) -> list:
        return [f for f in self.members.forms if not f.is_blank()]

    def service_data(self) -> dict:
        return self.form.service_data(
            [f.service_data() for f in self.used_children()], [f.service_data() for f in self.used_members()]
        )

    def place_errors(self, exc, *, only_free_fields: bool = False) -> None:
        place_service_errors(
            exc,
            form=self.form,
            children=self.used_children() or self.children.forms[:1],
            members=self.used_members(),
            only_free_fields=only_free_fields,
        )

    def all_forms(self) -> list:
        return [*self.children.forms, *self.members.forms, self.form]

    def has_errors(self) -> bool:
        return any(f.is_bound and f.errors for f in self.all_forms()) or bool(
            self.children.is_bound and self.children.non_form_errors()
        )


def _error_links(intake_forms: Intake) -> list[dict]:
    """The GOV.UK error summary's entries, in page order, each linking to the control to fix (the first radio or
    checkbox of a group, the day box of a date)."""
    links = []
    for error in intake_forms.children.non_form_errors() if intake_forms.children.is_bound else []:
        links.append({"text": error, "href": ""})
    for f in intake_forms.all_forms():
        if f.is_bound:
            links += _error_links_for(f)
    return links


class _Errors:
    """What base.html needs to prefix the title with 'Error: '."""

    def __init__(self, links):
        self.errors = bool(links)


def _render(request, intake, *, forms_=None, search_form=None, results=None, status=200, partial=None):
    forms_ = forms_ or Intake(request, intake)
    search_form = search_form or PersonSearchForm()
    selected_ids = {s["id"] for s in intake["selected"]}
    errors = _error_links(forms_) if forms_.has_errors() else []
    ctx = {
        "nav_active": "contact_new",
        "intake_forms": forms_,
        "contact_form": forms_.form,
        "children": forms_.children,
        "members": forms_.members,
        "search_form": search_form,
        "error_links": errors,
        "form": first_with_errors(search_form) or (_Errors(errors) if errors else None),
        "can_search": can(request.actor, "person.search"),
        "intake": intake,
        "searched": results is not None,
        "search_total": getattr(results, "total", 0),
        "search_truncated": getattr(results, "truncated", False),
        "matches": getattr(results, "rows", []),
        "match_columns": getattr(results, "columns", []),
        "selected_ids": selected_ids,
        "selected": _with_dates(intake["selected"]),
        "can_select_more": len(intake["selected"]) < MAX_SELECTED,
        "can_add_child": len(forms_.children.forms) < MAX_CHILDREN,
        "can_add_member": len(forms_.members.forms) < MAX_MEMBERS,
    }
    if partial:
        return render(request, partial, ctx, status=status)
    if request.POST.get("action") == "search":
        return render_form_response(
            request,
            full="web/contacts/new.html",
            partial="web/contacts/_intake_search.html",
            context=ctx,
            errors=bool(search_form.is_bound and search_form.errors),
            title="Record a concern – OpenMASH",
            status=status,
        )
    return render(request, "web/contacts/new.html", ctx, status=status)


def _search(request, intake):
    """Search and show the results in this response (no redirect), so only ids, names and dates of birth of the
    matches are kept in the session, and only until a child is picked."""
    require(request.actor, "person.search")
    search_form = PersonSearchForm(request.POST)
    results = None
    if search_form.is_valid():
        try:
            people = people_selectors.person_search(actor=request.actor, **search_form.search_arguments())
        except RateLimited as exc:
            return render_rate_limited(request, exc)
        except ValidationFailed as exc:
            apply_service_errors(search_form, exc)
        else:
            # the rows as the search page and the API show them (access.fields), with the true number of matches
            # (issue 5, fault 14: say when the list is cut)
            rows, columns = search_table(request.actor, people)
            results = people_selectors.SearchResults(rows, total=people.total, truncated=people.truncated)
            results.rows, results.columns = rows, columns
            intake["matches"] = [_person_summary(p) for p in people]
            request.session[INTAKE] = intake
    return _render(request, intake, search_form=search_form, results=results)


def _select(request, intake):
    pid = request.POST.get("person_id", "")
    match = next((m for m in intake["matches"] if m["id"] == pid), None)
    if match and len(intake["selected"]) < MAX_SELECTED and all(s["id"] != pid for s in intake["selected"]):
        intake["selected"].append(match)
    intake["matches"] = []  # the other matches are not needed any more
    intake["answers"] = None
    request.session[INTAKE] = intake
    return _continue(intake, "#children")


def _remove(request, intake):
    pid = request.POST.get("person_id", "")
    intake["selected"] = [s for s in intake["selected"] if s["id"] != pid]
    intake["answers"] = None
    request.session[INTAKE] = intake
    return _continue(intake, "#children")


def _resize(data, prefix: str, *, add: bool = False, drop: int | None = None):
    """The posted answers with one more (empty) form in a formset, or without form number `drop`."""
    data = data.copy()
    total = int(data.get(f"{prefix}-TOTAL_FORMS") or 0)
    if drop is not None and 0 <= drop < total:
        for i in range(drop, total):
            for key in [k for k in list(data.keys()) if k.startswith(f"{prefix}-{i}-")]:
                values = data.getlist(key)
                del data[key]
                if i > drop:
                    data.setlist(key.replace(f"{prefix}-{i}-", f"{prefix}-{i - 1}-", 1), values)
        total -= 1
    if add:
        total += 1
    data[f"{prefix}-TOTAL_FORMS"] = str(total)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def _add_or_remove(request, intake, action: str):
    """'Add another child/person' and 'Remove': the same page with the formset one longer or shorter. Works as a
    plain form post; with htmx only that section is swapped (hx-select), keeping the rest of the page as typed."""
    kind, _, index = action.partition("-")
    prefix = "children" if kind.endswith("child") else "members"
    limit = MAX_CHILDREN if prefix == "children" else MAX_MEMBERS
    total = int(request.POST.get(f"{prefix}-TOTAL_FORMS") or 0)
    if kind.startswith("add"):
        data = _resize(request.POST, prefix, add=total < limit)
    else:
        data = _resize(request.POST, prefix, drop=int(index) if index.isdigit() else None)
    forms_ = Intake(request, intake, data)
    for f in forms_.all_forms():  # a shape check is for submitting, not for adding a box
        f._errors = forms.utils.ErrorDict()
        if hasattr(f, "cleaned_data"):
            del f.cleaned_data
    forms_.children._errors, forms_.members._errors = [], []
    forms_.children._non_form_errors = forms_.children.error_class()
    forms_.members._non_form_errors = forms_.members.error_class()
    return _render(request, intake, forms_=forms_)


def _validated(request, intake, data) -> tuple[Intake, bool]:
    """The forms bound to `data`, checked for shape and then by the service's own validation (as the API)."""
    forms_ = Intake(request, intake, data)
    shape_ok = forms_.is_valid()
    try:
        # Run even when a box failed its own check, so every problem is reported at once.
        contact_services.contact_validate(actor=request.actor, data=forms_.service_data())
    except ValidationFailed as exc:
        forms_.place_errors(exc, only_free_fields=not shape_ok)
        return forms_, False
    return forms_, shape_ok


def _submit(request, intake):
    """'Continue': check the answers; if they are good, keep them (server-side session, until sent or abandoned)
    and show them back on the check-your-answers page."""
    forms_, ok = _validated(request, intake, request.POST)
    if not ok:
        return _render(request, intake, forms_=forms_)
    intake["answers"] = {k: request.POST.getlist(k) for k in request.POST if k not in _NOT_ANSWERS}
    request.session[INTAKE] = intake
    return _continue(intake, name="web:contact_check")


def _stored(intake) -> QueryDict | None:
    if not intake.get("answers"):
        return None
    data = QueryDict(mutable=True)
    for key, values in intake["answers"].items():
        data.setlist(key, values)
    return data


@require_http_methods(["GET", "POST"])
@actor_required
def contact_new(request):
    """One page: find the child (search, pick records), then the children, household and the concern; then
    'Continue' to check the answers before sending."""
    require(request.actor, "contact.create")
    intake = _intake(request)
    if request.method == "POST":
        action = request.POST.get("action", "submit")
        if action.startswith(("add_", "remove_")):
            return _add_or_remove(request, intake, action)
        handler = {"search": _search, "select": _select, "remove": _remove}.get(action, _submit)
        return handler(request, intake)
    stored = _stored(intake) if request.GET.get("change") else None
    if stored is not None:  # 'Change' from the check page: the answers as given
        return _render(request, intake, forms_=Intake(request, intake, stored))
    return _render(request, intake)


@require_http_methods(["GET", "POST"])
@actor_required
def contact_check(request):
    """Check your answers (GOV.UK pattern), then send. Sending twice (a double click, a refresh, the back
    button) records one contact: the form's reference is the service's Idempotency-Key."""
    require(request.actor, "contact.create")
    intake = _intake(request)
    data = _stored(intake)
    if request.method == "POST":
        if data is None:
            key = request.POST.get("idempotency_key", "")
            done = contact_selectors.contact_by_idempotency_key(actor=request.actor, key=key)
            return redirect("web:contact_detail", contact_id=done.pk) if done else redirect("web:contact_new")
        forms_, ok = _validated(request, intake, data)
        if ok:
            key = forms_.form.cleaned_data.get("idempotency_key") or None
            try:
                contact, _created = contact_services.contact_create(
                    actor=request.actor, data=forms_.service_data(), idempotency_key=key
                )
            except ValidationFailed as exc:
                forms_.place_errors(exc)
            except Conflict:
                forms_.form.add_error(
                    None,
                    "This form was already submitted. To record another concern, start a new form from "
                    "'Record a concern'; your earlier contact is listed on your home page.",
                )
            else:
                request.session.pop(INTAKE, None)
                request.session[CREATED] = str(contact.pk)
                return redirect("web:contact_detail", contact_id=contact.pk)
        return _render(request, intake, forms_=forms_)
    if data is None:
        return redirect("web:contact_new")
    forms_, ok = _validated(request, intake, data)
    if not ok:
        return _render(request, intake, forms_=forms_)
    ctx = {
        "nav_active": "contact_new",
        "intake": intake,
        "contact_form": forms_.form,
        "children": forms_.used_children(),
        "members": forms_.used_members(),
        "concern_labels": [CONCERN_CODES[c] for c in forms_.form.cleaned_data.get("concern_codes") or []],
        "partners": {a.code: a.name for a in [*forms_.partners["schools"], *forms_.partners["gps"]]},
        "change_url": f"{reverse('web:contact_new')}?intake={intake['token']}&change=1",
    }
    return render(request, "web/contacts/check.html", ctx)


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
        "can_amend": contact_selectors.contact_amendable(actor=actor, contact=contact),
        "can_correct": can(actor, "person.correct"),
        "changes": contact_selectors.contact_changes(actor=actor, contact=contact),
        "notices": list(contact.encompass_notices.select_related("school")) if hub else [],
    }
    return render(request, "web/contacts/detail.html", ctx)


# --- amending a contact before screening, correcting after; Operation Encompass notices ---------------------------


def _amendable_contact(request, contact_id):
    actor = request.actor
    contact = contact_selectors.contact_get(actor=actor, contact_id=contact_id)
    return contact, contact_selectors.contact_amendable(actor=actor, contact=contact)


@require_http_methods(["GET", "POST"])
@actor_required
def contact_amend(request, contact_id):
    """Add to a contact before it is screened (the recorder or the hub): a child, a household member, or the
    domestic abuse details. Each section is its own form; a stale version says someone else changed it."""
    actor = request.actor
    require(actor, "contact.amend")
    contact, amendable = _amendable_contact(request, contact_id)
    if not amendable:
        raise PermissionDenied("This contact can no longer be amended.")
    partners = contact_selectors.partner_schools_and_gps()
    section = request.POST.get("section") if request.method == "POST" else None
    version = {"version": contact.version}
    child = ChildForm(request.POST if section == "child" else None, prefix="child", initial=version, **partners)
    member = MemberForm(request.POST if section == "member" else None, prefix="member", initial=version)
    da_initial = {
        **version,
        "police_reference": contact.police_reference,
        "incident_date": timezone.localtime(contact.incident_at).date() if contact.incident_at else None,
        "incident_time": timezone.localtime(contact.incident_at).strftime("%H:%M") if contact.incident_at else "",
        "dash_risk": contact.dash_risk,
        "marac_referral": contact.marac_referral,
        "notify_schools": "yes" if contact.notify_schools else "no",
    }
    da = DomesticAbuseForm(request.POST if section == "da" else None, prefix="da", initial=da_initial)
    form = {"child": child, "member": member, "da": da}.get(section or "")
    if form is not None and form.is_valid():
        data, group = {
            "child": ({"add_subjects": [child.service_data()] if section == "child" else []}, "add_subjects"),
            "member": ({"add_household": [member.service_data()] if section == "member" else []}, "add_household"),
            "da": ({"domestic_abuse": da.da_data() if section == "da" else None}, "domestic_abuse"),
        }[section]
        try:
            contact_services.contact_amend(
                actor=actor, contact_id=contact.pk, version=_posted_version(request, section), data=data
            )
        except ValidationFailed as exc:
            _place_amend_errors(form, exc, group)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Contact {contact.reference} amended.")
            return redirect("web:contact_detail", contact_id=contact.pk)
    errors = _form_error_links([form]) if form is not None and form.errors else []
    ctx = {
        "contact": contact,
        "child_form": child,
        "member_form": member,
        "da_form": da,
        "error_links": errors,
        "form": _Errors(errors) if errors else None,
    }
    return render(request, "web/contacts/amend.html", ctx, status=200)


def _posted_version(request, section: str) -> int:
    try:
        return int(request.POST.get(f"{section}-version") or request.POST.get("version") or 0)
    except ValueError:
        return 0


def _place_amend_errors(form, exc, group: str) -> None:
    from openmash.web.forms import _service_key_parts

    for key, messages_ in (exc.errors or {"": [exc.message]}).items():
        parts = _service_key_parts(key)
        if parts[:1] == [group]:
            parts = parts[2:] if len(parts) > 1 and isinstance(parts[1], int) else parts[1:]
        if hasattr(form, "field_for"):
            field = form.field_for(parts)
        else:
            name = str(parts[0]) if parts else ""
            field = form.SERVICE_FIELDS.get(name, name)
        if field not in form.fields:
            field = None
        for message in messages_:
            form.add_error(field, message)


def _form_error_links(forms_list) -> list[dict]:
    links = []
    for f in forms_list:
        links += _error_links_for(f)
    return links


def _error_links_for(f) -> list[dict]:
    links = [{"text": e, "href": ""} for e in f.non_field_errors()]
    for name, errors in f.errors.items():
        if name == "__all__":
            continue
        bound = f[name]
        widget = bound.field.widget
        anchor = bound.auto_id
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            anchor += "_1"
        elif isinstance(widget, forms.MultiWidget):
            anchor += "_0"
        elif widget.is_hidden:
            anchor = ""
        links += [{"text": e, "href": f"#{anchor}" if anchor else ""} for e in errors]
    return links


@require_http_methods(["GET", "POST"])
@actor_required
def contact_person_change(request, contact_id, link_id):
    """Change a person named in a contact: an amendment before screening (the recorder or the hub), a
    correction with a reason after (the hub only). The form is prefilled with the record; only what differs is
    sent, and the previous values are kept in the contact's change history."""
    actor = request.actor
    contact, amendable = _amendable_contact(request, contact_id)
    correction = not amendable
    require(actor, "person.correct" if correction else "contact.amend")
    # Addressed by the person's place in this contact (ContactPerson), not their record's id: the page is about
    # the contact, and recording a contact does not open the record.
    link = next((cp for cp in contact.people.all() if str(cp.pk) == str(link_id)), None)
    if link is None:
        raise NotFound()
    person = link.person
    child = link.role == ContactPersonRole.SUBJECT
    initial = {
        "forename": person.forename,
        "surname": person.surname,
        "dob": person.date_of_birth or person.expected_date_of_birth,
        "sex": person.sex,
        "school": link.school.code if link.school_id else "",
        "gp": link.gp.code if link.gp_id else "",
        "version": person.version if correction else contact.version,
    }
    form = PersonChangeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        child=child,
        correction=correction,
        unborn=person.kind == "unborn",
        **contact_selectors.partner_schools_and_gps(),
    )
    if request.method == "POST" and form.is_valid():
        changes, version = form.changes(), form.cleaned_data["version"]
        try:
            if correction:
                contact_services.contact_person_correct(
                    actor=actor,
                    contact_id=contact.pk,
                    person_id=person.pk,
                    version=version,
                    reason=form.cleaned_data.get("reason") or "",
                    data=changes,
                )
            else:
                contact_services.contact_amend(
                    actor=actor,
                    contact_id=contact.pk,
                    version=version,
                    data={"people": [{"person_id": person.pk, **changes}]},
                )
        except ValidationFailed as exc:
            form.place_errors(exc, prefix="people")
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{'Corrected' if correction else 'Changed'}: {person.full_name}.")
            return redirect("web:contact_detail", contact_id=contact.pk)
    errors = _error_links_for(form) if form.is_bound and form.errors else []
    ctx = {
        "contact": contact,
        "person": person,
        "change_form": form,
        "correction": correction,
        "error_links": errors,
        "form": _Errors(errors) if errors else None,
    }
    return render(request, "web/contacts/person_change.html", ctx)


@require_safe
@actor_required
def encompass_notices(request):
    """Operation Encompass notices to the actor's school (the hub: all), newest first."""
    notices = contact_selectors.encompass_notices(actor=request.actor)
    return render(request, "web/contacts/encompass_list.html", {"notices": notices, "nav_active": "encompass"})


@require_safe
@actor_required
def encompass_notice(request, notice_id):
    """One notice: the minimum a school needs (DOMAIN.md 1.5). Opening it marks it read for the school."""
    notice = contact_selectors.encompass_notice_open(actor=request.actor, notice_id=notice_id)
    return render(request, "web/contacts/encompass_notice.html", {"notice": notice, "nav_active": "encompass"})

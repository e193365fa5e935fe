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

from openmash.access.fields import contact_person_shown, contact_view, encompass_notice_shown
from openmash.access.policy import can, contact_amend_allowed, require
from openmash.access.sharing import contact_change_reason_held, outcome_texts_mark
from openmash.casework import selectors as casework_selectors
from openmash.contacts import selectors as contact_selectors
from openmash.contacts import services as contact_services
from openmash.contacts.choices import CONCERN_CODES, ContactPersonRole, ContactStatus, SiblingRelationship
from openmash.core.exceptions import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import related as related_work
from openmash.enquiries.services import notifications_mark_read
from openmash.partnership.selectors import outcome_codes_list, partnership_settings_get
from openmash.people import selectors as people_selectors
from openmash.people.names import names_resolve
from openmash.web import presenters
from openmash.web import selectors as web_selectors
from openmash.web.forms import (
    MAX_CHILDREN,
    MAX_MEMBERS,
    ChildForm,
    ChildFormSet,
    ConcernAmendForm,
    ContactForm,
    DomesticAbuseForm,
    MemberForm,
    MemberFormSet,
    PersonChangeForm,
    PersonSearchForm,
    apply_service_errors,
    formset_resize,
    place_service_errors,
)
from openmash.web.paging import pagination
from openmash.web.views._common import first_with_errors, render_form_response, render_rate_limited, search_table

INTAKE = "contact_intake"  # session: the last search's matches, the children picked, and the answers to check
CREATED = "contact_created"  # session: the contact just recorded, for the confirmation panel
MAX_SELECTED = MAX_CHILDREN
_NOT_ANSWERS = {"csrfmiddlewaretoken", "action"}
# the search boxes: search terms are not part of the contact, so a draft does not keep them
_SEARCH_FIELDS = {"name", "identifier", "date_of_birth_day", "date_of_birth_month", "date_of_birth_year"}


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
        late_days = partnership_settings_get().late_contact_days
        if data is None:
            picked = [{"person_id": s["id"]} for s in intake["selected"]] or [{}]
            self.children = ChildFormSet(prefix="children", initial=picked, form_kwargs=partners)
            self.members = MemberFormSet(prefix="members", initial=[{}], form_kwargs=partners)
        else:
            self.children = ChildFormSet(data, prefix="children", form_kwargs=partners)
            self.members = MemberFormSet(data, prefix="members", form_kwargs=partners)
        known = {s["id"]: s for s in _with_dates(intake["selected"] + intake["matches"])}
        for child in self.children.forms:
            pid = child.picked_id()
            if pid:
                child.chosen = known.get(pid) or {"id": pid, "name": "A record found by search", "dob_date": None}
        labels = [_child_label(n, child) for n, child in enumerate(self.children.forms)]
        if data is None:
            user, actor = request.user, request.actor
            now = timezone.localtime()  # Europe/London: when the concern was received, prefilled as now
            initial = {
                "referrer_name": user.display_name or user.get_full_name() or user.username,
                "referrer_role": user.job_title or f"{actor.membership.get_role_display()}, {actor.agency.name}",
                "idempotency_key": uuid.uuid4().hex,
                "received_date": now.date(),
                "received_time": now.strftime("%H:%M"),
            }
            self.form = ContactForm(initial=initial, late_days=late_days, child_labels=labels)
        else:
            self.form = ContactForm(data, late_days=late_days, child_labels=labels)
        # People already known who may be a new person (intake searches before it creates): offered after the first
        # 'Continue', answered with the radios named <prefix>-match ("new", or a candidate's id).
        offered = intake.get("candidates") or {}
        for f in [*self.children.forms, *self.members.forms]:
            f.candidates = _with_dates((offered.get(f.prefix) or {}).get("items", []))
            f.match_answer = (f.data.get(f.add_prefix("match")) or "") if f.is_bound else ""
            f.match_error = ""
            f.matched = next((c for c in f.candidates if c["id"] == f.match_answer), None)

    def is_valid(self) -> bool:
        return all([self.form.is_valid(), self.children.is_valid(), self.members.is_valid()])

    def used_children(self) -> list:
        return [f for f in self.children.forms if not f.is_blank()]

    def used_members(self) -> list:
        return [f for f in self.members.forms if not f.is_blank()]

    def service_data(self) -> dict:
        used = self.used_children()
        return self.form.service_data(
            [_matched(f, f.service_data()) for f in used],
            [_matched(f, f.service_data()) for f in self.used_members()],
            child_numbers=[self.children.forms.index(f) for f in used],
        )

    def same_as(self) -> dict[int, int]:
        """{form index of a child: form index of the earlier child} for each child the service found to be the same
        new person as an earlier one (contacts.services._same_person_twice: recorded once), read from the last
        validation; {} before one."""
        validated = getattr(self, "validated", None)
        if validated is None:
            return {}
        index = [self.children.forms.index(f) for f in self.used_children()]
        out = {}
        for position, (kind, ref) in enumerate(validated[1]):
            if kind == "same" and position < len(index) and ref < len(index):
                out[index[position]] = index[ref]
        return out

    def sibling_rows(self) -> list[dict]:
        """Check your answers: how each pair of the children sent is related ("Not said" when unanswered). A child
        recorded once as the same person as an earlier child is in no pair (practitioner review of issue 6, finding
        6: "How are child 2 (Tia Roberts) and child 3 (Tia Roberts) related?")."""
        same = self.same_as()
        used = {self.children.forms.index(f) for f in self.used_children()} - set(same)
        labels = dict(SiblingRelationship.choices)
        rows = []
        for bound in self.form.sibling_fields():
            i, j = (int(x) for x in bound.name.split("_")[1:])
            if i in used and j in used:
                answer = self.form.cleaned_data.get(bound.name) or ""
                a, b = self.form.child_labels[i], self.form.child_labels[j]
                rows.append(
                    {
                        "name": bound.name,
                        "question": bound.label,
                        "answer": labels.get(answer, "Not said"),
                        # the Change link's hidden text: names as typed, never case-changed
                        "change": f"how {a} and {b} are related",
                    }
                )
        return rows

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
        return (
            any(f.is_bound and f.errors for f in self.all_forms())
            or any(getattr(f, "match_error", "") for f in self.all_forms())
            or bool(self.children.is_bound and self.children.non_form_errors())
        )


def _child_label(number: int, form) -> str:
    """How the pair questions name a child form: "child 2 (Ben Testchild)", or "child 2" before a name is typed."""
    chosen = getattr(form, "chosen", None)
    if chosen:
        name = chosen.get("name") or ""
    elif form.is_bound:
        name = " ".join(str(form.data.get(form.add_prefix(k)) or "").strip() for k in ("forename", "surname")).strip()
    else:
        name = ""
    return f"child {number + 1} ({name[:80]})" if name else f"child {number + 1}"


def _matched(form, data: dict) -> dict:
    """A person's service input after the referrer's answer about the people already known who may be them: the
    chosen person by id (with what the contact says of them: school, GP, role), or the new person with the ones
    they said it is not (``not_person_ids``: an identifier match then goes to the MASH's review queue)."""
    candidates = getattr(form, "candidates", [])
    if not candidates or data.get("person_id"):
        return data
    ids = [c["id"] for c in candidates]
    if form.match_answer in ids:
        keep = ("school_code", "gp_code", "present_at_incident", "role")
        return {"person_id": form.match_answer, **{k: data[k] for k in keep if k in data}}
    if form.match_answer == "new":
        return {**data, "not_person_ids": ids}
    return data


def _details_key(data: dict) -> str:
    """What the candidates for a new person depend on (names, dates, identifiers, postcode), as a short digest."""
    import hashlib
    import json

    parts = {k: data.get(k) for k in ("forename", "surname", "date_of_birth", "expected_date_of_birth", "sex")}
    parts["identifiers"] = data.get("identifiers") or []
    parts["postcode"] = (data.get("address") or {}).get("postcode", "")
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


MATCH_QUESTION = "Say whether this is one of the people already known, or a different person"


def _offer_candidates(request, intake: dict, forms_: Intake) -> bool:
    """Intake searches before it creates (issue 6): for each new person, the people already known who may be them
    (an exact identifier match, or a close name / date of birth / postcode match with the reasons). Returns True
    when the referrer must answer first: candidates shown for the first time (no error yet), or shown before and
    still unanswered (an error on that person). The candidates (id, name, date of birth, reasons: what search shows
    a referrer) are kept in the server-side session with the intake, like search matches. Each person looked up is
    one search under the search rate limit: raises RateLimited (audited, managers alerted) once it is reached."""
    from openmash.matching.candidates import intake_candidates

    previous = intake.get("candidates") or {}
    store, pending = {}, False
    picked = [f.cleaned_data.get("person_id") for f in forms_.used_children() if f.cleaned_data.get("person_id")]
    for f in [*forms_.used_children(), *forms_.used_members()]:
        if f.cleaned_data.get("person_id"):
            continue
        details = f.service_data()
        key = _details_key(details)
        shown = previous.get(f.prefix)
        if shown and shown.get("key") == key:
            items = shown["items"]
        else:
            found = intake_candidates(actor=request.actor, details=details, exclude_person_ids=picked)
            items = [{**_person_summary(c.person), "reasons": c.reasons, "exact": c.exact} for c in found]
            shown = None
        store[f.prefix] = {"key": key, "items": items}
        f.candidates = _with_dates(items)
        ids = {c["id"] for c in items}
        if items and f.match_answer not in ids | {"new"}:
            pending = True
            if shown is not None:
                f.match_error = MATCH_QUESTION
    intake["candidates"] = store
    request.session[INTAKE] = intake
    return pending


def _domestic_abuse_given(forms_: Intake) -> bool:
    """Whether any domestic abuse detail was given (the contact's or a child's "present at the incident")."""
    c = forms_.form.cleaned_data
    fields = ("police_reference", "incident_at", "dash_risk", "marac_referral", "notify_schools")
    return any(c.get(f) for f in fields) or any(
        f.cleaned_data.get("present_at_incident") for f in forms_.used_children()
    )


def intake_notice_text(notice: str) -> str:
    """A service notice about a contact's people in page words: "subjects.1" -> "Child 2", "household.0" ->
    "Person 1" (the input positions are the page's children and people, in order)."""
    import re

    def name(m):
        return f"{'Child' if m.group(1) == 'subjects' else 'Person'} {int(m.group(2)) + 1}"

    text = re.sub(r"\b(subjects|household)\.(\d+)\b", name, notice)
    return text[:1].upper() + text[1:]


def _error_links(intake_forms: Intake) -> list[dict]:
    """The GOV.UK error summary's entries, in page order, each linking to the control to fix (the first radio or
    checkbox of a group, the day box of a date)."""
    links = []
    for error in intake_forms.children.non_form_errors() if intake_forms.children.is_bound else []:
        links.append({"text": error, "href": ""})
    for f in intake_forms.all_forms():
        if getattr(f, "match_error", ""):
            links.append({"text": f.match_error, "href": f"#id_{f.prefix}-match"})
        if f.is_bound:
            links += _error_links_for(f)
    return links


class _Errors:
    """What base.html needs to prefix the title with 'Error: '."""

    def __init__(self, links):
        self.errors = bool(links)


def draft_keep(request, intake: dict, data) -> None:
    """Keep what was typed on the intake page, server-side, for this user only (contacts.services.intake_draft_save),
    so an idle sign-out cannot lose it (practitioner review, fault 2). `data`: the page's fields as posted."""
    if data is None or "children-TOTAL_FORMS" not in data:
        return
    answers = {k: data.getlist(k) for k in data if k not in _NOT_ANSWERS | _SEARCH_FIELDS}
    contact_services.intake_draft_save(actor=request.actor, answers=answers, selected=intake["selected"])


def _render(request, intake, *, forms_=None, search_form=None, results=None, status=200, partial=None, restored=None):
    if request.method == "POST" and forms_ is not None and forms_.form.is_bound:
        draft_keep(request, intake, forms_.form.data)  # each step of the page keeps the draft
    forms_ = forms_ or Intake(request, intake)
    search_form = search_form or PersonSearchForm(form_id="contact-form")
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
        "search_miss_hint": presenters.search_miss_hint(search_form.search_arguments(), intake=True)
        if results is not None
        else "",
        "search_total": getattr(results, "total", 0),
        "search_truncated": getattr(results, "truncated", False),
        "matches": getattr(results, "rows", []),
        "match_columns": getattr(results, "columns", []),
        "selected_ids": selected_ids,
        "selected": _with_dates(intake["selected"]),
        "can_select_more": len(intake["selected"]) < MAX_SELECTED,
        "can_add_child": len(forms_.children.forms) < MAX_CHILDREN,
        "can_add_member": len(forms_.members.forms) < MAX_MEMBERS,
        "candidates_offered": any(getattr(f, "candidates", []) for f in forms_.all_forms()),
        "restored": restored,
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


def _quiet(forms_: Intake) -> Intake:
    """The forms as posted, without their errors: searching, picking a child or adding a box is not submitting, so
    a shape check would only get in the way (issue 5)."""
    for f in forms_.all_forms():
        f._errors = forms.utils.ErrorDict()
        if hasattr(f, "cleaned_data"):
            del f.cleaned_data
    forms_.children._errors, forms_.members._errors = [], []
    forms_.children._non_form_errors = forms_.children.error_class()
    forms_.members._non_form_errors = forms_.members.error_class()
    return forms_


def _as_typed(request, intake, data=None) -> Intake | None:
    """The intake's forms bound to everything typed so far, when the post carries the main form (the search and
    the pick buttons belong to it: practitioner review, fault 7, picking a sibling wiped the narrative and every
    other answer). None for a post from an older page that sent only its own fields."""
    data = request.POST if data is None else data
    if "children-TOTAL_FORMS" not in data:
        return None
    return _quiet(Intake(request, intake, data))


def _search(request, intake):
    """Search and show the results in this response (no redirect), so only ids, names and dates of birth of the
    matches are kept in the session, and only until a child is picked. Everything else typed stays as typed."""
    require(request.actor, "person.search")
    search_form = PersonSearchForm(request.POST, form_id="contact-form")
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
    return _render(request, intake, forms_=_as_typed(request, intake), search_form=search_form, results=results)


def _picked_person_id(request, action: str) -> str:
    """The record a Select/Remove button names: action "select:<id>" (the button's own value), or an older
    page's separate person_id field."""
    _, _, pid = action.partition(":")
    return pid or request.POST.get("person_id", "")


def _with_child_picked(request, data, pid: str):
    """The posted answers with the record `pid` in the first blank child's place (or a new child at the end)."""
    partners = contact_selectors.partner_schools_and_gps()
    children = ChildFormSet(data, prefix="children", form_kwargs=partners)
    if any(f.picked_id() == pid for f in children.forms):
        return data
    data = data.copy()
    blank = next((i for i, f in enumerate(children.forms) if f.is_blank()), None)
    if blank is None:
        if len(children.forms) >= MAX_CHILDREN:
            return data
        blank = len(children.forms)
        data = formset_resize(data, "children", add=True)
    for key in [k for k in list(data.keys()) if k.startswith(f"children-{blank}-")]:
        del data[key]  # a blank form may hold default answers only: the picked record replaces it
    data[f"children-{blank}-person_id"] = pid
    return data


def _without_child_picked(request, data, pid: str):
    """The posted answers without the child form holding the record `pid` (one blank child left if none stays)."""
    partners = contact_selectors.partner_schools_and_gps()
    children = ChildFormSet(data, prefix="children", form_kwargs=partners)
    index = next((i for i, f in enumerate(children.forms) if f.picked_id() == pid), None)
    if index is None:
        return data
    data = formset_resize(data, "children", drop=index)
    if int(data.get("children-TOTAL_FORMS") or 0) == 0:
        data = formset_resize(data, "children", add=True)
    return data


def _select(request, intake, action: str = "select"):
    pid = _picked_person_id(request, action)
    match = next((m for m in intake["matches"] if m["id"] == pid), None)
    picked = match and len(intake["selected"]) < MAX_SELECTED and all(s["id"] != pid for s in intake["selected"])
    if picked:
        intake["selected"].append(match)
    intake["matches"] = []  # the other matches are not needed any more
    intake["answers"] = None
    request.session[INTAKE] = intake
    if "children-TOTAL_FORMS" not in request.POST:
        return _continue(intake, "#children")
    data = _with_child_picked(request, request.POST, pid) if picked else request.POST
    return _render(request, intake, forms_=_as_typed(request, intake, data))


def _remove(request, intake, action: str = "remove"):
    pid = _picked_person_id(request, action)
    intake["selected"] = [s for s in intake["selected"] if s["id"] != pid]
    intake["answers"] = None
    request.session[INTAKE] = intake
    if "children-TOTAL_FORMS" not in request.POST:
        return _continue(intake, "#children")
    return _render(
        request, intake, forms_=_as_typed(request, intake, _without_child_picked(request, request.POST, pid))
    )


def _add_or_remove(request, intake, action: str):
    """'Add another child/person' and 'Remove': the same page with the formset one longer or shorter. Works as a
    plain form post; with htmx only that section is swapped (hx-select), keeping the rest of the page as typed."""
    kind, _, index = action.partition("-")
    prefix = "children" if kind.endswith("child") else "members"
    limit = MAX_CHILDREN if prefix == "children" else MAX_MEMBERS
    total = int(request.POST.get(f"{prefix}-TOTAL_FORMS") or 0)
    if kind.startswith("add"):
        data = formset_resize(request.POST, prefix, add=total < limit)
    else:
        drop = int(index) if index.isdigit() else None
        if prefix == "children" and drop is not None:  # a picked record taken out is no longer "selected" either
            gone = request.POST.get(f"children-{drop}-person_id", "")
            intake["selected"] = [s for s in intake["selected"] if s["id"] != gone]
            request.session[INTAKE] = intake
        data = formset_resize(request.POST, prefix, drop=drop)
    return _render(request, intake, forms_=_quiet(Intake(request, intake, data)))


def _validated(request, intake, data) -> tuple[Intake, bool]:
    """The forms bound to `data`, checked for shape and then by the service's own validation (as the API)."""
    forms_ = Intake(request, intake, data)
    shape_ok = forms_.is_valid()
    forms_.notices = []
    try:
        # Run even when a box failed its own check, so every problem is reported at once.
        cleaned, _subjects, _others = contact_services.contact_validate(actor=request.actor, data=forms_.service_data())
    except ValidationFailed as exc:
        forms_.place_errors(exc, only_free_fields=not shape_ok)
        return forms_, False
    forms_.notices = [intake_notice_text(n) for n in cleaned.get("intake_notices", [])]
    forms_.validated = (cleaned, _subjects)
    return forms_, shape_ok


def _submit(request, intake):
    """'Continue': check the answers; if they are good, keep them (server-side session, until sent or abandoned)
    and show them back on the check-your-answers page."""
    forms_, ok = _validated(request, intake, request.POST)
    if not ok:
        return _render(request, intake, forms_=forms_)
    key = forms_.form.cleaned_data.get("idempotency_key") or ""
    sent = bool(key) and contact_selectors.contact_by_idempotency_key(actor=request.actor, key=key) is not None
    # A form already sent (back button, refresh) creates nobody, so there is nobody to ask about.
    try:
        must_answer = not sent and _offer_candidates(request, intake, forms_)
    except RateLimited as exc:  # one lookup per new person, each under the search rate limit (PF-2)
        return render_rate_limited(request, exc)
    if must_answer:
        return _render(request, intake, forms_=forms_)
    intake["answers"] = {k: request.POST.getlist(k) for k in request.POST if k not in _NOT_ANSWERS}
    request.session[INTAKE] = intake
    draft_keep(request, intake, request.POST)
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
        if action == "start_again":  # the kept draft is not wanted: a new, empty form
            contact_services.intake_draft_discard(actor=request.actor)
            request.session.pop(INTAKE, None)
            return redirect("web:contact_new")
        if action.startswith(("add_", "remove_")):
            return _add_or_remove(request, intake, action)
        if action.startswith(("select", "remove")):
            return (_select if action.startswith("select") else _remove)(request, intake, action)
        handler = {"search": _search}.get(action, _submit)
        return handler(request, intake)
    stored = _stored(intake) if request.GET.get("change") else None
    if stored is not None:  # 'Change' from the check page: the answers as given
        return _render(request, intake, forms_=Intake(request, intake, stored))
    if not request.GET.get("intake"):  # a fresh visit: carry on with a draft kept across a sign-out, if any
        draft = contact_services.intake_draft_get(actor=request.actor)
        if draft is not None:
            intake["selected"] = draft["selected"]
            request.session[INTAKE] = intake
            data = QueryDict(mutable=True)
            for key, values in draft["answers"].items():
                data.setlist(key, values)
            forms_ = _as_typed(request, intake, data)
            if forms_ is not None:
                return _render(request, intake, forms_=forms_, restored=draft["saved_at"])
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
                    actor=request.actor, data=forms_.service_data(), idempotency_key=key, search_before_create=True
                )
            except ValidationFailed as exc:
                forms_.place_errors(exc)
            except RateLimited as exc:  # the service's search before create, one search per new person (PF-2)
                return render_rate_limited(request, exc)
            except Conflict:
                forms_.form.add_error(
                    None,
                    "This form was already submitted. To record another concern, start a new form from "
                    "'Record a concern'; your earlier contact is listed on your home page.",
                )
            else:
                request.session.pop(INTAKE, None)
                contact_services.intake_draft_discard(actor=request.actor)  # sent: nothing left to carry on with
                request.session[CREATED] = str(contact.pk)
                for notice in getattr(contact, "intake_notices", []):
                    messages.info(request, intake_notice_text(notice))
                return redirect("web:contact_detail", contact_id=contact.pk)
        return _render(request, intake, forms_=forms_)
    if data is None:
        return redirect("web:contact_new")
    forms_, ok = _validated(request, intake, data)
    if not ok:
        return _render(request, intake, forms_=forms_)
    children = forms_.used_children()
    same = forms_.same_as()
    for child in children:  # a child named twice is listed once: the later mention says whose it is (finding 6)
        index = forms_.children.forms.index(child)
        child.same_as = children.index(forms_.children.forms[same[index]]) + 1 if index in same else None
    ctx = {
        "nav_active": "contact_new",
        "intake": intake,
        "contact_form": forms_.form,
        "children": children,
        "sibling_rows": forms_.sibling_rows(),
        "members": forms_.used_members(),
        "concern_labels": [CONCERN_CODES[c] for c in forms_.form.cleaned_data.get("concern_codes") or []],
        "domestic_abuse": _domestic_abuse_given(forms_),
        "partners": {a.code: a.name for a in [*forms_.partners["schools"], *forms_.partners["gps"]]},
        "change_url": f"{reverse('web:contact_new')}?intake={intake['token']}&change=1",
        "notices": forms_.notices,
        # work already in hand for a child picked from the records, said before sending (practitioner review of
        # issue 6, finding 7): the hub hears of it all; a referrer only of their own recent contacts
        "related_notices": [
            intake_notice_text(n)
            for n in contact_services.related_work_notices_preview(request.actor, *forms_.validated)
        ],
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
    for cp in people:  # the recorder sees the people as they named them, the hub and the worker the record
        cp.shown = contact_person_shown(view, cp)
    if view.viewed_as != "recorder":  # the record's resolved name, as the person page shows it (finding 2)
        names_resolve(cp.shown for cp in people)
    names = {cp.person_id: cp.shown.full_name for cp in people}
    changes = contact_selectors.contact_changes(actor=actor, contact=contact)
    for change in changes:
        change.person_name = names.get(change.person_id, "") if change.person_id else ""
        # a correction's reason, and who gave it, at its writer's level (access.sharing.contact_change_reason_held)
        change.held = contact_change_reason_held(actor, change)
    viewable = web_selectors.visible_person_ids(actor=actor, ids=[cp.person_id for cp in people])
    screened = getattr(contact, "screening", None)
    # a contact added to an open enquiry at screening (issue 6) is decided by that enquiry
    enquiry = getattr(contact, "enquiry", None) or (screened.added_to if screened is not None else None)
    # the screening's and decision's texts as this reader may read them (access.sharing.outcome_texts_mark)
    outcome_texts_mark(
        actor,
        screening=screened if view.rationale else None,
        decision=getattr(enquiry, "decision", None) if enquiry is not None and view.rationale else None,
    )
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
        "show_rationale": view.rationale,
        "show_due": view.due_dates,
        "enquiry": enquiry if view.enquiry else None,
        "decision": getattr(enquiry, "decision", None) if enquiry is not None else None,
        "can_screen": hub and contact.status == ContactStatus.AWAITING_SCREENING,
        # work already in hand for these children, as on the screening page (ADR 0007), while it waits
        "related": related_work.related_work(actor=actor, contact=contact)
        if contact.status == ContactStatus.AWAITING_SCREENING and can(actor, "related.view")
        else [],
        # who holds it while it waits for screening, with Take / Assign here as on the queue
        "holdable": hub and contact.status == ContactStatus.AWAITING_SCREENING,
        "can_take": can(actor, "work.take"),
        "can_assign": can(actor, "work.assign"),
        # Only those who may know the child has an allocated worker are told it went to them (fault 6).
        "routed_to_worker": view.routing
        and contact.routed_to_id is not None
        and contact.status == ContactStatus.WITH_ALLOCATED_WORKER,
        "can_amend": contact_selectors.contact_amendable(actor=actor, contact=contact),
        # the hand-over to the allocated worker: acknowledged? returned to the queue? (casework, ADR 0008)
        "routing": casework_selectors.routed_contact_state(actor=actor, contact=contact) if view.routing else {},
        "can_correct": can(actor, "person.correct"),
        "changes": changes,
        "encompass": contact_selectors.encompass_status(contact=contact),
    }
    return render(request, "web/contacts/detail.html", ctx)


# --- amending a contact before screening, correcting after; Operation Encompass notices ---------------------------


def _refuse_as_state_or_role(actor, contact) -> None:
    """Refuse a change to a contact that can no longer be amended, saying why: its state (screened: 409, the
    service's own NOT_AMENDABLE_MESSAGE) to those who could amend it before screening, else their role (403).
    Practitioner review: a referrer opening the amend page of a screened contact was told their role was the
    problem. Always raises."""
    if contact_amend_allowed(actor, contact) and not contact_services.contact_status_amendable(contact):
        contact_services.contact_not_amendable_refuse(actor, contact)  # audited (deny), then 409
    raise PermissionDenied("This contact can no longer be amended.")


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
        _refuse_as_state_or_role(actor, contact)
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
    concern = ConcernAmendForm(
        request.POST if section == "concern" else None,
        prefix="concern",
        initial={**version, "immediate_risk": "yes" if contact.immediate_risk else "no"},
        current_codes=contact.concern_codes,
    )
    form = {"child": child, "member": member, "da": da, "concern": concern}.get(section or "")
    for f in (child, member):
        f.candidates, f.match_answer, f.match_error = [], "", ""
    try:  # each lookup of a person being added is one search under the search rate limit (PF-2)
        return _amend_section(request, contact, section, form, child, member, da, concern)
    except RateLimited as exc:
        return render_rate_limited(request, exc)


def _amend_section(request, contact, section, form, child, member, da, concern):
    """contact_amend's work once the forms are bound: ask about candidates, amend, or show the page again."""
    actor = request.actor
    asking = (
        form is not None and form.is_valid() and form in (child, member) and _amend_candidates(request, contact, form)
    )
    if form is not None and not form.is_valid():
        _amend_check_rest(request, actor, contact, form, section)
    elif form is not None and not asking:
        data, group = _amend_data(form, section)
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
    if form is not None and getattr(form, "match_error", ""):
        errors.append({"text": form.match_error, "href": f"#id_{form.prefix}-match"})
    ctx = {
        "contact": contact,
        "child_form": child,
        "member_form": member,
        "da_form": da,
        "concern_form": concern,
        "error_links": errors,
        "form": _Errors(errors) if errors else None,
    }
    return render(request, "web/contacts/amend.html", ctx, status=200)


def _amend_data(form, section: str) -> tuple[dict, str]:
    """One section of the amendment page as the service's input, and the group its error keys start with."""
    if section == "da":
        return {"domestic_abuse": form.da_data()}, "domestic_abuse"
    if section == "concern":
        return {"concern": form.concern_data()}, "concern"
    group = "add_subjects" if section == "child" else "add_household"
    return {group: [_matched(form, form.service_data())]}, group


def _amend_check_rest(request, actor, contact, form, section: str) -> None:
    """The section's form refused some fields: ask the service (validate_only) about the ones it accepted and add
    its errors to fields with none yet, so every field's error shows at once (practitioner review, as at intake).
    The people-already-known question is not asked here: it comes once the form is right."""
    data, group = _amend_data(form, section)
    try:
        contact_services.contact_amend(
            actor=actor,
            contact_id=contact.pk,
            version=_posted_version(request, section),
            data=data,
            validate_only=True,
        )
    except ValidationFailed as exc:
        free = {k: v for k, v in exc.errors.items() if not k.endswith(".match")}
        _place_amend_errors(form, ValidationFailed(exc.message, errors=free), group, only_free_fields=True)
    except Conflict:
        pass  # a stale version is told when the form is sent again


def _amend_candidates(request, contact, form) -> bool:
    """Search before create on the amendment page, as at intake (issue 5 review, fault 5): the people already known
    who may be the person being added (matching.candidates.intake_candidates, audited like a search), asked with
    intake's question. True when the page must ask first: candidates shown for the first time, or shown and still
    unanswered (then an error on the question). The service checks the answer again (contact_amend)."""
    from openmash.matching.candidates import intake_candidates

    details = form.service_data()
    if details.get("person_id") or not can(request.actor, "person.search"):
        return False
    exclude = [str(pid) for pid in contact.people.values_list("person_id", flat=True)]
    found = intake_candidates(actor=request.actor, details=details, exclude_person_ids=exclude)
    items = [{**_person_summary(c.person), "reasons": c.reasons, "exact": c.exact} for c in found]
    form.candidates = _with_dates(items)
    form.match_answer = request.POST.get(form.add_prefix("match"), "")
    if items and form.match_answer not in {c["id"] for c in items} | {"new"}:
        if request.POST.get(form.add_prefix("match_offered")):
            form.match_error = MATCH_QUESTION
        return True
    return False


def _posted_version(request, section: str) -> int:
    try:
        return int(request.POST.get(f"{section}-version") or request.POST.get("version") or 0)
    except ValueError:
        return 0


def _place_amend_errors(form, exc, group: str, *, only_free_fields: bool = False) -> None:
    """Service errors onto the section's fields; with only_free_fields, only onto fields without an error of the
    form's own (the input was partial), and none on the page as a whole."""
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
        if only_free_fields and (field is None or form.errors.get(field)):
            continue
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


def _person_change_send(actor, contact, link, form, changes, version, *, correction: bool, validate_only=False):
    """The change form's answers to the service: a correction by the hub, or the recorder's amendment."""
    if correction:
        contact_services.contact_person_correct(
            actor=actor,
            contact_id=contact.pk,
            person_id=link.person_id,
            version=version,
            reason=form.cleaned_data.get("reason") or "",
            data=changes,
            validate_only=validate_only,
            sensitivity=form.cleaned_data.get("reason_sensitivity") or "standard",
        )
    else:
        contact_services.contact_amend(
            actor=actor,
            contact_id=contact.pk,
            version=version,
            data={"people": [{"person_id": link.person_id, **changes}]},
            validate_only=validate_only,
        )


def _person_change_check_rest(actor, contact, link, form, *, correction: bool) -> None:
    """The form refused some fields: ask the service (validate_only) about the ones it accepted, and add its
    errors to fields that have none yet, so every field's error shows at once in the error summary (practitioner
    review: a future date of birth reported only after the NHS number was fixed)."""
    changes = {key: value for key, value in form.changes().items() if form.field_for([key]) not in form.errors}
    version = form.cleaned_data.get("version") or form.initial.get("version")
    try:
        _person_change_send(actor, contact, link, form, changes, version, correction=correction, validate_only=True)
    except ValidationFailed as exc:
        free = {k: v for k, v in exc.errors.items() if not _placed_on_erred(form, k)}
        if free:
            form.place_errors(ValidationFailed(exc.message, errors=free), prefix="people")
    except Conflict:
        pass  # a stale version is told when the form is sent again


def _placed_on_erred(form, key: str) -> bool:
    """Whether a service error key lands on a field the form has already refused (or on no field)."""
    parts = [int(p) if p.isdigit() else p for p in key.split(".") if p]
    if parts[:1] == ["people"]:
        parts = parts[2:] if len(parts) > 1 and isinstance(parts[1], int) else parts[1:]
    field = form.field_for(parts)
    return field is None or field not in form.fields or field in form.errors


@require_http_methods(["GET", "POST"])
@actor_required
def contact_person_change(request, contact_id, link_id):
    """Change a person named in a contact: an amendment before screening (the recorder or the hub), a
    correction with a reason after (the hub only). The form is prefilled with the record; only what differs is
    sent, and the previous values are kept in the contact's change history."""
    actor = request.actor
    contact, amendable = _amendable_contact(request, contact_id)
    correction = not amendable
    if correction and not can(actor, "person.correct"):
        _refuse_as_state_or_role(actor, contact)
    require(actor, "person.correct" if correction else "contact.amend")
    # Addressed by the person's place in this contact (ContactPerson), not their record's id: the page is about
    # the contact, and recording a contact does not open the record.
    link = next((cp for cp in contact.people.all() if str(cp.pk) == str(link_id)), None)
    if link is None:
        raise NotFound()
    # The recorder's form starts from what they named, never from the record as the hub has since corrected it
    # (fault 2 of the review); the hub corrects the record itself.
    person = contact_person_shown(contact_view(actor, contact), link)
    child = link.role == ContactPersonRole.SUBJECT
    record_held = not actor.is_hub and not contact_services.recorder_may_change_person(contact, link)
    initial = {
        "forename": person.forename,
        "surname": person.surname,
        "dob": person.date_of_birth or person.expected_date_of_birth,
        "sex": person.sex,
        "school": link.school.code if link.school_id else "",
        "gp": link.gp.code if link.gp_id else "",
        "version": link.person.version if correction else contact.version,
    }
    form = PersonChangeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        child=child,
        correction=correction,
        unborn=person.kind == "unborn",
        current_address=contact_selectors.current_address(actor=actor, person=person) if correction else None,
        **contact_selectors.partner_schools_and_gps(),
    )
    if request.method == "POST" and not form.is_valid():
        _person_change_check_rest(actor, contact, link, form, correction=correction)
    elif request.method == "POST":
        changes, version = form.changes(), form.cleaned_data["version"]
        try:
            _person_change_send(actor, contact, link, form, changes, version, correction=correction)
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
        "record_held": record_held and not correction,
        "error_links": errors,
        "form": _Errors(errors) if errors else None,
    }
    return render(request, "web/contacts/person_change.html", ctx)


@require_safe
@actor_required
def encompass_notices(request):
    """Operation Encompass notices to the actor's school (the hub: all), newest first; ?unread=1 only those the
    school has not opened yet. Paged (GOV.UK pagination) with the true total."""
    unread = request.GET.get("unread") in ("1", "true", "on")
    page = contact_selectors.encompass_notices(actor=request.actor, unread=unread, page=request.GET.get("page"))
    notices = list(page)
    for n in notices:  # what of each the reader sees: the same answer the API gives (access.fields)
        n.shown = encompass_notice_shown(request.actor, n)
    ctx = {
        "notices": notices,
        "page": page,
        "pagination": pagination(request, page, label="Notice pages"),
        "unread": unread,
        "nav_active": "encompass",
    }
    return render(request, "web/contacts/encompass_list.html", ctx)


@require_safe
@actor_required
def encompass_notice(request, notice_id):
    """One notice: the minimum a school needs (DOMAIN.md 1.5). Opening it marks it read for the school."""
    notice = contact_selectors.encompass_notice_open(actor=request.actor, notice_id=notice_id)
    ctx = {
        "notice": notice,
        "shown": encompass_notice_shown(request.actor, notice),  # what of it the reader sees (access.fields)
        "nav_active": "encompass",
        "can_acknowledge": notice.acknowledged_at is None and can(request.actor, "encompass.acknowledge"),
    }
    return render(request, "web/contacts/encompass_notice.html", ctx)


@require_http_methods(["POST"])
@actor_required
def encompass_notice_acknowledge(request, notice_id):
    """The school's designated safeguarding lead acknowledges the notice (contacts.services); back to the notice."""
    require(request.actor, "encompass.acknowledge")
    try:
        contact_services.encompass_notice_acknowledge(actor=request.actor, notice_id=notice_id)
    except Conflict as exc:
        messages.warning(request, str(exc))
    else:
        messages.success(request, "Notice acknowledged. The MASH and the police can see that your school has it.")
    return redirect("web:encompass_notice", notice_id=notice_id)

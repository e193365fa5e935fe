"""Finding a child, and a child's page with their chronology."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import agency_record_shown, field_access, person_minimum_details
from openmash.access.policy import (
    access_history_allowed,
    break_glass_offered,
    can,
    child_status_record_allowed,
    person_get_for,
    require,
)
from openmash.access.sharing import SEALED_ENTRY_HELD_TEXT, agencies_named, chronology_entry_held
from openmash.core.exceptions import PermissionDenied, RateLimited, ValidationFailed
from openmash.core.views import actor_required
from openmash.enquiries import selectors as enquiry_selectors
from openmash.enquiries import services as enquiry_services
from openmash.matching.selectors import pending_for_people
from openmash.oversight.selectors import live_break_glass_for
from openmash.people import selectors as people_selectors
from openmash.people.names import other_names
from openmash.people.summary import addresses_deduplicated, disagreement_lines, disagreements
from openmash.web import selectors as web_selectors
from openmash.web.forms import AllocateForm, PersonSearchForm, apply_service_errors
from openmash.web.presenters import agency_record_label, search_miss_hint
from openmash.web.views._common import render_form_response, render_rate_limited, search_table


@require_http_methods(["GET", "POST"])
@actor_required
def person_search(request):
    """Search by an identifier, or by two of name, date of birth and postcode (or a full name and an approximate
    age). It posts, so no personal data goes into URLs or logs. Each result shows what access.fields allows (the
    API's answer too) and why it matched."""
    actor = request.actor
    require(actor, "person.search")
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    results, columns = None, []
    total, truncated, miss_hint = 0, False, ""
    if request.method == "POST" and form.is_valid():
        miss_hint = search_miss_hint(form.search_arguments())
        try:
            people = people_selectors.person_search(actor=actor, **form.search_arguments())
        except RateLimited as exc:
            return render_rate_limited(request, exc)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            total, truncated = people.total, people.truncated
            results, columns = search_table(actor, people)
    ctx = {
        "search_form": form,
        "form": form if form.is_bound and form.errors else None,
        "results": results,
        "columns": columns,
        "total": total,
        "truncated": truncated,
        "miss_hint": miss_hint,
        "break_glass": break_glass_offered(actor),  # "Open in an emergency" on results they may not open (issue 7)
        "nav_active": "people",
    }
    return render_form_response(
        request,
        full="web/people/search.html",
        partial="web/people/_search.html",
        context=ctx,
        errors=bool(form.is_bound and form.errors),
        title="Find a child – OpenMASH",
    )


@require_http_methods(["GET", "POST"])
@actor_required
def person_detail(request, person_id):
    """A person's page: their details, records and chronology read over everyone merged into them (ADR 0005). A
    merged-away person's id sends the user to the person they were merged into (access is decided on that person:
    access.policy.people_visible is closed under merging)."""
    actor = request.actor
    resolved_id = people_selectors.person_resolved_id_for(actor=actor, person_id=person_id)
    if str(resolved_id) != str(person_id):
        return redirect("web:person_detail", person_id=resolved_id)
    opened = person_get_for(actor, person_id)
    # children's services actions are offered for children only (under 18, or unborn: Person.is_child_now)
    can_allocate = can(actor, "allocation.assign") and opened.is_child_now
    # whether the actor is told the child's case status is decided once (access.fields.case_status_visible)
    allocation = enquiry_selectors.allocation_current(actor=actor, person=opened)
    allocate_form = None
    if can_allocate:
        allocate_form = AllocateForm(
            request.POST if request.method == "POST" else None,
            workers=enquiry_selectors.social_workers_list(actor=actor),
            current_user_id=allocation.worker_id if allocation else None,
        )
    elif request.method == "POST":
        require(actor, "allocation.assign")
        raise PermissionDenied("Only a child (under 18, or unborn) is allocated a social worker.")
    if request.method == "POST" and allocate_form.is_valid():
        try:
            enquiry_services.allocation_assign(
                actor=actor, person_id=person_id, worker_membership_id=allocate_form.cleaned_data["worker"]
            )
        except ValidationFailed as exc:
            apply_service_errors(allocate_form, exc)
        else:
            messages.success(request, "Worker allocated. New contacts about this child will go to them.")
            return redirect("web:person_detail", person_id=person_id)
    person = people_selectors.person_get(actor=actor, person_id=person_id)
    # what of the record is shown is the one answer the API, the CSV and the PDF render from too (issue 7)
    visible = field_access(actor, person, record_type="person")
    fields = visible.fields
    full = "chronology" in fields
    entries = people_selectors.person_chronology(actor=actor, person_id=person_id)[1] if full else []
    contact_ids = [e.object_id for e in entries if e.object_type == "contacts.contact"]
    linkable = {str(i) for i in web_selectors.visible_contact_ids(actor=actor, ids=contact_ids)}
    sealed_held = bool(entries) and chronology_entry_held(actor, "sealed")
    # an agency all of whose listed entries are held from the reader is named nowhere (access.sharing.agencies_named)
    named = agencies_named(actor, [(e.agency_id, e.sensitivity) for e in entries if e.agency_id]) if sealed_held else None
    ctx = {
        "person": person,
        "visible": visible,
        "child_statuses": people_selectors.child_statuses(person) if "child_status" in fields else [],
        "can_record_status": "child_status" in fields
        and person.is_child_now
        and child_status_record_allowed(actor, person),
        "fields": fields,
        "details": {k: v for k, v in person_minimum_details(person).items() if k in fields},
        "relationships": people_selectors.relationships_view(person) if "relationships" in fields else [],
        "full": full,
        # a sealed entry's words held from a reader the partnership does not name (access.sharing
        # .chronology_entry_held), as on the chronology page, the API and the PDF
        "entries": [
            {
                "e": e,
                "contact_link": e.object_id if e.object_id in linkable else None,
                "held": sealed_held and chronology_entry_held(None, e.sensitivity),
                "agency_named": named is None or e.agency_id in named,
            }
            for e in entries
        ],
        "sealed_held_text": SEALED_ENTRY_HELD_TEXT,
        "allocation": allocation,
        "picture": person.picture,
        # other names and agencies' spellings, never the name shown (people.names.other_names, finding 3)
        "also_known_as": other_names(person, person.picture) if "aliases" in fields else [],
        # each address once, with the agencies holding it; the dates of birth, sexes and current addresses the
        # joined records disagree on, with the agencies holding each (issue 6; field_table "disagreements")
        "addresses": addresses_deduplicated(
            person.picture.addresses, person.picture.records, unnamed=person.picture.agencies_held
        ),
        **_disagreements_shown(person, fields),
        # each agency's record as the one answer renders it (field_table "agency_record", the person's audience)
        "record_rows": [
            {**row, "label": agency_record_label(row)}
            for row in (
                agency_record_shown(
                    field_access(actor, person, record_type="agency_record", audience=visible.audience),
                    r,
                    unnamed=person.picture.agencies_held,  # "An agency" (access.sharing.agencies_unnamed)
                )
                for r in person.picture.records
            )
        ]
        if "records" in fields
        else [],
        "can_separate": can(actor, "link.unmerge"),
        "can_review_links": can(actor, "link.review"),
        "pending_review": pending_for_people(actor=actor, person_ids=[person.pk]),
        "allocate_form": allocate_form,
        "form": allocate_form if allocate_form is not None and allocate_form.errors else None,
        "seen_by": access_history_allowed(actor),  # "Who has seen this record" (issue 7)
        "break_glass": live_break_glass_for(actor=actor, person=person),  # their own emergency access, if any
        "nav_active": "people",
    }
    return render(request, "web/people/detail.html", ctx)


def _disagreements_shown(person, fields) -> dict:
    """The person page's disagreements ({} unless the field table shows "disagreements" to the reader):
    dob_disagreement, sex_disagreement, address_disagreement (people.summary) and disagreement_lines."""
    if "disagreements" not in fields:
        return {"disagreement_lines": []}
    found = disagreements(person, person.picture.records, unnamed=person.picture.agencies_held)
    return {
        "dob_disagreement": found["date_of_birth"],
        "sex_disagreement": found["sex"],
        "address_disagreement": found["address"],
        "disagreement_lines": disagreement_lines(found),
    }


def _person_record_export(request, person_id, fmt: str):
    from openmash.audit.services import audit_record
    from openmash.people.record import person_record_csv, person_record_rows

    actor = request.actor
    resolved_id = people_selectors.person_resolved_id_for(actor=actor, person_id=person_id)
    if str(resolved_id) != str(person_id):
        return redirect(f"web:person_record_{fmt}", person_id=resolved_id)
    person = people_selectors.person_get(actor=actor, person_id=person_id)
    rows = person_record_rows(actor, person, field_access(actor, person, record_type="person"))
    audit_record(actor=actor, action="export", obj=person, detail={"format": fmt, "fields": len(rows)})
    if fmt == "csv":
        response = HttpResponse(person_record_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        from openmash.web.pdf import person_record_pdf

        response = HttpResponse(
            person_record_pdf(actor=actor, person=person, rows=rows), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="record.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@actor_required
def person_record_csv(request, person_id):
    """The person's details as CSV (Field, Label, Value): exactly the fields the page shows, from the one answer
    access.fields.field_access (issue 7). 404 for anyone who may not open the person. Audited ("export", csv)."""
    return _person_record_export(request, person_id, "csv")


@require_safe
@actor_required
def person_record_pdf(request, person_id):
    """The person's details as a PDF (as person_record_csv), marked OFFICIAL-SENSITIVE. Audited ("export", pdf)."""
    return _person_record_export(request, person_id, "pdf")


@require_http_methods(["GET", "POST"])
@actor_required
def person_statuses(request, person_id):
    """Record a child protection plan, looked-after status or child in need plan, or end one (children's social
    care: access.policy.child_status_record_allowed; 403 for anyone else who may open the record, 404 for anyone who
    may not). The list shows what the person page shows (field_table "statuses")."""
    from openmash.access.policy import child_status_is_current, people_visible
    from openmash.people import services as people_services
    from openmash.web.forms import ChildStatusEndForm, ChildStatusForm

    actor = request.actor
    resolved_id = people_selectors.person_resolved_id_for(actor=actor, person_id=person_id)
    if str(resolved_id) != str(person_id):
        return redirect("web:person_statuses", person_id=resolved_id)
    # decided before the record is read (and audited, and its owners told): 404 without a basis, 403 without the role
    if not child_status_record_allowed(actor, person_get_for(actor, person_id, qs=people_visible(actor))):
        raise PermissionDenied("Only children's social care records plans and looked-after status.")
    person = people_selectors.person_get(actor=actor, person_id=person_id)
    posted = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "record") if posted else ""
    form = ChildStatusForm(posted if action == "record" else None)
    end_form = ChildStatusEndForm(posted if action == "end" else None)
    if action == "record" and not person.is_child_now:  # an adult's record (a child-only action: is_child_now)
        raise PermissionDenied("Plans and looked-after status are recorded for children only.")
    if action == "record" and form.is_valid():
        try:
            people_services.child_status_record(actor=actor, person_id=person.pk, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded.")
            return redirect("web:person_detail", person_id=person.pk)
    if action == "end" and end_form.is_valid():
        try:
            people_services.child_status_end(
                actor=actor,
                person_id=person.pk,
                status_id=request.POST.get("status"),
                end_date=end_form.cleaned_data["end_date"],
            )
        except ValidationFailed as exc:
            apply_service_errors(end_form, exc)
        else:
            messages.success(request, "Ended.")
            return redirect("web:person_detail", person_id=person.pk)
    statuses = people_selectors.child_statuses(person)
    ctx = {
        "person": person,
        "status_form": form,
        "end_form": end_form,
        "form": form if form.errors else (end_form if end_form.errors else None),
        "current": [s for s in statuses if child_status_is_current(s)],
        "can_record": person.is_child_now,  # a child-only action (Person.is_child_now)
        "nav_active": "people",
    }
    return render(request, "web/people/statuses.html", ctx)

"""Review queue pages: the proposed links (paged), one link with both records side by side and the decision, and
"these are not the same person" (a manager separates a merged person). Writes go through
``openmash.people.linking``; reads through ``openmash.matching.selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from openmash.access.fields import field_access, linked_record_shown
from openmash.access.policy import can, person_get_for, require
from openmash.core.exceptions import Conflict, ValidationFailed
from openmash.core.views import actor_required
from openmash.matching import selectors
from openmash.matching.forms import LinkDecisionForm, SameAfterAllForm, SeparateForm
from openmash.people import linking
from openmash.people.linking import person_cluster_ids
from openmash.web.forms import apply_service_errors
from openmash.web.paging import pagination

#: The review queue's filter (``?state=``): what the reviewer asked for -> the link state listed. "Waiting" is the
#: queue itself; "joined" and "kept apart" are the decided pairs, newest decision first, so a wrong decision can be
#: found and undone (practitioner review of issue 6, finding 1).
QUEUE_STATES = {"proposed": "Waiting for review", "confirmed": "Joined", "rejected": "Kept apart"}


@require_safe
@actor_required
def review_queue(request):
    """Proposed links waiting for a decision, one per pair of people, oldest first, paged with the true total
    (GOV.UK pagination). ``?person=<id>``: only the pairs involving that person (the link from a child's page).
    ``?state=confirmed`` / ``?state=rejected``: the decided pairs instead (joined / kept apart), newest decision
    first, paged the same way; any other value is the waiting queue."""
    actor = request.actor
    require(actor, "link.review")
    state = request.GET.get("state") or "proposed"
    if state not in QUEUE_STATES:
        state = "proposed"
    person = None
    if state == "proposed" and request.GET.get("person"):
        person = person_get_for(actor, request.GET["person"])
    if state == "proposed":
        cluster = person_cluster_ids(person) if person is not None else None
        page = selectors.review_queue(actor=actor, page=request.GET.get("page"), person_ids=cluster)
    else:
        page = selectors.decided_links(actor=actor, state=state, page=request.GET.get("page"))
    links = list(page)
    for link in links:  # each pair's records as the one answer renders them (access.fields.linked_record_shown)
        access = field_access(actor, link, record_type="record_link")
        link.shown = (linked_record_shown(access, link.record_l), linked_record_shown(access, link.record_r))
    ctx = {
        "person_filter": person,
        "state": state,
        "states": [(key, label, key == state) for key, label in QUEUE_STATES.items()],
        "page": page,
        "links": links,
        "pagination": pagination(request, page, label="Review queue pages"),
        "nav_active": "matching",
    }
    return render(request, "matching/queue.html", ctx)


@require_http_methods(["GET", "POST"])
@actor_required
def link_detail(request, record_link_id):
    """Both records side by side with each field's weight and reason; for a proposal, the decision (confirm, or
    reject with a reason; a reason is also needed to join records with different NHS numbers). For a rejected link
    (the current decision), "They are the same person after all" with a reason (``link_confirm``, the permission
    to confirm; a manager's separation: hub managers only, others are told to ask one); for a confirmed one, the way to the separation ("These are not the same person", hub managers).

    Concurrent edits: every decision closes the row the page shows and writes a new one, so the row in the URL is
    the version the form was made from. A form posted for a row that is no longer current, or for another action
    than the row's state offers, is refused with "This link has already been decided" and nothing is written."""
    actor = request.actor
    require(actor, "link.review")
    review = selectors.link_review_get(actor=actor, link_id=record_link_id)
    decidable = review.current and review.link.state == "proposed"
    reversible = review.current and review.link.state == "rejected"
    # a manager's separation is undone only by a manager (link_confirm refuses others: 403, audited)
    manager_only = bool(
        reversible and not can(actor, "link.unmerge") and linking.link_rejection_is_separation(review.link)
    )
    posted = request.POST if request.method == "POST" else None
    action = (posted or {}).get("action", "decide")
    form = LinkDecisionForm(
        posted if action == "decide" else None,
        confirm_needs_reason=bool(decidable and (review.nhs_conflict or review.said_different)),
    )
    again_form = SameAfterAllForm(posted if action == "same_after_all" else None)
    shown = again_form if action == "same_after_all" else form
    if request.method == "POST":
        allowed = decidable if action == "decide" else reversible if action == "same_after_all" else False
        if not allowed:
            shown.is_valid()
            shown.add_error(None, "This link has already been decided. Reload to see the decision.")
        elif shown.is_valid():
            cd = shown.cleaned_data
            try:
                if action == "same_after_all":
                    new = linking.link_confirm(actor=actor, link_id=review.link.pk, reason=cd.get("reason") or "")
                elif cd["decision"] == "confirm":
                    linking.link_confirm(actor=actor, link_id=review.link.pk, reason=cd.get("reason") or "")
                    messages.success(request, "Records joined: they are now one person with one chronology.")
                else:
                    linking.link_reject(actor=actor, link_id=review.link.pk, reason=cd.get("reason") or "")
                    messages.success(request, "Recorded: these are different people.")
            except ValidationFailed as exc:
                apply_service_errors(shown, exc)
            except Conflict as exc:
                shown.add_error(None, exc.message)
            else:
                if action == "same_after_all":
                    messages.success(
                        request, "Recorded: they are the same person after all. The records are now one person."
                    )
                    return redirect("matching:link_detail", record_link_id=new.pk)
                return redirect("matching:queue")
    current = next((h for h in review.history if h.valid_to is None), None)
    ctx = {
        "review": review,
        "decidable": decidable,
        "reversible": reversible and not manager_only,
        "manager_only": manager_only,
        "manager_only_message": linking.SEPARATION_UNDO_MESSAGE,
        "decision_form": form,
        "again_form": again_form,
        "current_row": current if current is not None and current.pk != review.link.pk else None,
        "separate_person": _separate_person(review) if review.current and review.link.state == "confirmed" else None,
        "can_separate": can(actor, "link.unmerge"),
        "form": shown if shown.is_bound and shown.errors else None,
        "nav_active": "matching",
    }
    return render(request, "matching/link.html", ctx)


def _separate_person(review):
    """The id of the person a confirmed link's separation starts from: the origin person of the link's second
    record (the separation page names both sides, so either would do), or None when both began as one person."""
    left, right = review.link.record_l, review.link.record_r
    if left.origin_person_id == right.origin_person_id:
        return None
    return right.origin_person_id


def side_description(person, records) -> str:
    """One side of a separation in words that tell two people of the same name apart: "Oliver Brown (born 3 May
    2015; County Police)". In: a person and the agency records first attached to them. Out: the name, the dates of
    birth those records (or the person) give and the agencies holding them."""
    from django.utils.dateformat import format as date_format

    dates = list(dict.fromkeys(r.date_of_birth for r in records if r.date_of_birth)) or (
        [person.date_of_birth] if person.date_of_birth else []
    )
    agencies = list(dict.fromkeys(r.agency.name for r in records))
    parts = []
    if dates:
        parts.append("born " + " or ".join(date_format(d, "j F Y") for d in dates))
    if agencies:
        parts.append(", ".join(agencies))
    return f"{person.full_name} ({'; '.join(parts)})" if parts else person.full_name


@require_http_methods(["GET", "POST"])
@actor_required
def person_separate(request, person_id):
    """ "These are not the same person": a manager separates a person from the one they were merged with, giving a
    reason. The person then stands alone with their own contacts, chronology and allocations."""
    actor = request.actor
    require(actor, "link.unmerge")
    view = selectors.separation_get(actor=actor, person_id=person_id)
    form = SeparateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not view.others:  # merged with nobody: the page says so, nothing to do
        form = SeparateForm(None)
    elif request.method == "POST" and form.is_valid():
        try:
            linking.person_separate(actor=actor, person_id=view.person.pk, reason=form.cleaned_data.get("reason") or "")
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{view.person.full_name} is now a separate person.")
            return redirect("web:person_detail", person_id=view.person.pk)
    ctx = {
        "view": view,
        # each side named with what tells them apart (two Oliver Browns: finding 13 of the issue 6 review)
        "this_side": side_description(view.person, view.own_records),
        "other_side": "; ".join(
            side_description(p, [r for r in view.other_records if r.origin_person_id == p.pk]) for p in view.others
        ),
        "separate_form": form,
        "form": form if form.is_bound and form.errors else None,
        "can_review": can(actor, "link.review"),
        "nav_active": "people",
    }
    return render(request, "matching/separate.html", ctx)

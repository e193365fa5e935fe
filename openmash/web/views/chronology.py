"""A child's merged chronology and their household's: filtered, paged, printable and exported as PDF (issue 6).

The pages, the PDF and the API (openmash/people/api.py) read through people.chronology (chronology_read,
chronology_export) and show each entry through chronology_item_view, so they carry the same entries and fields for
the same actor. Who may see which entries is access.policy.chronology_sensitivities; these views decide nothing.
Filters are GET parameters (codes and dates only: no personal data in URLs).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from openmash.core.exceptions import ValidationFailed
from openmash.core.text import CleanTextFormMixin
from openmash.core.views import actor_required
from openmash.matching.selectors import pending_for_people
from openmash.people import selectors as people_selectors
from openmash.people.chronology import (
    SIGNIFICANCE_CHOICES,
    ChronologyFilters,
    chronology_export,
    chronology_read,
    kind_choices,
)
from openmash.web.forms import FilterDateField, apply_service_errors
from openmash.web.paging import pagination
from openmash.web.pdf import chronology_pdf

# GET parameters that are not filters
_NOT_FILTERS = {"page"}


class ChronologyFilterForm(CleanTextFormMixin, forms.Form):
    """The chronology's filters: source agencies, event kinds, significance, and a range of days (Europe/London)."""

    significance = forms.ChoiceField(
        label="Significance",
        choices=[("", "All events")] + SIGNIFICANCE_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select significant or routine events"},
    )
    agency = forms.MultipleChoiceField(
        label="Agency",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select agencies from the list"},
    )
    kind = forms.MultipleChoiceField(
        label="Kind of event",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select kinds of event from the list"},
    )
    date_from = FilterDateField(label="Date from", required=False, help_text="For example, 27 3 2026")
    date_to = FilterDateField(label="Date to", required=False, help_text="For example, 31 3 2026")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = list(agencies)
        self.fields["kind"].choices = kind_choices()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", ValidationError("Date to must be the same as or after date from"))
        return cleaned

    def filters(self) -> ChronologyFilters:
        cd = self.cleaned_data
        return ChronologyFilters(
            agencies=tuple(cd.get("agency") or ()),
            kinds=tuple(cd.get("kind") or ()),
            significance=cd.get("significance") or "",
            date_from=cd.get("date_from"),
            date_to=cd.get("date_to"),
        )


def _all_agencies() -> list:
    """[(code, name)] of every agency, active or not (old entries keep their agency): what the agency filter
    accepts. Partnership configuration, not personal data."""
    from openmash.accounts.models import Agency

    return list(Agency.objects.order_by("name").values_list("code", "name"))


def _form(request) -> ChronologyFilterForm | None:
    """The bound filter form, or None when the request carries no filter."""
    if not any(k not in _NOT_FILTERS for k in request.GET):
        return None
    return ChronologyFilterForm(request.GET, agencies=_all_agencies())


def _to_resolved(request, person_id, name: str):
    """A redirect to the resolved person's page (a merged-away id; ADR 0005), keeping the filters, or None."""
    resolved_id = people_selectors.person_resolved_id_for(actor=request.actor, person_id=person_id)
    if str(resolved_id) == str(person_id):
        return None
    query = request.GET.urlencode()
    return redirect(reverse(name, args=[resolved_id]) + (f"?{query}" if query else ""))


def _chronology_page(request, person_id, *, household: bool):
    actor = request.actor
    moved = _to_resolved(request, person_id, "web:household_chronology" if household else "web:person_chronology")
    if moved is not None:
        return moved
    form = _form(request)
    failed = form is not None and not form.is_valid()
    filters = form.filters() if form is not None and not failed else ChronologyFilters()
    try:
        result = chronology_read(
            actor=actor, person_id=person_id, filters=filters, household=household, page=request.GET.get("page")
        )
    except ValidationFailed as exc:  # the selector's own check of the same rules (the form should have caught it)
        result = chronology_read(actor=actor, person_id=person_id, household=household, page_size=1)
        apply_service_errors(form, exc)
        failed = True
    # the agency options shown: the agencies whose entries the actor may see here, and any already chosen
    shown = dict(result.agencies)
    if form is None:
        form = ChronologyFilterForm(agencies=list(shown.items()))
    else:
        chosen = set(form.data.getlist("agency"))
        form.fields["agency"].choices = [(c, n) for c, n in _all_agencies() if c in shown or c in chosen]
    return _render(request, result, form, household=household, failed=failed)


def _render(request, result, form, *, household: bool, failed: bool):
    query = request.GET.copy()
    query.pop("page", None)
    pdf_name = "web:household_chronology_pdf" if household else "web:person_chronology_pdf"
    ctx = {
        "person": result.person,
        "household": household,
        "members": result.members,
        "page": None if failed else result.page,
        "items": [] if failed else [result.item(e) for e in result.page.items],
        "pagination": None if failed else pagination(request, result.page, label="Chronology pages"),
        "filter_form": form,
        "filtered": (not failed) and result.filters.active,
        "filters_text": result.filters.describe(dict(result.agencies)),
        "form": form if form.errors else None,
        "pdf_url": reverse(pdf_name, args=[result.person.pk]) + (f"?{query.urlencode()}" if query else ""),
        "other_url": reverse(
            "web:person_chronology" if household else "web:household_chronology", args=[result.person.pk]
        ),
        "action": request.path,
        "nav_active": "people",
        "pending_review": 0 if household else pending_for_people(actor=request.actor, person_ids=[result.person.pk]),
    }
    return render(request, "web/people/chronology.html", ctx)


@require_safe
@actor_required
def person_chronology(request, person_id):
    """A child's merged chronology over every agency record joined into them, newest first, with filters (agency,
    kind, significance, dates), GOV.UK pagination with the true total, print styles and a PDF of the same entries.
    404 for anyone who may not see the child's chronology (the hub and the allocated worker may)."""
    return _chronology_page(request, person_id, household=False)


@require_safe
@actor_required
def household_chronology(request, person_id):
    """The chronology of a child and the people they live with (people.chronology.household_members), each entry
    saying whose it is; the same filters, paging and PDF as the child's own."""
    return _chronology_page(request, person_id, household=True)


def _pdf(request, person_id, *, household: bool):
    actor = request.actor
    moved = _to_resolved(
        request, person_id, "web:household_chronology_pdf" if household else "web:person_chronology_pdf"
    )
    if moved is not None:
        return moved
    form = _form(request)
    if form is not None and not form.is_valid():  # the page says what is wrong with the filters
        page = "web:household_chronology" if household else "web:person_chronology"
        return redirect(reverse(page, args=[person_id]) + "?" + request.GET.urlencode())
    filters = form.filters() if form is not None else ChronologyFilters()
    result = chronology_export(actor=actor, person_id=person_id, filters=filters, household=household)
    body = chronology_pdf(actor=actor, result=result, household=household)
    response = HttpResponse(body, content_type="application/pdf")
    stem = "household-chronology" if household else "chronology"
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@actor_required
def person_chronology_pdf(request, person_id):
    """The child's chronology as a PDF: the same filtered entries as the page (every page of them, up to
    people.chronology.PDF_MAX_ENTRIES), marked OFFICIAL-SENSITIVE, saying who printed it and when. Audited
    ("export" per person)."""
    return _pdf(request, person_id, household=False)


@require_safe
@actor_required
def household_chronology_pdf(request, person_id):
    """The household chronology as a PDF (as person_chronology_pdf)."""
    return _pdf(request, person_id, household=True)


@require_safe
@actor_required
def family_network(request, person_id):
    """The child's family network: who lives with whom and the adults around the child, with their history (entry
    counts by kind, open involvement), as a server-rendered SVG and the same content as a table (people.network).
    404 for anyone who may not see the child's chronology."""
    from openmash.people.network import family_network as network_read
    from openmash.web.network_svg import network_layout

    moved = _to_resolved(request, person_id, "web:family_network")
    if moved is not None:
        return moved
    network = network_read(actor=request.actor, person_id=person_id)
    ctx = {
        "person": network.child,
        "network": network,
        "layout": network_layout(network),
        # the diagram's description: the others in the household ("lives with ." when nobody was recorded: review)
        "lives_with": [p.person.full_name for p in network.household if not p.is_child],
        "nav_active": "people",
    }
    return render(request, "web/people/network.html", ctx)

"""What the page views share beyond `openmash.core.views.actor_required`."""

from __future__ import annotations

from django.shortcuts import render

from openmash.core.exceptions import ApplicationError
from openmash.web.forms import apply_service_errors


def is_htmx(request) -> bool:
    """A non-boosted htmx request, which gets a partial rather than the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def first_with_errors(*forms):
    """The form the page's error summary (and the 'Error: ' title prefix) should describe."""
    return next((f for f in forms if f is not None and f.is_bound and f.errors), None)


def render_form_response(request, *, full: str, partial: str, context: dict, errors: bool, title: str, status=200):
    """Render a page whose form also posts through htmx, keeping the whole GOV.UK error pattern (issue 5, fault 13).

    - No htmx: the full page.
    - htmx and the form has errors: the full page, and htmx is told (HX-Retarget/HX-Reselect/HX-Reswap) to
      replace <main> with the new <main>, so the error summary sits at the top of main before the <h1>, exactly
      as without JavaScript; htmx takes the page's <title> ("Error: ...") from the response, and base.html
      initialises the GOV.UK components in swapped content, so the error summary takes focus.
    - htmx without errors: the partial, with a top-level <title> (htmx_title) so an earlier "Error: " prefix
      is taken off.
    """
    if not is_htmx(request):
        return render(request, full, context, status=status)
    if errors:
        response = render(request, full, context, status=status)
        response["HX-Retarget"] = "#main-content"
        response["HX-Reselect"] = "#main-content"
        response["HX-Reswap"] = "outerHTML show:window:top"
        return response
    return render(request, partial, {**context, "htmx_title": title}, status=status)


# --- person search results (the "Find a child" page and intake's first step) -------------------------------------

#: The optional columns of a search result table: shown when at least one row may show that field.
SEARCH_COLUMNS = (("postcode", "Postcode"), ("nhs_number", "NHS number"))


def search_row(actor, person) -> dict:
    """One search result for the templates, from the same answer the API gives (people.selectors.search_result_view,
    itself from access.fields.person_search_fields): each detail shown is a (field, text) pair, so the page shows
    exactly the fields the API returns for this person and searcher, and nothing else."""
    from openmash.people.choices import PersonKind, Sex
    from openmash.people.identifiers import nhs_number_format
    from openmash.people.selectors import search_result_view

    view = search_result_view(actor, person)
    d = view["details"]

    def date_text(day) -> str:
        return f"{day.day} {day:%B %Y}" if day else ""

    texts = {
        "kind": PersonKind(d["kind"]).label if d.get("kind") in PersonKind.values else d.get("kind", ""),
        "forename": d.get("forename", ""),
        "surname": d.get("surname", ""),
        "date_of_birth": date_text(d.get("date_of_birth")),
        "expected_date_of_birth": ("Due " + date_text(d["expected_date_of_birth"]))
        if d.get("expected_date_of_birth")
        else "",
        "sex": Sex(d["sex"]).label if d.get("sex") in Sex.values else d.get("sex", ""),
        "postcode": d.get("postcode", ""),
        "nhs_number": nhs_number_format(d["nhs_number"]) if d.get("nhs_number") else "",
    }
    shown = {f: texts[f] for f in view["fields"]}
    return {
        "id": str(view["id"]),
        "person": person,
        "viewable": view["viewable"],
        "fields": view["fields"],
        # the name as one text ("Amelia Smith"), with the fields it shows
        "name": (
            " ".join(f for f in ("forename", "surname") if f in shown),
            " ".join(shown[f] for f in ("forename", "surname") if shown.get(f)) or "Name not known",
        ),
        "kind": ("kind", shown["kind"]) if "kind" in shown else None,
        "born": [(f, shown[f]) for f in ("date_of_birth", "expected_date_of_birth") if f in shown],
        "born_known": any(shown.get(f) for f in ("date_of_birth", "expected_date_of_birth")),
        "sex": ("sex", shown["sex"]) if "sex" in shown else None,
        "extra": {f: (f, shown[f]) for f, _label in SEARCH_COLUMNS if f in shown},
        "exact": view["exact"],
        "reasons": view["reasons"],
    }


def search_table(actor, people) -> tuple[list[dict], list[tuple[str, str]]]:
    """The rows (search_row) and the optional columns at least one row shows (SEARCH_COLUMNS); each row's
    ``cells`` holds, per optional column, its (field, text) or None when that row may not show it."""
    rows = [search_row(actor, p) for p in people]
    columns = [(f, label) for f, label in SEARCH_COLUMNS if any(f in r["extra"] for r in rows)]
    for r in rows:
        r["cells"] = [r["extra"].get(f) for f, _label in columns]
    return rows, columns


def render_rate_limited(request, exc):
    """The "too many searches" page (status 429, Retry-After), for a full page and an htmx request alike: htmx is
    told to put it in place of <main> (base.html lets htmx swap a 429)."""
    response = render(
        request,
        "web/people/rate_limited.html",
        {"message": exc.message, "retry_after": exc.retry_after},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    if is_htmx(request):
        response["HX-Retarget"] = "#main-content"
        response["HX-Reselect"] = "#main-content"
        response["HX-Reswap"] = "outerHTML show:window:top"
    return response


__all__ = [
    "is_htmx",
    "first_with_errors",
    "apply_service_errors",
    "render_form_response",
    "render_rate_limited",
    "search_row",
    "search_table",
    "SEARCH_COLUMNS",
    "ApplicationError",
]

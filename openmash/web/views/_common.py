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


__all__ = ["is_htmx", "first_with_errors", "apply_service_errors", "render_form_response", "ApplicationError"]

"""What the page views share beyond `openmash.core.views.actor_required`."""

from __future__ import annotations

from openmash.core.exceptions import ApplicationError
from openmash.web.forms import apply_service_errors


def is_htmx(request) -> bool:
    """A non-boosted htmx request, which gets a partial rather than the whole page."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def first_with_errors(*forms):
    """The form the page's error summary (and the 'Error: ' title prefix) should describe."""
    return next((f for f in forms if f is not None and f.is_bound and f.errors), None)


__all__ = ["is_htmx", "first_with_errors", "apply_service_errors", "ApplicationError"]

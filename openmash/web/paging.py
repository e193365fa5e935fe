"""The GOV.UK pagination component's links for a page of a list (openmash.core.pagination.Page).

The links keep every other query parameter (the list's filters) and change only the page parameter, so paging a
filtered list stays filtered. Markup: web/includes/pagination.html (design-system.service.gov.uk/components/
pagination).
"""

from __future__ import annotations

from django.core.paginator import Paginator


def _href(request, param: str, number: int) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


def pagination(request, page, *, param: str = "page", label: str = "Pagination") -> dict | None:
    """The context for web/includes/pagination.html, or None when everything fits on one page.

    Returns {"label", "previous", "next", "items"}: previous/next are hrefs or None; items are dicts with
    number, href and current, or {"ellipsis": True} (Django's elided page range: first, last, and one either side
    of the current page).
    """
    if page.num_pages <= 1:
        return None
    paginator = Paginator(range(page.count), page.page_size)  # only for the elided range, no query
    number = min(page.number, page.num_pages)
    items = []
    for n in paginator.get_elided_page_range(number, on_each_side=1, on_ends=1):
        if n == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append({"number": n, "href": _href(request, param, n), "current": n == number})
    return {
        "label": label,
        "previous": _href(request, param, number - 1) if number > 1 else None,
        "next": _href(request, param, number + 1) if number < page.num_pages else None,
        "items": items,
    }

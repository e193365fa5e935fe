"""Pages of a list with their true total, for the pages and the API (Django's Paginator underneath).

A list is never cut silently: every list returns one page of items together with the total number of items, so
the caller can say "page 2 of 5, 112 contacts" and link to the other pages (issue 5, fault 1: an urgent contact
must never drop off the end of an unpaged list).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Paginator

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page:
    """One page of a list: `items` (a list), the total `count` over all pages, the 1-based page `number`, the
    `page_size` used and `num_pages` (at least 1)."""

    items: list
    count: int
    number: int
    page_size: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        """1-based position of the first item on this page (0 when the page is empty)."""
        return (self.number - 1) * self.page_size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def clean_page_size(page_size) -> int:
    """A page size between 1 and MAX_PAGE_SIZE (anything else, including junk, falls back or is bounded)."""
    try:
        size = int(page_size)
    except (TypeError, ValueError):
        return DEFAULT_PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def clean_page_number(page) -> int:
    """A 1-based page number; junk or numbers below 1 mean page 1."""
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return max(1, number)


def paginate(queryset, *, page=1, page_size=DEFAULT_PAGE_SIZE, clamp: bool = True, count_queryset=None) -> Page:
    """One page of an *ordered* queryset, with the total count (two queries: COUNT and the page).

    count_queryset: the same rows, in the same order, without the list's annotations, when counting or paging the
    annotated queryset would cost more (a GROUP BY over every row) than the plain one. The page's rows are then
    chosen on the plain queryset (a LIMIT/OFFSET subquery of primary keys) and only those rows are annotated, in
    the same single query: page 40 of 50,000 decided enquiries costs a page, not a GROUP BY of them all.

    clamp=True (the pages): a number past the last page shows the last page. clamp=False (the API): a number past
    the last page is an empty page with the true total, so a client can stop.
    """
    size = clean_page_size(page_size)
    number = clean_page_number(page)
    paginator = Paginator(queryset, size)
    if count_queryset is not None:
        paginator.count = count_queryset.count()  # a cached_property: set, it is not computed again
    count = paginator.count
    num_pages = max(1, paginator.num_pages)
    if number > num_pages:
        if not clamp:
            return Page(items=[], count=count, number=number, page_size=size, num_pages=num_pages)
        number = num_pages
    bottom = (number - 1) * size
    if count_queryset is not None:
        keys = count_queryset.order_by(*queryset.query.order_by).values("pk")[bottom : bottom + size]
        window = queryset.filter(pk__in=keys)
    else:
        window = queryset[bottom : bottom + size]
    items = list(window) if count else []
    return Page(items=items, count=count, number=number, page_size=size, num_pages=num_pages)


#: The dates a list may be filtered by (issue 5 review, fault 9): wide enough for any record, narrow enough that the
#: day after the last one and its time zone conversion always exist (9999-12-31 + 1 day raised OverflowError: a 500).
FILTER_DATE_MIN = dt.date(1900, 1, 1)
FILTER_DATE_MAX = dt.date(2099, 12, 31)


def filter_date_check(value: dt.date | None, *, label: str) -> dt.date | None:
    """In: a date a list is filtered by (or None) and its label for the message. Out: the same date. Raises
    ValueError("<label> must be between 1 January 1900 and 31 December 2099") outside FILTER_DATE_MIN..MAX. The one
    rule for every date filter: the API's selectors (through day_bounds) and the pages' FilterDateField use it."""
    if value is not None and not FILTER_DATE_MIN <= value <= FILTER_DATE_MAX:
        raise ValueError(f"{label} must be between 1 January 1900 and 31 December 2099")
    return value


def day_bounds(date_from, date_to, *, fields: tuple[str, str] = ("received_from", "received_to")):
    """Aware datetimes for an inclusive range of local (Europe/London) days: [start of date_from, start of the day
    after date_to). Either may be None. `fields` name the two filters for the error: a date outside
    FILTER_DATE_MIN..FILTER_DATE_MAX raises ValidationFailed with a message on that field (API: 422), never an
    OverflowError."""
    from django.utils import timezone

    from openmash.core.exceptions import ValidationFailed

    errors: dict[str, list[str]] = {}
    for value, field in ((date_from, fields[0]), (date_to, fields[1])):
        try:
            filter_date_check(value, label=field.replace("_", " ").capitalize())
        except ValueError as exc:
            errors[field] = [str(exc)]
    if errors:
        raise ValidationFailed("There is a problem with the filters", errors=errors)
    start = timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)) if date_from else None
    end = timezone.make_aware(dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)) if date_to else None
    return start, end

"""What every paged list of the JSON API takes and returns (issue 5: every list pages and states its true total)."""

from __future__ import annotations

from ninja import Field, Schema

from openmash.core.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from openmash.core.text import CleanSchema

# The largest integer an INTEGER column holds on every supported database (PostgreSQL integer; SQLite takes
# 64-bit but Python ints beyond that overflow the driver). Every integer the API takes is bounded by it, so a
# huge number is a 422, never a 500.
DB_INT_MAX = 2_147_483_647


class PageQuery(CleanSchema):
    """`page` (1-based) and `page_size` (1 to 100, default 25). A page past the last one is empty (count stays
    true), so a client can walk the pages until `page == num_pages`."""

    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class PageOut(Schema):
    """The paging part of a list answer: `count` is the total over all pages, `num_pages` at least 1; `items`
    (declared by each list) are this page's items in the list's order."""

    count: int
    page: int
    page_size: int
    num_pages: int


def page_out(page, items: list) -> dict:
    """The answer of a paged list: the page's metadata (openmash.core.pagination.Page) and its items."""
    return {
        "count": page.count,
        "page": page.number,
        "page_size": page.page_size,
        "num_pages": page.num_pages,
        "items": items,
    }

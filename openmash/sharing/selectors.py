"""Reads for the secure room. Each starts from an openmash.access.sharing queryset, renders items only through
access.sharing.item_shown, and audits the read in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When

from openmash.access.policy import require
from openmash.access.sharing import (
    item_get_for,
    item_shown,
    items_shown,
    items_visible,
    pack_readable,
    release_requests_visible,
    sealed_roles,
)
from openmash.audit.services import audit_record, audit_record_many
from openmash.core.exceptions import NotFound
from openmash.core.pagination import Page
from openmash.sharing.models import ContributedItem, ReleaseRequest, ShareDecision


def _items_qs(qs=None):
    qs = qs if qs is not None else ContributedItem.objects.all()
    return qs.select_related("agency", "recorded_by", "request__enquiry__contact").prefetch_related(
        Prefetch("decisions", queryset=ShareDecision.objects.select_related("decided_by").order_by("decided_at"))
    )


def items_for_requests(requests) -> dict:
    """{AgencyRequest pk: [ContributedItem, ...]} for these requests (agency, author and decisions loaded; one
    query plus the decisions'). Not audited: callers render them through item_shown and audit their page."""
    out: dict = {r.pk: [] for r in requests}
    for item in _items_qs(ContributedItem.objects.filter(request__in=list(out))).order_by("position"):
        out[item.request_id].append(item)
    return out


def answer_items(actor, request, items, *, pack_allowed: bool = False, roles=None) -> list[dict]:
    """The items of one agency's answer as the actor may see them (access.sharing.items_shown; `roles`: the sealed
    roles when the caller read them once for many answers)."""
    return items_shown(actor, items, pack_allowed=pack_allowed, roles=roles)


@transaction.atomic
def item_read(*, actor, item_id) -> dict:
    """One item as the actor may see it (item_shown), or NotFound. Audited (view, reason "contributed item")."""
    item = item_get_for(actor, item_id, qs=_items_qs(items_visible(actor)))
    contact = item.request.enquiry.contact
    pack_allowed = not actor.is_hub and pack_readable(actor, contact)
    shown = item_shown(actor, item, pack_allowed=pack_allowed)
    if shown is None:
        raise NotFound()
    audit_record(actor=actor, action="view", obj=item, reason="contributed item", detail={"shown": shown["shown"]})
    return shown


@transaction.atomic
def item_for_owner(*, actor, item_id) -> ContributedItem:
    """An item of the actor's own agency (for the decision and release pages), or NotFound. Audited."""
    require(actor, "request.respond")
    item = item_get_for(actor, item_id, qs=_items_qs(items_visible(actor)))
    audit_record(actor=actor, action="view", obj=item, reason="contributed item")
    return item


def item_shown_for_owner(actor, item) -> dict | None:
    """The owner's rendering of their own item (item_shown)."""
    return item_shown(actor, item, roles=sealed_roles())


def release_request_get(pk) -> ReleaseRequest:
    """A release request just made by the caller (item, agency and contact loaded; no access decision: the service
    that made it decided)."""
    return ReleaseRequest.objects.select_related("item__agency", "item__request__enquiry__contact").get(pk=pk)


@transaction.atomic
def release_requests_page(*, actor, page: int = 1, page_size: int = 25) -> Page:
    """One page of the release requests on the actor's agency's items, open first, newest first, with the true
    total (core.pagination.Page). PermissionDenied for anyone who does not answer requests. Audited (list)."""
    require(actor, "request.respond")
    order = Case(When(status="open", then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = release_requests_visible(actor)
    page_size = max(1, min(int(page_size), 100))
    page = max(1, int(page))
    start = (page - 1) * page_size
    found = list(
        qs.select_related("item__agency", "item__request__enquiry__contact", "requested_by").order_by(
            order, "-requested_at", "-pk"
        )[start : start + page_size]
    )
    count = len(found) if page == 1 and len(found) < page_size else qs.count()
    audit_record_many(actor=actor, action="list", objects=found, reason="release requests")
    return Page(items=found, count=count, number=page, page_size=page_size, num_pages=max(1, -(-count // page_size)))


def release_requests_list(*, actor, limit: int = 100) -> list[ReleaseRequest]:
    """The first `limit` release requests (release_requests_page). Audited."""
    return release_requests_page(actor=actor, page=1, page_size=limit).items


def open_release_requests_count(*, actor) -> int:
    """How many release requests wait for the actor's agency (a count: not audited)."""
    return release_requests_visible(actor).filter(status="open").count()

"""Reads for the secure room. Each starts from an openmash.access.sharing queryset, renders items only through
access.sharing.item_shown, and audits the read in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Case, F, IntegerField, Prefetch, Q, Value, When
from django.db.models.functions import Coalesce

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
from openmash.core.pagination import Page, paginate
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


# Release requests as a work queue (issue 5 "Queues and lists"; the list was found open first but newest first, so
# the request waiting longest for the agency's decision sat last): the open ones oldest first, then the answered
# ones newest answer first. Ties by id so paging visits each request once.
_WAITING = Q(status="open")
RELEASE_ORDER = (
    Case(When(_WAITING, then=Value(0)), default=Value(1), output_field=IntegerField()),
    Case(When(_WAITING, then=F("requested_at"))).asc(nulls_last=True),
    Coalesce("answered_at", "requested_at").desc(),
    "pk",
)


@transaction.atomic
def release_requests_page(*, actor, page=1, page_size: int = 25, clamp: bool = False) -> Page:
    """One page of the release requests on the actor's agency's items (RELEASE_ORDER: the open ones oldest first,
    then the answered newest first), with the true total (core.pagination.Page; clamp=True for the page: a number
    past the last shows the last). PermissionDenied for anyone who does not answer requests. Audited (list)."""
    require(actor, "request.respond")
    qs = release_requests_visible(actor).select_related(
        "item__agency", "item__request__enquiry__contact", "requested_by"
    )
    result = paginate(qs.order_by(*RELEASE_ORDER), page=page, page_size=page_size, clamp=clamp)
    audit_record_many(actor=actor, action="list", objects=result.items, reason="release requests")
    return result


def open_release_requests_count(*, actor) -> int:
    """How many release requests wait for the actor's agency (a count: not audited)."""
    return release_requests_visible(actor).filter(status="open").count()


def pack_withheld_items(*, actor, contact) -> list:
    """The items on a decided contact's MASH pack that the pack does not carry because their agency has not released
    them (shared into the hub, not released, not withdrawn: ADR 0013) and whose release the actor may ask
    (access.sharing.release_request_allowed: the hub, for items it sees in full; a sealed item held from the actor's
    role is left out: asking for it would be asking blind). In: an actor of the hub and a Contact. Out: [ContributedItem]
    with agency loaded, by agency name and position. Not audited: callers show counts and agency names only."""
    from openmash.access.sharing import release_request_allowed

    if actor is None or not actor.is_hub:
        return []
    qs = (
        items_visible(actor)
        .filter(request__enquiry__contact=contact, state="shared", released_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("agency")
        .order_by("agency__name", "position")
    )
    return [i for i in qs if release_request_allowed(actor, i)]


def pack_withheld_by_agency(*, actor, contact) -> list[dict]:
    """What the hub is told at allocation: per agency, how many of its items are withheld from the MASH pack until it
    releases them (pack_withheld_items), and how many of those already have an open release request (anyone's).
    Out: [{"agency": Agency, "count": int, "asked": int, "message": "2 items from Health are not in the pack until
    Health releases them"}] by agency name; [] when nothing is withheld. Counts and agency names only: not audited."""
    from openmash.sharing.choices import ReleaseRequestStatus

    items = pack_withheld_items(actor=actor, contact=contact)
    if not items:
        return []
    asked = set(
        ReleaseRequest.objects.filter(item__in=items, status=ReleaseRequestStatus.OPEN).values_list("item_id", flat=True)
    )
    rows: dict = {}
    for item in items:
        row = rows.setdefault(item.agency_id, {"agency": item.agency, "count": 0, "asked": 0})
        row["count"] += 1
        row["asked"] += item.pk in asked
    for row in rows.values():
        n, name = row["count"], row["agency"].name
        row["message"] = (
            f"{n} items from {name} are not in the pack until {name} releases them"
            if n != 1
            else f"1 item from {name} is not in the pack until {name} releases it"
        )
    return list(rows.values())

"""The secure room's API (issue 7): add an item to your agency's answer with its sharing decision, decide on a draft,
release an item out of the hub (or refuse), ask for an item's release, read an item, and your agency's release
requests. Every item out is access.sharing.item_shown's dict: the same redaction as the pages."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from openmash.core.api_paging import PageOut, PageQuery, page_out
from openmash.core.text import CleanSchema
from openmash.sharing import selectors, services

router = Router(tags=["sharing"])


class SharingDecisionIn(CleanSchema):
    """A sharing decision (sharing.services module docstring). outcome: share, share_part (with part_text: the part
    shared, which replaces the item's text) or do_not_share (with refusal_reason). Sharing needs purpose,
    lawful_basis (UK GDPR art. 6: public_task, legal_obligation, vital_interests, legitimate_interests, consent),
    special_condition for special category data outside the police (sch1_para18, art9_2h, art9_2c), part3_condition
    for a police agency (sch8_para4, sch8_para1), consent (given, refused, not_sought) with
    consent_not_sought_reason (risk_to_child, prejudice, urgent, cannot_be_given, not_practicable) or
    consent_override_reason (risk_of_harm, crime), and necessity_note unless urgent, with note_sensitivity
    (standard, the default; sensitive; sealed: read by the sealed roles, your agency and you only; 422 otherwise).
    urgent: a child at risk of significant harm now (never blocked: consent defaults to not sought, reason
    urgent)."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"necessity_note", "part_text"})
    outcome: str = Field(max_length=20)
    part_text: str = ""
    purpose: str = Field("", max_length=30)
    lawful_basis: str = Field("", max_length=30)
    special_condition: str = Field("", max_length=30)
    part3_condition: str = Field("", max_length=30)
    consent: str = Field("", max_length=20)
    consent_not_sought_reason: str = Field("", max_length=30)
    consent_override_reason: str = Field("", max_length=30)
    necessity_note: str = ""
    # who reads the note (access.sharing.share_note_held): standard (default), sensitive or sealed
    note_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    urgent: bool = False
    refusal_reason: str = Field("", max_length=40)


class ItemIn(CleanSchema):
    """A contributed item. sensitivity: standard, sensitive (category: mental_health, sexual_health,
    police_intelligence, substance_misuse, other_health) or sealed (category: refuge_address, protected_referrer,
    adoption, sensitive_nhs_demographics). Police intelligence needs its 3x5x2 grading: intel_source 1-3,
    intel_assessment A-E, intel_handling P or C. decision: the sharing decision; without it the item waits as a draft
    (only your agency sees it) until POST /contributed-items/{id}/decision."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"text"})
    text: str
    sensitivity: str = Field("standard", max_length=20)
    category: str = Field("", max_length=40)
    intel_source: str = Field("", max_length=1)
    intel_assessment: str = Field("", max_length=1)
    intel_handling: str = Field("", max_length=1)
    decision: SharingDecisionIn | None = None


class SharingDecisionOut(Schema):
    """A recorded sharing decision. kind: share, refuse, release, refuse_release. decided_at: aware, UTC."""

    id: UUID
    kind: str
    outcome: str
    purpose: str
    lawful_basis: str
    special_condition: str
    part3_condition: str
    consent: str
    consent_not_sought_reason: str
    consent_override_reason: str
    necessity_note: str = Field(description="Empty when note_held")
    note_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    note_held: bool = Field(
        False, description="The note (and decided_by) are held from you at their level (access.sharing.share_note_held)"
    )
    urgent: bool
    refusal_reason: str
    decided_by: str
    decided_at: dt.datetime
    via: str
    agreement_check: str = Field(
        "", description="a release: covered (by agreement_id) or outside (no agreement: flagged); else empty"
    )
    agreement_id: UUID | None = None


class ItemOut(Schema):
    """A contributed item as the caller may see it (access.sharing.item_shown). shown: "full" (the item),
    "declined" (the hub: the agency declined to share one item; refusal_reason is its reason category),
    "held" (the hub without a sealed role: a sealed item is held), "not_released" (outside the hub: the item is in
    the hub and its agency has not released it; ask with POST /contributed-items/{id}/release-requests). Fields the
    view does not give are empty. Times aware, UTC."""

    id: UUID
    agency_code: str
    agency_name: str
    position: int
    shown: str
    text: str
    sensitivity: str
    category: str
    intel_source: str
    intel_assessment: str
    intel_handling: str
    recorded_by: str
    recorded_at: dt.datetime | None
    state: str
    released: bool
    released_at: dt.datetime | None
    refusal_reason: str
    withdrawn: bool
    decisions: list[SharingDecisionOut]
    release_askable: bool = Field(False, description="you may ask the agency to release it")


class ReleaseRequestOut(Schema):
    """A request to release an item. requested_as: hub or worker. status: open, released, refused."""

    id: UUID
    item_id: UUID
    reference: str
    agency_code: str
    requested_at: dt.datetime
    requested_as: str
    status: str
    answered_at: dt.datetime | None


def release_request_out(r) -> dict:
    return {
        "id": r.id,
        "item_id": r.item_id,
        "reference": r.item.request.enquiry.contact.reference,
        "agency_code": r.item.agency.code,
        "requested_at": r.requested_at,
        "requested_as": r.requested_as,
        "status": r.status,
        "answered_at": r.answered_at,
    }


def _item(request, item_id) -> dict:
    return selectors.item_read(actor=request.actor, item_id=item_id)


@router.post(
    "/agency-requests/{request_id}/items",
    response={201: ItemOut},
    summary="Add an item to your agency's answer, with its sharing decision (or as a draft)",
)
def item_add(request, request_id: UUID, payload: ItemIn):
    data = payload.dict()
    decision = data.pop("decision", None)
    item = services.item_add(actor=request.actor, request_id=request_id, item=data, decision=decision, via="api")
    return Status(201, _item(request, item.pk))


@router.get("/contributed-items/{item_id}", response=ItemOut, summary="A contributed item, as you may see it")
def item_detail(request, item_id: UUID):
    return _item(request, item_id)


@router.post(
    "/contributed-items/{item_id}/decision",
    response=ItemOut,
    summary="Record the sharing decision on your agency's draft item (share, share part, do not share)",
)
def item_decide(request, item_id: UUID, payload: SharingDecisionIn):
    services.item_decide(actor=request.actor, item_id=item_id, decision=payload.dict(), via="api")
    return _item(request, item_id)


@router.post(
    "/contributed-items/{item_id}/release",
    response=ItemOut,
    summary="Release your agency's item out of the hub (outcome share) or refuse to (do_not_share)",
)
def item_release(request, item_id: UUID, payload: SharingDecisionIn):
    services.item_release(actor=request.actor, item_id=item_id, decision=payload.dict(), via="api")
    return _item(request, item_id)


@router.post(
    "/contributed-items/{item_id}/release-requests",
    response={201: ReleaseRequestOut},
    summary="Ask the agency to release an item (the hub, or the allocated worker from the MASH pack)",
)
def release_request_create(request, item_id: UUID):
    asked = services.release_request_create(actor=request.actor, item_id=item_id)
    return Status(201, release_request_out(selectors.release_request_get(asked.pk)))


class ReleaseRequestPageOut(PageOut):
    """One page of the release requests on your agency's items, open first, newest first."""

    items: list[ReleaseRequestOut]


@router.get(
    "/release-requests",
    response=ReleaseRequestPageOut,
    summary="Release requests on your agency's items, open first (oldest first), then answered (newest first), paged",
)
def release_request_list(request, q: Query[PageQuery]):
    page = selectors.release_requests_page(actor=request.actor, page=q.page, page_size=q.page_size)
    return page_out(page, [release_request_out(r) for r in page.items])

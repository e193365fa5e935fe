"""Matching API: intake candidates, the review queue of proposed links, decisions (confirm, reject), and unmerging
(ending a confirmed link, or separating a person). Bad input answers 422 with field messages; a lost race 409."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema

from openmash.core.api_paging import PageOut, PageQuery, page_out
from openmash.core.text import CleanSchema
from openmash.matching import selectors
from openmash.matching.candidates import candidate_summary, candidates_reference, intake_candidates
from openmash.people import linking

router = Router(tags=["matching"])


class RecordOut(Schema):
    """One agency's record of a person, as that agency holds it. `person_id` is the resolved person it belongs to
    now; identifiers are the valid ones only (what was sent is kept by the agency record, not shown here)."""

    id: UUID
    agency: str
    local_id: str
    person_id: UUID | None
    origin_person_id: UUID | None
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    nhs_number: str
    upn: str
    pnc_id: str
    postcode: str
    address: str
    received_at: dt.datetime | None
    source_contact_reference: str | None
    source_feed: str


class FieldEvidenceOut(Schema):
    """One field of the two records side by side: level exact / similar / different / missing; weight is the
    scoring engine's log2 Bayes factor for the field (null for a rule-made link or a field it did not score)."""

    field: str
    label: str
    left: str
    right: str
    level: str
    weight: float | None
    reason: str


class LinkOut(Schema):
    """A link between two agency records: state proposed / confirmed / rejected; `current` false for an earlier
    row of its history; `rule` is what proposed or decided it ("nhs_number", "reviewer", ...); `nhs_conflict`
    true when confirming would give one person two different NHS numbers (a reason is then required)."""

    id: UUID
    state: Literal["proposed", "confirmed", "rejected"]
    current: bool
    record_l: RecordOut
    record_r: RecordOut
    match_weight: float | None
    match_probability: float | None
    rule: str
    reason: str
    decided_by: str | None
    decided_at: dt.datetime
    nhs_conflict: bool
    fields: list[FieldEvidenceOut]
    explanation: list[str] = Field(
        default_factory=list,
        description="How the matching engine's score adds up, in plain English, the starting point first (\"date of "
        'birth: day and month of birth swapped, +9.0"); the weights sum to match_weight. Empty for a link the '
        "engine did not score (an identifier rule's).",
    )


class LinkPageOut(PageOut):
    items: list[LinkOut]


class ReasonIn(CleanSchema):
    """A reviewer's reason (at most 500 characters): required to reject, to unmerge, and to confirm a link that
    would give one person two different NHS numbers or that was rejected before."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    reason: str = Field("", max_length=500)


class SeparationOut(Schema):
    """The person separated, and the links ended (each now a rejected row with the reason)."""

    person_id: UUID
    links_ended: list[UUID]


class CandidateIdentifierIn(CleanSchema):
    type: Literal["nhs_number", "upn", "pnc_id"]
    value: str = Field(max_length=40)


class CandidateQueryIn(CleanSchema):
    """A new person's details, as a referrer would give them in a contact. An identifier (NHS number, UPN, PNC ID)
    alone finds exact matches; otherwise at least two of a name, a date of birth and a postcode are needed (the
    minimum-identifier rule, SECURITY-TESTS.md SR-1, as people search): too few answer 422 saying what to add
    (`surname` or `date_of_birth`), and count as no search."""

    forename: str = Field("", max_length=100)
    surname: str = Field("", max_length=100)
    date_of_birth: dt.date | None = None
    sex: Literal["M", "F", "U"] = "U"
    identifiers: list[CandidateIdentifierIn] = Field(default_factory=list, max_length=10)
    postcode: str = Field("", max_length=10)


class CandidateOut(Schema):
    """A person already known who may be the one described: the minimum a referrer sees (name, date of birth),
    whether an identifier matched exactly, and the reasons in words. Name one in the contact by `id` to record the
    concern against them; or give the new person with `not_person_ids` listing the ones it is not."""

    id: UUID
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    exact: bool
    reasons: list[str]


class CandidatesOut(Schema):
    """The people already known who may be the one described, best first (at most 5), and `reference`: send it
    with the new person in POST /api/v1/contacts (`match_decision: "new"`, `candidates_reference`) to say it is
    none of them. The reference holds no personal data, is yours only, lasts a day and fits only these details."""

    items: list[CandidateOut]
    reference: str


def _record_out(access, r) -> dict:
    """One record of the pair, as the one answer gives it (access.fields.linked_record_shown)."""
    from openmash.access.fields import linked_record_shown

    shown = linked_record_shown(access, r)
    shown.pop("fields")
    return shown


def _link_out(actor, link, *, rows=None, nhs_conflict: bool = False) -> dict:
    from openmash.access.fields import field_access

    access = field_access(actor, link, record_type="record_link")
    if rows is None:
        rows = selectors.compare_fields(link, fields=access.fields)
    return {
        "id": link.pk,
        "state": link.state,
        "current": link.valid_to is None,
        "record_l": _record_out(access, link.record_l),
        "record_r": _record_out(access, link.record_r),
        "match_weight": link.match_weight,
        "match_probability": link.match_probability,
        "rule": link.rule,
        "reason": link.reason,
        "decided_by": link.decided_by.username if link.decided_by_id else None,
        "decided_at": link.decided_at,
        "nhs_conflict": nhs_conflict,
        "fields": [row.__dict__ for row in rows],
        "explanation": [line.text for line in selectors.score_lines(link.field_weights)],
    }


def _review_out(actor, review) -> dict:
    return _link_out(actor, review.link, rows=review.rows, nhs_conflict=review.nhs_conflict)


class LinkListQuery(PageQuery):
    """Paging, and `state`: `proposed` (default: the review queue, one row per pair of people, oldest first),
    `confirmed` or `rejected` (current decisions, newest first). Any other value is a 422."""

    state: Literal["proposed", "confirmed", "rejected"] = "proposed"


@router.get(
    "/record-links",
    response=LinkPageOut,
    summary="Links between agency records: the review queue (state=proposed, oldest first) or current decisions "
    "(state=confirmed or rejected, newest first); hub screeners and managers",
)
def record_link_list(request, q: Query[LinkListQuery]):
    if q.state == "proposed":
        page = selectors.review_queue(actor=request.actor, page=q.page, page_size=q.page_size)
    else:
        page = selectors.decided_links(actor=request.actor, state=q.state, page=q.page, page_size=q.page_size)
    return page_out(page, [_link_out(request.actor, link, nhs_conflict=link.nhs_conflict) for link in page])


@router.get("/record-links/{record_link_id}", response=LinkOut, summary="A link with both records side by side")
def record_link_detail(request, record_link_id: UUID):
    return _review_out(request.actor, selectors.link_review_get(actor=request.actor, link_id=record_link_id))


@router.post(
    "/record-links/{record_link_id}/confirmation",
    response=LinkOut,
    summary="Confirm a proposed link: the records are the same person (reason needed to override the NHS rule)",
)
def record_link_confirm(request, record_link_id: UUID, payload: ReasonIn):
    link = linking.link_confirm(actor=request.actor, link_id=record_link_id, reason=payload.reason)
    return _review_out(request.actor, selectors.link_review_get(actor=request.actor, link_id=link.pk))


@router.post(
    "/record-links/{record_link_id}/rejection",
    response=LinkOut,
    summary="Reject a proposed link: different people (reason required)",
)
def record_link_reject(request, record_link_id: UUID, payload: ReasonIn):
    link = linking.link_reject(actor=request.actor, link_id=record_link_id, reason=payload.reason)
    return _review_out(request.actor, selectors.link_review_get(actor=request.actor, link_id=link.pk))


@router.post(
    "/record-links/{record_link_id}/end",
    response=LinkOut,
    summary="Unmerge: end a confirmed link, the records are not the same person (hub managers; reason required)",
)
def record_link_end(request, record_link_id: UUID, payload: ReasonIn):
    link = linking.link_end(actor=request.actor, link_id=record_link_id, reason=payload.reason)
    return _review_out(request.actor, selectors.link_review_get(actor=request.actor, link_id=link.pk))


@router.post(
    "/people/{person_id}/separation",
    response=SeparationOut,
    summary="These are not the same person: separate a merged person (hub managers; reason required)",
)
def person_separate(request, person_id: UUID, payload: ReasonIn):
    ended = linking.person_separate(actor=request.actor, person_id=person_id, reason=payload.reason)
    return {"person_id": person_id, "links_ended": [link.pk for link in ended]}


@router.post(
    "/intake/candidates",
    response=CandidatesOut,
    summary="Before recording a new person: people already known who may be them, with the reasons",
)
def intake_candidate_list(request, payload: CandidateQueryIn):
    """One audited search under the per-user search rate limit (429 past it). 422 when the details are too few to
    search by (SR-1). Name a candidate in the contact by `id` (`person_id`), or declare the person new with
    `match_decision: "new"` and this answer's `reference`."""
    details = payload.dict()
    found = intake_candidates(actor=request.actor, details=details, require_minimum=True)
    return {
        "items": [candidate_summary(c) for c in found],
        "reference": candidates_reference(actor=request.actor, details=details, found=found),
    }

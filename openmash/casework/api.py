"""Casework API: case notes, strategy discussions, MASH packs, allocating siblings together, closing allocations."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema, Status

from openmash.access.fields import pack_person_named
from openmash.access.policy import can
from openmash.access.sharing import items_text
from openmash.casework import selectors, services
from openmash.core.api_paging import PageOut, PageQuery, page_out
from openmash.core.exceptions import NotFound
from openmash.core.pagination import Page
from openmash.core.text import CleanSchema
from openmash.sharing.api import ItemOut

router = Router(tags=["casework"])


# --- schemas ------------------------------------------------------------------------------------------------------


class CaseNoteIn(CleanSchema):
    """A case note. note_type: phone_call, system_check, consent_conversation, management_oversight or other.
    occurred_at: when the event happened (ISO 8601; without an offset it is read as UK time); not in the future,
    not before the contact was received. corrects_id: the note on the same contact this one corrects. sensitivity:
    standard (default), sensitive or sealed (only the partnership's sealed roles and the author read a sealed note;
    access.sharing.case_note_held); anything else 422."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"text"})
    note_type: str = Field(max_length=30)
    occurred_at: dt.datetime
    text: str
    corrects_id: UUID | None = None
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


class NoteLinkOut(Schema):
    """A case note linked as corrected or correcting: its id, note_type and occurred_at (aware, UTC): "Corrects
    note of <occurred_at>" / "Corrected by note of <occurred_at>"."""

    id: UUID
    note_type: str
    occurred_at: dt.datetime


class CaseNoteOut(Schema):
    """A case note as recorded (notes are never changed). corrected_by: the notes that correct it. sensitivity:
    standard, sensitive or sealed; held: true when its sensitivity keeps it from the reader (then text and author
    are "": only its type, time, agency and level are given)."""

    id: UUID
    contact_id: UUID
    enquiry_id: UUID | None
    note_type: str
    occurred_at: dt.datetime
    sensitivity: Literal["standard", "sensitive", "sealed"]
    held: bool
    text: str
    author: str
    agency_code: str
    recorded_at: dt.datetime
    corrects_id: UUID | None
    corrected_by: list[UUID]
    corrects: NoteLinkOut | None = Field(None, description="the note this one corrects (null when it corrects none)")
    corrections: list[NoteLinkOut] = Field(default_factory=list, description="the notes that correct this one")


class AttendeeIn(CleanSchema):
    agency_code: str = Field(max_length=40)
    name: str = Field(max_length=200)
    role: str = Field("", max_length=200)


class ActionIn(CleanSchema):
    multiline_fields: ClassVar[frozenset[str]] = frozenset({"description"})
    description: str = Field(max_length=1000)
    owner: str = Field(max_length=200)
    owner_agency_code: str = Field("", max_length=40)
    due_date: dt.date


class StrategyDiscussionIn(CleanSchema):
    """A strategy discussion. Police and health should take part (Working Together 2023): if no attendee is from
    a police or health agency, missing_agencies_reason must say why. section47: whether a section 47 enquiry
    starts, with its rationale. Only for a contact whose decision or screening outcome was a strategy discussion.
    sensitivity: standard (default), sensitive or sealed (only the partnership's sealed roles and the recorder read
    a sealed discussion's rationale, absent agencies' reason, attendees and actions:
    access.sharing.strategy_discussion_held); anything else 422."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"rationale", "missing_agencies_reason"})
    held_at: dt.datetime
    attendees: list[AttendeeIn] = Field(max_length=30)
    section47: bool
    rationale: str
    actions: list[ActionIn] = Field(default_factory=list, max_length=30)
    missing_agencies_reason: str = ""
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


class AttendeeOut(Schema):
    agency_code: str
    agency_name: str
    name: str
    role: str


class ActionOut(Schema):
    description: str
    owner: str
    owner_agency_code: str | None
    due_date: dt.date


class StrategyDiscussionOut(Schema):
    """A strategy discussion as recorded. sensitivity: standard, sensitive or sealed; held: true when its
    sensitivity keeps its text from the reader (access.sharing.strategy_discussion_held): then rationale and
    missing_agencies_reason are "" and attendees and actions empty; held_at, section47 and recorded_at are given."""

    id: UUID
    contact_id: UUID
    enquiry_id: UUID | None
    held_at: dt.datetime
    sensitivity: Literal["standard", "sensitive", "sealed"]
    held: bool
    section47: bool
    rationale: str
    missing_agencies_reason: str
    attendees: list[AttendeeOut]
    actions: list[ActionOut]
    recorded_at: dt.datetime


class PackPersonOut(Schema):
    """A person of a MASH pack as the contact names them (access.fields.pack_person_named: field_table
    "contact_person"); a detail the reader may not see is empty ("" or null)."""

    person_id: UUID
    role: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None


class PackAddressOut(Schema):
    status: str
    line1: str
    town: str
    postcode: str
    start_date: dt.date | None
    end_date: dt.date | None


class PackPersonDetailOut(PackPersonOut):
    """A person in the full MASH pack, as access.fields.pack_person_details renders them (field_access's
    "contact_person" and "person" answers): `fields` names what the reader is shown, any other key is empty ("",
    null). Name, role and date of birth as the contact holds them; addresses (null when the reader may not see
    them: the hub and the child's allocated worker may), postcode, and for a subject child the school and GP
    (agency names) and present_at_incident (yes / no / unknown / "") as the contact says."""

    fields: list[str] = Field(default_factory=list)
    addresses: list[PackAddressOut] | None = None
    postcode: str = ""
    school: str | None = None
    gp: str | None = None
    present_at_incident: str = ""


class PackDomesticAbuseOut(Schema):
    """The contact's domestic abuse details (DOMAIN.md 1.5): police_reference, incident_at (aware, UTC), dash_risk
    (standard / medium / high / ""), marac_referral (yes / no / unknown / ""), schools_told (Operation Encompass was
    asked for)."""

    police_reference: str
    incident_at: dt.datetime | None
    dash_risk: str
    marac_referral: str
    schools_told: bool


class PackDecisionChildOut(Schema):
    """One subject child's own decision (enquiries.DecisionChild): outcome codes and threshold level."""

    person_id: UUID
    outcomes: list[str]
    threshold_level: int


class MashPackSummaryOut(Schema):
    contact_id: UUID
    reference: str
    status: str
    received_at: dt.datetime
    subjects: list[PackPersonOut]


class PackScreeningOut(Schema):
    """The screening. held: true when its sensitivity keeps the rationale from the reader
    (access.sharing.screening_text_held): rationale is then ""."""

    outcome: str
    rationale: str
    screened_at: dt.datetime
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    held: bool = False


class AgencyAnswerOut(Schema):
    """One agency's answer as the reader may see it (the secure room, issue 7). items: the agency's contributed
    items through access.sharing.item_shown: outside the hub only the items the agency released are shown whole, an
    unreleased one as shown "not_released" (ask for its release: POST /contributed-items/{id}/release-requests).
    withheld: at least one item is held in the hub. summary: the text of the items shown whole (kept for clients
    written before items). risk_indicators and relevant_dates: the hub's only (empty outside it)."""

    agency_code: str
    agency_name: str
    status: str
    withheld: bool
    responded_at: dt.datetime | None
    no_information: bool | None
    summary: str
    items: list[ItemOut] = Field(default_factory=list)
    risk_indicators: list[str]
    relevant_dates: str
    late: bool = Field(False, description="answered after the MASH decided (late information, ADR 0003)")


class PackDecisionOut(Schema):
    """The MASH decision. outcomes and threshold_level are the contact as a whole (the union of the children's
    outcomes); children: each subject child's own outcomes and level, as on the enquiry page."""

    outcomes: list[str]
    threshold_level: int
    children: list[PackDecisionChildOut] = Field(default_factory=list)
    rationale: str
    next_steps: str
    decided_at: dt.datetime
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    held: bool = Field(
        False,
        description="true when the decision's sensitivity keeps its texts from the reader "
        "(access.sharing.decision_text_held): rationale and next_steps are then empty",
    )


class AllocationOut(Schema):
    """An allocation. returned_contact_ids: on closing, the contacts passed to the worker that they had not
    acknowledged, sent back to the hub's screening queue (ADR 0008); empty otherwise."""

    id: UUID
    person_id: UUID
    worker: str | None
    agency_code: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    returned_contact_ids: list[UUID] = Field(default_factory=list)


class RoutedContactReceiptOut(Schema):
    """The allocated worker's acknowledgement of a contact passed to them (ADR 0008): contact_id, worker (display
    name) and acknowledged_at (aware, UTC)."""

    contact_id: UUID
    worker: str
    acknowledged_at: dt.datetime


class MashPackOut(Schema):
    """The full MASH pack handed to the allocated worker and the assessment team. referrer_name is null when the
    referrer's identity is protected and the reader is outside the hub."""

    contact_id: UUID
    reference: str
    status: str
    received_at: dt.datetime
    recording_agency: str
    referrer_name: str | None
    narrative: str
    concern_codes: list[str]
    immediate_risk: bool
    people: list[PackPersonDetailOut]
    domestic_abuse: PackDomesticAbuseOut | None = None
    screening: PackScreeningOut | None
    enquiry_id: UUID | None
    rag: str | None
    agency_answers: list[AgencyAnswerOut]
    agencies_answered: int = Field(description="agencies asked that answered")
    agencies_answered_late: int = Field(0, description="of the agencies that answered, how many after the decision")
    agencies_closed_unanswered: int = Field(
        description="agencies whose request was still unanswered when the MASH decided (closed, not answered)"
    )
    decision: PackDecisionOut | None
    case_notes: list[CaseNoteOut]
    strategy_discussions: list[StrategyDiscussionOut]
    allocations: list[AllocationOut]


class AllocateTogetherIn(CleanSchema):
    """Allocate these subject children of the contact (siblings) to one social worker (membership id)."""

    person_ids: list[UUID] = Field(max_length=20)
    worker_membership_id: UUID


class AllocationCloseIn(CleanSchema):
    """Why the allocation closes. sensitivity: the reason's, standard (default), sensitive or sealed (kept with each
    contact the closing sends back to the screening queue; a sealed reason is read by the partnership's sealed roles
    and its writer only: access.sharing.routed_return_reason_held); anything else 422."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    reason: str = Field(max_length=500)
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


# --- presenters ---------------------------------------------------------------------------------------------------


def note_out(n) -> dict:
    """CaseNoteOut of a note marked by casework.selectors.notes_marked (unmarked counts as held: deny by default)."""
    held = getattr(n, "held", True)
    return {
        "id": n.id,
        "contact_id": n.contact_id,
        "enquiry_id": n.enquiry_id,
        "note_type": n.note_type,
        "occurred_at": n.occurred_at,
        "sensitivity": n.sensitivity,
        "held": held,
        "text": "" if held else n.text,
        "author": "" if held else str(n.author),
        "agency_code": n.agency.code,
        "recorded_at": n.created_at,
        "corrects_id": n.corrects_id,
        "corrected_by": [c.id for c in n.corrections.all()],
        "corrects": _note_link(n.corrects) if n.corrects_id else None,
        "corrections": [_note_link(c) for c in n.corrections.all()],
    }


def _note_link(n) -> dict:
    return {"id": n.id, "note_type": n.note_type, "occurred_at": n.occurred_at}


def discussion_out(d) -> dict:
    """StrategyDiscussionOut of a discussion marked by casework.selectors.discussions_marked (unmarked counts as
    held: deny by default)."""
    held = getattr(d, "held", True)
    out = {
        "id": d.id,
        "contact_id": d.contact_id,
        "enquiry_id": d.enquiry_id,
        "held_at": d.held_at,
        "sensitivity": d.sensitivity,
        "held": held,
        "section47": d.section47,
        "recorded_at": d.recorded_at,
    }
    if held:
        return {**out, "rationale": "", "missing_agencies_reason": "", "attendees": [], "actions": []}
    return {
        **out,
        "rationale": d.rationale,
        "missing_agencies_reason": d.missing_agencies_reason,
        "attendees": [
            {"agency_code": a.agency.code, "agency_name": a.agency.name, "name": a.name, "role": a.role}
            for a in d.attendees.all()
        ],
        "actions": [
            {
                "description": a.description,
                "owner": a.owner,
                "owner_agency_code": a.owner_agency.code if a.owner_agency else None,
                "due_date": a.due_date,
            }
            for a in d.actions.all()
        ],
        "recorded_at": d.recorded_at,
    }


def _person(actor, cp) -> dict:
    """A child of a pack in the pack list, as access.fields.pack_person_named gives them to this reader."""
    named = pack_person_named(actor, cp, pack_allowed=True)  # the list holds only packs the reader may open
    return {"person_id": cp.person_id, **{k: named[k] for k in PackPersonOut.model_fields if k != "person_id"}}


def _pack_person(cp, details: dict) -> dict:
    """One person of the pack as access.fields.pack_person_details rendered them for this reader (a key the reader
    may not see is empty there): nothing here decides which fields show."""
    addresses = details["addresses"]
    keys = ("role", "forename", "surname", "date_of_birth", "expected_date_of_birth", "postcode", "school", "gp")
    return {
        "person_id": cp.person_id,
        "fields": sorted(details["fields"]),
        **{k: details[k] for k in (*keys, "present_at_incident")},
        "addresses": None
        if addresses is None
        else [
            {k: getattr(a, k) for k in ("status", "line1", "town", "postcode", "start_date", "end_date")}
            for a in addresses
        ],
    }


def allocation_out(a) -> dict:
    return {
        "id": a.id,
        "person_id": a.person_id,
        "worker": str(a.worker) if a.worker else None,
        "agency_code": a.agency.code,
        "opened_at": a.opened_at,
        "closed_at": a.closed_at,
        "returned_contact_ids": [c.pk for c in getattr(a, "returned", [])],
    }


def pack_out(pack) -> dict:
    c, d, s = pack.contact, pack.decision, pack.screening
    answers = []
    for item in pack.requests:
        # the answer as access.fields.answer_shown rendered it for this reader (field_table "agency_answer")
        r, resp = item["r"], item["response"]
        answers.append(
            {
                "agency_code": r.agency.code,
                "agency_name": r.agency.name,
                "status": r.status,
                "withheld": item["withheld"],
                "responded_at": resp["responded_at"] if resp else None,
                "no_information": resp["no_information"] if resp else None,
                "summary": items_text(item["items"]) if "summary" in item["fields"] else "",
                "items": item["items"],
                "risk_indicators": resp["risk_indicators"] if resp else [],
                "relevant_dates": resp["relevant_dates"] if resp else "",
                "late": item["late"],
            }
        )
    return {
        "contact_id": c.id,
        "reference": c.reference,
        "status": c.status,
        "received_at": c.received_at,
        "recording_agency": c.recording_agency.name,
        "referrer_name": None if pack.referrer_hidden else c.referrer_name,
        "narrative": c.narrative,
        "concern_codes": c.concern_codes,
        "immediate_risk": c.immediate_risk,
        "people": [_pack_person(cp, pack.person_details[cp.pk]) for cp in pack.subjects + pack.others],
        "domestic_abuse": pack.domestic_abuse,
        "screening": {
            "outcome": s.outcome,
            "rationale": "" if getattr(s, "held", True) else s.rationale,  # unmarked counts as held
            "screened_at": s.screened_at,
            "sensitivity": s.sensitivity,
            "held": getattr(s, "held", True),
        }
        if s
        else None,
        "enquiry_id": pack.enquiry.id if pack.enquiry else None,
        "rag": pack.enquiry.rag if pack.enquiry else None,
        "agency_answers": answers,
        "agencies_answered": pack.answer_counts.get("answered", 0),
        "agencies_answered_late": pack.answer_counts.get("late", 0),
        "agencies_closed_unanswered": pack.answer_counts.get("closed_unanswered", 0),
        "decision": {
            "outcomes": d.outcomes,
            "threshold_level": d.threshold_level,
            "rationale": "" if getattr(d, "held", True) else d.rationale,  # unmarked counts as held
            "next_steps": "" if getattr(d, "held", True) else d.next_steps,
            "decided_at": d.decided_at,
            "sensitivity": d.sensitivity,
            "held": getattr(d, "held", True),
            "children": [
                {"person_id": c["person_id"], "outcomes": c["outcomes"], "threshold_level": c["threshold_level"]}
                for c in pack.decision_children
            ],
        }
        if d
        else None,
        "case_notes": [note_out(n) for n in pack.notes],
        "strategy_discussions": [discussion_out(x) for x in pack.discussions],
        "allocations": [allocation_out(a) for a in pack.allocations],
    }


def _hub_read(request):
    """Case notes and strategy discussions are read by the hub (others read them in a MASH pack): anyone else
    gets the same 404 as for a missing contact."""
    if not can(request.actor, "casenote.view"):
        raise NotFound()


# --- operations ---------------------------------------------------------------------------------------------------


@router.get("/contacts/{contact_id}/case-notes", response=list[CaseNoteOut], summary="A contact's case notes")
def case_note_list(request, contact_id: UUID):
    _hub_read(request)
    return [note_out(n) for n in selectors.case_notes_for_contact(actor=request.actor, contact_id=contact_id)]


@router.post(
    "/contacts/{contact_id}/case-notes", response={201: CaseNoteOut}, summary="Add a case note (or a correction)"
)
def case_note_add(request, contact_id: UUID, payload: CaseNoteIn):
    note = services.case_note_add(actor=request.actor, contact_id=contact_id, **payload.dict())
    notes = selectors.case_notes_for_contact(actor=request.actor, contact_id=contact_id)
    return Status(201, note_out(next(n for n in notes if n.pk == note.pk)))


@router.get(
    "/contacts/{contact_id}/strategy-discussions",
    response=list[StrategyDiscussionOut],
    summary="A contact's strategy discussions",
)
def strategy_discussion_list(request, contact_id: UUID):
    _hub_read(request)
    found = selectors.strategy_discussions_for_contact(actor=request.actor, contact_id=contact_id)
    return [discussion_out(d) for d in found]


@router.post(
    "/contacts/{contact_id}/strategy-discussions",
    response={201: StrategyDiscussionOut},
    summary="Record a strategy discussion",
)
def strategy_discussion_record(request, contact_id: UUID, payload: StrategyDiscussionIn):
    data = payload.dict()
    discussion = services.strategy_discussion_record(actor=request.actor, contact_id=contact_id, **data)
    found = selectors.strategy_discussions_for_contact(actor=request.actor, contact_id=contact_id)
    return Status(201, discussion_out(next(d for d in found if d.pk == discussion.pk)))


class MashPackPageOut(PageOut):
    """One page of the MASH packs handed to the caller, newest first (to_allocate: waiting for a worker, immediate
    risk first, then oldest first)."""

    items: list[MashPackSummaryOut]


class PackListQuery(PageQuery):
    """to_allocate=true (MASH managers only, otherwise 403): the packs whose children wait for a social worker."""

    to_allocate: bool = False


@router.get(
    "/mash-packs",
    response=MashPackPageOut,
    summary="MASH packs handed to you, newest first (waiting for a worker: oldest first), paged",
)
def mash_pack_list(request, q: Query[PackListQuery]):
    size = q.page_size
    found = selectors.mash_pack_page(
        actor=request.actor, offset=(q.page - 1) * size, limit=size, to_allocate=q.to_allocate
    )
    items = [
        {
            "contact_id": c.id,
            "reference": c.reference,
            "status": c.status,
            "received_at": c.received_at,
            "subjects": [_person(request.actor, cp) for cp in c.subject_links],
        }
        for c in found.packs
    ]
    page = Page(
        items=items, count=found.total, number=q.page, page_size=size, num_pages=max(1, -(-found.total // size))
    )
    return page_out(page, items)


@router.get("/mash-packs/{contact_id}", response=MashPackOut, summary="A MASH pack: everything handed over")
def mash_pack_detail(request, contact_id: UUID):
    return pack_out(selectors.mash_pack_get(actor=request.actor, contact_id=contact_id))


@router.post(
    "/contacts/{contact_id}/allocations",
    response={201: list[AllocationOut]},
    summary="Allocate children of one contact (siblings) to one social worker",
)
def allocations_assign(request, contact_id: UUID, payload: AllocateTogetherIn):
    allocations = services.allocations_assign_together(
        actor=request.actor,
        contact_id=contact_id,
        person_ids=payload.person_ids,
        worker_membership_id=payload.worker_membership_id,
    )
    return Status(201, [allocation_out(a) for a in allocations])


@router.post("/allocations/{allocation_id}/close", response=AllocationOut, summary="Close an allocation")
def allocation_close(request, allocation_id: UUID, payload: AllocationCloseIn):
    return allocation_out(
        services.allocation_close(
            actor=request.actor, allocation_id=allocation_id, reason=payload.reason, sensitivity=payload.sensitivity
        )
    )


@router.post(
    "/contacts/{contact_id}/acknowledgement",
    response=RoutedContactReceiptOut,
    summary="Acknowledge a contact passed to you as the allocated worker (it is then yours, not the queue's)",
)
def routed_contact_acknowledge(request, contact_id: UUID):
    """The allocated worker it was passed to only; anyone else (and a contact not passed to the caller, or whose
    allocation has closed) gets 404 as for a missing contact, a role that never receives contacts 403. Acknowledging
    twice answers with the first acknowledgement."""
    receipt = services.routed_contact_acknowledge(actor=request.actor, contact_id=contact_id)
    return {
        "contact_id": receipt.contact_id,
        "worker": str(receipt.worker),
        "acknowledged_at": receipt.acknowledged_at,
    }

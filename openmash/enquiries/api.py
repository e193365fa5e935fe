"""MASH enquiries API: list, detail, RAG, agency requests, the agency inbox, responses (and amendments),
decisions (per child), the early help service's inbox."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from openmash.access.fields import agency_request_urgency, answer_shown, early_help_case_details, field_access
from openmash.access.policy import early_help_people_allowed, early_help_people_until
from openmash.access.sharing import (
    decision_text_held,
    items_text,
    rag_change_reason_held,
    request_question_held,
    sealed_roles,
)
from openmash.contacts.api import AssignmentIn, AssignmentOut, HolderOut, WorkFilterQuery, assignment_change, holder_out
from openmash.core.api_paging import DB_INT_MAX, PageOut, PageQuery, page_out
from openmash.core.text import CleanSchema
from openmash.enquiries import selectors, services
from openmash.enquiries.selectors import request_people
from openmash.enquiries.timescales import due_outside_hub_hours, hub_calendar
from openmash.sharing.api import ItemIn, ItemOut
from openmash.sharing.selectors import answer_items, items_for_requests

router = Router(tags=["enquiries"])


class SubjectOut(Schema):
    person_id: UUID
    forename: str
    surname: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    sex: str


class EnquirySummaryOut(Schema):
    id: UUID
    contact_id: UUID
    reference: str
    status: str
    rag: str
    due_at: dt.datetime
    overdue: bool
    due_outside_hub_hours: bool = Field(
        description="Open and due when the hub is closed: hand over to the Emergency Duty Team / police now "
        "(enquiries.timescales; for immediate risk the enquiry is due by the clock)"
    )
    subjects: list[SubjectOut]
    requests_total: int
    requests_open: int
    requests_answered: int = Field(description="agencies that answered")
    requests_closed_unanswered: int = Field(
        description="requests still unanswered when the MASH decided: closed, never counted as answered"
    )


class ResponseRevisionOut(Schema):
    """A replaced version of an answer (kept when the agency amends it)."""

    version: int
    recorded_at: dt.datetime
    replaced_at: dt.datetime
    no_information: bool
    summary: str
    risk_indicators: list[str]
    relevant_dates: str
    sensitivity: str


class ResponseOut(Schema):
    """An agency's answer. `late`: sent after the decision (late information). `version` > 1 and `amended_at`:
    the agency changed it; `previous_versions` holds what it said before, newest first. `summary`: the text of the
    request's items shown whole and shared into the hub (the request's `items`), joined by blank lines (kept for
    clients written before items)."""

    responded_at: dt.datetime
    no_information: bool
    summary: str
    risk_indicators: list[str]
    relevant_dates: str
    sensitivity: str
    late: bool = False
    version: int = 1
    amended_at: dt.datetime | None = None
    amendment_reason: str = ""
    previous_versions: list[ResponseRevisionOut] = []
    free_text_held: bool = Field(
        False,
        description="the answer's free text (relevant_dates, amendment_reason, previous_versions) is held from "
        "this reader: it carries the highest sensitivity of the answer's items, and that is sealed (ADR 0013)",
    )


class AgencyRequestOut(Schema):
    id: UUID
    agency_code: str
    agency_name: str
    status: str
    requested_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    escalated: bool
    question: str = Field(description='"" when question_held')
    question_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    question_held: bool = Field(
        False,
        description="the question's sensitivity keeps it from this reader (access.sharing.request_question_held): "
        "only that a question was asked, when and of whom is given",
    )
    response: ResponseOut | None
    items: list[ItemOut] = Field(
        default_factory=list,
        description="the agency's contributed items as you may see them (access.sharing.item_shown: the secure room)",
    )


class RagChangeOut(Schema):
    """A rating or re-rating. reason_held: its reason's sensitivity keeps it from this reader
    (access.sharing.rag_change_reason_held): then reason is ""."""

    from_rag: str
    to_rag: str
    reason: str
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    reason_held: bool = False
    changed_at: dt.datetime
    due_at: dt.datetime


class DecisionChildOut(Schema):
    person_id: UUID
    outcomes: list[str]
    threshold_level: int


class DecisionOut(Schema):
    """The decision. `outcomes` is every outcome of any child; `children` says which applies to whom.
    `exceptions` lists the unusual combinations the manager confirmed with `exception_reason`."""

    outcomes: list[str]
    threshold_level: int
    rationale: str
    next_steps: str
    decided_at: dt.datetime
    exceptions: list[str] = []
    exception_reason: str = ""
    children: list[DecisionChildOut] = []
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    held: bool = Field(
        False,
        description="true when the decision's sensitivity keeps its texts from the reader "
        "(access.sharing.decision_text_held): rationale, next_steps and exception_reason are then empty",
    )


class AddedContactOut(Schema):
    """A contact added to this enquiry at screening instead of starting parallel work (issue 6); the enquiry's
    decision decides it too. `received_at` is UTC."""

    id: UUID
    reference: str
    recording_agency: str
    received_at: dt.datetime
    concern_codes: list[str]


class EnquiryOut(EnquirySummaryOut):
    """An enquiry with its requests, answers and decision. `fields`: the parts the reader sees, the one answer
    access.fields.field_access (field_table "enquiry"); a part not listed is empty."""

    fields: list[str] = []
    version: int
    narrative: str
    concern_codes: list[str]
    added_contacts: list[AddedContactOut]
    agency_requests: list[AgencyRequestOut]
    rag_history: list[RagChangeOut]
    decision: DecisionOut | None


class RagIn(CleanSchema):
    """A re-rating with its reason. sensitivity: the reason's, standard (default), sensitive or sealed (a sealed
    reason is read by the partnership's sealed roles and its writer only: access.sharing.rag_change_reason_held);
    anything else 422."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"reason"})
    rag: str = Field(max_length=20)
    reason: str
    version: int = Field(ge=1, le=DB_INT_MAX)
    sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


class AgencyRequestsIn(CleanSchema):
    """Agencies to ask. `question` goes to all of them; `questions` (agency code -> text) gives one agency its own
    question. Blank: the default question (enquiries.choices.DEFAULT_REQUEST_QUESTION). `question_sensitivity`:
    standard (default), sensitive or sealed, for every question sent (a sealed question is read by the partnership's
    sealed roles and the asker only, not the agency asked: access.sharing.request_question_held); anything else 422."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"question", "questions"})
    agency_codes: list[str] = Field(max_length=20)
    question: str = ""
    questions: dict[str, str] = Field(default_factory=dict)
    question_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"


class ResponseIn(CleanSchema):
    """An answer. `items`: what the agency holds, item by item, each with its sharing decision (the secure room:
    sharing.api ItemIn). A plain `summary` is still accepted and becomes one item shared into the hub (standard;
    'sensitive' or 'restricted' make it a sensitive item), with no recorded lawful basis; none leaves the hub until
    the agency releases it. Items can also be added before or after answering: POST /agency-requests/{id}/items."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"summary"})
    no_information: bool = False
    summary: str = ""
    items: list[ItemIn] = Field(default_factory=list, max_length=50)
    risk_indicators: list[str] = Field(default_factory=list, max_length=20)
    relevant_dates: str = Field("", max_length=500)
    sensitivity: Literal["standard", "sensitive", "restricted"] = "standard"


class ResponseAmendIn(ResponseIn):
    """The whole amended answer, the answer's `version` as read (409 if someone changed it since) and why."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"summary", "reason"})
    version: int = Field(ge=1, le=DB_INT_MAX)
    reason: str


class DecisionChildIn(CleanSchema):
    """One child's decision where it differs: omitted outcomes/threshold fall back to the decision's."""

    person_id: UUID
    outcomes: list[str] = Field(default_factory=list, max_length=10)
    threshold_level: int | None = Field(None, ge=0, le=32767)


class DecisionIn(CleanSchema):
    """The manager's decision. Outcomes apply to every child unless `children` gives a child its own.
    'No further action' cannot be combined with another outcome; an outcome outside its usual threshold levels,
    or a decision with no agency asked, needs `exception_reason` (422 on that field otherwise). Deciding while an
    agency asked has not answered needs `unanswered_confirmed: true` (422 on that field, naming the agencies)."""

    multiline_fields: ClassVar[frozenset[str]] = frozenset({"rationale", "next_steps", "exception_reason"})

    outcomes: list[str] = Field(max_length=10)
    threshold_level: int = Field(ge=0, le=32767)
    rationale: str
    next_steps: str = ""
    exception_reason: str = ""
    children: list[DecisionChildIn] = Field(default_factory=list, max_length=20)
    unanswered_confirmed: bool = False
    sensitivity: Literal["standard", "sensitive", "sealed"] = Field(
        "standard",
        description="the level of the rationale, next steps and exception reason: a sealed one is read by the "
        "partnership's sealed roles and its writer only (access.sharing.decision_text_held); anything else 422",
    )


class InboxSubjectOut(Schema):
    """Minimum identifying details (docs/security/access-and-audit.md): what an agency needs to search its own
    records. `role` is "child" or "adult" only (never what the referrer alleged about an adult). Which details are
    given is access.fields.person_details_for (field_table "person"): a detail not given is empty ("" or null)."""

    forename: str = ""
    surname: str = ""
    date_of_birth: dt.date | None = None
    expected_date_of_birth: dt.date | None = None
    sex: str = ""
    postcode: str = ""
    nhs_number: str = ""
    role: str = "child"


class InboxItemOut(Schema):
    """One information request to the caller's agency. `subjects` and `household` carry the minimum identifying
    details while the request is open and until `people_until` (UTC; the partnership's agency_access_days after
    it was answered or closed; null while open); after that they are empty. `rag` and `immediate_risk` say how
    urgent it is (access.fields.agency_request_urgency), never why."""

    id: UUID
    reference: str
    status: str
    rag: str
    immediate_risk: bool = False
    requested_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    question: str = Field(description='"" when question_held')
    question_sensitivity: Literal["standard", "sensitive", "sealed"] = "standard"
    question_held: bool = Field(
        False,
        description="the question's sensitivity keeps it from this reader (access.sharing.request_question_held): "
        "the agency asked answers what it knows",
    )
    subjects: list[InboxSubjectOut]
    household: list[InboxSubjectOut] = []
    people_until: dt.datetime | None = None
    response: ResponseOut | None
    items: list[ItemOut] = Field(
        default_factory=list, description="your agency's contributed items: drafts, shared, refused, released"
    )


class EarlyHelpCaseOut(Schema):
    """Why the family was handed over (practitioner review, fault 10): CIN concern codes, the recording agency,
    the consent position (codes), the MASH's rationale and next steps, and the decision's threshold level (null
    after a screening). Never the narrative, a referrer's name or other agencies' answers. `fields`: the names the
    reader is shown (access.fields.early_help_case_details, field_table "early_help_request"); any other key is
    empty ("", [], null, false)."""

    fields: list[str] = Field(default_factory=list)
    concern_codes: list[str] = Field(default_factory=list)
    referrer_agency: str = ""
    consent: str = ""
    consent_not_sought_reason: str = ""
    family_aware: str = ""
    rationale: str = ""
    next_steps: str = ""
    threshold_level: int | None = None
    partial: bool = Field(
        False,
        description="true when the hand-over is for only some of the contact's children: the contact-level concerns, "
        "rationale and next steps (which may be about the other children) are then empty; ask the MASH",
    )
    texts_held: bool = Field(
        False,
        description="true when the MASH recorded the rationale and next steps at a level the service does not read "
        "(access.sharing.decision_text_held / screening_text_held: the early help service reads standard ones); "
        "both are then empty",
    )
    sensitivity: str = Field("", description="that level, when texts_held")


class EarlyHelpRequestOut(Schema):
    """A hand-over to the early help service, with the children's and household adults' minimum details."""

    id: UUID
    reference: str
    source: str
    status: str
    requested_at: dt.datetime
    acknowledged_at: dt.datetime | None
    version: int
    people_shown: bool = Field(
        description="false once the service's sight of the people has ended (children and household are then empty)"
    )
    people_until: dt.datetime | None = Field(
        description="when the service stops seeing the people here (UTC): the partnership's agency_access_days after "
        "acknowledgement; null while the hand-over waits"
    )
    children: list[InboxSubjectOut]
    household: list[InboxSubjectOut]
    case: EarlyHelpCaseOut | None = Field(
        None, description="what the early help service needs (access.fields.early_help_case_details); null for others"
    )


class AcknowledgeIn(CleanSchema):
    version: int


class EnquiryListQuery(WorkFilterQuery):
    """`status` open (default: immediate risk, then the most urgent RAG, then soonest due), decided (newest
    decision first) or "" (both); `rag` a RAG code; the other filters as the screening queue's."""

    status: Literal["open", "decided", ""] = "open"
    rag: str = Field("", max_length=20)


class EnquiryListItemOut(EnquirySummaryOut):
    immediate_risk: bool
    assigned_to: HolderOut | None
    decided_at: dt.datetime | None


class EnquiryPageOut(PageOut):
    """One page of MASH enquiries."""

    items: list[EnquiryListItemOut]


class InboxPageOut(PageOut):
    """One page of an agency's inbox: open requests immediate risk first, then the most urgent RAG rating, then
    soonest due; answered ones newest answer first; closed ones newest closing first."""

    items: list[InboxItemOut]


class EarlyHelpPageOut(PageOut):
    """One page of the early help service's hand-overs."""

    items: list[EarlyHelpRequestOut]


class EarlyHelpQuery(PageQuery):
    """`status`: "open" (waiting) or "acknowledged"; empty for both. `order`: "oldest" (the default whenever waiting
    hand-overs are listed, "open" and both: the family waiting longest first, and with both the waiting ones before
    the acknowledged) or "newest" (the default for "acknowledged")."""

    status: Literal["open", "acknowledged", ""] = ""
    order: Literal["oldest", "newest", ""] = ""


class InboxQuery(PageQuery):
    status: Literal["open", "responded", "closed", ""] = ""
    overdue: bool = False


def _subjects(enquiry):
    return [
        {
            "person_id": cp.person_id,
            "forename": cp.person.forename,
            "surname": cp.person.surname,
            "date_of_birth": cp.person.date_of_birth,
            "expected_date_of_birth": cp.person.expected_date_of_birth,
            "sex": cp.person.sex,
        }
        for cp in enquiry.contact.subject_links
    ]


def _response(answer: dict | None, shown: list) -> dict | None:
    """An answer as access.fields.answer_shown renders it for the reader, its summary from the items `shown` (the
    request's items as the reader may see them: access.sharing.items_text)."""
    if answer is None:
        return None
    out = {k: v for k, v in answer.items() if k not in ("fields", "sensitivity_label")}
    return {**out, "summary": items_text(shown) if "summary" in answer["fields"] else ""}


def _answer(r, actor, items: list, roles=None) -> dict:
    """A request's answer and items as `actor` may see them: the one answer access.fields.field_access (record type
    "agency_answer") says which parts, access.sharing.item_shown renders each item (the secure room)."""
    access = field_access(actor, r, record_type="agency_answer")
    shown = answer_items(actor, r, items, roles=roles) if "items" in access else []
    resp = getattr(r, "response", None) if r.status == "responded" else None
    return {"response": _response(answer_shown(access, resp), shown), "items": shown}


def _summary(e, now, calendar=None):
    return {
        "id": e.id,
        "contact_id": e.contact_id,
        "reference": e.contact.reference,
        "status": e.status,
        "rag": e.rag,
        "due_at": e.due_at,
        "overdue": e.status == "open" and e.due_at < now,
        "due_outside_hub_hours": e.status == "open" and due_outside_hub_hours(e.due_at, calendar),
        "subjects": _subjects(e),
    }


@router.get(
    "/enquiries",
    response=EnquiryPageOut,
    summary="MASH enquiries: open ones immediate risk, then most urgent RAG, then soonest due; paged, filtered",
)
def enquiry_list(request, q: Query[EnquiryListQuery]):
    now = timezone.now()
    page = selectors.enquiry_list(
        actor=request.actor, status=q.status, rag=q.rag, page=q.page, page_size=q.page_size, clamp=False, **q.filters()
    )
    calendar = hub_calendar() if any(e.status == "open" for e in page) else None
    items = [
        {
            **_summary(e, now, calendar),
            "requests_total": e.requests_total,
            "requests_open": e.requests_open,
            "requests_answered": e.requests_answered,
            "requests_closed_unanswered": e.requests_closed,
            "immediate_risk": e.contact.immediate_risk,
            "assigned_to": holder_out(e),
            "decided_at": e.decision.decided_at if e.status == "decided" and hasattr(e, "decision") else None,
        }
        for e in page
    ]
    return page_out(page, items)


@router.post(
    "/enquiries/{enquiry_id}/assignment",
    response=AssignmentOut,
    summary="Take an open enquiry, or (a manager) assign it to a hub member",
)
def enquiry_assignment(request, enquiry_id: UUID, payload: AssignmentIn):
    return assignment_change(request, kind="enquiry", pk=enquiry_id, payload=payload)


def enquiry_out(e, actor) -> dict:
    now = timezone.now()
    reqs = list(e.agency_requests.all())
    items = items_for_requests(reqs)
    roles = sealed_roles() if any(items.values()) else None
    d = getattr(e, "decision", None) if e.status == "decided" else None
    f = field_access(actor, e, record_type="enquiry").fields
    if "decision" not in f:
        d = None
    d_held = d is not None and decision_text_held(actor, d)  # access.sharing: its texts as the reader may read them
    out = {
        **_summary(e, now),
        "fields": sorted(f),
        "requests_total": len(reqs),
        "requests_open": sum(r.status == "open" for r in reqs),
        "requests_answered": sum(r.status == "responded" for r in reqs),
        "requests_closed_unanswered": sum(r.status == "closed" for r in reqs),
        "version": e.version,
        "narrative": e.contact.narrative if "narrative" in f else "",
        "concern_codes": e.contact.concern_codes if "concern_codes" in f else [],
        "added_contacts": [
            {
                "id": sc.contact.id,
                "reference": sc.contact.reference,
                "recording_agency": sc.contact.recording_agency.name,
                "received_at": sc.contact.received_at,
                "concern_codes": sc.contact.concern_codes,
            }
            for sc in e.added_screenings.select_related("contact__recording_agency").order_by("screened_at")
        ]
        if "added_contacts" in f
        else [],
        "agency_requests": [
            {
                "id": r.id,
                "agency_code": r.agency.code,
                "agency_name": r.agency.name,
                "status": r.status,
                "requested_at": r.requested_at,
                "due_at": r.due_at,
                "overdue": r.status == "open" and r.due_at < now,
                "escalated": r.escalated_at is not None,
                **_question(actor, r, shown="requests" in f),
                **_answer(r, actor, items[r.pk], roles),
            }
            for r in reqs
        ]
        if "agency_answers" in f
        else [],
        "rag_history": [
            {
                "from_rag": c.from_rag,
                "to_rag": c.to_rag,
                "reason": "" if rag_change_reason_held(actor, c) else c.reason,
                "sensitivity": c.sensitivity,
                "reason_held": rag_change_reason_held(actor, c),
                "changed_at": c.changed_at,
                "due_at": c.due_at,
            }
            for c in e.rag_changes.all()
        ]
        if "rag_history" in f
        else [],
        "decision": {
            "outcomes": d.outcomes,
            "threshold_level": d.threshold_level,
            "rationale": "" if d_held else d.rationale,
            "next_steps": "" if d_held else d.next_steps,
            "decided_at": d.decided_at,
            "sensitivity": d.sensitivity,
            "held": d_held,
            "exceptions": d.exceptions if "exceptions" in f else [],
            "exception_reason": d.exception_reason if "exception_reason" in f and not d_held else "",
            "children": [
                {"person_id": c.person_id, "outcomes": c.outcomes, "threshold_level": c.threshold_level}
                for c in d.children.all()
            ],
        }
        if d
        else None,
    }
    return out


@router.get("/enquiries/{enquiry_id}", response=EnquiryOut, summary="A MASH enquiry with requests and responses")
def enquiry_detail(request, enquiry_id: UUID):
    return enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id), request.actor)


@router.post("/enquiries/{enquiry_id}/rag", response=EnquiryOut, summary="Re-rate an enquiry (reason required)")
def enquiry_rag(request, enquiry_id: UUID, payload: RagIn):
    services.enquiry_rerate(
        actor=request.actor,
        enquiry_id=enquiry_id,
        rag=payload.rag,
        reason=payload.reason,
        version=payload.version,
        sensitivity=payload.sensitivity,
    )
    out = enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id), request.actor)
    # the version this edit made (the service changed it only from payload.version): read back after the commit, a
    # concurrent edit may already have moved it on, and two callers would be told the same version
    out["version"] = payload.version + 1
    return out


@router.post(
    "/enquiries/{enquiry_id}/agency-requests", response={201: EnquiryOut}, summary="Ask partner agencies what they know"
)
def enquiry_requests(request, enquiry_id: UUID, payload: AgencyRequestsIn):
    services.agency_requests_create(
        actor=request.actor,
        enquiry_id=enquiry_id,
        agency_codes=payload.agency_codes,
        question=payload.question,
        questions=payload.questions,
        question_sensitivity=payload.question_sensitivity,
    )
    return Status(201, enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id), request.actor))


@router.post("/enquiries/{enquiry_id}/decision", response={201: EnquiryOut}, summary="Record the manager's decision")
def enquiry_decision(request, enquiry_id: UUID, payload: DecisionIn):
    services.enquiry_decide(
        actor=request.actor,
        enquiry_id=enquiry_id,
        outcomes=payload.outcomes,
        threshold_level=payload.threshold_level,
        rationale=payload.rationale,
        next_steps=payload.next_steps,
        exception_reason=payload.exception_reason,
        children=[c.dict() for c in payload.children] or None,
        unanswered_confirmed=payload.unanswered_confirmed,
        sensitivity=payload.sensitivity,
    )
    return Status(201, enquiry_out(selectors.enquiry_get(actor=request.actor, enquiry_id=enquiry_id), request.actor))


def _people_out(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "person_id"} for row in rows]


def _question(actor, r, *, shown: bool = True) -> dict:
    """An information request's question as this reader may read it: its level, whether it is held from them
    (access.sharing.request_question_held) and its text ("" when held or not `shown`)."""
    held = request_question_held(actor, r)
    return {
        "question": r.question if shown and not held else "",
        "question_sensitivity": r.question_sensitivity,
        "question_held": held,
    }


def inbox_item(actor, r, now, items: list | None = None, roles=None) -> dict:
    # The minimum identifying details, decided by access.fields (the same answer as the web inbox).
    people = request_people(actor, r.enquiry.contact, request=r)
    urgency = agency_request_urgency(actor, r)
    return {
        "id": r.id,
        "reference": r.enquiry.contact.reference,
        "status": r.status,
        "rag": urgency.get("rag", ""),
        "immediate_risk": urgency.get("immediate_risk", False),
        "requested_at": r.requested_at,
        "due_at": r.due_at,
        "overdue": r.status == "open" and r.due_at < now,
        **_question(actor, r),
        "subjects": _people_out([p for p in people if p["role"] == "child"]),
        "household": _people_out([p for p in people if p["role"] == "adult"]),
        "people_until": getattr(r, "people_until", None),
        **_answer(r, actor, items if items is not None else items_for_requests([r])[r.pk], roles),
    }


@router.get("/agency-requests", response=InboxPageOut, summary="Your agency's inbox of information requests, paged")
def agency_inbox(request, q: Query[InboxQuery]):
    now = timezone.now()
    page = selectors.agency_inbox(
        actor=request.actor, status=q.status, overdue_only=q.overdue, page=q.page, page_size=q.page_size, clamp=False
    )
    items = items_for_requests(list(page))
    roles = sealed_roles() if any(items.values()) else None
    return page_out(page, [inbox_item(request.actor, r, now, items[r.pk], roles) for r in page])


@router.post(
    "/agency-requests/{request_id}/response",
    response={201: InboxItemOut},
    summary="Answer an information request (or say no information is held)",
)
def agency_respond(request, request_id: UUID, payload: ResponseIn):
    services.agency_response_record(actor=request.actor, request_id=request_id, **payload.dict())
    r = selectors.agency_request_get(actor=request.actor, request_id=request_id)
    return Status(201, inbox_item(request.actor, r, timezone.now()))


@router.post(
    "/agency-requests/{request_id}/response/amendments",
    response={201: InboxItemOut},
    summary="Amend your agency's answer (the previous version is kept; 409 if someone changed it since)",
)
def agency_response_amend(request, request_id: UUID, payload: ResponseAmendIn):
    services.agency_response_amend(actor=request.actor, request_id=request_id, **payload.dict())
    r = selectors.agency_request_get(actor=request.actor, request_id=request_id)
    return Status(201, inbox_item(request.actor, r, timezone.now()))


def _case_out(case: dict) -> dict | None:
    """early_help_case_details for the API (its `fields` as a sorted list); None when the reader is shown nothing."""
    return {**case, "fields": sorted(case["fields"])} if case else None


def early_help_item(actor, eh) -> dict:
    people = selectors.early_help_people(actor, eh)
    return {
        "id": eh.id,
        "reference": eh.contact.reference,
        "source": eh.source,
        "status": eh.status,
        "requested_at": eh.requested_at,
        "acknowledged_at": eh.acknowledged_at,
        "version": eh.version,
        "people_shown": early_help_people_allowed(actor, eh),
        "people_until": early_help_people_until(eh),
        "children": _people_out([p for p in people if p["role"] == "child"]),
        "household": _people_out([p for p in people if p["role"] == "adult"]),
        "case": _case_out(early_help_case_details(actor, eh)),
    }


@router.get(
    "/early-help-requests",
    response=EarlyHelpPageOut,
    summary="The early help service's inbox of hand-overs from the MASH, paged",
)
def early_help_inbox(request, q: Query[EarlyHelpQuery]):
    page = selectors.early_help_inbox_page(
        actor=request.actor, status=q.status, order=q.order, page=q.page, page_size=q.page_size, clamp=False
    )
    return page_out(page, [early_help_item(request.actor, eh) for eh in page])


@router.post(
    "/early-help-requests/{request_id}/acknowledgement",
    response={201: EarlyHelpRequestOut},
    summary="Acknowledge a hand-over (409 if already acknowledged)",
)
def early_help_acknowledge(request, request_id: UUID, payload: AcknowledgeIn):
    services.early_help_request_acknowledge(actor=request.actor, request_id=request_id, version=payload.version)
    eh = selectors.early_help_request_get(actor=request.actor, request_id=request_id)
    return Status(201, early_help_item(request.actor, eh))
